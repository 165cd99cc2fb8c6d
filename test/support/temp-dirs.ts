/**
 * Temporary folders for tests, removed once every test has run: a run of `npm test` left about
 * fifteen behind in the system's temporary folder (project copies, S3 data folders, CLI outputs).
 * Loaded by .mocharc.js as a root hook plugin; a test file run alone with `--no-config` keeps its
 * folders, as before.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
