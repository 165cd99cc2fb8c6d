import { strict as assert } from "node:assert";
import { formatWhatIf } from "../../tools/cli/summary";
import { projectDuration, QUOTAS, whatIf, whatIfBatchSizes, type MeasuredRun } from "../../tools/pricing/projection";

const run = (over: Partial<MeasuredRun> = {}): MeasuredRun => ({
  items: 20_000,
  childExecutions: 20_000,
  childType: "STANDARD",
  childTransitions: 20_000,
  childLambdaMs: 20_000 * 50,
  batchSize: 1,
  maxConcurrency: 5,
  parentTransitions: 2,
  lambdas: [
    {
      functionName: "ProcessData",
      invocations: 20_000,
      billedDurationMs: 20_000 * 50,
      memoryMb: 128,
      architecture: "arm64",
      inChild: true,
    },
  ],
  ...over,
});

describe("tools/pricing projection (documented quotas) and --what-if", () => {
  it("MaxConcurrency 5 × 50 ms per child: concurrency is the ceiling (20,000 × 0.05 s / 5 = 200 s)", () => {
    const p = projectDuration(run());
    assert.equal(p.bottleneck, "concurrency");
    assert.ok(Math.abs(p.seconds - 200) < 1e-9);
  });

  it("unbounded concurrency, STANDARD: the StartExecution refill rate is the ceiling after its burst", () => {
    const p = projectDuration(run({ maxConcurrency: 0, childLambdaMs: 20_000 }));
    assert.equal(p.bottleneck, "child start rate");
    const { burst, refillPerSecond } = QUOTAS.standardChildStarts;
    assert.ok(Math.abs(p.seconds - (20_000 - burst) / refillPerSecond) < 1e-9);
  });

  it("EXPRESS children start faster and draw no StateTransition tokens", () => {
    const standard = projectDuration(run({ maxConcurrency: 0, childLambdaMs: 20_000 }));
    const express = projectDuration(run({ maxConcurrency: 0, childLambdaMs: 20_000, childType: "EXPRESS" }));
    assert.ok(express.seconds < standard.seconds);
    assert.equal(express.ceilings["state transitions"], Infinity);
  });

  it("lambda concurrency caps MaxConcurrency 10,000 at the account's 1,000", () => {
    const p = projectDuration(
      run({
        maxConcurrency: 10_000,
        childType: "EXPRESS",
        items: 1_000_000,
        childExecutions: 1_000_000,
        childTransitions: 1_000_000,
        childLambdaMs: 1_000_000 * 1_000,
      }),
    );
    assert.equal(p.bottleneck, "concurrency");
    assert.ok(Math.abs(p.seconds - 1_000) < 1e-9);
  });

  it("what-if: EXPRESS and STANDARD × batch sizes; batching cuts children, transitions and the bill", () => {
    const rows = whatIf(run(), whatIfBatchSizes(1));
    assert.deepEqual(
      rows.map((r) => `${r.childType}/${r.batchSize}/${r.childExecutions}`),
      ["EXPRESS/1/20000", "EXPRESS/10/2000", "EXPRESS/100/200", "STANDARD/1/20000", "STANDARD/10/2000", "STANDARD/100/200"],
    );
    const standard1 = rows[3]!.bill.totalUsd;
    const standard100 = rows[5]!.bill.totalUsd;
    assert.ok(standard100 < standard1 / 10, `${standard100} vs ${standard1}`);
    const table = formatWhatIf(rows);
    assert.match(table[1]!, /children\s+batch\s+executions\s+on AWS\s+bottleneck\s+bill/);
    assert.equal(table.length, 8);
  });
});
