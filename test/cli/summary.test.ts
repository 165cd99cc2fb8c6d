/**
 * The run summary as a person reads it: details first, the outcome block (status, items, wall time,
 * where the results are) last, and on a terminal every line within its width, wrapped at spaces.
 */
import { strict as assert } from "node:assert";
import { formatSummary } from "../../local/cli/summary";
import { estimateBill } from "../../local/pricing";
import { paletteFor, stripAnsi } from "../../local/progress";
import type { RunSummary } from "../../local/runner/run";

const manifest = "s3://sfn-distributed-map-dev/results/seed/9517accf-1989-4df6-a0ae-c6cbbbeb8bf3/manifest.json";

const seedRun: RunSummary = {
  stack: "dev",
  workflow: "seed",
  variant: "distributed",
  executionArn: "arn:aws:states:us-east-1:123456789012:execution:sfn-distributed-map-dev-seed:local-1",
  status: "SUCCEEDED",
  input: { number: 100_000, chunk: 5 },
  wallTimeMs: 2_540,
  executionDurationMs: 2_080,
  items: 20_000,
  childExecutions: 20_000,
  mapRuns: [{ name: "MapData", status: "SUCCEEDED", items: 20_000, itemsSucceeded: 20_000, itemsFailed: 0, childExecutions: 20_000, childExecutionsSucceeded: 20_000, childExecutionsFailed: 0, maxConcurrency: 5, durationMs: 2_000 }],
  stateTransitions: { parent: 2, children: 20_000, total: 20_002 },
  historyEvents: { parent: 11, largestChild: { mapRunArn: "arn:x", events: 7 } },
  resultWriter: { manifest, localData: "/repo/.local-s3/dev/local-20261207T072904-7cedc4ac/s3" },
  check: { name: "exactly-once", passed: true, detail: `every number of [0, 100,000) processed exactly once: 20,000 ranges, count 100,000, sum 4,999,950,000 (read from ResultWriter files listed in ${manifest})`, problems: [] },
  lambdas: [
    { name: "CaptureInput", invocations: 1, errors: 0, billedDurationMs: 170, memoryMb: 128, architecture: "arm64" },
    { name: "ProcessData", invocations: 20_000, errors: 0, billedDurationMs: 20_696, memoryMb: 128, architecture: "arm64" },
  ],
  bill: estimateBill({
    parent: { type: "STANDARD", executions: 1, stateTransitions: 2, billedDurationMs: 0 },
    children: { type: "STANDARD", executions: 20_000, stateTransitions: 20_000, billedDurationMs: 0 },
    lambdas: [
      { functionName: "CaptureInput", invocations: 1, billedDurationMs: 170, memoryMb: 128, architecture: "arm64" },
      { functionName: "ProcessData", invocations: 20_000, billedDurationMs: 20_696, memoryMb: 128, architecture: "arm64" },
    ],
  }),
  projection: { seconds: 62.3, bottleneck: "child start rate", ceilings: {} as never },
};

const failedRun: RunSummary = {
  ...seedRun,
  variant: "inline",
  status: "FAILED",
  error: "States.DataLimitExceeded",
  cause: "The state/task 'CaptureInput' returned a result with a size exceeding the maximum number of bytes service limit.",
  explanation: "The execution failed at CaptureInput because a state's input or output exceeded 262,144 bytes (256 KiB).",
  failedState: "CaptureInput",
  items: 0,
  childExecutions: 0,
  mapRuns: [],
  resultWriter: undefined,
  check: undefined,
  projection: undefined,
};

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
