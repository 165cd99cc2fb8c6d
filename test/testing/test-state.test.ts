/**
 * testState: one state tested like AWS's TestState API (status, output, error, cause, nextState,
 * inspectionData at INFO / DEBUG / TRACE), a Task, a Choice and a Distributed Map with a mocked result.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 */
import { strict as assert } from "node:assert";
import { testState, TestStateRequestError } from "../../testing";

const task = {
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: "Double", "Payload.$": "$.n" },
  ResultSelector: { "v.$": "$.Payload" },
  ResultPath: "$.doubled",
  Retry: [{ ErrorEquals: ["Lambda.TooManyRequestsException"], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 }],
  Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Report" }],
  Next: "Store",
};
const machine = { StartAt: "Double", States: { Double: task, Store: { Type: "Succeed" }, Report: { Type: "Fail" } } };
const handlers = { Double: async (n: unknown) => (n as number) * 2 };

describe("testState (one state, like AWS's TestState)", function () {
  this.timeout(20_000);

  it("a Task of a machine, by name: output and nextState at INFO, no inspectionData", async () => {
    const r = await testState({ definition: machine, stateName: "Double", input: { n: 21 }, handlers });
    assert.deepEqual(r, { status: "SUCCEEDED", output: { n: 21, doubled: { v: 42 } }, nextState: "Store" });
  });

  it("DEBUG: the input and output processing, step by step; TRACE adds what was sent and returned", async () => {
    const r = await testState({ definition: machine, stateName: "Double", input: { n: 21 }, handlers, inspectionLevel: "DEBUG" });
    const d = r.inspectionData!;
    assert.deepEqual(d.input, { n: 21 });
    assert.deepEqual(d.afterInputPath, { n: 21 });
    assert.deepEqual(d.afterParameters, { FunctionName: "Double", Payload: 21 });
    assert.equal((d.result as { Payload: number }).Payload, 42);
    assert.deepEqual(d.afterResultSelector, { v: 42 });
    assert.deepEqual(d.afterResultPath, { n: 21, doubled: { v: 42 } });
    assert.equal(d.request, undefined);
    const trace = await testState({ definition: machine, stateName: "Double", input: { n: 21 }, handlers, inspectionLevel: "TRACE" });
    assert.deepEqual(trace.inspectionData!.request, { body: { FunctionName: "Double", Payload: 21 } });
  });

  it("a mocked error a retrier matches is RETRIABLE (with its back-off); one only a catcher matches is CAUGHT_ERROR with the catcher's output and next state", async () => {
    const retriable = await testState({
      definition: machine,
      stateName: "Double",
      input: { n: 1 },
      mock: { errorOutput: { error: "Lambda.TooManyRequestsException", cause: "slow down" } },
      inspectionLevel: "DEBUG",
      stateConfiguration: { retrierRetryCount: 1 },
    });
    assert.deepEqual([retriable.status, retriable.error, retriable.cause], ["RETRIABLE", "Lambda.TooManyRequestsException", "slow down"]);
    assert.deepEqual(retriable.inspectionData!.errorDetails, { retryIndex: 0, retryBackoffIntervalSeconds: 6 });
    const exhausted = await testState({
      definition: machine,
      stateName: "Double",
      input: { n: 1 },
      mock: { errorOutput: { error: "Lambda.TooManyRequestsException" } },
      stateConfiguration: { retrierRetryCount: 2 },
    });
    assert.equal(exhausted.status, "CAUGHT_ERROR");
    const caught = await testState({
      definition: machine,
      stateName: "Double",
      input: { n: 1 },
      mock: { errorOutput: { error: "Custom", cause: "no" } },
    });
    assert.deepEqual(caught, {
      status: "CAUGHT_ERROR",
      error: "Custom",
      cause: "no",
      output: { n: 1, error: { Error: "Custom", Cause: "no" } },
      nextState: "Report",
    });
    const failed = await testState({
      definition: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "F" }, End: true },
      mock: { errorOutput: { error: "Custom" } },
    });
    assert.deepEqual([failed.status, failed.error, failed.nextState], ["FAILED", "Custom", undefined]);
  });

  it("a Choice: the next state the rules choose, with variables", async () => {
    const choice = {
      QueryLanguage: "JSONata",
      Type: "Choice",
      Choices: [{ Condition: "{% $states.input.n > $limit %}", Next: "Big" }],
      Default: "Small",
    };
    assert.equal((await testState({ definition: choice, input: { n: 21 }, variables: { limit: 10 } })).nextState, "Big");
    const small = await testState({ definition: choice, input: { n: 5 }, variables: { limit: 10 }, inspectionLevel: "DEBUG" });
    assert.deepEqual([small.status, small.nextState, small.output], ["SUCCEEDED", "Small", { n: 5 }]);
    assert.deepEqual(small.inspectionData!.variables, { limit: 10 });
  });

  it("a Distributed Map with a mocked result: its items after ItemsPath, ItemSelector and ItemBatcher, its tolerance, and the output from the mocked result", async () => {
    const dmap = {
      Type: "Map",
      ItemsPath: "$.items",
      ItemSelector: { "value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
      ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { run: "r1" } },
      MaxConcurrency: 5,
      ToleratedFailurePercentage: 10,
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
        StartAt: "P",
        States: { P: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Proc", End: true } },
      },
      ResultSelector: { "count.$": "States.ArrayLength($)" },
      ResultPath: "$.summary",
      Next: "Done",
    };
    const r = await testState({
      definition: dmap,
      input: { items: ["a", "b", "c"] },
      mock: { result: [{ ok: 1 }, { ok: 2 }] },
      inspectionLevel: "DEBUG",
    });
    assert.deepEqual([r.status, r.nextState], ["SUCCEEDED", "Done"]);
    assert.deepEqual(r.output, { items: ["a", "b", "c"], summary: { count: 2 } });
    const d = r.inspectionData!;
    assert.deepEqual(d.afterItemsPath, ["a", "b", "c"]);
    assert.deepEqual(d.afterItemSelector, [
      { value: "a", index: 0 },
      { value: "b", index: 1 },
      { value: "c", index: 2 },
    ]);
    assert.deepEqual(d.afterItemBatcher, [
      {
        run: "r1",
        Items: [
          { value: "a", index: 0 },
          { value: "b", index: 1 },
        ],
      },
      { run: "r1", Items: [{ value: "c", index: 2 }] },
    ]);
    assert.deepEqual([d.toleratedFailurePercentage, d.maxConcurrency], [10, 5]);
    assert.deepEqual(d.result, [{ ok: 1 }, { ok: 2 }]);
    assert.deepEqual(d.afterResultSelector, { count: 2 });
  });

  it("a request it cannot run names the field: an unknown state, a machine without stateName, a bad inspection level", async () => {
    await assert.rejects(
      testState({ definition: machine, stateName: "Nope" }),
      (e: unknown) => e instanceof TestStateRequestError && /'Nope'.*Double, Store, Report/.test(e.message),
    );
    await assert.rejects(testState({ definition: machine }), /stateName is required/);
    await assert.rejects(testState({ definition: task, inspectionLevel: "LOUD" as never }), /inspectionLevel must be INFO, DEBUG or TRACE/);
  });
});
