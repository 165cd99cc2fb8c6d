/**
 * A mocha reporter with one line per test file: its counts and its time, so a long `npm test` shows
 * where it is and which file is slow, instead of rows of dots. Failures are then listed in full, as
 * mocha's own reporters list them (Base#epilogue), and the run ends on one plain line of counts:
 *
 *   mocha: 1348 passed, 0 failed, 1 skipped
 *
 *   ✓ test/engine/choice.test.ts  41 passed  0.4s
 *   ✗ test/s3/guard.test.ts  11 passed, 1 failed  2.1s
 *
 * Works in serial and in parallel mode. In parallel mode a worker sends a file's events only once
 * the file has finished, all at once, so the time printed there is the sum of the file's tests and
 * hooks (what the worker spent on it), not the time between the events. Plain JavaScript: mocha
 * loads reporters before any `require` (tsx) applies.
 */
"use strict";
const { relative } = require("node:path");
const Mocha = require("mocha");

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_HOOK_END, EVENT_SUITE_BEGIN } = Mocha.Runner.constants;
const color = (code, text) => (Mocha.reporters.Base.useColors ? `\u001b[${code}m${text}\u001b[0m` : text);

class FileReporter extends Mocha.reporters.Base {
  constructor(runner, options) {
    super(runner, options);
    /** The file whose events are arriving, and what it has counted so far. */
    let current;
    const startedAt = Date.now();
    let files = 0;

    const flush = () => {
      if (!current) return;
      const c = current;
      current = undefined;
      files++;
      const wall = (c.lastAt - c.firstAt) / 1000;
      const seconds = Math.max(wall, c.ranMs / 1000);
      const parts = [`${c.passed} passed`];
      if (c.failed) parts.push(`${c.failed} failed`);
      if (c.pending) parts.push(`${c.pending} pending`);
      const mark = c.failed ? color(31, "✗") : color(32, "✓");
      const time = seconds >= 5 ? color(33, `${seconds.toFixed(1)}s`) : `${seconds.toFixed(1)}s`;
      process.stdout.write(`  ${mark} ${c.name}  ${parts.join(", ")}  ${time}\n`);
    };
    const fileOf = (runnable) => {
      const file = runnable && (runnable.file || (runnable.parent && runnable.parent.file));
      return file ? relative(process.cwd(), file) : "(no file)";
    };
    const at = (runnable) => {
      const name = fileOf(runnable);
      if (!current || current.name !== name) {
        flush();
        current = { name, passed: 0, failed: 0, pending: 0, ranMs: 0, firstAt: Date.now(), lastAt: Date.now() };
      }
      current.lastAt = Date.now();
      return current;
    };

    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.file) at(suite);
    });
    runner.on(EVENT_TEST_PASS, (test) => {
      const c = at(test);
      c.passed++;
      c.ranMs += test.duration || 0;
    });
    runner.on(EVENT_TEST_FAIL, (test) => {
      const c = at(test);
      c.failed++;
      c.ranMs += test.duration || 0;
    });
    runner.on(EVENT_TEST_PENDING, (test) => {
      at(test).pending++;
    });
    runner.on(EVENT_HOOK_END, (hook) => {
      // Root hooks (the temporary-folder plugin's afterAll) belong to no file.
      if (fileOf(hook) !== "(no file)") at(hook).ranMs += hook.duration || 0;
    });
    runner.once(EVENT_RUN_END, () => {
      flush();
      process.stdout.write(`\n  ${files} files in ${((Date.now() - startedAt) / 1000).toFixed(1)}s\n`);
      this.epilogue();
      // The plain closing line a CI reads when it knows no mocha: counts alone on a line, in the
      // common 'N passed, N failed, N skipped' form (pending tests are mocha's skipped ones).
      const { passes, failures, pending } = this.stats;
      process.stdout.write(`mocha: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = FileReporter;
