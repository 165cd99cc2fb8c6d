/** `npm start`'s summary: the Map Run line's counts add up to its items (aborted, running and pending shown when not 0). */
import { strict as assert } from "node:assert";
import { formatSummary } from "../../tools/cli/summary";
import type { RunSummary } from "../../tools/runner/run";

describe("summary: the Map Run line adds up", () => {
  const summary = (counts: { succeeded: number; failed: number; aborted: number; running: number; pending: number }): RunSummary =>
    ({
      stack: "dev",
      workflow: "seed",
      variant: "distributed",
      executionArn: "arn:x",
      status: "FAILED",
      input: {},
      wallTimeMs: 10,
      executionDurationMs: 5,
      items: 10,
      childExecutions: 10,
      stateTransitions: { parent: 2, children: 5, total: 7 },
      historyEvents: { parent: 9 },
      lambdas: [],
      bill: { lines: [], totalUsd: 0, region: "us-east-1", priceDate: "2026-11-21", sources: [], notes: [] },
      mapRuns: [
        {
          name: "MapData",
          status: "FAILED",
          items: 10,
          itemsSucceeded: counts.succeeded,
          itemsFailed: counts.failed,
          itemsAborted: counts.aborted,
          itemsRunning: counts.running,
          itemsPending: counts.pending,
          childExecutions: 10,
          childExecutionsSucceeded: counts.succeeded,
          childExecutionsFailed: counts.failed,
          maxConcurrency: 2,
        },
      ],
    }) as unknown as RunSummary;

  it("names every count that is not 0, and they sum to the items", () => {
    const line = formatSummary(summary({ succeeded: 3, failed: 1, aborted: 2, running: 0, pending: 4 }))
      .split("\n")
      .find((l) => l.startsWith("Map Run"))!;
    assert.match(line, /MapData FAILED: 10 items \(3 succeeded, 1 failed, 2 aborted, 4 pending\)/);
    const sum = [...line.matchAll(/(\d+) (succeeded|failed|aborted|running|pending)/g)].reduce((n, m) => n + Number(m[1]), 0);
    assert.equal(sum, 10);
  });
});
