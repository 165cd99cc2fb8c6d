/**
 * The engine's fast paths give the same results as the general ones: states that run without
 * waiting, a last Task that hands its result straight to the runner (inline iteration, Distributed
 * Map child), a Task without input/output fields, child names made on first read, the Lambda
 * context built lazily. Each case is one the general path already had a rule for; these pin the
 * rule on the fast path.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html — "Maximum input or
 * output size for a task, state, or execution: 256 KiB"
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html — the context object's fields
 */
import { strict as assert } from "node:assert";
import type { JsonValue } from "../../asl/types";
import type { LambdaContext, LambdaHandler } from "../../engine";
import { fnArn, runDef } from "./helpers";

const TOO_BIG = "x".repeat(262_145);

function inlineMap(processorStates: Record<string, unknown>, startAt: string): unknown {
  return { StartAt: "M", States: { M: { Type: "Map", ItemProcessor: { StartAt: startAt, States: processorStates }, End: true } } };
}

function distributedMap(processorStates: Record<string, unknown>, startAt: string, extra: Record<string, unknown> = {}): unknown {
  return {
    StartAt: "M",
    States: {
      M: {
        Type: "Map",
        ...extra,
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: startAt, States: processorStates },
        End: true,
      },
    },
  };
}

const lastTask = { T: { Type: "Task", Resource: fnArn("f"), End: true } };

