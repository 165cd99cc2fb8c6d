/**
 * Temporary folders for tests, removed once every test has run: a run of `npm test` left about
 * fifteen behind in the system's temporary folder (project copies, S3 data folders, CLI outputs).
 * Loaded by .mocharc.js as a root hook plugin; a test file run alone with `--no-config` keeps its
 * folders, as before.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// In mocha's parallel mode (`npm test`) each worker process gets a temporary folder of its own as
// TMPDIR (os.tmpdir() reads it on every call, and the processes a test starts inherit it), so a test
// that counts what it left in the temporary folder counts only its own worker's, never another file's
// that runs at the same time. The folders are made inside the run's (.mocharc.js), which the main
// process removes when the run ends: the pool may end a worker before its own exit handlers run.
const workerId = process.env["MOCHA_WORKER_ID"];
const runDir = process.env["SFN_TEST_RUN_TMPDIR"];
if (workerId !== undefined && runDir && !process.env["SFN_TEST_WORKER_TMPDIR"]) {
  const own = mkdtempSync(join(runDir, `worker-${workerId}-`));
  process.env["TMPDIR"] = process.env["SFN_TEST_WORKER_TMPDIR"] = own;
  process.once("exit", () => rmSync(own, { recursive: true, force: true }));
}

const made: string[] = [];

/** A new folder under the system's temporary folder, its name starting with `prefix`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export const mochaHooks = {
  afterAll(): void {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
};
