/**
 * Ctrl-C during `npm start`: the execution stops (ABORTED), the embedded S3 stops, nothing of the run
 * is kept, and the process exits 130 promptly. A run killed outright (SIGKILL, no chance to clean up)
 * leaves its folder marked in progress, and the next run removes it.
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli } from "./run-cli";
import { alive, descendants } from "../support/processes";
import { tempDir } from "../support/temp-dirs";

/**
 * A long run (400,000 children: seconds even on a fast machine, so the signal always lands mid-run)
 * of start.ts, in its own process group as a terminal starts it.
 */
function startLongRun(
  dataDir: string,
  viaNpm = false,
  extraEnv: Record<string, string> = {},
): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const args = ["--input", '{"number": 2000000, "chunk": 5}'];
  const [command, commandArgs] = viaNpm
    ? ["npm", ["start", "--", ...args]]
    : [process.execPath, ["--import", "tsx", join(ROOT, "tools", "cli", "start.ts"), ...args]];
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, CI: "true", LOCAL_S3_DIR: dataDir, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

/** The run folders of the dev stack (the stack folder also holds this tool's marker). */
const runsIn = (dataDir: string): string[] => readdirSync(join(dataDir, "dev")).filter((n) => n.startsWith("local-"));

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
    const dataDir = tempDir("interrupt-");
    const run = startLongRun(dataDir);
    await whenRunning(run.stderr);
    const sentAt = Date.now();
    process.kill(-run.child.pid!, "SIGINT"); // the whole process group, as a terminal's Ctrl-C
    const code = await run.exited;
    assert.equal(code, 130, run.stderr());
    assert.ok(Date.now() - sentAt < 10_000, "exits promptly");
    assert.match(run.stderr(), /SIGINT: stopping the execution/);
    assert.match(run.stderr(), /nothing of this run was kept/);
    // The SDK's console warning for each upload the stop cut short says nothing the run does not.
    assert.doesNotMatch(run.stderr(), /non-retryable streaming request/);
    assert.deepEqual(runsIn(dataDir), [], "no run data left behind");
  });

  for (const [signal, expected] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    it(`${signal} to the npm process alone (as CI runners and containers send it) stops the run: exit ${expected}, no process or run data left`, async () => {
      const dataDir = tempDir("npm-signal-");
      // A temporary folder of its own, to see that the run leaves nothing there (the Map Run's
      // result spool, an embedded server's folder).
      const tmp = tempDir("npm-signal-tmp-");
      const run = startLongRun(dataDir, true, { TMPDIR: tmp });
      await whenRunning(run.stderr);
      const below = descendants(run.child.pid!);
      assert.ok(below.length > 0, "npm runs node as its child");
      const sentAt = Date.now();
      process.kill(run.child.pid!, signal); // npm only, not its process group
      const code = await run.exited;
      const tookMs = Date.now() - sentAt;
      assert.equal(code, expected, run.stderr());
      assert.ok(tookMs < 10_000, `exits promptly (took ${tookMs} ms)`);
      assert.match(run.stderr(), new RegExp(`${signal}: stopping the execution`));
      assert.doesNotMatch(run.stderr(), /winston|no transports/);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(below.filter(alive), [], "no process of the run is left");
      assert.deepEqual(runsIn(dataDir), [], "no run data left behind");
      assert.deepEqual(
        readdirSync(tmp).filter((f) => /^(map-run-results-|embedded-s3-)/.test(f)),
        [],
        "no temporary folder left behind",
      );
    });
  }

  it("runs started side by side keep the stack's three newest runs, no more", async () => {
    const dataDir = tempDir("concurrent-");
    const runs = await Promise.all(
      Array.from({ length: 5 }, () =>
        runCli(["--input", '{"number": 50, "chunk": 5}', "--json"], { direct: true, env: { LOCAL_S3_DIR: dataDir } }),
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(runsIn(dataDir).length, 3);
  });

  it("a run killed outright is removed by the next run", async () => {
    const dataDir = tempDir("killed-");
    const run = startLongRun(dataDir);
    await whenRunning(run.stderr);
    process.kill(-run.child.pid!, "SIGKILL");
    await run.exited;
    const [orphan] = runsIn(dataDir);
    assert.ok(orphan && existsSync(join(dataDir, "dev", orphan, "IN_PROGRESS")), "the killed run is marked in progress");

    const next = await runCli(["--input", '{"number": 100, "chunk": 5}', "--json"], { env: { LOCAL_S3_DIR: dataDir } });
    assert.equal(next.code, 0, next.stderr);
    const left = runsIn(dataDir);
    assert.equal(left.length, 1);
    assert.notEqual(left[0], orphan);
    assert.ok(!existsSync(join(dataDir, "dev", left[0]!, "IN_PROGRESS")), "a finished run is not marked");
  });
});
