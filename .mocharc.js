// mocha merges a config's `spec` with the files named on the command line, so `npx mocha
// test/x.test.ts` ran the whole suite. The suite's glob applies only when no test file is named.
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const named = process.argv.slice(2).some((a) => /\.test\.ts$/.test(a) || /^test\//.test(a));

/**
 * The slow files: `npm run test:slow` runs them (and `.ci/run` does), `npm test` does not. Each packs
 * the package (`npm pack` runs the build, which replaces dist/, so they must not run at the same time
 * as each other), drives a browser, or runs a campaign of hundreds of seeded runs or generated cases.
 * test/docs/docs.test.ts is in both: in the slow run it runs only the blocks marked `slow`.
 */
const SLOW = [
  "test/package/api-report.test.ts",
  "test/package/bin.test.ts",
  "test/package/template-project.test.ts",
  "test/package/public-asl-types.test.ts",
  "test/examples/own-workflow.test.ts",
  "test/engine/distributed/campaign.test.ts",
];
const slowRun = process.env.SFN_SLOW_TESTS === "1";

// The whole fast suite runs in two worker processes (`--jobs 2`: this is sized for a 2-core machine;
// MOCHA_JOBS=N changes it). The files were checked for what two of them at once could share: ports are
// ephemeral, data goes to temporary folders, and each worker gets a TMPDIR of its own (made inside this
// run's folder, removed when the run ends; test/support/temp-dirs.ts).
const parallel = !named && !slowRun;
if (parallel && !process.env.SFN_TEST_RUN_TMPDIR) {
  const runDir = mkdtempSync(join(tmpdir(), "sfn-test-run-"));
  process.env.SFN_TEST_RUN_TMPDIR = runDir;
  process.once("exit", () => rmSync(runDir, { recursive: true, force: true }));
}

module.exports = {
  require: ["tsx/cjs", "test/support/temp-dirs.ts"],
  extension: ["ts"],
  ...(named ? {} : slowRun ? { spec: [...SLOW, "test/docs/docs.test.ts"] } : { spec: ["test/**/*.test.ts"], ignore: SLOW }),
  ...(parallel ? { parallel: true, jobs: Number(process.env.MOCHA_JOBS) || 2 } : {}),
  timeout: 20000,
  // One line per test file, with its counts and time (test/support/file-reporter.js).
  reporter: "./test/support/file-reporter.js",
};
