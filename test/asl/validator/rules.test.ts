/**
 * One valid and one invalid case per check, asserting the exact code and JSON-pointer location.
 * Where a rule comes from AWS's documentation, the test name quotes it.
 */
import { strict as assert } from "node:assert";
import { validateDefinition } from "../../../asl/validator";
import { distributedMap, errors, inlineMap, LAMBDA, machine, task, warnings } from "./helpers";

const ok = (def: unknown, opts?: Parameters<typeof errors>[1]) => assert.deepEqual(errors(def, opts), []);
const only = (def: unknown, expected: Array<[string, string]>, opts?: Parameters<typeof errors>[1]) =>
  assert.deepEqual(
    errors(def, opts),
    [...expected].sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1)),
  );

describe("validator: input", () => {
  it("accepts JSON text and reports JSON syntax errors as INVALID_JSON_DESCRIPTION", () => {
    ok(JSON.stringify(machine({ Type: "Succeed" })));
    only("{ nope", [["INVALID_JSON_DESCRIPTION", ""]]);
  });
  it("reports a missing or empty definition as MISSING_DESCRIPTION", () => {
    only(undefined, [["MISSING_DESCRIPTION", ""]]);
    only("  ", [["MISSING_DESCRIPTION", ""]]);
  });
  it("rejects a definition that is not an object", () => only([1], [["SCHEMA_VALIDATION_FAILED", ""]]));
  it("reports every problem, not only the first", () => {
    const r = validateDefinition({ StartAt: "X", States: { A: { Type: "Pass", Next: "Y", Bogus: 1 } } });
    assert.deepEqual(new Set(r.diagnostics.map((d) => d.code)), new Set(["SCHEMA_VALIDATION_FAILED", "MISSING_TRANSITION_TARGET"]));
    assert.ok(r.diagnostics.length >= 3);
  });
  it("does not mutate the definition it validates", () => {
    const def = machine(task());
    const copy = structuredClone(def);
    validateDefinition(def);
    assert.deepEqual(def, copy);
  });
});

describe("validator: schema", () => {
  it("rejects unknown fields where AWS does (SCHEMA_VALIDATION_FAILED at the field)", () => {
    ok(machine(task({ Comment: "fine" })));
    only(machine(task({ Nxt: "B" })), [["SCHEMA_VALIDATION_FAILED", "/States/A/Nxt"]]);
    only(machine(task(), {}, { Extra: true }), [["SCHEMA_VALIDATION_FAILED", "/Extra"]]);
    only(machine(task({ Retry: [{ ErrorEquals: ["X"], Interval: 1 }] })), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/Interval"]]);
  });
  it("requires StartAt, States and a Type from the documented set", () => {
    only({ States: { A: { Type: "Succeed" } } }, [["SCHEMA_VALIDATION_FAILED", "/StartAt"]]);
    only(machine({ Type: "Sleep", End: true }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Type"]]);
    only(machine({ End: true }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Type"]]);
  });
  it("names the field and the rule in messages", () => {
    const [d] = validateDefinition(machine(distributedMap({ ItemBatcher: { MaxInputBytesPerBatch: 300000 } }))).diagnostics;
    assert.equal(d!.location, "/States/A/ItemBatcher/MaxInputBytesPerBatch");
    assert.match(d!.message, /MaxInputBytesPerBatch must be at most 262144; got 300000/);
  });
  it("Retry: 'BackoffRate ... must be greater than or equal to 1.0', 'IntervalSeconds ... a positive integer'", () => {
    ok(
      machine(
        task({
          Retry: [{ ErrorEquals: ["X"], BackoffRate: 1.0, IntervalSeconds: 1, MaxAttempts: 0, MaxDelaySeconds: 5, JitterStrategy: "NONE" }],
        }),
      ),
    );
    only(machine(task({ Retry: [{ ErrorEquals: ["X"], BackoffRate: 0.5 }] })), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/BackoffRate"],
    ]);
    only(machine(task({ Retry: [{ ErrorEquals: ["X"], IntervalSeconds: 1.5 }] })), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/IntervalSeconds"],
    ]);
    only(machine(task({ Retry: [{ ErrorEquals: ["X"], JitterStrategy: "HALF" }] })), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/JitterStrategy"],
    ]);
    only(machine(task({ Retry: [{ ErrorEquals: [] }] })), [["SCHEMA_VALIDATION_FAILED", "/States/A/Retry/0/ErrorEquals"]]);
  });
  it("number fields take a number or a JSONata expression, and say so", () => {
    const d = validateDefinition(machine(task({ TimeoutSeconds: "60" }))).diagnostics[0]!;
    assert.equal(d.location, "/States/A/TimeoutSeconds");
    assert.match(d.message, /TimeoutSeconds must be a number or a JSONata expression/);
    only(machine(task({ TimeoutSeconds: 1.5 })), [["SCHEMA_VALIDATION_FAILED", "/States/A/TimeoutSeconds"]]);
  });
  it("ToleratedFailurePercentage: 'an integer or decimal from 0 through 100' (0.5 is valid on AWS)", () => {
    ok(machine(distributedMap({ ToleratedFailurePercentage: 0.5 })));
    ok(machine(distributedMap({ ToleratedFailurePercentage: 0 })));
    ok(machine(distributedMap({ ToleratedFailurePercentage: 100 })));
    only(machine(distributedMap({ ToleratedFailurePercentage: -1 })), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/ToleratedFailurePercentage"],
    ]);
    only(machine(distributedMap({ ToleratedFailurePercentage: 100.01 })), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/ToleratedFailurePercentage"],
    ]);
  });
  it("MaxInputBytesPerBatch: 'maximum of 256 KiB' (262144)", () => {
    ok(machine(distributedMap({ ItemBatcher: { MaxInputBytesPerBatch: 262144 } })));
    only(machine(distributedMap({ ItemBatcher: { MaxInputBytesPerBatch: 262145 } })), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/ItemBatcher/MaxInputBytesPerBatch"],
    ]);
  });
  it("ReaderConfig values: InputType, CSVHeaderLocation, CSVDelimiter enums; MaxItems 'up to 100,000,000'", () => {
    const reader = (cfg: Record<string, unknown>) =>
      machine(
        distributedMap({
          ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: cfg, Parameters: { Bucket: "b", Key: "k" } },
        }),
      );
    ok(reader({ InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", CSVDelimiter: "TAB", MaxItems: 100_000_000 }));
    only(reader({ InputType: "XML" }), [["SCHEMA_VALIDATION_FAILED", "/States/A/ItemReader/ReaderConfig/InputType"]]);
    only(reader({ InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", CSVDelimiter: "COLON" }), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/ItemReader/ReaderConfig/CSVDelimiter"],
    ]);
    only(reader({ InputType: "JSON", MaxItems: 100_000_001 }), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/ItemReader/ReaderConfig/MaxItems"],
    ]);
  });
  it("WriterConfig values: OutputType JSON|JSONL, Transformation NONE|COMPACT|FLATTEN", () => {
    ok(machine(distributedMap({ ResultWriter: { WriterConfig: { OutputType: "JSONL", Transformation: "NONE" } } })));
    only(machine(distributedMap({ ResultWriter: { WriterConfig: { OutputType: "CSV" } } })), [
      ["SCHEMA_VALIDATION_FAILED", "/States/A/ResultWriter/WriterConfig/OutputType"],
    ]);
  });
  it("ProcessorConfig: Mode INLINE|DISTRIBUTED, ExecutionType STANDARD|EXPRESS", () => {
    const def = machine(distributedMap());
    (def.States.A as ReturnType<typeof distributedMap>).ItemProcessor.ProcessorConfig.Mode = "PARALLEL";
    only(def, [["SCHEMA_VALIDATION_FAILED", "/States/A/ItemProcessor/ProcessorConfig/Mode"]]);
  });
});

