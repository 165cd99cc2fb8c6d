/** The library entry point: validation, options, result shape. */
import { strict as assert } from "node:assert";
import { DefinitionRejectedError, run, VirtualClock } from "../../engine";
import { fnArn } from "./helpers";

describe("engine: run()", () => {
  it("refuses an invalid definition with the validator's diagnostics (validate defaults to true)", async () => {
    await assert.rejects(
      run({ StartAt: "X", States: { A: { Type: "Pass", Next: "Nope" } } }, {}, { handlers: {} }),
      (e: unknown) =>
        e instanceof DefinitionRejectedError && e.diagnostics.length > 0 && e.diagnostics.every((d) => d.severity === "ERROR"),
    );
  });

  it("refuses a run whose nested machine (integrations.stateMachines) is invalid, naming it, before anything runs", async () => {
    let called = 0;
    const parent = {
      StartAt: "F",
      States: {
        F: { Type: "Task", Resource: fnArn("F"), Next: "N" },
        N: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.sync:2",
          Parameters: { StateMachineArn: "Child", Input: {} },
          End: true,
        },
      },
    };
    await assert.rejects(
      run(
        parent,
        {},
        {
          handlers: { F: async () => (called++, {}) },
          integrations: { stateMachines: { Child: { StartAt: "P", States: { P: { Type: "Pass", Next: "Gone" } } } as never } },
        },
      ),
      (e: unknown) =>
        e instanceof DefinitionRejectedError &&
        e.machine === "nested machine Child" &&
        /of nested machine Child is invalid/.test(e.message) &&
        e.diagnostics.some((d) => d.code === "MISSING_TRANSITION_TARGET"),
    );
    assert.equal(called, 0);
  });

  it("validate: false runs without validating", async () => {
    const r = await run({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }, { x: 1 }, { handlers: {}, validate: false });
    assert.deepEqual(r.output, { x: 1 });
  });

  it("returns status, output, counters, ARNs, dates and duration", async () => {
    const clock = new VirtualClock(Date.UTC(2024, 5, 1));
    const r = await run(
      { StartAt: "W", States: { W: { Type: "Wait", Seconds: 2, Next: "T" }, T: { Type: "Task", Resource: fnArn("f"), End: true } } },
      {},
      {
        handlers: { f: async () => "done" },
        clock,
        executionName: "n1",
        stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:SM",
      },
    );
    assert.equal(r.status, "SUCCEEDED");
    assert.equal(r.output, "done");
    assert.equal(r.executionArn, "arn:aws:states:us-east-1:123456789012:execution:SM:n1");
    assert.equal(r.durationMs, 2000);
    assert.equal(r.startDate.toISOString(), "2024-06-01T00:00:00.000Z");
    assert.deepEqual(r.counters, { stateTransitions: 2, historyEvents: r.history.length });
    assert.deepEqual(r.mapRuns, []);
  });

  it("a seeded random makes jitter and request ids reproducible", async () => {
    const ids: string[][] = [[], []];
    for (const k of [0, 1]) {
      await run(
        { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("f"), End: true } } },
        {},
        {
          handlers: {
            f: async (_e, ctx) => {
              ids[k].push(ctx.awsRequestId);
              return null;
            },
          },
          random: 7,
          clock: "virtual",
        },
      );
    }
    assert.deepEqual(ids[0], ids[1]);
  });

  it("compiles a definition once and can run it many times concurrently", async () => {
    const def = { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "v.$": "$.v" }, End: true } } };
    const results = await Promise.all([1, 2, 3].map((v) => run(def, { v }, { handlers: {}, clock: "virtual" })));
    assert.deepEqual(
      results.map((r) => r.output),
      [{ v: 1 }, { v: 2 }, { v: 3 }],
    );
  });
});
