/**
 * A local run deletes only what it made. Each case recreates a way runs once deleted other files, in
 * a throwaway copy of a project in a temporary folder, and proves nothing outside the run's own
 * folders changed: every file's path, size and modification time, in the copy and next to it.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { copyFileSync, lstatSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadStackConfig } from "../../config/load";
import { parseStartArgs } from "../../tools/cli/args";
import { createRunDir, finishRunDir, prepareRunRoot, pruneOldRuns, removeRunDir } from "../../tools/runner/run-dirs";
import { ROOT } from "../cli/run-cli";
import { tempDir } from "../support/temp-dirs";

/** Every path under `dir` with its type, size and mtime (links not followed). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      out.set(p, `${st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : "f"} ${st.isDirectory() ? "" : st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** A throwaway project: Pulumi.yaml and the dev stack of this repository, source files, a node_modules, stack files named `Pulumi...yaml` and `Pulumi....yaml`. */
function throwawayProject(): { outer: string; project: string } {
  const outer = tempDir("no-harm-");
  // A neighbour of the project: must survive whatever the run does.
  writeFileSync(join(outer, "neighbour.txt"), "keep me\n");
  const project = join(outer, "project");
  mkdirSync(join(project, "src"), { recursive: true });
  mkdirSync(join(project, "node_modules", "pkg"), { recursive: true });
  for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml"]) copyFileSync(join(ROOT, f), join(project, f));
  // `--stack ..` reads Pulumi....yaml, `--stack .` reads Pulumi...yaml: both exist, so only the name rule stops them.
  copyFileSync(join(ROOT, "Pulumi.dev.yaml"), join(project, "Pulumi....yaml"));
  copyFileSync(join(ROOT, "Pulumi.dev.yaml"), join(project, "Pulumi...yaml"));
  writeFileSync(join(project, "README.md"), "# my project\n");
  writeFileSync(join(project, "src", "index.ts"), "export {};\n");
  writeFileSync(join(project, "node_modules", "pkg", "index.js"), "module.exports = 1;\n");
  // Files older than the run, so a prune by age would pick them first.
  for (const p of [join(project, "README.md"), join(project, "src"), join(project, "node_modules")])
    utimesSync(p, new Date(2020, 0, 1), new Date(2020, 0, 1));
  return { outer, project };
}

interface Result {
  code: number | null;
  stderr: string;
}

/** `npm start -- ARGS` as a user runs it in `cwd` (start.ts run directly), with `env` changes (undefined: unset). */
function start(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
  delete childEnv["LOCAL_S3_DIR"];
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", require.resolve("tsx/cjs"), join(ROOT, "tools", "cli", "start.ts"), ...args], {
      cwd,
      env: childEnv,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

const SMALL = ["--input", '{"number": 20, "chunk": 5}', "--json"];

describe("runner: a local run deletes only what it made", function () {
  this.timeout(60_000);

  it('`--stack ..` in a project holding a "Pulumi....yaml" is refused; nothing in or next to the project changes', async () => {
    const { outer } = throwawayProject();
    const before = snapshot(outer);
    const r = await start(join(outer, "project"), ["--stack", "..", ...SMALL]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--stack must be a stack name, not "\." or "\.\."/);
    assert.deepEqual(snapshot(outer), before);
  });

  it("`--stack .` is refused and the other stacks' run data stays", async () => {
    const { outer, project } = throwawayProject();
    const first = await start(project, ["--stack", "dev", ...SMALL]);
    assert.equal(first.code, 0, first.stderr);
    // Two more stacks' runs, older (as a run of each would have left them).
    for (const stack of ["staging", "prod"]) {
      const run = join(project, ".local-s3", stack, "local-20250101T000000-0000abcd");
      mkdirSync(join(run, "s3"), { recursive: true });
      writeFileSync(join(run, "s3", "result.json"), "{}");
      utimesSync(join(project, ".local-s3", stack), new Date(2025, 0, 1), new Date(2025, 0, 1));
    }
    const before = snapshot(outer);
    assert.ok(
      [...before.keys()].some((p) => p.includes(join(".local-s3", "dev", "local-"))),
      "the dev run's data exists",
    );
    const r = await start(project, ["--stack", ".", ...SMALL]);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(snapshot(outer), before);
  });

  it("LOCAL_S3_DIR naming a folder with other files in it is refused before anything is written", async () => {
    const { outer, project } = throwawayProject();
    const shared = join(outer, "shared");
    mkdirSync(join(shared, "photos"), { recursive: true });
    mkdirSync(join(shared, "dev", "old-notes"), { recursive: true });
    writeFileSync(join(shared, "photos", "a.jpg"), "jpg");
    writeFileSync(join(shared, "dev", "old-notes", "n.txt"), "notes");
    writeFileSync(join(shared, "todo.txt"), "todo");
    const before = snapshot(outer);
    const r = await start(project, SMALL, { LOCAL_S3_DIR: shared });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /LOCAL_S3_DIR \(.*shared\) holds files this tool did not create/);
    assert.deepEqual(snapshot(outer), before);
  });

  it("a new or empty LOCAL_S3_DIR is used, and runs there keep only their own data", async () => {
    const { outer, project } = throwawayProject();
    const data = join(outer, "runs");
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await start(project, SMALL, { LOCAL_S3_DIR: data }));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(readdirSync(join(data, "dev")).filter((n) => n.startsWith("local-")).length, 3, "the three newest runs are kept");
  });

  it("the stack name is checked wherever it becomes a file or folder name: flags and the config loader", () => {
    for (const stack of [".", "..", "a/b", "../x", ""]) {
      assert.throws(() => parseStartArgs(["--stack", stack]), /--stack must be a stack name/, stack);
      assert.throws(() => loadStackConfig({ stack, projectDir: ROOT }), /stack name/, stack);
    }
    assert.equal(parseStartArgs(["--stack", "prod.eu-1"]).stack, "prod.eu-1");
  });
});

