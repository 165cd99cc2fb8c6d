/**
 * The interpreter's lean child-execution path: children share the Map Run's stop signal (no
 * per-child AbortController or listener) and report exact per-child counters.
 */
import { strict as assert } from "node:assert";
import type { JsonValue } from "../../../asl/types";
import { fnArn, runDef } from "../helpers";

function fan(type: "STANDARD" | "EXPRESS", maxConcurrency: number, states: Record<string, unknown>, startAt: string): unknown {
  return {
    StartAt: "Fan",
    States: {
      Fan: {
        Type: "Map",
        MaxConcurrency: maxConcurrency,
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: type }, StartAt: startAt, States: states },
        End: true,
      },
    },
  };
}

describe("engine/distributed: child execution path", () => {
  it("40 EXPRESS children at concurrency 50, each waiting, raise no MaxListenersExceededWarning", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const items = Array.from({ length: 40 }, (_, i) => i);
      const result = await runDef(
        fan(
          "EXPRESS",
          50,
          { Pause: { Type: "Wait", Seconds: 1, Next: "Work" }, Work: { Type: "Task", Resource: fnArn("Echo"), End: true } },
          "Pause",
        ),
        items,
        { Echo: async (e) => e as JsonValue },
      );
      assert.equal(result.status, "SUCCEEDED", result.cause);
      assert.deepEqual(result.output, items);
      // Warnings are emitted on a later tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", onWarning);
    }
    assert.deepEqual(
      warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message),
      [],
    );
  });

  it("a stopped Map Run still ends children that are waiting (shared signal)", async () => {
    const controller = new AbortController();
    const stopLater = setTimeout(() => controller.abort(), 200);
    const result = await runDef(
      fan("STANDARD", 5, { Pause: { Type: "Wait", Seconds: 3600, End: true } }, "Pause"),
      [1, 2, 3],
      {},
      {
        signal: controller.signal,
        clock: "real",
      },
    );
    clearTimeout(stopLater);
    assert.equal(result.status, "ABORTED");
    assert.equal(result.mapRuns[0].executionCounts.aborted, 3);
  });
});

describe("engine/distributed: the Map Run yields to the event loop", () => {
  it("a timer set by the first child of a long run of instantly-resolving children fires before the run ends", async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    let done = 0;
    let doneWhenTimerFired = -1;
    const result = await runDef(fan("EXPRESS", 100, { Work: { Type: "Task", Resource: fnArn("Count"), End: true } }, "Work"), items, {
      Count: async () => {
        // Set once the children are running, so only a yield of the Map Run lets it fire early.
        if (++done === 1) setImmediate(() => (doneWhenTimerFired = done));
        return done;
      },
    });
    assert.equal(result.status, "SUCCEEDED", result.cause);
    assert.ok(
      doneWhenTimerFired >= 0 && doneWhenTimerFired < items.length,
      `timer fired after ${doneWhenTimerFired} of ${items.length} children`,
    );
  });
});

