/**
 * The run summary as a person reads it: details first, the outcome block (status, items, wall time,
 * where the results are) last, and on a terminal every line within its width, wrapped at spaces.
 */
import { strict as assert } from "node:assert";
import { formatSummary, formatWhatIf } from "../../tools/cli/summary";
import { paletteFor, stripAnsi, wrapLine } from "../../tools/progress";
import { failedRun, manifest, seedRun } from "./fixtures/summaries";

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe("tools/cli summary", () => {
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
      const rejoined = wrapped.reduce<string[]>(
        (out, w) =>
          out.length > 0 && /[/-]$/.test(out.at(-1)!) && !unwrapped.includes(out.at(-1)!)
            ? [...out.slice(0, -1), out.at(-1)! + w]
            : [...out, w],
        [],
      );
      assert.deepEqual(rejoined, unwrapped);
      assert.ok(lines.length - lines.findIndex((l) => l.startsWith("Status")) <= 24);
      // A row's value wraps under its first word.
      const lambda = lines.findIndex((l) => l.startsWith("Check"));
      if (lines[lambda + 1]!.startsWith(" ")) assert.match(lines[lambda + 1]!, /^ {14}\S/);
    });
  }

  it("the --what-if table fits 80 columns with its columns intact", () => {
    const rows = formatWhatIf([
      {
        childType: "EXPRESS",
        batchSize: 100,
        childExecutions: 200,
        projection: { seconds: 4.2, bottleneck: "concurrency", ceilings: {} as never },
        bill: { ...seedRun.bill, totalUsd: 0.000367 },
      },
      {
        childType: "STANDARD",
        batchSize: 1,
        childExecutions: 20_000,
        projection: { seconds: 62.3, bottleneck: "child start rate", ceilings: {} as never },
        bill: seedRun.bill,
      },
    ]);
    for (const r of rows) assert.ok(r.length < 80, r);
    assert.match(rows[1]!, /^ {2}children {2}batch {2}executions {3}on AWS {2}bottleneck {8}bill *$/);
  });

  it("colours the status on a terminal, not with NO_COLOR or in CI", () => {
    assert.match(formatSummary(seedRun, { palette: paletteFor({ isTTY: true }, {}) }), /Status {8}\u001b\[1m\u001b\[32mSUCCEEDED/);
    const plain = formatSummary(seedRun, { palette: paletteFor({ isTTY: true }, { NO_COLOR: "1" }) });
    assert.equal(plain, stripAnsi(plain));
    const ci = formatSummary(seedRun, { palette: paletteFor({ isTTY: true }, { CI: "true" }) });
    assert.equal(ci, stripAnsi(ci));
  });
});

describe("tools/progress wrapLine", () => {
  it("wraps at spaces, keeps a line's own spacing where it does not break, and breaks a word longer than a line after a '/'", () => {
    assert.deepEqual(wrapLine("Lambda        a b c", 80, 14), ["Lambda        a b c"]);
    assert.deepEqual(wrapLine("Lambda        CaptureInput 1× (170 ms billed), ProcessData 20,000×  (20,696 ms billed)", 60, 14), [
      "Lambda        CaptureInput 1× (170 ms billed), ProcessData",
      "              20,000×  (20,696 ms billed)",
    ]);
    assert.deepEqual(wrapLine("  total     $0.5041     (us-east-1 prices of 2026-11-21)", 40, 3), [
      "  total     $0.5041     (us-east-1",
      "   prices of 2026-11-21)",
    ]);
    assert.deepEqual(wrapLine("Results       s3://bucket/results/seed/9517accf-1989-4df6-a0ae-c6cbbbeb8bf3/manifest.json", 51, 14), [
      "Results       s3://bucket/results/seed/",
      "              9517accf-1989-4df6-a0ae-c6cbbbeb8bf3/",
      "              manifest.json",
    ]);
  });
});
