/**
 * JSONata states and workflow variables.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
import { strict as assert } from "node:assert";
import { fnArn, runDef } from "./helpers";

describe("engine: JSONata", () => {
  it("a JSONata Map without Items whose input is not an array fails with States.QueryEvaluationError, as AWS reports it", async () => {
    // Recorded on AWS: "Map state input must be an array but was: 1" (error States.QueryEvaluationError);
    // state-map.html: Items defaults to $states.input.
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    };
    for (const [input, shown] of [
      [1, "1"],
      ["string", '"string"'],
      [{ foo: "bar" }, '{"foo":"bar"}'],
    ] as const) {
      const r = await runDef(def, input as never, {});
      assert.equal(r.error, "States.QueryEvaluationError");
      assert.match(r.cause ?? "", new RegExp(`Map state input must be an array but was: ${shown.replace(/[{}]/g, "\\$&")}$`));
    }
  });

  it("a Fail state without Error or Cause ends the execution with neither (AWS records executionFailedEventDetails: {})", async () => {
    // state-fail.html: Error and Cause are optional; recorded on AWS for a Map whose item fails so.
    const r = await runDef(
      {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "F", States: { F: { Type: "Fail" } } },
            End: true,
          },
        },
      },
      [1],
      {},
    );
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, undefined);
    assert.equal(r.cause, undefined);
    assert.deepEqual((r.history!.at(-1) as { executionFailedEventDetails?: unknown }).executionFailedEventDetails, {});
  });

  it("$range gives a sequence: one value is that value (AWS: $range(1, 9, 9) → 1); $partition keeps its array", async () => {
    // JSONata: "a sequence containing a single value is equivalent to that value" (https://docs.jsonata.org/processing#sequences);
    // recorded on AWS: $range(1,9,9) output "1", $range(1,9,2) "[1,3,5,7,9]", $partition([0],1) "[[0]]".
    const out = async (expr: string) =>
      (
        await runDef(
          { QueryLanguage: "JSONata", StartAt: "P", States: { P: { Type: "Pass", Output: `{% ${expr} %}`, End: true } } },
          {},
          {},
        )
      ).output;
    assert.equal(await out("$range(1, 9, 9)"), 1);
    assert.deepEqual(await out("$range(1, 9, 2)"), [1, 3, 5, 7, 9]);
    assert.deepEqual(await out("$partition([0], 1)"), [[0]]);
  });

  it("a string with anything around '{%' ... '%}' is literal text, not an expression", async () => {
    // "JSONata syntax: "{% <JSONata expression> %}"" — the whole string
    // (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html); AWS passes any other string on as it is.
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "P",
      States: { P: { Type: "Pass", Output: { spaced: " {% states.input %} ", open: "{% 1", whole: "{% 1 + 1 %}" }, End: true } },
    };
    assert.deepEqual((await runDef(def, { a: 1 }, {})).output, { spaced: " {% states.input %} ", open: "{% 1", whole: 2 });
  });

  it("QueryLanguage at the top level applies to every state; Arguments feed the task, Output shapes the result", async () => {
    // "Arguments ... the task's input"; "Output ... the state's output"
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: fnArn("double"),
          Arguments: { n: "{% $states.input.value %}" },
          Output: { doubled: "{% $states.result.n %}", original: "{% $states.input.value %}" },
          End: true,
        },
      },
    };
    const r = await runDef(def, { value: 21 }, { double: async (e: any) => ({ n: e.n * 2 }) });
    assert.deepEqual(r.output, { doubled: 42, original: 21 });
  });

  it("without Output, a JSONata Task outputs its result and a Pass outputs its input", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "T",
      States: {
        T: { Type: "Task", Resource: fnArn("f"), Next: "P" },
        P: { Type: "Pass", End: true },
      },
    };
    assert.deepEqual((await runDef(def, { a: 1 }, { f: async () => ({ r: 2 }) })).output, { r: 2 });
  });

  it("a state may switch QueryLanguage from a JSONPath machine", async () => {
    const def = {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Parameters: { "x.$": "$.v" }, Next: "B" },
        B: { Type: "Pass", QueryLanguage: "JSONata", Output: "{% $states.input.x + 1 %}", End: true },
      },
    };
    assert.equal((await runDef(def, { v: 1 })).output, 2);
  });

  it("states inside a JSONata Map of a JSONPath machine use the top-level query language", async () => {
    // CDK's QueryLanguage docs: "If the state does not contain a queryLanguage field, then it will use
    // the query language specified in the top-level queryLanguage field."
    const def = {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          QueryLanguage: "JSONata",
          Items: "{% $states.input.xs %}",
          ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "v.$": "$" }, End: true } } },
          End: true,
        },
      },
    };
    assert.deepEqual((await runDef(def, { xs: [1, 2] })).output, [{ v: 1 }, { v: 2 }]);
  });

  it("Assign sets variables; every Assign expression sees the values from before the state", async () => {
    // workflow-variables.html: "all variable assignments ... are evaluated using the variable values on state entry"
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "Init",
      States: {
        Init: { Type: "Pass", Assign: { x: 1, y: 10 }, Next: "Swap" },
        Swap: { Type: "Pass", Assign: { x: "{% $y %}", y: "{% $x %}" }, Next: "Out" },
        Out: { Type: "Pass", Output: { x: "{% $x %}", y: "{% $y %}" }, End: true },
      },
    };
    assert.deepEqual((await runDef(def, {})).output, { x: 10, y: 1 });
  });

  it("$states.context is the context object", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "P",
      States: { P: { Type: "Pass", Output: "{% $states.context.State.Name & '/' & $states.context.Execution.Name %}", End: true } },
    };
    assert.equal((await runDef(def, {}, {}, { executionName: "run-7" })).output, "P/run-7");
  });

  it("a Catch sees $states.errorOutput; its Output and Assign apply", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: fnArn("f"),
          Catch: [
            {
              ErrorEquals: ["States.ALL"],
              Output: { err: "{% $states.errorOutput.Error %}", input: "{% $states.input %}" },
              Assign: { failed: true },
              Next: "N",
            },
          ],
          End: true,
        },
        N: { Type: "Pass", Output: { out: "{% $states.input %}", failed: "{% $failed %}" }, End: true },
      },
    };
    const r = await runDef(
      def,
      { i: 1 },
      {
        f: async () => {
          throw new RangeError("r");
        },
      },
    );
    assert.deepEqual(r.output, { out: { err: "RangeError", input: { i: 1 } }, failed: true });
  });

  it("Choice Condition picks the first true rule; a rule's Output and Assign apply", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Choices: [
            { Condition: "{% $states.input.n > 10 %}", Next: "Big", Assign: { size: "big" } },
            { Condition: "{% $states.input.n > 0 %}", Next: "Small", Output: { small: true } },
          ],
          Default: "Zero",
        },
        Big: { Type: "Pass", Output: "{% $size %}", End: true },
        Small: { Type: "Pass", End: true },
        Zero: { Type: "Pass", Output: "zero", End: true },
      },
    };
    assert.equal((await runDef(def, { n: 11 })).output, "big");
    assert.deepEqual((await runDef(def, { n: 1 })).output, { small: true });
    assert.equal((await runDef(def, { n: 0 })).output, "zero");
  });

  it("Map Items and ItemSelector with $states.context.Map.Item; inner scopes read outer variables, their own assignments stay inside", async () => {
    // workflow-variables.html: nested scopes (Map, Parallel) can read variables of outer scopes.
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "Set",
      States: {
        Set: { Type: "Pass", Assign: { factor: 3, inner: "outer" }, Next: "M" },
        M: {
          Type: "Map",
          Items: "{% $states.input.xs %}",
          ItemSelector: { v: "{% $states.context.Map.Item.Value %}", i: "{% $states.context.Map.Item.Index %}" },
          ItemProcessor: {
            StartAt: "Mul",
            States: {
              Mul: { Type: "Pass", Assign: { inner: "changed" }, Output: "{% $states.input.v * $factor + $states.input.i %}", End: true },
            },
          },
          Next: "After",
        },
        After: { Type: "Pass", Output: { r: "{% $states.input %}", inner: "{% $inner %}" }, End: true },
      },
    };
    assert.deepEqual((await runDef(def, { xs: [1, 2, 3] })).output, { r: [3, 7, 11], inner: "outer" });
  });

  it("Step Functions' JSONata functions: $partition, $range, $hash, $uuid, $parse", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "P",
      States: {
        P: {
          Type: "Pass",
          Output: {
            p: "{% $partition([1,2,3], 2) %}",
            r: "{% $range(0, 4, 2) %}",
            h: "{% $hash('input data', 'SHA-1') %}",
            u: "{% $length($uuid()) %}",
            j: "{% $parse('{\"a\":1}') %}",
          },
          End: true,
        },
      },
    };
    assert.deepEqual((await runDef(def, {})).output, {
      p: [[1, 2], [3]],
      r: [0, 2, 4],
      h: "aaff4a450a104cd177d28d18d74485e8cae074b7",
      u: 36,
      j: { a: 1 },
    });
  });

  it("an expression error is States.QueryEvaluationError (catchable)", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "P",
      States: { P: { Type: "Pass", Output: "{% $states.input.a + 'x' %}", End: true } },
    };
    const r = await runDef(def, { a: 1 });
    assert.equal(r.error, "States.QueryEvaluationError");
  });

  it("Fail with JSONata Error and Cause", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "F",
      States: { F: { Type: "Fail", Error: "{% 'E' & $states.input.code %}", Cause: "{% $states.input.why %}" } },
    };
    const r = await runDef(def, { code: 42, why: "because" });
    assert.deepEqual([r.error, r.cause], ["E42", "because"]);
  });

  it("Wait Seconds as a JSONata expression", async () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: "{% $states.input.s * 2 %}", End: true } },
    };
    assert.equal((await runDef(def, { s: 5 })).durationMs, 10_000);
  });
});