describe("validator: graph", () => {
  it("StartAt and every Next/Default/Catch target exist in the same scope (MISSING_TRANSITION_TARGET)", () => {
    ok(machine(task({ End: undefined, Next: "B", Catch: [{ ErrorEquals: ["States.ALL"], Next: "B" }] }), { B: { Type: "Succeed" } }));
    only({ StartAt: "Nope", States: { A: { Type: "Succeed" } } }, [["MISSING_TRANSITION_TARGET", "/StartAt"]]);
    only(
      machine(
        { Type: "Choice", Choices: [{ Variable: "$.x", IsNull: true, Next: "Gone" }], Default: "Away" },
        { Gone2: { Type: "Succeed" } },
      ),
      [
        ["MISSING_TRANSITION_TARGET", "/States/A/Choices/0/Next"],
        ["MISSING_TRANSITION_TARGET", "/States/A/Default"],
        ["UNREACHABLE_STATE", "/States/Gone2"],
      ],
    );
    only(machine(task({ Catch: [{ ErrorEquals: ["States.ALL"], Next: "Handler" }] })), [
      ["MISSING_TRANSITION_TARGET", "/States/A/Catch/0/Next"],
    ]);
  });
  it("no transition leaves a Parallel branch or a Map processor (TRANSITION_LEAVES_SCOPE)", () => {
    const intoParent = machine(
      inlineMap({ End: undefined, Next: "B", ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", Next: "B" } } } }),
      { B: { Type: "Succeed" } },
    );
    only(intoParent, [["TRANSITION_LEAVES_SCOPE", "/States/A/ItemProcessor/States/P/Next"]]);
    const intoBranch = machine({ Type: "Parallel", Branches: [{ StartAt: "X", States: { X: { Type: "Succeed" } } }], Next: "X" });
    only(intoBranch, [["TRANSITION_LEAVES_SCOPE", "/States/A/Next"]]);
  });
  it("'Each state ... MUST be reachable' (UNREACHABLE_STATE), also inside branches", () => {
    only(machine({ Type: "Succeed" }, { Orphan: { Type: "Succeed" } }), [["UNREACHABLE_STATE", "/States/Orphan"]]);
    only(
      machine({ Type: "Parallel", End: true, Branches: [{ StartAt: "X", States: { X: { Type: "Succeed" }, Y: { Type: "Succeed" } } }] }),
      [["UNREACHABLE_STATE", "/States/A/Branches/0/States/Y"]],
    );
  });
  it("every state can reach a terminal state (MISSING_END_STATE / NO_PATH_TO_END)", () => {
    only(machine({ Type: "Pass", Next: "A" }), [["MISSING_END_STATE", "/States"]]);
    const loop = machine(
      { Type: "Choice", Choices: [{ Variable: "$.go", BooleanEquals: true, Next: "Spin" }], Default: "End" },
      { Spin: { Type: "Pass", Next: "Spin" }, End: { Type: "Succeed" } },
    );
    only(loop, [["NO_PATH_TO_END", "/States/Spin"]]);
    // A loop with an exit is fine.
    ok(
      machine(
        { Type: "Choice", Choices: [{ Variable: "$.again", BooleanEquals: true, Next: "A" }], Default: "End" },
        { End: { Type: "Succeed" } },
      ),
    );
  });
  it("state names 'must be unique within the scope of the whole state machine' (DUPLICATE_STATE_NAME)", () => {
    const def = machine(inlineMap({ ItemProcessor: { StartAt: "A", States: { A: { Type: "Pass", End: true } } } }));
    only(def, [["DUPLICATE_STATE_NAME", "/States/A/ItemProcessor/States/A"]]);
  });
  it("state names are at most 80 characters (INVALID_STATE_NAME), counted in Unicode characters", () => {
    const n80 = "é".repeat(80);
    ok({ StartAt: n80, States: { [n80]: { Type: "Succeed" } } });
    const n81 = "x".repeat(81);
    only({ StartAt: n81, States: { [n81]: { Type: "Succeed" } } }, [["INVALID_STATE_NAME", `/States/${n81}`]]);
  });
  it("escapes '/' and '~' in state names in JSON pointers", () => {
    only({ StartAt: "a/b~c", States: { "a/b~c": { Type: "Pass" } } }, [["MISSING_NEXT_OR_END", "/States/a~1b~0c"]]);
  });
  it("a non-terminal state has Next or End, not both", () => {
    only(machine({ Type: "Pass" }), [["MISSING_NEXT_OR_END", "/States/A"]]);
    only(machine({ Type: "Pass", Next: "B", End: true }, { B: { Type: "Succeed" } }), [["NEXT_AND_END", "/States/A/End"]]);
  });
});

describe("validator: Retry and Catch", () => {
  it("'States.ALL ... must appear alone ... and must be the last' in Retry", () => {
    ok(machine(task({ Retry: [{ ErrorEquals: ["X", "Y"] }, { ErrorEquals: ["States.ALL"] }] })));
    only(machine(task({ Retry: [{ ErrorEquals: ["States.ALL"] }, { ErrorEquals: ["X"] }] })), [
      ["STATES_ALL_NOT_LAST", "/States/A/Retry/0"],
    ]);
    only(machine(task({ Retry: [{ ErrorEquals: ["States.ALL", "X"] }] })), [["STATES_ALL_NOT_ALONE", "/States/A/Retry/0/ErrorEquals"]]);
  });
  it("... and in Catch", () => {
    const withCatch = (c: unknown[]) => machine(task({ Catch: c }), { H: { Type: "Succeed" } });
    ok(
      withCatch([
        { ErrorEquals: ["X"], Next: "H" },
        { ErrorEquals: ["States.ALL"], Next: "H" },
      ]),
    );
    only(
      withCatch([
        { ErrorEquals: ["States.ALL"], Next: "H" },
        { ErrorEquals: ["X"], Next: "H" },
      ]),
      [["STATES_ALL_NOT_LAST", "/States/A/Catch/0"]],
    );
    only(withCatch([{ ErrorEquals: ["States.Timeout", "States.ALL"], Next: "H" }]), [
      ["STATES_ALL_NOT_ALONE", "/States/A/Catch/0/ErrorEquals"],
    ]);
  });
  it("warns (does not reject) on unknown States.* error names", () => {
    const def = machine(task({ Retry: [{ ErrorEquals: ["States.Timeout", "States.Tiemout"] }] }));
    ok(def);
    assert.deepEqual(warnings(def), [["UNKNOWN_STATES_ERROR", "/States/A/Retry/0/ErrorEquals/1"]]);
  });
});

describe("validator: field pairs", () => {
  const pairs: Array<[Record<string, unknown>, string]> = [
    [task({ TimeoutSeconds: 5, TimeoutSecondsPath: "$.t" }), "/States/A/TimeoutSecondsPath"],
    [task({ HeartbeatSeconds: 5, HeartbeatSecondsPath: "$.h" }), "/States/A/HeartbeatSecondsPath"],
    [distributedMap({ MaxConcurrency: 5, MaxConcurrencyPath: "$.c" }), "/States/A/MaxConcurrencyPath"],
    [distributedMap({ ToleratedFailurePercentage: 5, ToleratedFailurePercentagePath: "$.p" }), "/States/A/ToleratedFailurePercentagePath"],
    [distributedMap({ ToleratedFailureCount: 5, ToleratedFailureCountPath: "$.c" }), "/States/A/ToleratedFailureCountPath"],
    [distributedMap({ ItemBatcher: { MaxItemsPerBatch: 5, MaxItemsPerBatchPath: "$.c" } }), "/States/A/ItemBatcher/MaxItemsPerBatchPath"],
    [
      distributedMap({ ItemBatcher: { MaxInputBytesPerBatch: 5, MaxInputBytesPerBatchPath: "$.c" } }),
      "/States/A/ItemBatcher/MaxInputBytesPerBatchPath",
    ],
    [{ Type: "Fail", Error: "E", ErrorPath: "$.e" }, "/States/A/ErrorPath"],
    [{ Type: "Fail", Cause: "C", CausePath: "$.c" }, "/States/A/CausePath"],
  ];
  for (const [state, at] of pairs) {
    it(`a field and its ...Path twin never together: ${at}`, () => only(machine(state), [["MUTUALLY_EXCLUSIVE_FIELDS", at]]));
  }
  it("each of the pair alone is fine", () => {
    ok(machine(task({ TimeoutSecondsPath: "$.t", HeartbeatSeconds: 1 })));
    ok(machine({ Type: "Fail", ErrorPath: "$.e", Cause: "c" }));
  });
  it("ReaderConfig MaxItems and MaxItemsPath never together", () => {
    const def = machine(
      distributedMap({
        ItemReader: {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "JSON", MaxItems: 1, MaxItemsPath: "$.m" },
          Parameters: { Bucket: "b", Key: "k" },
        },
      }),
    );
    only(def, [["MUTUALLY_EXCLUSIVE_FIELDS", "/States/A/ItemReader/ReaderConfig/MaxItemsPath"]]);
  });
  it("ItemSelector and Parameters; ItemProcessor and Iterator", () => {
    only(machine(inlineMap({ ItemSelector: {}, Parameters: {} })), [["MUTUALLY_EXCLUSIVE_FIELDS", "/States/A/Parameters"]]);
    only(machine(inlineMap({ Iterator: { StartAt: "Q", States: { Q: { Type: "Succeed" } } } })), [
      ["MUTUALLY_EXCLUSIVE_FIELDS", "/States/A/Iterator"],
    ]);
    ok(machine({ Type: "Map", Iterator: { StartAt: "Q", States: { Q: { Type: "Succeed" } } }, End: true }));
    only(machine({ Type: "Map", End: true }), [["MISSING_ITEM_PROCESSOR", "/States/A"]]);
  });
});

describe("validator: Task and Wait", () => {
  it("'HeartbeatSeconds ... must be smaller than TimeoutSeconds'", () => {
    ok(machine(task({ TimeoutSeconds: 60, HeartbeatSeconds: 59 })));
    only(machine(task({ TimeoutSeconds: 60, HeartbeatSeconds: 61 })), [["HEARTBEAT_NOT_BELOW_TIMEOUT", "/States/A/HeartbeatSeconds"]]);
  });
  it("Resource must be an ARN (INVALID_RESOURCE)", () => {
    ok(machine(task({ Resource: "arn:aws:states:::lambda:invoke" })));
    only(machine(task({ Resource: "my-function" })), [["INVALID_RESOURCE", "/States/A/Resource"]]);
    // Templates (SAM DefinitionSubstitutions, `npm run synth`) carry `${Name}` until deploy time: a reminder, not an error.
    ok(machine(task({ Resource: "${ProcessDataFunctionArn}" })));
    assert.deepEqual(warnings(machine(task({ Resource: "${ProcessDataFunctionArn}" }))), [
      ["UNSUBSTITUTED_PLACEHOLDER", "/States/A/Resource"],
    ]);
  });
  it("'A Wait state must contain exactly one of Seconds, SecondsPath, Timestamp, or TimestampPath'", () => {
    ok(machine({ Type: "Wait", TimestampPath: "$.t", End: true }));
    only(machine({ Type: "Wait", End: true }), [["INVALID_WAIT_DURATION", "/States/A"]]);
    only(machine({ Type: "Wait", Seconds: 1, Timestamp: "2026-01-01T00:00:00Z", End: true }), [
      ["INVALID_WAIT_DURATION", "/States/A/Timestamp"],
    ]);
  });
  it("Timestamp: RFC 3339 with 'an uppercase T' and 'an uppercase Z' or an offset", () => {
    ok(machine({ Type: "Wait", Timestamp: "2026-01-01T00:00:00.123+02:00", End: true }));
    only(machine({ Type: "Wait", Timestamp: "2026-01-01t00:00:00z", End: true }), [["INVALID_TIMESTAMP", "/States/A/Timestamp"]]);
  });
});

describe("validator: Choice", () => {
  const choice = (rule: Record<string, unknown>) => machine({ Type: "Choice", Choices: [rule], Default: "B" }, { B: { Type: "Succeed" } });
  it("accepts comparisons, combinators and Path operators", () => {
    ok(choice({ Or: [{ Variable: "$.a", NumericLessThanPath: "$.b" }, { Not: { Variable: "$.c", IsString: true } }], Next: "B" }));
  });
  it("each rule has exactly one operator, Variable for comparisons, Next only at top level", () => {
    only(choice({ Variable: "$.a", Next: "B" }), [["INVALID_CHOICE_RULE", "/States/A/Choices/0"]]);
    only(choice({ Variable: "$.a", StringEquals: "x", IsPresent: true, Next: "B" }), [["INVALID_CHOICE_RULE", "/States/A/Choices/0"]]);
    only(choice({ StringEquals: "x", Next: "B" }), [["INVALID_CHOICE_RULE", "/States/A/Choices/0"]]);
    only(choice({ Variable: "$.a", StringEquals: "x" }), [["INVALID_CHOICE_RULE", "/States/A/Choices/0"]]);
    only(choice({ Not: { Variable: "$.a", IsNull: true, Next: "B" }, Next: "B" }), [
      ["INVALID_CHOICE_RULE", "/States/A/Choices/0/Not/Next"],
    ]);
  });
  it("operands have the operator's type", () => {
    only(choice({ Variable: "$.a", NumericEquals: "1", Next: "B" }), [["SCHEMA_VALIDATION_FAILED", "/States/A/Choices/0/NumericEquals"]]);
    only(choice({ Variable: "$.a", TimestampEquals: "yesterday", Next: "B" }), [
      ["INVALID_TIMESTAMP", "/States/A/Choices/0/TimestampEquals"],
    ]);
  });
  it("JSONata rules use Condition; JSONPath rules may not", () => {
    ok(
      machine(
        { Type: "Choice", Choices: [{ Condition: "{% $states.input.x > 1 %}", Next: "B" }], Default: "B" },
        { B: { Type: "Succeed" } },
        { QueryLanguage: "JSONata" },
      ),
    );
    only(choice({ Condition: "{% true %}", Next: "B" }), [
      ["INVALID_CHOICE_RULE", "/States/A/Choices/0"],
      ["JSONATA_FIELD_IN_JSONPATH_STATE", "/States/A/Choices/0/Condition"],
    ]);
    only(
      machine(
        { Type: "Choice", QueryLanguage: "JSONata", Choices: [{ Variable: "$.x", IsNull: true, Next: "B" }], Default: "B" },
        { B: { Type: "Succeed" } },
      ),
      [
        ["INVALID_CHOICE_RULE", "/States/A/Choices/0"],
        ["JSONPATH_FIELD_IN_JSONATA_STATE", "/States/A/Choices/0/IsNull"],
        ["JSONPATH_FIELD_IN_JSONATA_STATE", "/States/A/Choices/0/Variable"],
      ],
    );
  });
});

describe("validator: Map modes", () => {
  const distributedOnly: Array<[string, unknown]> = [
    ["ItemReader", { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: "b" } }],
    ["ItemBatcher", { MaxItemsPerBatch: 5 }],
    ["ResultWriter", { WriterConfig: { OutputType: "JSON" } }],
    ["Label", "run"],
  ];
  for (const [field, value] of distributedOnly) {
    it(`Distributed-only field ${field} is rejected on an INLINE Map and accepted on a Distributed one`, () => {
      only(machine(inlineMap({ [field]: value })), [["DISTRIBUTED_ONLY_FIELD", `/States/A/${field}`]]);
      ok(machine(distributedMap({ [field]: value })));
    });
  }
  // AWS runs an INLINE Map with ToleratedFailureCount/ToleratedFailurePercentage (JSONata expressions)
  // to success: an execution recorded on AWS (localstack/localstack tests/aws/services/stepfunctions/v2/
  // evaluate_jsonata/test_base_evaluate_expressions.py::test_base_map[TOLERATED_FAILURE_COUNT]). What AWS
  // accepts is accepted, with a warning that the threshold has no effect there.
  const thresholds: Array<[string, unknown]> = [
    ["ToleratedFailurePercentage", 5],
    ["ToleratedFailurePercentagePath", "$.p"],
    ["ToleratedFailureCount", 5],
    ["ToleratedFailureCountPath", "$.c"],
  ];
  for (const [field, value] of thresholds) {
    it(`${field} on an INLINE Map is accepted with a warning (AWS runs it), and on a Distributed one without`, () => {
      ok(machine(inlineMap({ [field]: value })));
      assert.deepEqual(
        warnings(machine(inlineMap({ [field]: value }))).map((w) => w[0]),
        ["DISTRIBUTED_ONLY_FIELD"],
      );
      ok(machine(distributedMap({ [field]: value })));
    });
  }
  it("ExecutionType is required with DISTRIBUTED and rejected with INLINE", () => {
    const def = machine(distributedMap());
    delete ((def.States.A as ReturnType<typeof distributedMap>).ItemProcessor.ProcessorConfig as { ExecutionType?: string }).ExecutionType;
    only(def, [["MISSING_EXECUTION_TYPE", "/States/A/ItemProcessor/ProcessorConfig"]]);
    only(
      machine(
        inlineMap({
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE", ExecutionType: "EXPRESS" },
            StartAt: "P",
            States: { P: { Type: "Succeed" } },
          },
        }),
      ),
      [["DISTRIBUTED_ONLY_FIELD", "/States/A/ItemProcessor/ProcessorConfig/ExecutionType"]],
    );
  });
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html — "You can use
  // ItemsPath in the Distributed Map state only if you use a JSON input passed from a previous state";
  // AWS still accepts the definition with both (the reader supplies the items): a warning, not an error.
  it("ItemsPath beside ItemReader is accepted with a warning (ignored, as AWS does); JSONata Items is not", () => {
    const reader = { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: "b" } };
    ok(machine(distributedMap({ ItemsPath: "$.items" })));
    ok(machine(distributedMap({ ItemReader: reader, ItemsPath: "$.items" })));
    assert.deepEqual(warnings(machine(distributedMap({ ItemReader: reader, ItemsPath: "$.items" }))), [
      ["ITEMS_WITH_ITEM_READER", "/States/A/ItemsPath"],
    ]);
    only(
      machine(
        distributedMap({ ItemReader: { Resource: reader.Resource, Arguments: { Bucket: "b" } }, Items: "{% $states.input.x %}" }),
        {},
        { QueryLanguage: "JSONata" },
      ),
      [["ITEMS_WITH_ITEM_READER", "/States/A/Items"]],
    );
  });
  it("a Distributed Map in an EXPRESS machine is rejected when the type is given", () => {
    ok(machine(distributedMap()));
    ok(machine(distributedMap()), { stateMachineType: "STANDARD" });
    only(machine(distributedMap()), [["DISTRIBUTED_MAP_IN_EXPRESS", "/States/A/ItemProcessor/ProcessorConfig/Mode"]], {
      stateMachineType: "EXPRESS",
    });
    ok(machine(inlineMap()), { stateMachineType: "EXPRESS" });
  });
  it("... and inside the EXPRESS children of another Distributed Map", () => {
    const inner = distributedMap();
    const outer = distributedMap({
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }, StartAt: "In", States: { In: inner } },
    });
    only(machine(outer), [["DISTRIBUTED_MAP_IN_EXPRESS", "/States/A/ItemProcessor/States/In/ItemProcessor/ProcessorConfig/Mode"]]);
  });
});

