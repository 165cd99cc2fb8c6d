/**
 * Inline Map and Parallel.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
 */
import { strict as assert } from "node:assert";
import { eventsOf, fnArn, runDef } from "./helpers";

const mapDef = (map: Record<string, unknown>) => ({ StartAt: "M", States: { M: { Type: "Map", End: true, ...map } } });
const echoProcessor = { StartAt: "E", States: { E: { Type: "Task", Resource: fnArn("echo"), End: true } } };

describe("engine: inline Map", () => {
  it("ItemsPath selects the array; the output is the results in item order", async () => {
    const delays = [30, 10, 20, 0];
    const r = await runDef(
      mapDef({ ItemsPath: "$.items", ItemProcessor: echoProcessor }),
      { items: [0, 1, 2, 3] },
      {
        echo: async (e: any) => {
          await new Promise((res) => setTimeout(res, delays[e]));
          return e * 10;
        },
      },
    );
    assert.deepEqual(r.output, [0, 10, 20, 30]);
  });

  it("ItemSelector builds each iteration's input with $$.Map.Item.Index and $$.Map.Item.Value", async () => {
    // "ItemSelector ... you can use the Context object's Map.Item.Index and Map.Item.Value"
    const r = await runDef(
      mapDef({
        ItemsPath: "$.xs",
        ItemSelector: { "idx.$": "$$.Map.Item.Index", "val.$": "$$.Map.Item.Value", "shared.$": "$.shared" },
        ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      }),
      { xs: ["a", "b"], shared: 1 },
    );
    assert.deepEqual(r.output, [
      { idx: 0, val: "a", shared: 1 },
      { idx: 1, val: "b", shared: 1 },
    ]);
  });

  it("accepts the legacy Iterator and Parameters fields", async () => {
    // state-map-inline.html: "Iterator" and "Parameters" are the deprecated names of ItemProcessor and ItemSelector.
    const r = await runDef(
      mapDef({ Parameters: { "v.$": "$$.Map.Item.Value" }, Iterator: { StartAt: "P", States: { P: { Type: "Pass", End: true } } } }),
      [1, 2],
    );
    assert.deepEqual(r.output, [{ v: 1 }, { v: 2 }]);
  });

  /** Runs `items` echo iterations that each wait 2 ms; returns the status and the most that ran at once. */
  async function peakConcurrency(MaxConcurrency: number, items: number): Promise<{ status: string; peak: number }> {
    let running = 0;
    let peak = 0;
    const r = await runDef(
      mapDef({ MaxConcurrency, ItemProcessor: echoProcessor }),
      Array.from({ length: items }, (_, i) => i),
      {
        echo: async (e) => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((res) => setTimeout(res, 2));
          running--;
          return e;
        },
      },
    );
    return { status: r.status, peak };
  }

  it("MaxConcurrency is honoured", async () => {
    assert.deepEqual(await peakConcurrency(3, 20), { status: "SUCCEEDED", peak: 3 });
  });

  it("MaxConcurrency 0 (no limit) and values above 40 run 40 iterations at once, the inline mode's ceiling", async () => {
    // state-map-inline.html: "In this mode, the Map state supports up to 40 concurrent iterations."
    for (const MaxConcurrency of [0, 100]) {
      assert.deepEqual(await peakConcurrency(MaxConcurrency, 100), { status: "SUCCEEDED", peak: 40 }, `MaxConcurrency ${MaxConcurrency}`);
    }
  });

  it("an empty array gives an empty result", async () => {
    assert.deepEqual((await runDef(mapDef({ ItemProcessor: echoProcessor }), [])).output, []);
  });

  it("a non-array ItemsPath value fails the state", async () => {
    const r = await runDef(mapDef({ ItemsPath: "$.x", ItemProcessor: echoProcessor }), { x: { not: "array" } });
    assert.equal(r.status, "FAILED");
  });

  it("a failing iteration fails the Map state with the iteration's error, which Catch can handle", async () => {
    const def = {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.xs",
          ItemProcessor: echoProcessor,
          Catch: [{ ErrorEquals: ["Bad"], ResultPath: "$.err", Next: "C" }],
          End: true,
        },
        C: { Type: "Pass", End: true },
      },
    };
    const r = await runDef(
      def,
      { xs: [1, 2, 3] },
      {
        echo: async (e) => {
          if (e === 2) {
            const x = new Error("two");
            x.name = "Bad";
            throw x;
          }
          return e;
        },
      },
    );
    assert.equal(r.status, "SUCCEEDED");
    assert.equal((r.output as any).err.Error, "Bad");
    assert.deepEqual((r.output as any).xs, [1, 2, 3]);
    assert.equal(eventsOf(r, "MapIterationFailed").length, 1);
    assert.equal(eventsOf(r, "MapStateFailed").length, 1);
  });

  it("Map history: MapStateStarted, MapIterationStarted/Succeeded per item, MapStateSucceeded", async () => {
    const r = await runDef(
      mapDef({ MaxConcurrency: 1, ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } } }),
      [1, 2],
    );
    assert.deepEqual(
      r.history.map((e) => e.type).filter((t) => t.startsWith("Map")),
      [
        "MapStateEntered",
        "MapStateStarted",
        "MapIterationStarted",
        "MapIterationSucceeded",
        "MapIterationStarted",
        "MapIterationSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
      ],
    );
    assert.deepEqual(
      eventsOf(r, "MapIterationStarted").map((e) => e.mapIterationStartedEventDetails),
      [
        { name: "M", index: 0 },
        { name: "M", index: 1 },
      ],
    );
  });
});

describe("engine: Parallel", () => {
  it("each branch gets the input; the output is the branch outputs in branch order", async () => {
    const def = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [
            { StartAt: "A", States: { A: { Type: "Wait", Seconds: 5, Next: "A2" }, A2: { Type: "Pass", Result: "a", End: true } } },
            { StartAt: "B", States: { B: { Type: "Pass", InputPath: "$.x", End: true } } },
          ],
          ResultPath: "$.results",
          End: true,
        },
      },
    };
    const r = await runDef(def, { x: 1 });
    assert.deepEqual(r.output, { x: 1, results: ["a", 1] });
  });

  it("a failing branch fails the whole state with the branch's error and stops the other branches", async () => {
    // "If any branch fails, because of an unhandled error or by transitioning to a Fail state, the entire Parallel state is considered to have failed and all its branches are stopped."
    let slowFinished = false;
    const def = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [
            { StartAt: "F", States: { F: { Type: "Fail", Error: "BranchBroke", Cause: "c" } } },
            {
              StartAt: "W",
              States: { W: { Type: "Wait", Seconds: 100, Next: "T" }, T: { Type: "Task", Resource: fnArn("slow"), End: true } },
            },
          ],
          End: true,
        },
      },
    };
    const r = await runDef(
      def,
      {},
      {
        slow: async () => {
          slowFinished = true;
          return 1;
        },
      },
    );
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "BranchBroke");
    assert.equal(slowFinished, false);
    assert.equal(eventsOf(r, "ParallelStateFailed").length, 1);
  });

  it("Retry on a Parallel reruns all branches", async () => {
    let calls = 0;
    const def = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("f"), End: true } } }],
          Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 2 }],
          End: true,
        },
      },
    };
    const r = await runDef(
      def,
      {},
      {
        f: async () => {
          if (++calls < 3) throw new Error("x");
          return "ok";
        },
      },
    );
    assert.deepEqual(r.output, ["ok"]);
  });
});
