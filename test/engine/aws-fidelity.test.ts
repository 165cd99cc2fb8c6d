/**
 * Issue 14: the engine does what AWS does. Each test names the AWS page (or the recorded AWS
 * behaviour) it follows.
 */
import { strict as assert } from "node:assert";
import type { JsonValue } from "../../asl/types";
import { eventsOf, runDef, single } from "./helpers";

const jsonata = (def: unknown) => ({ QueryLanguage: "JSONata", ...(def as Record<string, unknown>) });
async function evalIntrinsic(expr: string, input: JsonValue = {}): Promise<{ value?: JsonValue; error?: string; cause?: string }> {
  const r = await runDef(single({ Type: "Pass", Parameters: { "v.$": expr } }), input);
  if (r.status === "SUCCEEDED") return { value: (r.output as { v: JsonValue }).v };
  return { error: r.error, cause: r.cause };
}
const processor = (
  config: Record<string, unknown> | undefined,
  states: Record<string, unknown> = { P: { Type: "Pass", End: true } },
  startAt = "P",
) => ({
  ...(config ? { ProcessorConfig: config } : {}),
  StartAt: startAt,
  States: states,
});

// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
describe("engine AWS fidelity: intrinsic functions", () => {
  it("States.MathAdd rounds decimal arguments to integers before adding", async () => {
    assert.equal((await evalIntrinsic("States.MathAdd(1.5, 1)")).value, 3);
    assert.equal((await evalIntrinsic("States.MathAdd($.a, $.b)", { a: 2.4, b: -1.5 })).value, 1);
    assert.equal((await evalIntrinsic("States.MathAdd($.a, 1)", { a: "2" })).error, "States.IntrinsicFailure");
  });
  it("States.StringToJson('') returns null", async () => {
    assert.equal((await evalIntrinsic("States.StringToJson($.s)", { s: "" })).value, null);
    assert.equal((await evalIntrinsic("States.StringToJson('')")).value, null);
  });
  it("States.Format prints objects and arrays the Java way: {a=1, b=[1, 2]}", async () => {
    const input = { o: { a: 1, b: [1, 2], c: { d: "x" }, e: null }, arr: ["p", 2, true] };
    assert.equal(
      (await evalIntrinsic("States.Format('o={} arr={}', $.o, $.arr)", input)).value,
      "o={a=1, b=[1, 2], c={d=x}, e=null} arr=[p, 2, true]",
    );
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html — Iterator is the
// deprecated ItemProcessor; ProcessorConfig applies to it the same way.
describe("engine AWS fidelity: legacy Iterator", () => {
  it("Iterator with ProcessorConfig DISTRIBUTED runs a Map Run, like ItemProcessor", async () => {
    const def = single({
      Type: "Map",
      Iterator: processor(
        { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
        { P: { Type: "Pass", Parameters: { "v.$": "$.n" }, End: true } },
      ),
    });
    const r = await runDef(def, [{ n: 1 }, { n: 2 }]);
    assert.equal(r.status, "SUCCEEDED");
    assert.deepEqual(r.output, [{ v: 1 }, { v: 2 }]);
    assert.equal(eventsOf(r, "MapRunStarted").length, 1);
  });
  it("Iterator without ProcessorConfig runs inline (no Map Run)", async () => {
    const r = await runDef(single({ Type: "Map", Iterator: processor(undefined) }), [1, 2]);
    assert.deepEqual(r.output, [1, 2]);
    assert.equal(eventsOf(r, "MapRunStarted").length, 0);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html — "$varName" works
// wherever a JSONPath path does, the `...Path` fields included.
describe("engine AWS fidelity: variables in *Path fields", () => {
  const assign = (vars: Record<string, unknown>, next: string) => ({ Type: "Pass", Assign: vars, Next: next });
  it("SecondsPath, TimeoutSecondsPath and ItemsPath read workflow variables", async () => {
    const def = {
      StartAt: "V",
      States: {
        V: assign({ wait: 7, items: [1, 2, 3], limit: 1 }, "W"),
        W: { Type: "Wait", SecondsPath: "$wait", Next: "M" },
        M: { Type: "Map", ItemsPath: "$items", MaxConcurrencyPath: "$limit", ItemProcessor: processor(undefined), End: true },
      },
    };
    const r = await runDef(def, {});
    assert.equal(r.status, "SUCCEEDED", r.cause);
    assert.equal(r.durationMs, 7000);
    assert.deepEqual(r.output, [1, 2, 3]);
  });
  it("MaxConcurrencyPath, ToleratedFailureCountPath and ToleratedFailurePercentagePath of a Distributed Map read variables", async () => {
    const def = {
      StartAt: "V",
      States: {
        V: assign({ c: 2, n: 1, pct: 50 }, "M"),
        M: {
          Type: "Map",
          MaxConcurrencyPath: "$c",
          ToleratedFailureCountPath: "$n",
          ToleratedFailurePercentagePath: "$pct",
          ItemProcessor: processor(
            { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            {
              C: { Type: "Choice", Choices: [{ Variable: "$", NumericEquals: 2, Next: "F" }], Default: "P" },
              P: { Type: "Pass", End: true },
              F: { Type: "Fail", Error: "Two" },
            },
            "C",
          ),
          End: true,
        },
      },
    };
    const r = await runDef(def, [1, 2, 3]);
    assert.equal(r.status, "SUCCEEDED", r.cause);
    const started = eventsOf(r, "MapRunStarted");
    assert.equal(started.length, 1);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html — Seconds/SecondsPath: an integer.
describe("engine AWS fidelity: SecondsPath non-integer", () => {
  it("SecondsPath selecting 1.5 fails with States.Runtime", async () => {
    const r = await runDef(single({ Type: "Wait", SecondsPath: "$.s" }), { s: 1.5 });
    assert.equal(r.error, "States.Runtime");
    assert.equal(
      r.cause,
      "An error occurred while executing the state 'S' (entered at the event id #2). The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5",
    );
  });
  it("TimeoutSecondsPath selecting a string fails with States.Runtime", async () => {
    const r = await runDef(
      single({ Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:F", TimeoutSecondsPath: "$.t" }),
      { t: "5" },
      { F: async () => 1 },
    );
    assert.equal(r.error, "States.Runtime");
  });
});

// AWS's QueryEvaluationError causes, as recorded from AWS executions: "An error occurred while
// executing the state 'S' (entered at the event id #2). The JSONata expression '...' specified for
// the field 'Arguments/Input/x' returned nothing (undefined)."; Map Items: "... returned an
// unexpected result type. Expected 'array', but was 'object' for value: ...".
describe("engine AWS fidelity: JSONata errors are States.QueryEvaluationError with AWS's wording", () => {
  it("an expression that returns nothing names the state, the entered event and the field path", async () => {
    const r = await runDef(jsonata(single({ Type: "Pass", Output: { v: { w: ["{% 1 %}", "{% $states.input.absent %}"] } } })), {});
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.equal(
      r.cause,
      "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$states.input.absent' specified for the field 'Output/v/w[1]' returned nothing (undefined).",
    );
  });
  it("Items that is not an array", async () => {
    const r = await runDef(jsonata(single({ Type: "Map", Items: "{% $states.input.o %}", ItemProcessor: processor(undefined) })), {
      o: { a: 1 },
    });
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.equal(
      r.cause,
      "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$states.input.o' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"a\":1}",
    );
  });
  it("Items of a Distributed Map that is neither an array nor an object", async () => {
    const r = await runDef(
      jsonata(single({ Type: "Map", Items: "{% 'x' %}", ItemProcessor: processor({ Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }) })),
      {},
    );
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.match(r.cause!, /field 'Items' returned an unexpected result type\. Expected 'array', but was 'string'/);
  });
  it("a Wait Timestamp that is not a timestamp (a string: AWS's recorded wording; another type: unexpected result type)", async () => {
    const r = await runDef(jsonata(single({ Type: "Wait", Timestamp: "{% 'tomorrow' %}" })), {});
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.match(r.cause!, /The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: tomorrow$/);
    const n = await runDef(jsonata(single({ Type: "Wait", Timestamp: "{% 7 %}" })), {});
    assert.match(n.cause!, /field 'Timestamp' returned an unexpected result type\. Expected 'timestamp', but was 'number' for value: 7/);
  });
  it("a Wait Seconds that is not an integer", async () => {
    const r = await runDef(jsonata(single({ Type: "Wait", Seconds: "{% 1.5 %}" })), {});
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.match(r.cause!, /field 'Seconds' .*Expected 'integer', but was 'number' for value: 1\.5/);
  });
  it("an evaluation error, and it is catchable", async () => {
    const def = jsonata({
      StartAt: "T",
      States: {
        T: {
          Type: "Parallel",
          Branches: [{ StartAt: "P", States: { P: { Type: "Pass", Output: "{% $states.input.a + 'x' %}", End: true } } }],
          Catch: [{ ErrorEquals: ["States.QueryEvaluationError"], Next: "C", Output: "{% $states.errorOutput %}" }],
          End: true,
        },
        C: { Type: "Pass", End: true },
      },
    });
    const r = await runDef(def, { a: 1 });
    assert.equal(r.status, "SUCCEEDED");
    const out = r.output as { Error: string; Cause: string };
    assert.equal(out.Error, "States.QueryEvaluationError");
    assert.match(
      out.Cause,
      /^An error occurred while executing the state 'P' \(entered at the event id #\d+\)\. The JSONata expression '\$states\.input\.a \+ 'x'' specified for the field 'Output' threw an error during evaluation\. T2002/,
    );
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — the failure
// thresholds and MaxConcurrency take a JSONata expression in a JSONata state.
describe("engine AWS fidelity: JSONata in MaxConcurrency and the failure thresholds", () => {
  const map = (fields: Record<string, unknown>) =>
    jsonata(
      single({
        Type: "Map",
        Items: "{% $states.input.items %}",
        ItemProcessor: processor(
          { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          {
            C: { Type: "Choice", Choices: [{ Condition: "{% $states.input = 2 %}", Next: "F" }], Default: "P" },
            P: { Type: "Pass", End: true },
            F: { Type: "Fail", Error: "Two" },
          },
          "C",
        ),
        ...fields,
      }),
    );
  it("evaluates them and applies them", async () => {
    const ok = await runDef(map({ MaxConcurrency: "{% $states.input.c %}", ToleratedFailureCount: "{% $states.input.n %}" }), {
      items: [1, 2, 3],
      c: 2,
      n: 1,
    });
    assert.equal(ok.status, "SUCCEEDED", ok.cause);
    const pct = await runDef(map({ ToleratedFailurePercentage: "{% $states.input.p %}" }), { items: [1, 2, 3], p: 10 });
    assert.equal(pct.error, "States.ExceedToleratedFailureThreshold");
  });
  it("a value of the wrong type is States.QueryEvaluationError naming the field", async () => {
    const r = await runDef(map({ ToleratedFailureCount: "{% 1.5 %}" }), { items: [1] });
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.match(r.cause!, /field 'ToleratedFailureCount' returned an unexpected result type\. Expected 'integer'/);
    const m = await runDef(map({ MaxConcurrency: "{% 'many' %}" }), { items: [1] });
    assert.equal(m.error, "States.QueryEvaluationError");
  });
  it("inline Map MaxConcurrency takes a JSONata expression too", async () => {
    const r = await runDef(jsonata(single({ Type: "Map", MaxConcurrency: "{% 1 %}", ItemProcessor: processor(undefined) })), [1, 2]);
    assert.deepEqual(r.output, [1, 2]);
  });
});

// A one-value result is the value, not a one-element array (recorded AWS behaviour:
// "$states.result.Items[status.S = 'X'] returns a bare object ... when exactly one item matches");
// strings starting with '$' are literals in JSONata states (transforming-data.html: "not-evaluated": "$customerName").
describe("engine AWS fidelity: JSONata values", () => {
  it("a filter matching one item yields the item; [] keeps the array", async () => {
    const r = await runDef(
      jsonata(
        single({
          Type: "Pass",
          Output: {
            one: "{% $states.input.items[x = 1] %}",
            kept: "{% $states.input.items[x = 1][] %}",
            two: "{% $states.input.items.x %}",
          },
        }),
      ),
      { items: [{ x: 1 }, { x: 2 }] },
    );
    assert.deepEqual(r.output, { one: { x: 1 }, kept: [{ x: 1 }], two: [1, 2] });
  });
  it("'$'-strings in Output and Arguments are literals", async () => {
    const r = await runDef(jsonata(single({ Type: "Pass", Output: { a: "$customerName", b: "$.x", c: "$$.Execution.Id" } })), { x: 1 });
    assert.deepEqual(r.output, { a: "$customerName", b: "$.x", c: "$$.Execution.Id" });
    const t = await runDef(
      jsonata(
        single({
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Arguments: { FunctionName: "F", Payload: { p: "$.literal" } },
          Output: "{% $states.result.Payload %}",
        }),
      ),
      {},
      { F: async (e) => e },
    );
    assert.deepEqual(t.output, { p: "$.literal" });
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — a Distributed Map
// may run inside a Distributed Map's child workflow (STANDARD children), each level a Map Run of its own.
describe("engine AWS fidelity: nested Distributed Maps", () => {
  it("a DISTRIBUTED Map inside a Distributed Map child runs its own Map Run with its own limits", async () => {
    const inner = {
      Type: "Map",
      ItemsPath: "$.xs",
      MaxConcurrency: 1,
      ItemProcessor: processor(
        { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
        { Q: { Type: "Pass", Parameters: { "d.$": "States.MathAdd($, $)" }, End: true } },
        "Q",
      ),
      End: true,
    };
    const def = single({
      Type: "Map",
      MaxConcurrency: 2,
      ItemProcessor: processor({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, { I: inner }, "I"),
    });
    const runs = new Map<string, { stateName: string; maxConcurrency: number; status: string }>();
    const r = await runDef(
      def,
      [{ xs: [1, 2] }, { xs: [3] }],
      {},
      { childEvents: true, onEvent: (e) => e.kind === "mapRun" && runs.set(e.record.mapRunArn, e.record) },
    );
    assert.equal(r.status, "SUCCEEDED", r.cause);
    assert.deepEqual(r.output, [[{ d: 2 }, { d: 4 }], [{ d: 6 }]]);
    // The execution lists its own Map Run; each child execution has its own (AWS: ListMapRuns per execution).
    assert.equal(r.mapRuns.length, 1);
    const all = [...runs.values()].map((m) => [m.stateName, m.maxConcurrency, m.status]).sort();
    assert.deepEqual(all, [
      ["I", 1, "SUCCEEDED"],
      ["I", 1, "SUCCEEDED"],
      ["S", 2, "SUCCEEDED"],
    ]);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html — Paths
// follow JsonPath as Step Functions runs it (Jayway): `$.[0]`, filters, deep scans, functions.
describe("engine AWS fidelity: the Jayway JsonPath dialect in Paths", () => {
  const input = {
    a: [
      { x: 1, b: 2 },
      { x: 2, b: 3 },
    ],
    "a b": 5,
    n: [3, 1, 2],
  };
  const cases: Array<[string, JsonValue]> = [
    ["$.a.[1].b", 3],
    ["$.a.[?(@.x > 1)]", [{ x: 2, b: 3 }]],
    ["$..x", [1, 2]],
    ["$['a b']", 5],
    ["$.a[*].b", [2, 3]],
    ["$.a.length()", 2],
    ["$.n.max()", 3],
    ["$.n.min()", 1],
    ["$.n.avg()", 2],
    ["$.a[*].b.sum()", 5],
  ];
  for (const [path, expected] of cases) {
    it(`${path} in a Parameters '.$' field`, async () => {
      const r = await runDef(single({ Type: "Pass", Parameters: { "v.$": path } }), input);
      assert.deepEqual((r.output as { v: JsonValue }).v, expected);
    });
  }
  it("$.[0] selects the first element of an array input (InputPath)", async () => {
    assert.deepEqual((await runDef(single({ Type: "Pass", InputPath: "$.[0]" }), [7, 8])).output, 7);
  });
});

/**
 * Runtime error causes in AWS's words. The rules (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html:
 * SecondsPath selects "a positive integer"; https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html:
 * ToleratedFailurePercentage "a value between zero and 100", ToleratedFailureCount "an integer" not negative;
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html: a path that matches
 * nothing is a States.Runtime error) are documented; their texts are as executions recorded on AWS show
 * (localstack/localstack tests/aws/services/stepfunctions/v2/base/test_wait.py, v2/scenarios/test_base_scenarios.py
 * (test_wait_timestamp_path, test_wait_timestamp_jsonata: their inputs are rewritten in the snapshot, so the bench cannot replay them),
 * v2/intrinsic_functions/test_math_operations_jsonata.py; replayed by bench/aws-recorded.bench.ts).
 */
describe("engine AWS fidelity: error causes as AWS words them", () => {
  const prefix = (state: string, id = 2) => `An error occurred while executing the state '${state}' (entered at the event id #${id}). `;
  it("SecondsPath: a negative value; a value that is not a whole number", async () => {
    const wait = single({ Type: "Wait", SecondsPath: "$.input.waitSeconds" });
    const neg = await runDef(wait, { input: { waitSeconds: -1 } });
    assert.equal(neg.cause, prefix("S") + "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1");
    const frac = await runDef(wait, { input: { waitSeconds: -1.5 } });
    assert.equal(frac.cause, prefix("S") + "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == -1.5");
  });
  it("a Timestamp that is not ISO-8601 (a space for the T, no Z, month 13, hour 25): TimestampPath and JSONata", async () => {
    for (const t of [
      "2016-12-05 21:29:29Z",
      "2016-12-05T21:29:29",
      "2016-13-05T21:29:29Z",
      "2016-12-05T25:29:29Z",
      "05-12-2016T21:29:29Z",
    ]) {
      const path = await runDef(single({ Type: "Wait", TimestampPath: "$.TimestampValue" }), { TimestampValue: t });
      assert.equal(path.error, "States.Runtime");
      assert.equal(
        path.cause,
        prefix("S") +
          `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == ${t}`,
      );
      const ja = await runDef(jsonata(single({ Type: "Wait", Timestamp: "{% $states.input.TimestampValue %}" })), { TimestampValue: t });
      assert.equal(ja.error, "States.QueryEvaluationError");
      assert.equal(
        ja.cause,
        prefix("S") + `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${t}`,
      );
      assert.deepEqual(
        ja.history.map((e) => e.type),
        ["ExecutionStarted", "WaitStateEntered", "EvaluationFailed", "ExecutionFailed"],
      );
    }
  });
  it("InputPath/OutputPath matching nothing: the path in bracket notation", async () => {
    const r = await runDef(single({ Type: "Pass", InputPath: "$.NoSuchInputPath" }), { a: 1 });
    assert.equal(r.error, "States.Runtime");
    assert.equal(r.cause, prefix("S") + "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']");
    const o = await runDef(single({ Type: "Pass", OutputPath: "$.a.b[0]" }), { a: 1 });
    assert.equal(o.cause, prefix("S") + "Invalid path '$.a.b[0]' : No results for path: $['a']['b'][0]");
  });
  it("MaxConcurrencyPath selecting what is not an integer (inline Map)", async () => {
    const def = single({
      Type: "Map",
      ItemsPath: "$.Values",
      MaxConcurrencyPath: "$.MaxConcurrencyValue",
      ItemProcessor: processor(undefined),
    });
    const r = await runDef(def, { MaxConcurrencyValue: "NoNumber", Values: ["HelloWorld"] });
    assert.equal(r.error, "States.Runtime");
    assert.equal(
      r.cause,
      prefix("S") + 'The MaxConcurrencyPath field refers to value "NoNumber" which is not a valid integer: $.MaxConcurrencyValue',
    );
  });
  it("ToleratedFailureCountPath / ToleratedFailurePercentagePath (Distributed Map): not a number, out of range", async () => {
    const map = (field: string) =>
      single({
        Type: "Map",
        ItemsPath: "$.Items",
        [field]: `$.${field.replace(/Path$/, "")}`,
        ItemProcessor: processor({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }),
      });
    const causes = async (field: string, value: JsonValue) =>
      (await runDef(map(field), { Items: [0], [field.replace(/Path$/, "")]: value })).cause;
    assert.equal(
      await causes("ToleratedFailureCountPath", {}),
      prefix("S") + 'The ToleratedFailureCountPath field refers to value "{}" which is not a valid integer: $.ToleratedFailureCount',
    );
    assert.equal(await causes("ToleratedFailureCountPath", -1), prefix("S") + "ToleratedFailureCount cannot be negative.");
    assert.equal(
      await causes("ToleratedFailurePercentagePath", "NoNumber"),
      prefix("S") +
        'The ToleratedFailurePercentagePath field refers to value "NoNumber" which is not a valid float: $.ToleratedFailurePercentage',
    );
    assert.equal(
      await causes("ToleratedFailurePercentagePath", 100.1),
      prefix("S") + "ToleratedFailurePercentage must be between 0 and 100.",
    );
  });
  it("a JSONata expression that throws: '... threw an error during evaluation. T1006: ...'", async () => {
    const r = await runDef(jsonata(single({ Type: "Pass", Output: { FunctionResult: "{% $randomSeeded($states.input.x) %}" } })), { x: 1 });
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.equal(
      r.cause,
      prefix("S") +
        "The JSONata expression '$randomSeeded($states.input.x)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function",
    );
  });
});

/**
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_EvaluationFailedEventDetails.html —
 * "Contains details about an evaluation failure that occurred while processing a state, for example,
 * when a JSONata expression throws an error": error, cause, location, state. Where it goes, as
 * executions recorded on AWS show (localstack/localstack tests/aws/services/stepfunctions/v2/assign/
 * test_assign_reference_variables.py::test_undefined_reference, v2/scenarios/test_base_scenarios.py::
 * test_map_state_items_input_types): after the StateEntered event, then ExecutionFailed (a Map: MapStateFailed first).
 */
describe("engine AWS fidelity: EvaluationFailed events", () => {
  it("a JSONata Assign that reads an undefined variable: PassStateEntered, EvaluationFailed (location Assign/result), ExecutionFailed", async () => {
    const r = await runDef(jsonata(single({ Type: "Pass", Assign: { result: "{% $doesNotExist %}" } })), {});
    assert.deepEqual(
      r.history.map((e) => e.type),
      ["ExecutionStarted", "PassStateEntered", "EvaluationFailed", "ExecutionFailed"],
    );
    const details = (r.history[2] as unknown as { evaluationFailedEventDetails: Record<string, string> }).evaluationFailedEventDetails;
    assert.deepEqual(details, {
      error: "States.QueryEvaluationError",
      cause: r.cause,
      location: "Assign/result",
      state: "S",
    });
  });
  it("a JSONata Map whose input is not an array: MapStateEntered, EvaluationFailed (no location), MapStateFailed, ExecutionFailed", async () => {
    const r = await runDef(jsonata(single({ Type: "Map", ItemProcessor: processor(undefined) })), { foo: "bar" } as JsonValue);
    assert.deepEqual(
      r.history.map((e) => e.type),
      ["ExecutionStarted", "MapStateEntered", "EvaluationFailed", "MapStateFailed", "ExecutionFailed"],
    );
    const details = (r.history[2] as unknown as { evaluationFailedEventDetails: Record<string, string> }).evaluationFailedEventDetails;
    assert.equal(details.location, undefined);
    assert.match(details.cause!, /Map state input must be an array but was: \{"foo":"bar"\}$/);
  });
  it("an error inside an iteration is recorded once, by the state that evaluated", async () => {
    const def = jsonata(
      single({
        Type: "Map",
        Items: "{% [1] %}",
        ItemProcessor: processor(undefined, { P: { Type: "Pass", Output: "{% $nope %}", End: true } }),
      }),
    );
    const r = await runDef(def, {});
    const failed = r.history.filter((e) => e.type === "EvaluationFailed");
    assert.equal(failed.length, 1);
    assert.equal((failed[0] as unknown as { evaluationFailedEventDetails: { state: string } }).evaluationFailedEventDetails.state, "P");
  });
});

/**
 * A Distributed Map's own events around its Map Run, as executions recorded on AWS show (localstack/localstack
 * tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.py::test_map_state_label,
 * test_map_state_tolerated_failure_count_path); the events are those of
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html (MapStateStarted: "the size of the array").
 */
describe("engine AWS fidelity: Distributed Map state events", () => {
  const distributed = (extra: Record<string, unknown> = {}) =>
    single({ Type: "Map", ItemProcessor: processor({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }), ...extra });
  it("MapStateEntered, MapStateStarted {length}, MapRunStarted, MapRunSucceeded, MapStateSucceeded, MapStateExited", async () => {
    const r = await runDef(distributed(), ["Hello", "World"]);
    assert.deepEqual(
      r.history.map((e) => e.type),
      [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapRunStarted",
        "MapRunSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
      ],
    );
    assert.deepEqual((r.history[2] as unknown as { mapStateStartedEventDetails: unknown }).mapStateStartedEventDetails, { length: 2 });
  });
  it("a Map Run setting that cannot be used fails the state after MapStateStarted, with no MapStateFailed", async () => {
    const r = await runDef(distributed({ ItemsPath: "$.Items", ToleratedFailureCountPath: "$.ToleratedFailureCount" }), {
      Items: [0],
      ToleratedFailureCount: "NoNumber",
    });
    assert.deepEqual(
      r.history.map((e) => e.type),
      ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "ExecutionFailed"],
    );
  });
  it("a Map Run that fails: MapRunFailed, then MapStateFailed (as an inline Map's failure)", async () => {
    const def = single({
      Type: "Map",
      ItemProcessor: processor({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, { F: { Type: "Fail", Error: "E" } }, "F"),
    });
    const r = await runDef(def, [1]);
    const types = r.history.map((e) => e.type);
    assert.deepEqual(types.slice(-3), ["MapRunFailed", "MapStateFailed", "ExecutionFailed"]);
  });
});

/**
 * Retry and Catch on a Map or Parallel state, as executions recorded on AWS show (localstack/localstack
 * tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.py::test_map_state_retry,
 * test_map_state_catch, test_parallel_state_retry, test_parallel_state_catch): one MapStateFailed /
 * ParallelStateFailed, after the last attempt; a caught one records its Exited event with the Catch's output.
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html: retriers first, then the catcher.)
 */
describe("engine AWS fidelity: retried and caught Map and Parallel states", () => {
  const failing = { F: { Type: "Fail", Error: "HandleItemFailError", Cause: "HandleItemFailCause" } };
  const map = (extra: Record<string, unknown>) => ({
    StartAt: "M",
    States: {
      M: { Type: "Map", ItemsPath: "$.arr", ItemProcessor: processor(undefined, failing, "F"), ...extra },
      Done: { Type: "Pass", End: true },
    },
  });
  it("a Map retried twice: MapStateStarted three times, one MapStateFailed at the end", async () => {
    const r = await runDef(map({ End: true, Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 2 }] }), { arr: [1] });
    const types = r.history.map((e) => e.type);
    assert.equal(types.filter((t) => t === "MapStateStarted").length, 3);
    assert.deepEqual(types.slice(-3), ["MapIterationFailed", "MapStateFailed", "ExecutionFailed"]);
    assert.equal(types.filter((t) => t === "MapStateFailed").length, 1);
  });
  it("a caught Map: MapStateFailed, MapStateExited with the error output, then the Catch's state", async () => {
    const r = await runDef(map({ End: true, Catch: [{ ErrorEquals: ["States.ALL"], Next: "Done" }] }), { arr: [1] });
    const types = r.history.map((e) => e.type);
    assert.deepEqual(types.slice(-5), ["MapStateFailed", "MapStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    const exited = r.history[types.indexOf("MapStateExited")] as unknown as { stateExitedEventDetails: { output: string } };
    assert.deepEqual(JSON.parse(exited.stateExitedEventDetails.output), { Error: "HandleItemFailError", Cause: "HandleItemFailCause" });
  });
  it("a Parallel retried and then caught: ParallelStateFailed once, then ParallelStateExited", async () => {
    const def = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "F", States: failing }],
          Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Done" }],
          End: true,
        },
        Done: { Type: "Pass", End: true },
      },
    };
    const types = (await runDef(def, {})).history.map((e) => e.type);
    assert.deepEqual(types, [
      "ExecutionStarted",
      "ParallelStateEntered",
      "ParallelStateStarted",
      "FailStateEntered",
      "ParallelStateStarted",
      "FailStateEntered",
      "ParallelStateFailed",
      "ParallelStateExited",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
  });
});

/**
 * What AWS accepts and runs, as executions recorded on AWS show (localstack/localstack tests/aws/services/
 * stepfunctions/v2/assign/test_assign_reference_variables.py::test_reference_in_map_state,
 * v2/evaluate_jsonata/test_base_evaluate_expressions.py::test_base_map, v2/scenarios/test_base_scenarios.py::
 * test_map_state_items_eval_jsonata_fail[function]).
 */
describe("engine AWS fidelity: Map fields as AWS reads them", () => {
  it('MaxConcurrencyPath and ToleratedFailureCountPath selecting the string "1" (a variable) run', async () => {
    const def = (field: string, mode: "INLINE" | "DISTRIBUTED") => ({
      StartAt: "Start",
      States: {
        Start: { Type: "Pass", Assign: { v: "1" }, Result: { Values: [1, 2, 3] }, Next: "M" },
        M: {
          Type: "Map",
          ItemsPath: "$.Values",
          [field]: "$v",
          ItemProcessor: processor(mode === "INLINE" ? { Mode: "INLINE" } : { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }),
          End: true,
        },
      },
    });
    for (const [field, mode] of [
      ["MaxConcurrencyPath", "INLINE"],
      ["MaxConcurrencyPath", "DISTRIBUTED"],
      ["ToleratedFailureCountPath", "DISTRIBUTED"],
      ["ToleratedFailurePercentagePath", "DISTRIBUTED"],
    ] as const) {
      const r = await runDef(def(field, mode), {});
      assert.equal(r.status, "SUCCEEDED", `${field} ${mode}: ${r.cause}`);
      assert.deepEqual(r.output, [1, 2, 3]);
    }
  });
  it("ToleratedFailureCount / ToleratedFailurePercentage on an INLINE Map run (no effect there)", async () => {
    for (const field of ["ToleratedFailureCount", "ToleratedFailurePercentage"]) {
      const def = jsonata(
        single({ Type: "Map", Items: [1], MaxConcurrency: 1, ItemProcessor: processor(undefined), [field]: "{% $variable := 1 %}" }),
      );
      const r = await runDef(def, {});
      assert.equal(r.status, "SUCCEEDED", r.cause);
      assert.deepEqual(r.output, [1]);
    }
  });
  it("JSONata Items that returns a function: 'returned an unsupported result type.'", async () => {
    const r = await runDef(
      jsonata(
        single({ Type: "Map", MaxConcurrency: 1, Items: "{% $fn := function($x){$x} %}", ItemProcessor: processor({ Mode: "INLINE" }) }),
      ),
      {},
    );
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.equal(
      r.cause,
      "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type.",
    );
  });
});
