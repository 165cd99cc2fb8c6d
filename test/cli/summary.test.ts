/**
 * The run summary as a person reads it: details first, the outcome block (status, items, wall time,
 * where the results are) last, and on a terminal every line within its width, wrapped at spaces.
 */
import { strict as assert } from "node:assert";
import { formatSummary } from "../../local/cli/summary";
import { paletteFor, stripAnsi } from "../../local/progress";
import { failedRun, manifest, seedRun } from "./fixtures/summaries";

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe("local/cli summary", () => {
  it("prints the outcome block last: status, items, wall time, where the results are", () => {
    const lines = formatSummary(seedRun, { cwd: "/repo" }).trimEnd().split("\n");
    assert.deepEqual(lines.slice(-5), [
      "Status        SUCCEEDED · exactly-once check PASSED",
      "Items         20,000 in 20,000 child executions",
      "Wall time     2.54 s (execution 2.08 s)",
      `Results       ${manifest}`,
      "              local copy in .local-s3/dev/local-20261207T072904-7cedc4ac/s3",
    ]);
    // The details (the bill among them) come before it.
    assert.ok(lines.findIndex((l) => l.startsWith("Estimated AWS bill")) < lines.findIndex((l) => l.startsWith("Status")));
  });

  it("a failure's status names the error and the state; the cause and why are above", () => {
    const text = formatSummary(failedRun);
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.at(-3), "Status        FAILED States.DataLimitExceeded at CaptureInput");
    assert.ok(lines.findIndex((l) => l.startsWith("Why")) < lines.length - 3);
  });

  for (const width of [80, 100, 120]) {
    it(`at ${width} columns every line fits, no word is split, and Status is within the last 24 lines`, () => {
      const text = formatSummary(seedRun, { width, cwd: "/repo" });
      const lines = text.trimEnd().split("\n");
      for (const line of lines) assert.ok(line.length < width, `${line.length} ≥ ${width}: ${line}`);
      // The words are the same as unwrapped, except where a URI longer than a line was broken after a "/" or "-".
      const unwrapped = words(formatSummary(seedRun, { cwd: "/repo" }));
      const wrapped = words(text);
      const rejoined = wrapped.reduce<string[]>((out, w) => (out.length > 0 && /[/-]$/.test(out.at(-1)!) && !unwrapped.includes(out.at(-1)!) ? [...out.slice(0, -1), out.at(-1)! + w] : [...out, w]), []);
      assert.deepEqual(rejoined, unwrapped);
      assert.ok(lines.length - lines.findIndex((l) => l.startsWith("Status")) <= 24);
      // A row's value wraps under its first word.
      const lambda = lines.findIndex((l) => l.startsWith("Check"));
      if (lines[lambda + 1]!.startsWith(" ")) assert.match(lines[lambda + 1]!, /^ {14}\S/);
    });
  }

  it("colours the status on a terminal, not with NO_COLOR or in CI", () => {
    assert.match(formatSummary(seedRun, { palette: paletteFor({ isTTY: true }, {}) }), /Status {8}\u001b\[1m\u001b\[32mSUCCEEDED/);
    const plain = formatSummary(seedRun, { palette: paletteFor({ isTTY: true }, { NO_COLOR: "1" }) });
    assert.equal(plain, stripAnsi(plain));
    const ci = formatSummary(seedRun, { palette: paletteFor({ isTTY: true }, { CI: "true" }) });
    assert.equal(ci, stripAnsi(ci));
  });
});
