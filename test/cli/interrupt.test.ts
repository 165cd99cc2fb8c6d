/**
 * Ctrl-C during `npm start`: the execution stops (ABORTED), the embedded S3 stops, nothing of the run
 * is kept, and the process exits 130 promptly. A run killed outright (SIGKILL, no chance to clean up)
 * leaves its folder marked in progress, and the next run removes it.
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli } from "./run-cli";

/**
 * A long run (400,000 children: seconds even on a fast machine, so the signal always lands mid-run)
 * of start.ts, in its own process group as a terminal starts it.
 */
function startLongRun(dataDir: string): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "local", "cli", "start.ts"), "--input", '{"number": 2000000, "chunk": 5}'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, CI: "true", LOCAL_S3_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

function whenRunning(stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      // The first progress line is printed when the Map Run starts, before any child has finished.
      if (/\[Map Run MapData\] RUNNING/.test(stderr())) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > 60_000) {
        clearInterval(poll);
        reject(new Error(`the Map Run never started:\n${stderr()}`));
      }
    }, 20);
  });
}

describe("npm start interrupted", function () {
  this.timeout(120_000);

  it("Ctrl-C stops the execution and the server, keeps nothing and exits 130", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "interrupt-"));
    const run = startLongRun(dataDir);
    await whenRunning(run.stderr);
    const sentAt = Date.now();
    process.kill(-run.child.pid!, "SIGINT"); // the whole process group, as a terminal's Ctrl-C
    const code = await run.exited;
    assert.equal(code, 130, run.stderr());
    assert.ok(Date.now() - sentAt < 10_000, "exits promptly");
    assert.match(run.stderr(), /SIGINT: stopping the execution/);
    assert.match(run.stderr(), /nothing of this run was kept/);
    assert.deepEqual(readdirSync(join(dataDir, "dev")), [], "no run data left behind");
  });

  it("a run killed outright is removed by the next run", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "killed-"));
    const run = startLongRun(dataDir);
    await whenRunning(run.stderr);
    process.kill(-run.child.pid!, "SIGKILL");
    await run.exited;
    const [orphan] = readdirSync(join(dataDir, "dev"));
    assert.ok(orphan && existsSync(join(dataDir, "dev", orphan, "IN_PROGRESS")), "the killed run is marked in progress");

    const next = await runCli(["--input", '{"number": 100, "chunk": 5}', "--json"], { env: { LOCAL_S3_DIR: dataDir } });
    assert.equal(next.code, 0, next.stderr);
    const left = readdirSync(join(dataDir, "dev"));
    assert.equal(left.length, 1);
    assert.notEqual(left[0], orphan);
    assert.ok(!existsSync(join(dataDir, "dev", left[0]!, "IN_PROGRESS")), "a finished run is not marked");
  });
});