describe("engine/distributed: child counters and child events", () => {
  const twoStates = { A: { Type: "Pass", Next: "B" }, B: { Type: "Task", Resource: fnArn("Echo"), End: true } };
  const echo = { Echo: async (e: unknown) => e as JsonValue };

  it("the Map Run record carries exact totals of the children's state transitions and history events", async () => {
    const result = await runDef(fan("STANDARD", 2, twoStates, "A"), [1, 2, 3], echo);
    assert.equal(result.status, "SUCCEEDED", result.cause);
    // Per child: ExecutionStarted, PassStateEntered, PassStateExited, TaskStateEntered,
    // LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded, TaskStateExited,
    // ExecutionSucceeded = 9 events.
    assert.deepEqual(result.mapRuns[0].childCounters, { stateTransitions: 3 * 2, historyEvents: 3 * 9, maxHistoryEvents: 9 });
  });

  it("a child's Lambda result, kept as its JSON text until read, reads back as Lambda's JSON round trip of what the handler returned", async () => {
    // Objects (a Date inside, a toJSON at the top), arrays, null-ish and primitives (-0 stays -0:
    // a primitive is never sent through its text).
    const returned: unknown[] = [
      { at: new Date(0), nested: [1, { deep: "x" }], gone: undefined },
      { toJSON: () => "replaced" },
      [3, undefined],
      undefined,
      -0,
      "text",
    ];
    const handlers = { Pick: async (i: unknown) => returned[i as number] };
    const seen: Array<{ output: unknown; text: string | undefined }> = [];
    const result = await runDef(
      fan("STANDARD", 2, { Work: { Type: "Task", Resource: fnArn("Pick"), End: true } }, "Work"),
      returned.map((_, i) => i),
      handlers,
      {
        mapRunHooks: {
          onChildDone: (_arn, _state, _seq, _items, outcome) =>
            seen.push({ output: outcome.status === "SUCCEEDED" ? outcome.output : undefined, text: outcome.outputText }),
        },
      },
    );
    assert.equal(result.status, "SUCCEEDED", result.cause);
    const expected = [{ at: "1970-01-01T00:00:00.000Z", nested: [1, { deep: "x" }] }, "replaced", [3, null], null, -0, "text"];
    assert.deepEqual(result.output, expected);
    assert.ok(Object.is((result.output as JsonValue[])[4], -0));
    assert.deepEqual(
      seen.map((s) => s.output),
      expected,
    );
    for (const s of seen) assert.equal(s.text, JSON.stringify(s.output));
  });

  it("by default no child event reaches onEvent; with childEvents every child event does, tagged with the child's ARN", async () => {
    const seen = (childEvents: boolean) => {
      const arns = new Map<string, string[]>();
      return runDef(fan("EXPRESS", 2, twoStates, "A"), [1, 2], echo, {
        childEvents,
        onEvent: (e) => {
          if (e.kind !== "history") return;
          const list = arns.get(e.executionArn) ?? [];
          list.push(e.event.type);
          arns.set(e.executionArn, list);
        },
      }).then((r) => ({ r, arns }));
    };
    const off = await seen(false);
    assert.equal(off.arns.size, 1, [...off.arns.keys()].join(","));
    const on = await seen(true);
    assert.equal(on.arns.size, 3);
    const children = [...on.arns.entries()].filter(([arn]) => arn !== on.r.executionArn);
    assert.equal(children.length, 2);
    for (const [arn, types] of children) {
      assert.match(arn, /:express:LocalStateMachine\/[^:]+:[0-9a-f-]{36}$/);
      assert.equal(types[0], "ExecutionStarted");
      assert.equal(types[types.length - 1], "ExecutionSucceeded");
      assert.equal(types.length, 9);
    }
  });
});

describe("engine/distributed: Task timeouts in children", () => {
  const activeTimers = () =>
    (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const stopHanging = async (timeoutSeconds?: number) => {
    const controller = new AbortController();
    let calls = 0;
    const result = await runDef(
      fan("STANDARD", 10, { Work: { Type: "Task", Resource: fnArn("Hang"), TimeoutSeconds: timeoutSeconds, End: true } }, "Work"),
      [1, 2, 3],
      {
        Hang: () => {
          if (++calls === 3) setImmediate(() => controller.abort());
          return new Promise(() => undefined);
        },
      },
      { signal: controller.signal, clock: "real" },
    );
    return { result, timers: activeTimers() };
  };

  it("a stopped Map Run ends children hanging in a Task with TimeoutSeconds at once, and cancels their timers", async () => {
    // The same run without TimeoutSeconds gives the baseline (mocha's own timers).
    const baseline = await stopHanging(undefined);
    const { result, timers } = await stopHanging(3600);
    assert.equal(result.status, "ABORTED");
    assert.equal(result.mapRuns[0].executionCounts.aborted, 3);
    // A leftover 3,600 s timer per child would keep this process (and mocha without --exit) alive.
    assert.equal(timers, baseline.timers);
  });
});
