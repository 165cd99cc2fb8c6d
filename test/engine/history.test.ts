/**
 * History events shaped like GetExecutionHistory's.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
import { strict as assert } from "node:assert";
import type { EngineEvent } from "../../engine";
import { fnArn, plainHistory, runDef } from "./helpers";

describe("engine: history", () => {
  const def = {
    StartAt: "T",
    States: {
      T: { Type: "Task", Resource: fnArn("f"), Next: "P" },
      P: { Type: "Pass", End: true },
    },
  };

  it("records AWS event types with ids from 1, previousEventId links, and detail objects", async () => {
    // HistoryEvent: "id: The id of the event. Events are numbered sequentially, starting at one."
    const r = await runDef(def, { in: 1 }, { f: async () => ({ out: 2 }) });
    const h = plainHistory(r);
    assert.deepEqual(
      h.map((e) => e.type),
      [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
      ],
    );
    h.forEach((e, i) => {
      assert.equal(e.id, i + 1);
      assert.equal(e.previousEventId, i);
      assert.equal(typeof e.timestamp, "string");
    });
    assert.deepEqual(h[1].stateEnteredEventDetails, { name: "T", input: '{"in":1}', inputDetails: { truncated: false } });
    assert.deepEqual(h[2].lambdaFunctionScheduledEventDetails, {
      resource: fnArn("f"),
      input: '{"in":1}',
      inputDetails: { truncated: false },
    });
    assert.deepEqual(h[4].lambdaFunctionSucceededEventDetails, { output: '{"out":2}', outputDetails: { truncated: false } });
    assert.deepEqual(h[5].stateExitedEventDetails, { name: "T", output: '{"out":2}', outputDetails: { truncated: false } });
    assert.equal((h[8].executionSucceededEventDetails as { output: string }).output, '{"out":2}');
    assert.equal(r.counters.historyEvents, 9);
    assert.equal(r.counters.stateTransitions, 2);
  });

  it("detail strings are readable as properties too", async () => {
    const r = await runDef(def, { in: 1 }, { f: async () => 1 });
    assert.equal((r.history[1].stateEnteredEventDetails as { input: string }).input, '{"in":1}');
  });

  it("onEvent receives every history event as it happens", async () => {
    const seen: EngineEvent[] = [];
    const r = await runDef(def, {}, { f: async () => 1 }, { onEvent: (e) => seen.push(e) });
    assert.equal(seen.length, r.history.length);
    assert.ok(seen.every((e) => e.kind === "history"));
  });

  it("ExecutionFailed carries error and cause", async () => {
    const r = await runDef(
      def,
      {},
      {
        f: async () => {
          throw new Error("nope");
        },
      },
    );
    const last = plainHistory(r).at(-1)!;
    assert.equal(last.type, "ExecutionFailed");
    assert.equal((last.executionFailedEventDetails as { error: string }).error, "Error");
  });

  it("a long history (several storage chunks) reads back complete and in order", async () => {
    const mapDef = {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          MaxConcurrency: 1,
          ItemProcessor: { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("f"), End: true } } },
          End: true,
        },
      },
    };
    const r = await runDef(
      mapDef,
      Array.from({ length: 400 }, (_, i) => i),
      { f: async (e) => e },
    );
    const h = plainHistory(r);
    assert.equal(h.length, r.counters.historyEvents);
    assert.ok(h.length > 2000);
    h.forEach((e, i) => assert.equal(e.id, i + 1));
    const started = h
      .filter((e) => e.type === "MapIterationStarted")
      .map((e) => (e.mapIterationStartedEventDetails as { index: number }).index);
    assert.deepEqual(
      started,
      Array.from({ length: 400 }, (_, i) => i),
    );
    const succeeded = h
      .filter((e) => e.type === "LambdaFunctionSucceeded")
      .map((e) => JSON.parse((e.lambdaFunctionSucceededEventDetails as { output: string }).output));
    assert.deepEqual(
      succeeded,
      Array.from({ length: 400 }, (_, i) => i),
    );
  });

  it("keepHistory: false keeps counters but no array", async () => {
    const r = await runDef(def, {}, { f: async () => 1 }, { keepHistory: false });
    assert.equal(r.history.length, 0);
    assert.equal(r.counters.historyEvents, 9);
  });
});