describe("engine: fast paths keep the general paths' rules", () => {
  describe("a last Task reporting straight to an inline iteration", () => {
    it("a result over 256 KiB fails the Map with States.DataLimitExceeded naming the Task", async () => {
      const r = await runDef(
        inlineMap(lastTask, "T"),
        [1, 2],
        { f: async (n) => (n === 2 ? TOO_BIG : n) },
        { stateMachineType: "EXPRESS" },
      );
      assert.equal(r.status, "FAILED");
      assert.equal(r.error, "States.DataLimitExceeded");
      assert.match(r.cause!, /'T'/);
    });

    it("a rejecting and a synchronously throwing handler both fail the Map with the error's name", async () => {
      class RowRejected extends Error {
        override name = "RowRejected";
      }
      for (const f of [
        async () => Promise.reject(new RowRejected("late")),
        () => {
          throw new RowRejected("at once");
        },
      ] as LambdaHandler[]) {
        const r = await runDef(inlineMap(lastTask, "T"), [1, 2, 3], { f }, { stateMachineType: "EXPRESS" });
        assert.equal(r.status, "FAILED");
        assert.equal(r.error, "RowRejected");
        assert.equal(JSON.parse(r.cause!).errorType, "RowRejected");
      }
    });

    it("a processor that waits twice (Task, Choice, Task) and one that never waits (Pass) give their outputs in item order", async () => {
      const twoWaits = {
        A: { Type: "Task", Resource: fnArn("double"), Next: "C" },
        C: { Type: "Choice", Choices: [{ Variable: "$", NumericGreaterThan: 4, Next: "Big" }], Default: "Small" },
        Big: { Type: "Task", Resource: fnArn("tag"), Parameters: { "n.$": "$", size: "big" }, End: true },
        Small: { Type: "Pass", Parameters: { "n.$": "$", size: "small" }, End: true },
      };
      const handlers = { double: async (n: unknown) => (n as number) * 2, tag: async (e: unknown) => e };
      const waits = await runDef(inlineMap(twoWaits, "A"), [1, 2, 3], handlers, { stateMachineType: "EXPRESS" });
      assert.equal(waits.status, "SUCCEEDED", waits.cause);
      assert.deepEqual(waits.output, [
        { n: 2, size: "small" },
        { n: 4, size: "small" },
        { n: 6, size: "big" },
      ] as JsonValue);
      const noWait = await runDef(
        inlineMap({ P: { Type: "Pass", Parameters: { "v.$": "$" }, End: true } }, "P"),
        [1, 2, 3],
        {},
        { stateMachineType: "EXPRESS" },
      );
      assert.deepEqual(noWait.output, [{ v: 1 }, { v: 2 }, { v: 3 }] as JsonValue);
    });
  });

  describe("an inline Map's result checked from its outputs' known sizes", () => {
    // A Map's result array is one payload; when every output's JSON text is known, the engine adds
    // their lengths (at most 3 UTF-8 bytes each) instead of serializing the array again.
    const sizes = async (outputs: string[]) =>
      runDef(
        inlineMap(lastTask, "T"),
        outputs.map((_, i) => i),
        { f: async (i) => outputs[i as number] },
        { stateMachineType: "EXPRESS" },
      );

    it("near the quota the array is measured exactly: 2 x 130,000 ASCII characters pass (260,007 bytes)", async () => {
      const r = await sizes(["a".repeat(130_000), "b".repeat(130_000)]);
      assert.equal(r.status, "SUCCEEDED", r.cause);
    });

    it("multi-byte characters count as bytes: 2 x 45,000 '€' fail (270,007 bytes), 2 x 40,000 pass (240,007 bytes)", async () => {
      const over = await sizes(["€".repeat(45_000), "€".repeat(45_000)]);
      assert.equal(over.status, "FAILED");
      assert.equal(over.error, "States.DataLimitExceeded");
      const under = await sizes(["€".repeat(40_000), "€".repeat(40_000)]);
      assert.equal(under.status, "SUCCEEDED", under.cause);
    });

    it("an output whose text is unknown (a ResultSelector made it) is measured: 3 x 90,000 characters fail", async () => {
      const selected = { T: { Type: "Task", Resource: fnArn("f"), ResultSelector: { "v.$": "$" }, End: true } };
      const r = await runDef(inlineMap(selected, "T"), [0, 1, 2], { f: async () => "c".repeat(90_000) }, { stateMachineType: "EXPRESS" });
      assert.equal(r.status, "FAILED");
      assert.equal(r.error, "States.DataLimitExceeded");
    });
  });

  describe("a last Task reporting straight to a Distributed Map child", () => {
    it("a result over 256 KiB fails that child with States.DataLimitExceeded; the threshold decides the Map", async () => {
      const def = distributedMap(lastTask, "T", { ToleratedFailurePercentage: 50 });
      const r = await runDef(def, [1, 2, 3, 4], { f: async (n) => (n === 3 ? TOO_BIG : n) });
      assert.equal(r.status, "SUCCEEDED", r.cause);
      const out = r.output as Array<JsonValue & Record<string, unknown>>;
      assert.deepEqual([out[0], out[1], out[3]], [1, 2, 4]);
      assert.equal(out[2].Status, "FAILED");
      assert.equal(out[2].Error, "States.DataLimitExceeded");
      assert.equal(r.mapRuns[0].itemCounts.failed, 1);
      assert.equal(r.mapRuns[0].itemCounts.succeeded, 3);
    });

    it("a failing child over the default threshold fails the Map Run", async () => {
      const r = await runDef(distributedMap(lastTask, "T"), [1, 2], { f: async () => Promise.reject(new TypeError("bad row")) });
      assert.equal(r.status, "FAILED");
      assert.equal(r.error, "States.ExceedToleratedFailureThreshold");
    });

    it("a child that waits twice gives the same output as the inline iteration", async () => {
      const states = {
        A: { Type: "Task", Resource: fnArn("inc"), Next: "B" },
        B: { Type: "Task", Resource: fnArn("inc"), ResultSelector: { "v.$": "$" }, End: true },
      };
      const handlers = { inc: async (n: unknown) => (n as number) + 1 };
      const r = await runDef(distributedMap(states, "A"), [10, 20], handlers);
      assert.equal(r.status, "SUCCEEDED", r.cause);
      assert.deepEqual(r.output, [{ v: 12 }, { v: 22 }] as JsonValue);
      assert.equal(r.mapRuns[0].childCounters?.stateTransitions, 4);
    });

    it("child names are made on first read: v4 UUIDs, distinct, and the end of each child's ARN", async () => {
      const who = { P: { Type: "Pass", Parameters: { "name.$": "$$.Execution.Name", "id.$": "$$.Execution.Id" }, End: true } };
      const r = await runDef(distributedMap(who, "P"), [1, 2, 3]);
      const out = r.output as Array<{ name: string; id: string }>;
      for (const { name, id } of out) {
        assert.match(name, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.ok(id.endsWith(`:${name}`), id);
      }
      assert.equal(new Set(out.map((o) => o.name)).size, 3);
    });
  });

  describe("a Task without input/output fields", () => {
    it("passes its input as the event and returns the result as its output (ResultPath `$` spelled out, too)", async () => {
      const seen: unknown[] = [];
      const f = async (e: unknown) => (seen.push(e), { got: e });
      for (const task of [
        { Type: "Task", Resource: fnArn("f"), End: true },
        { Type: "Task", Resource: fnArn("f"), ResultPath: "$", End: true },
      ]) {
        const r = await runDef({ StartAt: "T", States: { T: task } }, { a: [1, { b: 2 }] }, { f });
        assert.deepEqual(r.output, { got: { a: [1, { b: 2 }] } } as JsonValue);
      }
      assert.deepEqual(seen, [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }]);
    });

    it("with ResultPath it merges into the input, as the general path does", async () => {
      const r = await runDef(
        { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("f"), ResultPath: "$.r", End: true } } },
        { a: 1 },
        { f: async () => 2 },
      );
      assert.deepEqual(r.output, { a: 1, r: 2 } as JsonValue);
    });
  });

  describe("the Lambda context object", () => {
    it("has the Node.js runtime's fields and no engine internals among its own properties", async () => {
      let ctx: LambdaContext | undefined;
      await runDef(
        { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("f"), End: true } } },
        {},
        { f: async (_e, c) => void (ctx = c) },
      );
      assert.ok(ctx);
      assert.equal(ctx.functionVersion, "$LATEST");
      assert.equal(ctx.memoryLimitInMB, "128");
      assert.equal(ctx.logGroupName, "/aws/lambda/f");
      assert.equal(ctx.callbackWaitsForEmptyEventLoop, true);
      assert.deepEqual(Object.keys(ctx).sort(), ["callbackWaitsForEmptyEventLoop", "functionName"]);
    });

    it("getRemainingTimeInMillis counts down from TimeoutSeconds, or from the default 99,999,999 s", async () => {
      let withTimeout = -1;
      let withoutTimeout = -1;
      const handlers = {
        timed: async (_e: unknown, c: LambdaContext) => void (withTimeout = c.getRemainingTimeInMillis()),
        untimed: async (_e: unknown, c: LambdaContext) => void (withoutTimeout = c.getRemainingTimeInMillis()),
      };
      const def = {
        StartAt: "A",
        States: {
          A: { Type: "Task", Resource: fnArn("timed"), TimeoutSeconds: 30, Next: "B" },
          B: { Type: "Task", Resource: fnArn("untimed"), End: true },
        },
      };
      const r = await runDef(def, {}, handlers);
      assert.equal(r.status, "SUCCEEDED", r.cause);
      // The virtual clock does not move while the handler runs.
      assert.equal(withTimeout, 30_000);
      assert.equal(withoutTimeout, 99_999_999_000);
    });
  });
});
