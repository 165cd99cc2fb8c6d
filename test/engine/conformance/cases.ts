/**
 * The engine conformance suite: examples from the AWS Step Functions developer guide, each with the
 * input and the output (or error) the page shows. `conformance.test.ts` runs every case through our
 * engine in `npm test`; `bench/conformance.bench.ts` runs the same cases through
 * aws-local-stepfunctions and prints both pass rates side by side.
 *
 * Only deterministic examples are here (no $$.Execution.Id, States.UUID, random numbers) and only
 * states that need no AWS service (Pass, Choice, Wait, Parallel, Map, Fail).
 */
import type { JsonValue } from "../../../asl/types";

export interface ConformanceCase {
  name: string;
  /** The AWS page the example and its expected result come from. */
  source: string;
  definition: Record<string, unknown>;
  input: JsonValue;
  expected: { output: JsonValue } | { error: string };
}

const DG = "https://docs.aws.amazon.com/step-functions/latest/dg/";
const INTRINSICS = `${DG}intrinsic-functions.html`;
const RESULTPATH = `${DG}input-output-resultpath.html`;
const FILTERING = `${DG}input-output-inputpath-params.html`;
const JSONATA = `${DG}transforming-data.html`;

/** A one-state machine: a Pass state with the given fields. */
const pass = (fields: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  StartAt: "S",
  States: { S: { Type: "Pass", End: true, ...fields } },
  ...top,
});
const intrinsic = (name: string, expr: string, input: JsonValue, output: JsonValue): ConformanceCase => ({
  name: `intrinsic ${name}`,
  source: INTRINSICS,
  definition: pass({ Parameters: { "result.$": expr } }),
  input,
  expected: { output: { result: output } },
});
const resultPathInput = { comment: "This is a test", details: "Default example", who: "Step Functions" };
const nine = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] };

