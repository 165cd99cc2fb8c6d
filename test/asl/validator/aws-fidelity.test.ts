/**
 * Issue 14: the validator accepts what AWS accepts and rejects what AWS rejects. One `describe` per
 * rule; each names the AWS page it follows.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateDefinition } from "../../../asl/validator";
import { distributedMap, errors, inlineMap, LAMBDA, machine, task, warnings } from "./helpers";

const ok = (def: unknown, opts?: Parameters<typeof errors>[1]) => assert.deepEqual(errors(def, opts), []);
const only = (def: unknown, expected: Array<[string, string]>, opts?: Parameters<typeof errors>[1]) =>
  assert.deepEqual(
    errors(def, opts),
    [...expected].sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1)),
  );
const j = { QueryLanguage: "JSONata" };
const pass = (fields: Record<string, unknown> = {}) => ({ Type: "Pass", End: true, ...fields });
const messages = (def: unknown) =>
  validateDefinition(def)
    .diagnostics.map((d) => d.message)
    .join("\n");

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html — "Iterator" is the
// deprecated name of ItemProcessor; AWS takes the same fields, ProcessorConfig included.
describe("AWS fidelity: legacy Iterator", () => {
  const processor = (config?: Record<string, unknown>) => ({
    ...(config ? { ProcessorConfig: config } : {}),
    StartAt: "P",
    States: { P: pass() },
  });
  it("accepts Iterator with ProcessorConfig INLINE and DISTRIBUTED", () => {
    ok(machine({ Type: "Map", Iterator: processor({ Mode: "INLINE" }), End: true }));
    ok(machine({ Type: "Map", Iterator: processor({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }), End: true, Label: "L" }));
  });
  it("applies the Distributed Map rules to an Iterator's ProcessorConfig, located under Iterator", () => {
    only(machine({ Type: "Map", Iterator: processor({ Mode: "DISTRIBUTED" }), End: true }), [
      ["MISSING_EXECUTION_TYPE", "/States/A/Iterator/ProcessorConfig"],
    ]);
    only(machine({ Type: "Map", Iterator: processor({ Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }), End: true }), [], {
      stateMachineType: "STANDARD",
    });
    only(
      machine({ Type: "Map", Iterator: processor({ Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }), End: true }),
      [["DISTRIBUTED_MAP_IN_EXPRESS", "/States/A/Iterator/ProcessorConfig/Mode"]],
      { stateMachineType: "EXPRESS" },
    );
    only(machine({ Type: "Map", Iterator: processor(), ItemBatcher: { MaxItemsPerBatch: 2 }, End: true }), [
      ["DISTRIBUTED_ONLY_FIELD", "/States/A/ItemBatcher"],
    ]);
  });
  it("still rejects unknown ProcessorConfig fields", () => {
    only(machine({ Type: "Map", Iterator: processor({ Mode: "INLINE", Bogus: 1 }), End: true }), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/Iterator/ProcessorConfig/Bogus"],
    ]);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html — Paths
// follow JsonPath (Step Functions runs Jayway JsonPath); "A reference path is a path whose syntax is
// limited ... Functions such as length() aren't supported ... The operators @, ,, :, and ? are not supported".
describe("AWS fidelity: JsonPath dialect (Paths) and Reference Paths", () => {
  const jayway = [
    "$.[0]",
    "$.[?(@.x > 0)]",
    "$..x",
    "$['a b']",
    "$.a[*].b",
    "$.a.length()",
    "$.['a'].b",
    "$.a[-1:]",
    "$.a[0,1]",
    "$.a.concat('x')",
    "$[?(@.b == 'x')].c",
  ];
  for (const p of jayway) {
    it(`accepts ${p} in InputPath, OutputPath and a Parameters '.$' field`, () => {
      ok(machine(task({ InputPath: p, OutputPath: p, Parameters: { "v.$": p } })));
    });
  }
  it("accepts the same dialect in a Choice Variable", () => {
    ok(
      machine({ Type: "Choice", Choices: [{ Variable: "$.[0].x", IsPresent: true, Next: "B" }], Default: "B" }, { B: { Type: "Succeed" } }),
    );
  });
  it("rejects what Jayway cannot parse: an unknown function, an unclosed bracket, a trailing dot", () => {
    only(machine(task({ InputPath: "$.a.foo()" })), [["INVALID_JSON_PATH", "/States/A/InputPath"]]);
    only(machine(task({ InputPath: "$.a[0" })), [["INVALID_JSON_PATH", "/States/A/InputPath"]]);
    only(machine(task({ InputPath: "$.a." })), [["INVALID_JSON_PATH", "/States/A/InputPath"]]);
  });
  it("keeps ResultPath (and ItemsPath, TimeoutSecondsPath ...) restricted to reference paths", () => {
    ok(machine(task({ ResultPath: "$.a['b c'][0]" })));
    ok(machine(task({ ResultPath: "$.[0]" })));
    for (const p of ["$.a.length()", "$.a[?(@.x)]", "$.a[0:2]", "$.a[0,1]", "$.a[*]", "$..a"]) {
      only(machine(task({ ResultPath: p })), [["INVALID_REFERENCE_PATH", "/States/A/ResultPath"]]);
    }
    // "The value of ItemsPath must be a Reference Path" (input-output-itemspath.html).
    only(machine(inlineMap({ ItemsPath: "$.a[?(@.x)]" })), [["INVALID_REFERENCE_PATH", "/States/A/ItemsPath"]]);
    only(machine(task({ TimeoutSecondsPath: "$.t.length()" })), [["INVALID_REFERENCE_PATH", "/States/A/TimeoutSecondsPath"]]);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html
describe("AWS fidelity: ItemsPath beside ItemReader", () => {
  it("is accepted with a warning saying the reader supplies the items", () => {
    const def = machine(
      distributedMap({
        ItemReader: { Resource: "arn:aws:states:::s3:getObject", Parameters: { Bucket: "b", Key: "k" } },
        ItemsPath: "$.items",
      }),
    );
    ok(def);
    assert.deepEqual(warnings(def), [["ITEMS_WITH_ITEM_READER", "/States/A/ItemsPath"]]);
    assert.match(messages(def), /ignored/);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (Retry fields),
// https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html (TimeoutSeconds, HeartbeatSeconds),
// https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html (Seconds).
describe("AWS fidelity: types and ranges of numbers", () => {
  const retry = (r: Record<string, unknown>) => machine(task({ Retry: [{ ErrorEquals: ["X"], ...r }] }));
  it("Retry: IntervalSeconds 1..99999999, MaxAttempts 0..99999999, MaxDelaySeconds 1..31622400, BackoffRate >= 1", () => {
    ok(retry({ IntervalSeconds: 99_999_999, MaxAttempts: 99_999_999, MaxDelaySeconds: 31_622_400, BackoffRate: 1.5 }));
    only(retry({ IntervalSeconds: 100_000_000 }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/IntervalSeconds"]]);
    only(retry({ IntervalSeconds: 0 }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/IntervalSeconds"]]);
    only(retry({ MaxAttempts: 100_000_000 }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/MaxAttempts"]]);
    only(retry({ MaxAttempts: -1 }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/MaxAttempts"]]);
    only(retry({ MaxAttempts: "3" }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/MaxAttempts"]]);
    only(retry({ MaxDelaySeconds: 31_622_401 }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/MaxDelaySeconds"]]);
    only(retry({ BackoffRate: 0.99 }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/BackoffRate"]]);
  });
  it("Catch: ErrorEquals non-empty strings, Next a string", () => {
    only(machine(task({ Catch: [{ ErrorEquals: ["States.ALL"], Next: 1 }] })), [["SCHEMA_VALIDATION_FAILED", "/States/A/Catch/0/Next"]]);
    only(machine(task({ Catch: [{ ErrorEquals: [1], Next: "A" }] })), [["SCHEMA_VALIDATION_FAILED", "/States/A/Catch/0/ErrorEquals/0"]]);
  });
  it("TimeoutSeconds and HeartbeatSeconds: positive integers up to 99999999; their *Path twins are reference paths", () => {
    ok(machine(task({ TimeoutSeconds: 99_999_999, HeartbeatSeconds: 60 })));
    only(machine(task({ TimeoutSeconds: 100_000_000 })), [["SCHEMA_VALIDATION_FAILED", "/States/A/TimeoutSeconds"]]);
    only(machine(task({ TimeoutSeconds: 1.5 })), [["SCHEMA_VALIDATION_FAILED", "/States/A/TimeoutSeconds"]]);
    only(machine(task({ HeartbeatSeconds: 0 })), [["SCHEMA_VALIDATION_FAILED", "/States/A/HeartbeatSeconds"]]);
    ok(machine(task({ TimeoutSecondsPath: "$.t", HeartbeatSecondsPath: "$.h" })));
    only(machine(task({ TimeoutSecondsPath: 5 })), [["SCHEMA_VALIDATION_FAILED", "/States/A/TimeoutSecondsPath"]]);
    only(machine(task({ TimeoutSeconds: 5, TimeoutSecondsPath: "$.t" })), [["MUTUALLY_EXCLUSIVE_FIELDS", "/States/A/TimeoutSecondsPath"]]);
  });
  it("Wait Seconds: an integer from 0 to 99999999", () => {
    ok(machine({ Type: "Wait", Seconds: 0, End: true }));
    only(machine({ Type: "Wait", Seconds: 100_000_000, End: true }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Seconds"]]);
    only(machine({ Type: "Wait", Seconds: 1.5, End: true }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Seconds"]]);
  });
  it("MaxConcurrency: a non-negative integer, or a JSONata expression in JSONata", () => {
    ok(machine(inlineMap({ MaxConcurrency: 0 })));
    only(machine(inlineMap({ MaxConcurrency: -1 })), [["SCHEMA_VALIDATION_FAILED", "/States/A/MaxConcurrency"]]);
    only(machine(inlineMap({ MaxConcurrency: 2.5 })), [["SCHEMA_VALIDATION_FAILED", "/States/A/MaxConcurrency"]]);
    ok(machine(inlineMap({ MaxConcurrency: "{% $states.input.n %}" }), {}, j));
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html — "Credentials ... RoleArn".
describe("AWS fidelity: Task Credentials", () => {
  const role = "arn:aws:iam::123456789012:role/R";
  it("accepts { RoleArn }, { RoleArn.$ } in JSONPath and { RoleArn: '{% %}' } in JSONata", () => {
    ok(machine(task({ Credentials: { RoleArn: role } })));
    ok(machine(task({ Credentials: { "RoleArn.$": "$.role" } })));
    ok(machine(task({ Credentials: { RoleArn: "{% $states.input.role %}" } }), {}, j));
  });
  it("rejects an empty object, other fields, both forms, a JSONPath form in JSONata, a non-string", () => {
    only(machine(task({ Credentials: {} })), [["SCHEMA_VALIDATION_FAILED", "/States/A/Credentials"]]);
    only(machine(task({ Credentials: { RoleArn: role, ExternalId: "x" } })), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/Credentials/ExternalId"],
    ]);
    only(machine(task({ Credentials: { RoleArn: role, "RoleArn.$": "$.r" } })), [
      ["MUTUALLY_EXCLUSIVE_FIELDS", "/States/A/Credentials/RoleArn.$"],
    ]);
    only(machine(task({ Credentials: { "RoleArn.$": "$.r" } }), {}, j), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/Credentials"],
      ["SCHEMA_VALIDATION_FAILED", "/States/A/Credentials/RoleArn.$"],
    ]);
    only(machine(task({ Credentials: { RoleArn: 5 } })), [["SCHEMA_VALIDATION_FAILED", "/States/A/Credentials/RoleArn"]]);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html — "Reserved characters
// in intrinsic functions": only \' \{ \} \\ ; "If an open escape backslash \ is found in the intrinsic
// invocation string, the interpreter will throw a runtime error".
describe("AWS fidelity: intrinsic string escapes", () => {
  it("accepts \\' \\{ \\} and \\\\", () => {
    ok(machine(pass({ Parameters: { "v.$": "States.Format('it\\'s \\{\\} a \\\\ {}', $.x)" } })));
  });
  it("rejects any other backslash sequence, naming its position", () => {
    const def = machine(pass({ Parameters: { "v.$": "States.Format('a\\nb {}', $.x)" } }));
    only(def, [["INVALID_INTRINSIC_FUNCTION", "/States/A/Parameters/v.$"]]);
    assert.match(messages(def), /'\\n' is not an escape.*at character 17/);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html — each function's
// argument types ("You must specify integer values for both the arguments" for States.MathAdd, ...).
describe("AWS fidelity: static intrinsic argument types", () => {
  it("rejects a literal of the wrong type", () => {
    only(machine(pass({ Parameters: { "v.$": "States.MathAdd('1', 2)" } })), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/v.$"]]);
    only(machine(pass({ Parameters: { "v.$": "States.StringSplit(5, ',')" } })), [
      ["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/v.$"],
    ]);
    only(machine(pass({ Parameters: { "v.$": "States.ArrayRange(1, 'x', 1)" } })), [
      ["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/v.$"],
    ]);
    only(machine(pass({ Parameters: { "v.$": "States.Base64Encode(null)" } })), [
      ["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/v.$"],
    ]);
  });
  it("rejects a nested call whose result has the wrong type", () => {
    const def = machine(pass({ Parameters: { "v.$": "States.ArrayLength(States.Format('{}', $.x))" } }));
    only(def, [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/v.$"]]);
    assert.match(
      messages(def),
      /first argument of States.ArrayLength must be an array; got States.Format\(\.\.\.\), which returns a string/,
    );
  });
  it("leaves paths to run time and accepts matching literals and calls", () => {
    ok(
      machine(
        pass({
          Parameters: {
            "v.$": "States.MathAdd($.a, 2)",
            "w.$": "States.ArrayLength(States.Array(1, 2))",
            "x.$": "States.MathAdd(1.5, States.ArrayLength($.a))",
          },
        }),
      ),
    );
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — "Labels can't
// exceed 40 characters in length ... can't contain any of the following characters ...".
describe("AWS fidelity: Map Label", () => {
  it("1 to 40 characters, none of the disallowed ones", () => {
    ok(machine(distributedMap({ Label: "a".repeat(40) })));
    only(machine(distributedMap({ Label: "" })), [["INVALID_LABEL", "/States/A/Label"]]);
    only(machine(distributedMap({ Label: "a".repeat(41) })), [["INVALID_LABEL", "/States/A/Label"]]);
    for (const c of [" ", "?", "*", "<", "{", "[", ":", ";", ",", "\\", "|", "^", "~", "$", "#", "%", "&", "`", '"', "\u0001", "\u0085"]) {
      only(machine(distributedMap({ Label: `a${c}b` })), [["INVALID_LABEL", "/States/A/Label"]]);
    }
  });
});

// https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.QueryLanguage.html —
// "If JSONata is specified at the top level, JSONPath cannot be used in the state machine definition."
describe("AWS fidelity: QueryLanguage nesting", () => {
  it("a JSONPath machine may hold JSONata states and processors", () => {
    ok(machine(task({ QueryLanguage: "JSONata", Arguments: { a: "{% 1 %}" } })));
    ok(machine(inlineMap({ ItemProcessor: { QueryLanguage: "JSONata", StartAt: "P", States: { P: pass({ Output: "{% 1 %}" }) } } })));
  });
  it("a JSONata machine may not hold JSONPath states, branches or processors", () => {
    only(machine(pass({ QueryLanguage: "JSONPath" }), {}, j), [["INVALID_QUERY_LANGUAGE", "/States/A/QueryLanguage"]]);
    only(machine(inlineMap({ ItemProcessor: { QueryLanguage: "JSONPath", StartAt: "P", States: { P: pass() } } }), {}, j), [
      ["INVALID_QUERY_LANGUAGE", "/States/A/ItemProcessor/QueryLanguage"],
    ]);
    only(machine(inlineMap({ ItemProcessor: { StartAt: "P", States: { P: pass({ QueryLanguage: "JSONPath" }) } } }), {}, j), [
      ["INVALID_QUERY_LANGUAGE", "/States/A/ItemProcessor/States/P/QueryLanguage"],
    ]);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html —
// DUPLICATE_STATE_NAME "The same state name appears more than once"; INVALID_JSON_DESCRIPTION "JSON syntax problem found".
describe("AWS fidelity: duplicate keys in raw ASL text", () => {
  it("reports a duplicate state name with both positions", () => {
    const text = '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Succeed" },\n    "A": { "Type": "Pass", "End": true }\n  }\n}';
    const r = validateDefinition(text);
    assert.equal(r.valid, false);
    const d = r.diagnostics.find((x) => x.code === "DUPLICATE_STATE_NAME")!;
    assert.equal(d.location, "/States/A");
    assert.match(d.message, /line 4 column 5 and line 5 column 5/);
  });
  it("reports any other duplicate key as INVALID_JSON_DESCRIPTION, at any depth", () => {
    const text = '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1,"x":2},"End":true,"End":true}}}';
    assert.deepEqual(errors(text), [
      ["INVALID_JSON_DESCRIPTION", "/States/A/End"],
      ["INVALID_JSON_DESCRIPTION", "/States/A/Result/x"],
    ]);
  });
  it("a parsed object cannot carry duplicates, so nothing is reported for one", () => ok(machine(task())));
});

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html — "JSONata syntax: "{% <JSONata expression> %}"".
describe("AWS fidelity: JSONata {% %} surround syntax", () => {
  it("accepts a whole-string expression, with or without inner spaces", () => {
    ok(machine(pass({ Output: { a: "{% 1 %}", b: "{%1%}", c: "plain text" } }), {}, j));
  });
  // A string that is not exactly "{% ... %}" is not an expression: AWS accepts the definition and
  // passes the string on as literal text. A warning (probably not what was meant), never an error.
  it("accepts a missing close, a missing open, and text around the delimiters as literal strings, with a warning", () => {
    for (const a of ["{% $states.input", "$states.input %}", " {% 1 %}", " {% states.input %} "]) {
      const def = machine(pass({ Output: { a } }), {}, j);
      ok(def);
      assert.deepEqual(warnings(def), [["INVALID_JSONATA", "/States/A/Output/a"]], a);
    }
  });
  it("rejects an Arguments string that is not an expression (Arguments is an object or an expression)", () => {
    only(machine(task({ Arguments: "{% $states.input " }), {}, j), [["INVALID_JSONATA", "/States/A/Arguments"]]);
  });
});

// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (Qualifier),
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html (alias Name pattern) —
// ValidateStateMachineDefinition's INVALID_RESOURCE "The value of a Task-state resource field is invalid".
describe("AWS fidelity: Lambda function ARNs", () => {
  it("accepts a bare name, $LATEST, a version and an alias", () => {
    for (const q of ["", ":$LATEST", ":7", ":live", ":blue-green_2"]) ok(machine(task({ Resource: LAMBDA("F") + q })));
  });
  it("rejects a malformed alias or version as INVALID_RESOURCE", () => {
    for (const q of [":", ":0", ":01", ":a.b", ":a:b", ":$latest"]) {
      only(machine(task({ Resource: LAMBDA("F") + q })), [["INVALID_RESOURCE", "/States/A/Resource"]]);
    }
    only(machine(task({ Resource: LAMBDA("bad.name") })), [["INVALID_RESOURCE", "/States/A/Resource"]]);
  });
});

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html —
// warnings NO_DOLLAR, NO_PATH, PASS_RESULT_IS_STATIC with AWS's codes.
describe("AWS fidelity: AWS's warning codes", () => {
  it("NO_DOLLAR: a payload field that looks like a path or intrinsic without '.$'", () => {
    const def = machine(pass({ Parameters: { a: "$.x", b: "States.Format('{}', $.x)" } }));
    ok(def);
    assert.deepEqual(warnings(def), [
      ["NO_DOLLAR", "/States/A/Parameters/a"],
      ["NO_DOLLAR", "/States/A/Parameters/b"],
    ]);
  });
  it("NO_PATH: a path in a field whose name does not end in Path", () => {
    assert.deepEqual(warnings(machine({ Type: "Fail", Error: "$.error", Cause: "$.cause" })), [
      ["NO_PATH", "/States/A/Error"],
      ["NO_PATH", "/States/A/Cause"],
    ]);
    assert.deepEqual(warnings(machine({ Type: "Fail", Error: "Oops" })), []);
  });
  it("PASS_RESULT_IS_STATIC: a path in a Pass state's Result", () => {
    const def = machine(pass({ Result: { "a.$": "$.x", b: "$.y", c: ["$$.Execution.Id"], d: "text" } }));
    ok(def);
    assert.deepEqual(warnings(def), [
      ["PASS_RESULT_IS_STATIC", "/States/A/Result/a.$"],
      ["PASS_RESULT_IS_STATIC", "/States/A/Result/b"],
      ["PASS_RESULT_IS_STATIC", "/States/A/Result/c/0"],
    ]);
  });
  it("errors carry AWS's codes", () => {
    only({ StartAt: "X", States: { A: pass() } }, [["MISSING_TRANSITION_TARGET", "/StartAt"]]);
    only(machine(task({ Resource: "nope" })), [["INVALID_RESOURCE", "/States/A/Resource"]]);
  });
});

// Deployable public definitions must validate: a validator that rejects a working production
// definition gets turned off. Curated from aws-samples/step-functions-workflows-collection
// (test/fixtures/asl/public/SOURCES.md).
describe("AWS fidelity: public deployed definitions", () => {
  const dir = join(__dirname, "..", "..", "fixtures", "asl", "public");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    it(`${file}: ${file.startsWith("INVALID-") ? "rejected" : "no ERROR"}`, () => {
      const r = validateDefinition(readFileSync(join(dir, file), "utf8"));
      if (file.startsWith("INVALID-")) assert.equal(r.valid, false);
      else
        assert.deepEqual(
          r.diagnostics.filter((d) => d.severity === "ERROR"),
          [],
        );
    });
  }
});