describe("runner: pruning", () => {
  it("removes only marked run folders directly under the stack folder: never other files, links, or folders with a marker naming another folder", async () => {
    const root = tempDir("prune-");
    await prepareRunRoot(root, true, "LOCAL_S3_DIR");
    const stackDir = join(root, "dev");
    const names = [
      "local-20260101T000000-0000000a",
      "local-20260101T000001-0000000b",
      "local-20260101T000002-0000000c",
      "local-20260101T000003-0000000d",
    ];
    for (const n of names) {
      await createRunDir(stackDir, n);
      await finishRunDir(join(stackDir, n));
      const t = new Date(2026, 0, 1, 0, 0, names.indexOf(n));
      utimesSync(join(stackDir, n), t, t);
    }
    // Things that are not run folders of this tool, older than every run.
    const old = new Date(2000, 0, 1);
    mkdirSync(join(stackDir, "mine"));
    writeFileSync(join(stackDir, "mine", "f.txt"), "x");
    writeFileSync(join(stackDir, "notes.txt"), "x");
    mkdirSync(join(stackDir, "local-20000101T000000-00000000"));
    mkdirSync(join(stackDir, "local-20000101T000000-11111111"));
    // A copied marker names its own folder, not this one.
    copyFileSync(join(stackDir, names[0]!, ".sfn-local-run"), join(stackDir, "local-20000101T000000-11111111", ".sfn-local-run"));
    const outside = tempDir("prune-outside-");
    writeFileSync(join(outside, "precious.txt"), "x");
    symlinkSync(outside, join(stackDir, "local-20000101T000000-22222222"));
    for (const n of ["mine", "notes.txt", "local-20000101T000000-00000000", "local-20000101T000000-11111111"])
      utimesSync(join(stackDir, n), old, old);
    const outsideBefore = snapshot(outside);

    await pruneOldRuns(stackDir, 1);
    const left = readdirSync(stackDir).sort();
    assert.deepEqual(
      left,
      [
        ".sfn-local-stack",
        "local-20000101T000000-00000000",
        "local-20000101T000000-11111111",
        "local-20000101T000000-22222222",
        names[3]!,
        "mine",
        "notes.txt",
      ].sort(),
    );
    assert.deepEqual(snapshot(outside), outsideBefore);
    assert.equal(await removeRunDir(join(stackDir, "mine")), false);
    assert.equal(await removeRunDir(join(stackDir, "local-20000101T000000-11111111")), false);
  });

  it("a run marked in progress by a pid now used by another process is pruned", async () => {
    const root = tempDir("prune-pid-");
    await prepareRunRoot(root, true, "LOCAL_S3_DIR");
    const stackDir = join(root, "dev");
    const mine = "local-20260101T000000-0000000a";
    const stale = "local-20260101T000000-0000000b";
    await createRunDir(stackDir, mine);
    await createRunDir(stackDir, stale);
    // The same pid (alive: this process), but the marker says it was started at another time.
    writeFileSync(join(stackDir, stale, "IN_PROGRESS"), JSON.stringify({ pid: process.pid, start: "1" }));
    await pruneOldRuns(stackDir, 3);
    const left = readdirSync(stackDir).filter((n) => n.startsWith("local-"));
    if (process.platform === "linux") assert.deepEqual(left, [mine]);
    else assert.deepEqual(left.sort(), [mine, stale].sort()); // no process start times to compare: kept
  });
});