describe("validator: Map Run fields", () => {
  it("Label: \"Labels can't exceed 40 characters in length ... and can't contain\" whitespace, wildcards, brackets, special or control characters", () => {
    ok(machine(distributedMap({ Label: "L".repeat(40) })));
    ok(machine(distributedMap({ Label: "my-label_1.v2/part" })));
    only(machine(distributedMap({ Label: "L".repeat(41) })), [["INVALID_LABEL", "/States/A/Label"]]);
    for (const bad of [
      "a b",
      "a<b",
      "a{b",
      "a[b",
      "a?b",
      "a*b",
      'a"b',
      "a#b",
      "a%b",
      "a\\b",
      "a^b",
      "a|b",
      "a~b",
      "a`b",
      "a$b",
      "a&b",
      "a,b",
      "a;b",
      "a:b",
      "a\u0001b",
      "a\u007fb",
    ]) {
      only(machine(distributedMap({ Label: bad })), [["INVALID_LABEL", "/States/A/Label"]]);
    }
  });
  it("Label: 'must be unique within a state machine definition'", () => {
    const processor = {
      ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
      StartAt: "Q",
      States: { Q: { Type: "Succeed" } },
    };
    const first = distributedMap({ Label: "run", End: undefined, Next: "B" });
    ok(machine(first, { B: distributedMap({ Label: "other", ItemProcessor: processor }) }));
    only(machine(first, { B: distributedMap({ Label: "run", ItemProcessor: processor }) }), [["INVALID_LABEL", "/States/B/Label"]]);
  });
  it("ItemBatcher: 'You must specify one of these values to batch items'", () => {
    ok(machine(distributedMap({ ItemBatcher: { MaxInputBytesPerBatchPath: "$.bytes", BatchInput: {} } })));
    only(machine(distributedMap({ ItemBatcher: { BatchInput: { a: 1 } } })), [["INVALID_ITEM_BATCHER", "/States/A/ItemBatcher"]]);
  });
  it("'The ResultWriter field cannot be empty' — WriterConfig alone is valid (recent AWS docs)", () => {
    ok(machine(distributedMap({ ResultWriter: { WriterConfig: { OutputType: "JSON", Transformation: "FLATTEN" } } })));
    ok(machine(distributedMap({ ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "b", Prefix: "p" } } })));
    only(machine(distributedMap({ ResultWriter: {} })), [["INVALID_RESULT_WRITER", "/States/A/ResultWriter"]]);
    only(machine(distributedMap({ ResultWriter: { Resource: "arn:aws:states:::s3:putObject" } })), [
      ["INVALID_RESULT_WRITER", "/States/A/ResultWriter"],
    ]);
    only(machine(distributedMap({ ResultWriter: { Parameters: { Bucket: "b" } } })), [["INVALID_RESULT_WRITER", "/States/A/ResultWriter"]]);
  });
  it("WriterConfig needs OutputType", () => {
    only(machine(distributedMap({ ResultWriter: { WriterConfig: { Transformation: "COMPACT" } } })), [
      ["INVALID_RESULT_WRITER", "/States/A/ResultWriter/WriterConfig"],
    ]);
  });
  it("'CSVHeaders ... required if CSVHeaderLocation is GIVEN'", () => {
    const csv = (cfg: Record<string, unknown>) =>
      machine(
        distributedMap({
          ItemReader: {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "CSV", ...cfg },
            Parameters: { Bucket: "b", Key: "k" },
          },
        }),
      );
    ok(csv({ CSVHeaderLocation: "GIVEN", CSVHeaders: ["a", "b"] }));
    ok(csv({ CSVHeaderLocation: "FIRST_ROW" }));
    only(csv({ CSVHeaderLocation: "GIVEN" }), [["MISSING_CSV_HEADERS", "/States/A/ItemReader/ReaderConfig"]]);
    only(csv({ CSVHeaderLocation: "GIVEN", CSVHeaders: [] }), [["MISSING_CSV_HEADERS", "/States/A/ItemReader/ReaderConfig"]]);
  });
  it("'When set to LOAD_AND_FLATTEN, you must also set InputType'", () => {
    const flat = (cfg: Record<string, unknown>) =>
      machine(
        distributedMap({ ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", ReaderConfig: cfg, Parameters: { Bucket: "b" } } }),
      );
    ok(flat({ InputType: "JSONL", Transformation: "LOAD_AND_FLATTEN" }));
    only(flat({ Transformation: "LOAD_AND_FLATTEN" }), [["INVALID_ITEM_READER", "/States/A/ItemReader/ReaderConfig/Transformation"]]);
  });
  it("'If you specify ManifestType is S3_INVENTORY then InputType cannot be specified'", () => {
    const inv = (cfg: Record<string, unknown>) =>
      machine(
        distributedMap({
          ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: cfg, Parameters: { Bucket: "b", Key: "manifest.json" } },
        }),
      );
    ok(inv({ ManifestType: "S3_INVENTORY" }));
    only(inv({ ManifestType: "S3_INVENTORY", InputType: "CSV" }), [["INVALID_ITEM_READER", "/States/A/ItemReader/ReaderConfig/InputType"]]);
  });
  it("warns, without rejecting, where the docs leave room", () => {
    // MaxConcurrency above 10,000 is fine too: "you can specify a higher concurrency limit".
    const def = machine(
      distributedMap({
        MaxConcurrency: 20000,
        ItemReader: {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "CSV" },
          Parameters: { Bucket: "b", Key: "k" },
        },
      }),
    );
    ok(def);
    assert.deepEqual(warnings(def), [["INVALID_ITEM_READER", "/States/A/ItemReader/ReaderConfig"]]);
  });
});

