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

// The whole fast suite runs in three worker processes (MOCHA_JOBS=N changes it). Sized for a 2-core
// machine: many files spend their time waiting on the processes they start (npm, the CLIs, a browser),
// so one worker more than the cores keeps both busy (measured: 2:33 wall for npm test with 3 workers,
// 4:04 with 2, at load averages of 5 to 9 from other work). The files were checked for what two of them at once could share: ports are
// ephemeral, data goes to temporary folders, and each worker gets a TMPDIR of its own (made inside this
// run's folder, removed when the run ends; test/support/temp-dirs.ts).
const parallel = !named && !slowRun;

// This toolchain runs on Node 20 on purpose; the AWS SDK's notice that its 2027 releases need Node 22
// would print whenever a test file that makes its own client runs first in its process (which file
// does depends on how the files fall to the workers). A run's own clients have it off already
// (emulators/servers/run-env.ts); the notice is not any test's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
if (parallel && !process.env.SFN_TEST_RUN_TMPDIR) {
  const runDir = mkdtempSync(join(tmpdir(), "sfn-test-run-"));
  process.env.SFN_TEST_RUN_TMPDIR = runDir;
  process.once("exit", () => rmSync(runDir, { recursive: true, force: true }));
}

module.exports = {
  require: ["tsx/cjs", "test/support/temp-dirs.ts"],
  extension: ["ts"],
  ...(named ? {} : slowRun ? { spec: [...SLOW, "test/docs/docs.test.ts"] } : { spec: ["test/**/*.test.ts"], ignore: SLOW }),
  ...(parallel ? { parallel: true, jobs: Number(process.env.MOCHA_JOBS) || 3 } : {}),
  timeout: 20000,
  // One line per test file, with its counts and time (test/support/file-reporter.js).
  reporter: "./test/support/file-reporter.js",
};
