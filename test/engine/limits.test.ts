/**
 * Service quotas the engine enforces.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
import { strict as assert } from "node:assert";
import { LIMITS } from "../../asl/types";
import { eventsOf, fnArn, runDef, single } from "./helpers";

/** The seed article's CaptureInput: pages of {from, to}. */
async function paginate({ number = 10, chunk = 1 }: { number?: number; chunk?: number }) {
  const result: Array<{ from: number; to: number }> = [];
  const numPages = Math.ceil(number / chunk);
  for (let i = 0; i < numPages; i++) result.push({ from: i * chunk, to: Math.min((i + 1) * chunk, number) });
  return result;
}

/** The seed article's Inline Map workflow (serverless.yml's definition, as ASL JSON). */
const seedInline = {
  StartAt: "CaptureInput",
  States: {
    CaptureInput: { Type: "Task", Resource: fnArn("dev-limit-payload-step-function-captureInput"), Next: "MapData" },
    MapData: {
      MaxConcurrency: 5,
      Type: "Map",
      InputPath: "$",
      Iterator: {
        StartAt: "ProcessData",
        States: { ProcessData: { Type: "Task", Resource: fnArn("dev-limit-payload-step-function-processOutput"), End: true } },
      },
      End: true,
    },
  },
};
const seedHandlers = {
  "dev-limit-payload-step-function-captureInput": paginate,
  "dev-limit-payload-step-function-processOutput": async () => undefined,
};

describe("engine: service limits", () => {
  it("the seed's Inline Map fails at CaptureInput with States.DataLimitExceeded", async () => {
    // Seed 000_33fb1a599b3e122d: with {"number": 100000, "chunk": 5} "The state/task returned a result with a size exceeding the maximum number of bytes service limit."
    // service-quotas.html: "Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string."
    const r = await runDef(seedInline, { number: 100000, chunk: 5 }, seedHandlers);
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "States.DataLimitExceeded");
    assert.equal(
      r.cause,
      "The state/task 'CaptureInput' returned a result with a size exceeding the maximum number of bytes service limit.",
    );
    assert.equal(eventsOf(r, "MapStateEntered").length, 0, "the Map never starts");
    assert.equal(eventsOf(r, "LambdaFunctionFailed").length, 1);
  });

  it("the same workflow succeeds on a small input", async () => {
    const r = await runDef(seedInline, { number: 10, chunk: 5 }, seedHandlers);
    assert.equal(r.status, "SUCCEEDED");
    assert.deepEqual(r.output, [null, null]);
  });

  it("a result of exactly 262,144 bytes passes; one byte more fails (UTF-8 bytes, not characters)", async () => {
    const exact = "x".repeat(LIMITS.payloadBytes - 2); // JSON string quotes add 2 bytes
    assert.equal((await runDef(single({ Type: "Task", Resource: fnArn("f") }), {}, { f: async () => exact })).status, "SUCCEEDED");
    assert.equal(
      (await runDef(single({ Type: "Task", Resource: fnArn("f") }), {}, { f: async () => exact + "x" })).error,
      "States.DataLimitExceeded",
    );
    // "é" is 2 bytes in UTF-8: half as many characters reach the limit.
    const accented = "é".repeat((LIMITS.payloadBytes - 2) / 2 + 1);
    assert.equal(
      (await runDef(single({ Type: "Task", Resource: fnArn("f") }), {}, { f: async () => accented })).error,
      "States.DataLimitExceeded",
    );
  });

  it("States.DataLimitExceeded is not caught by States.ALL, only when named", async () => {
    // concepts-error-handling.html: "States.ALL ... can't catch the States.DataLimitExceeded terminal error";
    // "States.DataLimitExceeded: A terminal error that can't be caught by the States.ALL error type."
    const big = async () => "y".repeat(LIMITS.payloadBytes);
    const withCatch = (errors: string[]) => ({
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: fnArn("f"),
          Retry: [{ ErrorEquals: errors, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: errors, Next: "C" }],
          End: true,
        },
        C: { Type: "Pass", Result: "caught", End: true },
      },
    });
    let calls = 0;
    const counted = async () => {
      calls++;
      return big();
    };
    const all = await runDef(withCatch(["States.ALL"]), {}, { f: counted });
    assert.equal(all.status, "FAILED");
    assert.equal(all.error, "States.DataLimitExceeded");
    assert.equal(calls, 1, "States.ALL does not retry it either");
    const taskFailed = await runDef(withCatch(["States.TaskFailed"]), {}, { f: big });
    assert.equal(taskFailed.error, "States.DataLimitExceeded");
    const named = await runDef(withCatch(["States.DataLimitExceeded"]), {}, { f: big });
    assert.equal(named.status, "SUCCEEDED");
    assert.equal(named.output, "caught");
  });

  it("a state output over the limit fails (ResultPath growing the input)", async () => {
    const half = "z".repeat(LIMITS.payloadBytes / 2 + 10);
    const def = { StartAt: "A", States: { A: { Type: "Task", Resource: fnArn("f"), ResultPath: "$.copy", End: true } } };
    const r = await runDef(def, { orig: half }, { f: async () => half });
    assert.equal(r.error, "States.DataLimitExceeded");
  });

  it("a task input over the limit after Parameters fails", async () => {
    // "When, after Parameters processing, the input of a state is larger than the payload size quota."
    const half = "z".repeat(LIMITS.payloadBytes / 2 + 10);
    const def = single({ Type: "Task", Resource: fnArn("f"), Parameters: { "a.$": "$.s", "b.$": "$.s" } });
    const r = await runDef(def, { s: half }, { f: async () => 1 });
    assert.equal(r.error, "States.DataLimitExceeded");
  });

  it("a Map whose collected output exceeds the limit fails", async () => {
    const def = {
      StartAt: "M",
      States: {
        M: { Type: "Map", ItemProcessor: { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("f"), End: true } } }, End: true },
      },
    };
    const r = await runDef(def, [1, 2, 3], { f: async () => "w".repeat(100_000) }, { stateMachineType: "EXPRESS" });
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "States.DataLimitExceeded");
    assert.match(r.cause!, /'M'/);
  });

  it("a STANDARD execution fails when its history reaches 25,000 events; EXPRESS has no such quota", async () => {
    // service-quotas.html: "Maximum execution history size: 25,000 events"
    const items = Array.from({ length: 5000 }, (_, i) => i);
    const def = {
      StartAt: "M",
      States: {
        M: { Type: "Map", ItemProcessor: { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("f"), End: true } } }, End: true },
      },
    };
    const standard = await runDef(def, items, { f: async () => 0 }, { keepHistory: false });
    assert.equal(standard.status, "FAILED");
    assert.equal(standard.error, "States.Runtime");
    assert.match(standard.cause!, /25000/);
    assert.equal(standard.counters.historyEvents, LIMITS.historyEvents + 1, "the terminal ExecutionFailed event closes the history");
    const express = await runDef(def, items, { f: async () => 0 }, { stateMachineType: "EXPRESS", keepHistory: false });
    assert.equal(express.status, "SUCCEEDED");
    assert.ok(express.counters.historyEvents > LIMITS.historyEvents);
  });
});