describe("validator: JSONPath", () => {
  it("checks the syntax of Path fields (INVALID_JSON_PATH) and allows full JSONPath there", () => {
    ok(machine(task({ InputPath: "$.items[?(@.price < 10)]", OutputPath: "$..name" })));
    only(machine(task({ OutputPath: "items" })), [["INVALID_JSON_PATH", "/States/A/OutputPath"]]);
    only(machine(task({ InputPath: "$.a.[b]" })), [["INVALID_JSON_PATH", "/States/A/InputPath"]]);
  });
  it("reference paths 'can identify only a single node' (ResultPath, ItemsPath, *Path fields)", () => {
    ok(machine(task({ ResultPath: "$.a['b c'][0].d", TimeoutSecondsPath: "$$.Execution.Input.t" })));
    only(machine(task({ ResultPath: "$.a[*]" })), [["INVALID_REFERENCE_PATH", "/States/A/ResultPath"]]);
    only(machine(inlineMap({ ItemsPath: "$..items" })), [["INVALID_REFERENCE_PATH", "/States/A/ItemsPath"]]);
    only(machine({ Type: "Wait", SecondsPath: "$.a[0:2]", End: true }), [["INVALID_REFERENCE_PATH", "/States/A/SecondsPath"]]);
    only(machine(distributedMap({ MaxConcurrencyPath: "$.a.length()" })), [["INVALID_REFERENCE_PATH", "/States/A/MaxConcurrencyPath"]]);
    only(machine(task({ Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.e[?(@.x)]", Next: "B" }] }), { B: { Type: "Succeed" } }), [
      ["INVALID_REFERENCE_PATH", "/States/A/Catch/0/ResultPath"],
    ]);
  });
  it("'.$' fields take a path or an intrinsic function (INVALID_PAYLOAD_TEMPLATE)", () => {
    ok(
      machine({
        Type: "Pass",
        Parameters: { "a.$": "$.x", "b.$": "$$.Map.Item.Value", "c.$": "$myVar.field", nested: [{ "d.$": "$[0]" }] },
        End: true,
      }),
    );
    only(machine({ Type: "Pass", Parameters: { "a.$": "x" }, End: true }), [["INVALID_PAYLOAD_TEMPLATE", "/States/A/Parameters/a.$"]]);
    only(machine({ Type: "Pass", Parameters: { nested: { "a.$": 5 } }, End: true }), [
      ["INVALID_PAYLOAD_TEMPLATE", "/States/A/Parameters/nested/a.$"],
    ]);
    only(machine(task({ ResultSelector: { "a.$": "$.[" } })), [["INVALID_JSON_PATH", "/States/A/ResultSelector/a.$"]]);
  });
  it("a literal that looks like a path gets AWS's NO_DOLLAR warning", () => {
    const def = machine({ Type: "Pass", Parameters: { a: "$.x" }, End: true });
    ok(def);
    assert.deepEqual(warnings(def), [["NO_DOLLAR", "/States/A/Parameters/a"]]);
  });
  it("Fail ErrorPath/CausePath take a reference path or an intrinsic function", () => {
    ok(machine({ Type: "Fail", ErrorPath: "$.e", CausePath: "States.Format('bad {}', $.x)" }));
    only(machine({ Type: "Fail", ErrorPath: "$.e[*]" }), [["INVALID_REFERENCE_PATH", "/States/A/ErrorPath"]]);
  });
});

describe("validator: intrinsic functions", () => {
  const pass = (expr: string) => machine({ Type: "Pass", Parameters: { "x.$": expr }, End: true });
  it("knows every States.* intrinsic and its argument count", () => {
    ok(pass("States.MathRandom(1, 10)"));
    ok(pass("States.MathRandom(1, 10, 42)"));
    ok(pass("States.Array()"));
    only(pass("States.MathAdd(1)"), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/x.$"]]);
    only(pass("States.UUID(1)"), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/x.$"]]);
    only(pass("States.Format()"), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/x.$"]]);
    only(pass("States.Uuid()"), [["INVALID_INTRINSIC_FUNCTION", "/States/A/Parameters/x.$"]]);
  });
  it("checks syntax, nested calls, and literal arguments AWS documents", () => {
    ok(pass("States.Format('a\\'{}\\'', States.ArrayGetItem(States.StringSplit($.a, ','), 0))"));
    only(pass("States.Format('unterminated)"), [["INVALID_INTRINSIC_FUNCTION", "/States/A/Parameters/x.$"]]);
    only(pass("States.ArrayLength($.a) extra"), [["INVALID_INTRINSIC_FUNCTION", "/States/A/Parameters/x.$"]]);
    only(pass("States.Hash($.a, 'SHA-3')"), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/x.$"]]);
    only(pass("States.JsonMerge($.a, $.b, true)"), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/x.$"]]);
    only(pass("States.ArrayLength($.a.)"), [["INVALID_JSON_PATH", "/States/A/Parameters/x.$"]]);
  });
  it("counts States.Format placeholders as the engine reads them: escaped \\{\\} is a literal brace", () => {
    // "{}" is a placeholder; the guide's escape "\\{" / "\\}" writes a literal brace instead.
    const codes = (expr: string) => warnings(pass(expr)).map(([code]) => code);
    assert.deepEqual(codes("States.Format('{} and \\{\\}', $.a)"), []);
    assert.deepEqual(codes("States.Format('{} and {}', $.a)"), ["INVALID_INTRINSIC_ARGUMENTS"]);
  });
  it("'You can nest up to 10 intrinsic functions within a field'", () => {
    const nest = (n: number) => "States.Array(".repeat(n) + ")".repeat(n);
    ok(pass(nest(10)));
    only(pass(nest(11)), [["INVALID_INTRINSIC_FUNCTION", "/States/A/Parameters/x.$"]]);
  });
});

describe("validator: query languages", () => {
  it("JSONPath-only fields are rejected in JSONata scope (state, Catch, ItemReader, ItemBatcher)", () => {
    const j = { QueryLanguage: "JSONata" };
    only(machine(task({ ResultPath: "$.x" }), {}, j), [["JSONPATH_FIELD_IN_JSONATA_STATE", "/States/A/ResultPath"]]);
    only(machine(task({ TimeoutSecondsPath: "$.t" }), {}, j), [["JSONPATH_FIELD_IN_JSONATA_STATE", "/States/A/TimeoutSecondsPath"]]);
    only(machine(task({ Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.e", Next: "B" }] }), { B: { Type: "Succeed" } }, j), [
      ["JSONPATH_FIELD_IN_JSONATA_STATE", "/States/A/Catch/0/ResultPath"],
    ]);
    only(machine(distributedMap({ ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: "b" } } }), {}, j), [
      ["JSONPATH_FIELD_IN_JSONATA_STATE", "/States/A/ItemReader/Parameters"],
    ]);
    only(machine(distributedMap({ ItemBatcher: { MaxItemsPerBatchPath: "$.n" } }), {}, j), [
      ["JSONPATH_FIELD_IN_JSONATA_STATE", "/States/A/ItemBatcher/MaxItemsPerBatchPath"],
    ]);
  });
  it("JSONata-only fields and {% %} values are rejected in JSONPath scope", () => {
    only(machine(task({ Output: { a: 1 } })), [["JSONATA_FIELD_IN_JSONPATH_STATE", "/States/A/Output"]]);
    only(machine(task({ TimeoutSeconds: "{% 5 %}" })), [["JSONATA_FIELD_IN_JSONPATH_STATE", "/States/A/TimeoutSeconds"]]);
    only(machine(distributedMap({ ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Arguments: { Bucket: "b" } } })), [
      ["JSONATA_FIELD_IN_JSONPATH_STATE", "/States/A/ResultWriter/Arguments"],
    ]);
  });
  it("a state's QueryLanguage overrides the machine's; nested states default to the machine's", () => {
    ok(machine(task({ QueryLanguage: "JSONata", Arguments: { a: "{% 1 %}" } })));
    // "If JSONata is specified at the top level, JSONPath cannot be used in the state machine definition"
    // (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.QueryLanguage.html).
    only(machine(task({ QueryLanguage: "JSONPath", Parameters: { a: 1 } }), {}, { QueryLanguage: "JSONata" }), [
      ["INVALID_QUERY_LANGUAGE", "/States/A/QueryLanguage"],
    ]);
    const nested = machine(
      inlineMap({
        QueryLanguage: "JSONata",
        ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "a.$": "$" }, End: true } } },
      }),
    );
    ok(nested);
  });
  it("parses every {% %} expression with the jsonata parser (INVALID_JSONATA), wherever it is", () => {
    const j = { QueryLanguage: "JSONata" };
    ok(
      machine(task({ Arguments: { a: "{% $states.input.items[price > 5].name %}" }, Assign: { n: "{% $count($states.input) %}" } }), {}, j),
    );
    only(machine(task({ Arguments: { deep: [{ a: "{% $states.input[ %}" }] } }), {}, j), [
      ["INVALID_JSONATA", "/States/A/Arguments/deep/0/a"],
    ]);
    only(machine(task({ HeartbeatSeconds: "{% %}" }), {}, j), [["INVALID_JSONATA", "/States/A/HeartbeatSeconds"]]);
    only(machine({ Type: "Choice", Choices: [{ Condition: "{% $x = %}", Next: "B" }], Default: "B" }, { B: { Type: "Succeed" } }, j), [
      ["INVALID_JSONATA", "/States/A/Choices/0/Condition"],
    ]);
  });
  it("does not parse {% %} strings in JSONPath states (they are literals there)", () => {
    ok(machine({ Type: "Pass", Parameters: { text: "{% not jsonata ( %}" }, End: true }));
  });
  it("JSONata validation is per call: a bad expression in one definition does not affect the next", () => {
    const bad = machine(task({ Arguments: "{% ( %}" }), {}, { QueryLanguage: "JSONata" });
    assert.equal(validateDefinition(bad).valid, false);
    assert.equal(validateDefinition(machine(task({ Arguments: "{% 1 %}" }), {}, { QueryLanguage: "JSONata" })).valid, true);
    assert.equal(validateDefinition(bad).valid, false);
  });
});

describe("validator: diagnostics shape", () => {
  it("every diagnostic has code, JSON-pointer location, message and severity", () => {
    const r = validateDefinition({
      StartAt: "A",
      States: { A: { Type: "Task", Resource: "x", Next: "Nope", Foo: 1, Parameters: { "a.$": "States.Nope()" } } },
    });
    assert.equal(r.valid, false);
    for (const d of r.diagnostics) {
      assert.deepEqual(Object.keys(d).sort(), ["code", "location", "message", "severity"]);
      assert.match(d.location, /^(\/[^/]*)*$/);
      assert.ok(d.message.length > 10);
      assert.ok(d.severity === "ERROR" || d.severity === "WARNING");
    }
  });
  it("a definition with only warnings is valid", () => {
    const r = validateDefinition(machine({ Type: "Pass", Parameters: { a: "$.x" }, End: true }));
    assert.equal(r.valid, true);
    assert.equal(r.diagnostics.length, 1);
  });
  it("uses the Lambda helper ARN shape the builders render", () => ok(machine(task({ Resource: LAMBDA("CaptureInput") }))));
});

describe("validator: intrinsic input validation (warnings)", () => {
  const pass = (expr: string) => machine({ Type: "Pass", Parameters: { "x.$": expr }, End: true });
  it("'You must specify a non-zero value for the third argument' and 'can't contain more than 1000 items' (States.ArrayRange)", () => {
    assert.deepEqual(warnings(pass("States.ArrayRange(1, 9, 2)")), []);
    assert.deepEqual(warnings(pass("States.ArrayRange(1, 9, 0)")), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/x.$"]]);
    assert.deepEqual(warnings(pass("States.ArrayRange(0, 5000, 1)")), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/x.$"]]);
    ok(pass("States.ArrayRange(0, 5000, 1)"));
  });
  it("'a non-zero, positive integer for the second argument' (States.ArrayPartition)", () => {
    assert.deepEqual(warnings(pass("States.ArrayPartition($.a, 0)")), [["INVALID_INTRINSIC_ARGUMENTS", "/States/A/Parameters/x.$"]]);
    assert.deepEqual(warnings(pass("States.ArrayPartition($.a, $.n)")), []);
  });
});