export const CONFORMANCE_CASES: ConformanceCase[] = [
  // ---- Intrinsic functions: every deterministic example of the page ----
  intrinsic("States.Format", "States.Format('Hello, my name is {}.', $.name)", { name: "Arnav" }, "Hello, my name is Arnav."),
  intrinsic(
    "States.Format with an escaped quote",
    "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)",
    { firstName: "John", lastName: "Doe" },
    "Welcome to John Doe's playlist.",
  ),
  intrinsic("States.StringToJson", "States.StringToJson($.escapedJsonString)", { escapedJsonString: '{"foo": "bar"}' }, { foo: "bar" }),
  intrinsic("States.JsonToString", "States.JsonToString($.unescapedJson)", { unescapedJson: { foo: "bar" } }, '{"foo":"bar"}'),
  intrinsic("States.Array", "States.Array('Foo', 2020, $.someJson, null)", { someJson: { random: "abcdefg" } }, [
    "Foo",
    2020,
    { random: "abcdefg" },
    null,
  ]),
  intrinsic("States.ArrayPartition", "States.ArrayPartition($.inputArray,4)", nine, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
  intrinsic("States.ArrayContains", "States.ArrayContains($.inputArray, $.lookingFor)", { ...nine, lookingFor: 5 }, true),
  intrinsic("States.ArrayRange", "States.ArrayRange(1, 9, 2)", {}, [1, 3, 5, 7, 9]),
  intrinsic("States.ArrayGetItem", "States.ArrayGetItem($.inputArray, $.index)", { ...nine, index: 5 }, 6),
  intrinsic("States.ArrayLength", "States.ArrayLength($.inputArray)", nine, 9),
  intrinsic("States.ArrayUnique", "States.ArrayUnique($.inputArray)", { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }, [1, 2, 3, 4]),
  intrinsic("States.Base64Encode", "States.Base64Encode($.input)", { input: "Data to encode" }, "RGF0YSB0byBlbmNvZGU="),
  intrinsic("States.Base64Decode", "States.Base64Decode($.base64)", { base64: "RGF0YSB0byBlbmNvZGU=" }, "Data to encode"),
  intrinsic(
    "States.Hash",
    "States.Hash($.Data, $.Algorithm)",
    { Data: "input data", Algorithm: "SHA-1" },
    "aaff4a450a104cd177d28d18d74485e8cae074b7",
  ),
  intrinsic(
    "States.JsonMerge",
    "States.JsonMerge($.json1, $.json2, false)",
    { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } },
    { a: { a3: 1, a4: 2 }, b: 2, c: 3 },
  ),
  intrinsic("States.MathAdd", "States.MathAdd($.value1, $.step)", { value1: 111, step: -1 }, 110),
  intrinsic("States.StringSplit", "States.StringSplit($.inputString, $.splitter)", { inputString: "1,2,3,4,5", splitter: "," }, [
    "1",
    "2",
    "3",
    "4",
    "5",
  ]),
  intrinsic(
    "States.StringSplit, several delimiters",
    "States.StringSplit($.inputString, $.splitter)",
    { inputString: "This.is+a,test=string", splitter: ".+,=" },
    ["This", "is", "a", "test", "string"],
  ),

  // ---- ResultPath ----
  {
    name: "ResultPath $ replaces the input (the default)",
    source: RESULTPATH,
    definition: pass({ Result: "Hello, Step Functions!", ResultPath: "$" }),
    input: resultPathInput,
    expected: { output: "Hello, Step Functions!" },
  },
  {
    name: "ResultPath null keeps the input",
    source: RESULTPATH,
    definition: pass({ Result: "Hello, Step Functions!", ResultPath: null }),
    input: resultPathInput,
    expected: { output: resultPathInput },
  },
  {
    name: "ResultPath $.taskresult includes the result",
    source: RESULTPATH,
    definition: pass({ Result: "Hello, Step Functions!", ResultPath: "$.taskresult" }),
    input: resultPathInput,
    expected: { output: { ...resultPathInput, taskresult: "Hello, Step Functions!" } },
  },
  {
    name: "ResultPath updates a node of the input",
    source: RESULTPATH,
    definition: pass({ Result: "Hello, Step Functions!", ResultPath: "$.strings.lambdaresult" }),
    input: { comment: "An input comment.", strings: { string1: "foo", string2: "bar", string3: "baz" }, who: "AWS Step Functions" },
    expected: {
      output: {
        comment: "An input comment.",
        strings: { string1: "foo", string2: "bar", string3: "baz", lambdaresult: "Hello, Step Functions!" },
        who: "AWS Step Functions",
      },
    },
  },
  {
    name: "Catch with ResultPath adds the error to the input",
    source: RESULTPATH,
    definition: {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "F", States: { F: { Type: "Fail", Error: "Error", Cause: "Cause description" } } }],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Recover", ResultPath: "$.error" }],
          End: true,
        },
        Recover: { Type: "Pass", End: true },
      },
    },
    input: { foo: "bar" },
    expected: { output: { foo: "bar", error: { Error: "Error", Cause: "Cause description" } } },
  },

  // ---- InputPath, Parameters, OutputPath ----
  {
    name: "InputPath selects a part of the input",
    source: FILTERING,
    definition: pass({ InputPath: "$.dataset2" }),
    input: { comment: "Example for InputPath.", dataset1: { val1: 1, val2: 2, val3: 3 }, dataset2: { val1: "a", val2: "b", val3: "c" } },
    expected: { output: { val1: "a", val2: "b", val3: "c" } },
  },
  {
    name: "Parameters with static values and paths",
    source: FILTERING,
    definition: pass({
      Parameters: {
        comment: "Selecting what I care about.",
        MyDetails: { "size.$": "$.product.details.size", "exists.$": "$.product.availability", StaticValue: "foo" },
      },
    }),
    input: {
      comment: "Example for Parameters.",
      product: { details: { color: "blue", size: "small", material: "cotton" }, availability: "in stock", sku: "2317", cost: "$23" },
    },
    expected: { output: { comment: "Selecting what I care about.", MyDetails: { size: "small", exists: "in stock", StaticValue: "foo" } } },
  },
  {
    name: "OutputPath selects a part of the output",
    source: FILTERING,
    definition: pass({ OutputPath: "$.product.details" }),
    input: { product: { details: { color: "blue", size: "small" }, sku: "2317" } },
    expected: { output: { color: "blue", size: "small" } },
  },

  // ---- Choice ----
  {
    name: "Choice: And of numeric comparisons",
    source: `${DG}state-choice.html`,
    definition: {
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Choices: [
            {
              And: [
                { Variable: "$.value", NumericGreaterThanEquals: 20 },
                { Variable: "$.value", NumericLessThan: 30 },
              ],
              Next: "ValueInTwenties",
            },
          ],
          Default: "Other",
        },
        ValueInTwenties: { Type: "Pass", Result: "twenties", End: true },
        Other: { Type: "Pass", Result: "other", End: true },
      },
    },
    input: { type: "Private", value: 22 },
    expected: { output: "twenties" },
  },
  {
    name: "Choice: Not StringEquals",
    source: `${DG}state-choice.html`,
    definition: {
      StartAt: "C",
      States: {
        C: { Type: "Choice", Choices: [{ Not: { Variable: "$.type", StringEquals: "Private" }, Next: "Public" }], Default: "Private" },
        Public: { Type: "Pass", Result: "public", End: true },
        Private: { Type: "Pass", Result: "private", End: true },
      },
    },
    input: { type: "Private", value: 22 },
    expected: { output: "private" },
  },
  {
    name: "Choice with no match and no Default fails with States.NoChoiceMatched",
    source: `${DG}concepts-error-handling.html`,
    definition: {
      StartAt: "C",
      States: { C: { Type: "Choice", Choices: [{ Variable: "$.x", NumericEquals: 1, Next: "D" }] }, D: { Type: "Succeed" } },
    },
    input: { x: 2 },
    expected: { error: "States.NoChoiceMatched" },
  },

  // ---- Map, Parallel, Wait, Fail ----
  {
    name: "Map over an ItemsPath array",
    source: `${DG}input-output-itemspath.html`,
    definition: {
      StartAt: "PiratesSay",
      States: {
        PiratesSay: {
          Type: "Map",
          ItemsPath: "$.ThingsPiratesSay",
          ItemProcessor: { StartAt: "SayWord", States: { SayWord: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    },
    input: {
      ThingsPiratesSay: [{ say: "Avast!" }, { say: "Yar!" }, { say: "Walk the Plank!" }],
      ThingsGiantsSay: [{ say: "Fee!" }, { say: "Fi!" }, { say: "Fo!" }, { say: "Fum!" }],
    },
    expected: { output: [{ say: "Avast!" }, { say: "Yar!" }, { say: "Walk the Plank!" }] },
  },
  {
    name: "Map ItemSelector with $$.Map.Item.Value",
    source: `${DG}input-output-itemselector.html`,
    definition: {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.detail.shipped",
          ItemSelector: { "parcel.$": "$$.Map.Item.Value", "courier.$": "$.detail.delivery-partner" },
          ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    },
    input: {
      "ship-date": "2016-03-14T01:59:00Z",
      detail: {
        "delivery-partner": "UQS",
        shipped: [
          { prod: "R31", "dest-code": 9511, quantity: 1344 },
          { prod: "S39", "dest-code": 9511, quantity: 40 },
        ],
      },
    },
    expected: {
      output: [
        { parcel: { prod: "R31", "dest-code": 9511, quantity: 1344 }, courier: "UQS" },
        { parcel: { prod: "S39", "dest-code": 9511, quantity: 40 }, courier: "UQS" },
      ],
    },
  },
  {
    name: "Map ItemSelector with $$.Map.Item.Index",
    source: `${DG}input-output-itemselector.html`,
    definition: {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemSelector: { "index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value" },
          ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    },
    input: ["a", "b"],
    expected: {
      output: [
        { index: 0, value: "a" },
        { index: 1, value: "b" },
      ],
    },
  },
  {
    name: "Parallel: an array of the branches' outputs, in order",
    source: `${DG}state-parallel.html`,
    definition: {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [
            { StartAt: "A", States: { A: { Type: "Pass", Result: { branch: 1 }, End: true } } },
            { StartAt: "B", States: { B: { Type: "Pass", Result: { branch: 2 }, End: true } } },
          ],
          End: true,
        },
      },
    },
    input: {},
    expected: { output: [{ branch: 1 }, { branch: 2 }] },
  },
  {
    name: "Wait passes its input through",
    source: `${DG}state-wait.html`,
    definition: { StartAt: "W", States: { W: { Type: "Wait", Seconds: 10, End: true } } },
    input: { a: 1 },
    expected: { output: { a: 1 } },
  },
  {
    name: "Fail ends the execution with its Error",
    source: `${DG}state-fail.html`,
    definition: { StartAt: "F", States: { F: { Type: "Fail", Error: "ErrorA", Cause: "Kaiju attack" } } },
    input: {},
    expected: { error: "ErrorA" },
  },
  {
    name: "Pass Result with ResultPath (the Pass state example)",
    source: `${DG}state-pass.html`,
    definition: pass({ Result: { "x-datum": 0.381018, "y-datum": 622.2269926397355 }, ResultPath: "$.coords" }),
    input: { georefOf: "Home" },
    expected: { output: { georefOf: "Home", coords: { "x-datum": 0.381018, "y-datum": 622.2269926397355 } } },
  },

  // ---- Variables and JSONata ----
  {
    name: "JSONata: Output with expressions, a variable and a literal '$' string",
    source: JSONATA,
    definition: {
      QueryLanguage: "JSONata",
      StartAt: "V",
      States: {
        V: { Type: "Pass", Assign: { customerName: "María" }, Next: "S" },
        S: {
          Type: "Pass",
          Output: { static: "Hello", title: "{% $states.input.title %}", name: "{% $customerName %}", "not-evaluated": "$customerName" },
          End: true,
        },
      },
    },
    input: { title: "Doctor" },
    expected: { output: { static: "Hello", title: "Doctor", name: "María", "not-evaluated": "$customerName" } },
  },
  {
    name: "JSONata: $partition",
    source: `${JSONATA}#jsonata-functions-provided-by-sfn`,
    definition: pass({ Output: "{% $partition([1,2,3,4], 2) %}" }, { QueryLanguage: "JSONata" }),
    input: {},
    expected: {
      output: [
        [1, 2],
        [3, 4],
      ],
    },
  },
  {
    name: "JSONata: $range",
    source: `${JSONATA}#jsonata-functions-provided-by-sfn`,
    definition: pass({ Output: "{% $range(0, 10, 2) %}" }, { QueryLanguage: "JSONata" }),
    input: {},
    expected: { output: [0, 2, 4, 6, 8, 10] },
  },
  {
    name: "JSONata: $hash",
    source: `${JSONATA}#jsonata-functions-provided-by-sfn`,
    definition: pass({ Output: "{% $hash($states.input.content, 'SHA-1') %}" }, { QueryLanguage: "JSONata" }),
    input: { content: "input data" },
    expected: { output: "aaff4a450a104cd177d28d18d74485e8cae074b7" },
  },
  {
    name: "JSONata: $parse",
    source: `${JSONATA}#jsonata-functions-provided-by-sfn`,
    definition: pass({ Output: "{% $parse($states.input.json_string) %}" }, { QueryLanguage: "JSONata" }),
    input: { json_string: '{"foo": "bar"}' },
    expected: { output: { foo: "bar" } },
  },
  {
    name: "JSONata: a Choice Condition",
    source: `${DG}state-choice.html`,
    definition: {
      QueryLanguage: "JSONata",
      StartAt: "C",
      States: {
        C: { Type: "Choice", Choices: [{ Condition: "{% $states.input.type != 'Private' %}", Next: "Public" }], Default: "Private" },
        Public: { Type: "Pass", Output: "public", End: true },
        Private: { Type: "Pass", Output: "private", End: true },
      },
    },
    input: { type: "Public", value: 22 },
    expected: { output: "public" },
  },
  {
    name: "Variables: Assign then read with $name in a JSONPath path",
    source: `${DG}workflow-variables.html`,
    definition: {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Assign: { productName: "product1", count: 42, available: true }, Next: "B" },
        B: { Type: "Pass", Parameters: { "product.$": "$productName", "count.$": "$count", "available.$": "$available" }, End: true },
      },
    },
    input: {},
    expected: { output: { product: "product1", count: 42, available: true } },
  },
];
