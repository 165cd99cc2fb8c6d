import { strict as assert } from "node:assert";
import { fnArn, runDef, single } from "./helpers";

describe("engine: JSONPath input and output processing", () => {
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
  it("InputPath selects part of the state input", async () => {
    // "Use the InputPath field to select a portion of the state input."
    const r = await runDef(single({ Type: "Pass", InputPath: "$.a" }), { a: { b: 1 }, c: 2 });
    assert.deepEqual(r.output, { b: 1 });
  });

  it("InputPath null gives an empty object", async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html —
    // "If you set InputPath to null ... the state's input is an empty JSON object {}"
    const r = await runDef(single({ Type: "Pass", InputPath: null }), { a: 1 });
    assert.deepEqual(r.output, {});
  });

  it("an InputPath that matches nothing fails the execution with States.Runtime", async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html — States.Runtime:
    // "Often these are caused by errors at runtime, such as attempting to apply InputPath or OutputPath on a null JSON payload."
    const r = await runDef(single({ Type: "Pass", InputPath: "$.missing" }), { a: 1 });
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "States.Runtime");
  });

  it("Parameters: `.$` keys take paths, intrinsics and the context object; other keys are literal", async () => {
    // "For key-value pairs where the value is selected using a path, the key name must end in .$."
    const r = await runDef(
      single({
        Type: "Pass",
        Parameters: {
          literal: "$.not-a-path",
          "fromInput.$": "$.a.b[1]",
          "bracket.$": "$['x y']",
          "name.$": "$$.State.Name",
          "exec.$": "$$.Execution.Name",
          nested: { "deep.$": "$.a" },
          "all.$": "$..b",
        },
      }),
      { a: { b: [1, 2] }, "x y": "spaced" },
      {},
      { executionName: "exec-1" },
    );
    assert.deepEqual(r.output, {
      literal: "$.not-a-path",
      fromInput: 2,
      bracket: "spaced",
      name: "S",
      exec: "exec-1",
      nested: { deep: { b: [1, 2] } },
      all: [[1, 2]],
    });
  });

  it("Parameters keys of any spelling come out as written, in order: quotes, backslashes, line separators, __proto__, numbers, 40 fields", async () => {
    const odd = ['a"b', "back\\slash", "line\u2028sep", "__proto__", "7", "héllo", "$", "constructor"];
    const many = Array.from({ length: 40 }, (_, i) => `k${i}`);
    for (const keys of [odd, many, [...odd, ...many]]) {
      const parameters: Record<string, unknown> = {};
      const expected: Record<string, unknown> = {};
      keys.forEach((k, i) => {
        if (i % 2) {
          parameters[`${k}.$`] = "$.v";
          Object.defineProperty(expected, k, { value: "V", enumerable: true, writable: true, configurable: true });
        } else {
          Object.defineProperty(parameters, k, { value: { n: i }, enumerable: true, writable: true, configurable: true });
          Object.defineProperty(expected, k, { value: { n: i }, enumerable: true, writable: true, configurable: true });
        }
      });
      const r = await runDef(single({ Type: "Pass", Parameters: parameters }), { v: "V" });
      assert.equal(JSON.stringify(r.output), JSON.stringify(expected));
      assert.equal(Object.getPrototypeOf(r.output), Object.prototype);
    }
  });

  it("a Parameters path that matches nothing fails with States.Runtime naming the field", async () => {
    const r = await runDef(single({ Type: "Pass", Parameters: { "x.$": "$.nope" } }), {});
    assert.equal(r.error, "States.Runtime");
    assert.match(r.cause!, /The JSONPath '\$\.nope' specified for the field 'x\.\$' could not be found/);
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
  it("ResultPath puts the result inside the input, creating missing objects", async () => {
    // "If the ResultPath doesn't exist in the input, Step Functions creates it" (nested fields are created as needed).
    const r = await runDef(single({ Type: "Pass", Result: { v: 1 }, ResultPath: "$.a.b.c" }), { a: { keep: true } });
    assert.deepEqual(r.output, { a: { keep: true, b: { c: { v: 1 } } } });
  });

  it("ResultPath null discards the result and passes the input through", async () => {
    // "Use ResultPath: null to discard the result and keep the original input"
    const r = await runDef(single({ Type: "Pass", Result: "x", ResultPath: null }), { a: 1 });
    assert.deepEqual(r.output, { a: 1 });
  });

  it("ResultPath into a non-object fails with States.ResultPathMatchFailure", async () => {
    const r = await runDef(single({ Type: "Pass", Result: 1, ResultPath: "$.a.b" }), { a: "string" });
    assert.equal(r.error, "States.ResultPathMatchFailure");
  });

  it("ResultPath never mutates the input a previous state produced", async () => {
    const def = {
      StartAt: "A",
      States: {
        A: {
          Type: "Parallel",
          Branches: [
            { StartAt: "B1", States: { B1: { Type: "Pass", Result: 1, ResultPath: "$.x", End: true } } },
            { StartAt: "B2", States: { B2: { Type: "Pass", End: true } } },
          ],
          End: true,
        },
      },
    };
    const r = await runDef(def, { shared: true });
    assert.deepEqual(r.output, [{ shared: true, x: 1 }, { shared: true }]);
  });

  it("ResultSelector shapes the task result before ResultPath; OutputPath filters last", async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html#input-output-resultselector —
    // "Use the ResultSelector field to manipulate a state's result before ResultPath is applied."
    const def = single({
      Type: "Task",
      Resource: fnArn("f"),
      ResultSelector: { "n.$": "$.count", fixed: 1 },
      ResultPath: "$.res",
      OutputPath: "$.res",
    });
    const r = await runDef(def, { in: 1 }, { f: async () => ({ count: 7, noise: true }) });
    assert.deepEqual(r.output, { n: 7, fixed: 1 });
  });

  it("the context object exposes Execution, State, StateMachine fields", async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
    const r = await runDef(
      single({ Type: "Pass", Parameters: { "ctx.$": "$$" } }),
      { a: 1 },
      {},
      { executionName: "e1", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:M" },
    );
    const ctx = (r.output as { ctx: Record<string, Record<string, unknown>> }).ctx;
    assert.equal(ctx.Execution.Id, "arn:aws:states:us-east-1:123456789012:execution:M:e1");
    assert.equal(ctx.Execution.Name, "e1");
    assert.deepEqual(ctx.Execution.Input, { a: 1 });
    assert.equal(typeof ctx.Execution.StartTime, "string");
    assert.equal(ctx.State.Name, "S");
    // A Pass state has no Retry, and AWS records its `State` without RetryCount (see below).
    assert.deepEqual(Object.keys(ctx.State).sort(), ["EnteredTime", "Name"]);
    assert.equal(ctx.StateMachine.Id, "arn:aws:states:us-east-1:123456789012:stateMachine:M");
    assert.equal(ctx.StateMachine.Name, "M");
  });

  it("$$.State.RetryCount is there for a Task (states with Retry), not for Pass, Choice, Wait", async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html lists
    // "RetryCount": Number under State without saying for which states; executions recorded on AWS
    // show a Pass state's $$.State as {"Name", "EnteredTime"} only (localstack/localstack,
    // tests/aws/services/stepfunctions/v2/base/test_base.py::test_query_context_object_values and
    // v2/outputdecl/test_output.py::test_base_cases[BASE_EXPR]).
    const def = {
      StartAt: "P",
      States: {
        P: { Type: "Pass", Parameters: { "s.$": "$$.State" }, Next: "T" },
        T: { Type: "Task", Resource: fnArn("f"), Parameters: { "s.$": "$$.State", "p.$": "$.s" }, End: true },
      },
    };
    const r = await runDef(def, {}, { f: async (e: unknown) => e });
    const out = r.output as { s: Record<string, unknown>; p: Record<string, unknown> };
    assert.deepEqual(Object.keys(out.p).sort(), ["EnteredTime", "Name"]);
    assert.deepEqual(Object.keys(out.s).sort(), ["EnteredTime", "Name", "RetryCount"]);
    assert.equal(out.s.RetryCount, 0);
  });

  it("JSONPath states read workflow variables with $name and Assign sets them", async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html —
    // "To reference a variable, prepend a dollar sign ($) to the name, for example, $productName."
    const def = {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Assign: { product: "p1", "count.$": "$.n" }, Next: "B" },
        B: { Type: "Pass", Parameters: { "p.$": "$product", "c.$": "$count" }, End: true },
      },
    };
    const r = await runDef(def, { n: 3 });
    assert.deepEqual(r.output, { p: "p1", c: 3 });
  });
});
