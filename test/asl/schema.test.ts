/**
 * asl/schema.ts is the one description of ASL: these tests fail when a type, the walker or a
 * validator table says something about a state's fields that the schema does not.
 * The type-level half is checked by `npm run typecheck` (which covers test/); the `it`s run it too.
 */
import { strict as assert } from "node:assert";
import { z } from "zod";
import {
  itemBatcherSchema,
  itemProcessorSchema,
  mapStateSchema,
  NUMBER_OR_EXPRESSION_FIELDS,
  STATE_SCHEMAS,
  STATE_TYPES,
  stateMachineSchema,
  stateSchema,
  subWorkflowSchema,
} from "../../asl/schema";
import type {
  ChoiceRule,
  ItemProcessor,
  JsonataString,
  JsonObject,
  JsonValue,
  MapState,
  ParallelState,
  State,
  StateMachineDefinition,
  StateType,
  SubWorkflow,
  TaskState,
  WaitState,
} from "../../asl/types";
import { childScopes } from "../../asl/validator/graph";
import {
  DISTRIBUTED_ONLY_FIELDS,
  IGNORED_INLINE_FIELDS,
  JSONATA_ONLY_STATE_FIELDS,
  JSONPATH_ONLY_STATE_FIELDS,
  PATH_VARIANTS,
  REFERENCE_PATH_FIELDS,
} from "../../asl/validator/rules";
import { describeNumber, factsOf, numberField } from "../../asl/fields";
import { walkStates } from "../../asl/walk";

/** Exact type equality (tells `any` and `unknown` apart from JsonValue). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(): T => true as T;

// The exported types are the schema's.
const typeChecks = [
  expectType<Equals<State, z.infer<typeof stateSchema>>>(),
  expectType<Equals<StateMachineDefinition, z.infer<typeof stateMachineSchema>>>(),
  expectType<Equals<State["Type"], StateType>>(),
  expectType<Equals<keyof TaskState, keyof (typeof STATE_SCHEMAS)["Task"]["shape"]>>(),
  expectType<Equals<keyof MapState, keyof (typeof STATE_SCHEMAS)["Map"]["shape"]>>(),
  // As precise as the hand-written types were: JSON values, JSONata fields, recursion.
  expectType<Equals<TaskState["Parameters"], JsonObject | undefined>>(),
  expectType<Equals<TaskState["Arguments"], JsonValue | undefined>>(),
  expectType<Equals<TaskState["TimeoutSeconds"], number | JsonataString | undefined>>(),
  expectType<Equals<WaitState["Seconds"], number | JsonataString | undefined>>(),
  expectType<Equals<MapState["ItemSelector"], JsonObject | JsonataString | undefined>>(),
  expectType<Equals<MapState["Iterator"], ItemProcessor | undefined>>(),
  expectType<Equals<ParallelState["Branches"], SubWorkflow[]>>(),
  expectType<Equals<SubWorkflow["States"], Record<string, State>>>(),
  expectType<Equals<ChoiceRule["And"], ChoiceRule[] | undefined>>(),
  expectType<Equals<ChoiceRule["Not"], ChoiceRule | undefined>>(),
  expectType<Equals<ChoiceRule["Condition"], JsonataString | boolean | undefined>>(),
  expectType<Equals<ChoiceRule["NumericEquals"], number | undefined>>(),
];

/** Unwraps optional/array wrappers to the schema of the value inside. */
function inner(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional) return inner(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodArray) return inner(schema.element as z.ZodType);
  return schema;
}

describe("asl: one schema, the single source", () => {
  it("the exported ASL types are inferred from the schema (type-level checks compiled by typecheck)", () => {
    assert.ok(typeChecks.every(Boolean));
  });

  it("STATE_TYPES is the schema's list of state types, and each state schema's Type is its key", () => {
    assert.deepEqual(STATE_TYPES, ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]);
    for (const type of STATE_TYPES) assert.deepEqual([...STATE_SCHEMAS[type].shape.Type.values], [type]);
  });

  it("every field the schema says holds a nested workflow is walked by asl/walk.ts and by the validator's scopes", () => {
    const nested = STATE_TYPES.flatMap((type) =>
      Object.entries(STATE_SCHEMAS[type].shape as Record<string, z.ZodType>)
        .filter(([, field]) => [subWorkflowSchema, itemProcessorSchema].includes(inner(field) as never))
        .map(([key, field]) => ({
          type,
          key,
          array: field instanceof z.ZodArray || (field instanceof z.ZodOptional && field.unwrap() instanceof z.ZodArray),
        })),
    );
    assert.deepEqual(
      nested.map((n) => `${n.type}.${n.key}`),
      ["Parallel.Branches", "Map.ItemProcessor", "Map.Iterator"],
    );
    for (const { type, key, array } of nested) {
      const workflow = { StartAt: "Inside", States: { Inside: { Type: "Succeed" } } };
      const state = { Type: type, [key]: array ? [workflow] : workflow, End: true };
      const definition = { StartAt: "Outer", States: { Outer: state } } as unknown as StateMachineDefinition;
      const expected = ["States", "Outer", key, ...(array ? [0] : []), "States", "Inside"].join("/");
      const walked: string[] = [];
      walkStates(definition, (v) => walked.push(v.at.join("/")));
      assert.deepEqual(walked, ["States/Outer", expected], `${type}.${key}: asl/walk.ts`);
      const scopes = childScopes(state, ["States", "Outer"]).map((c) => [...c.at, "States", "Inside"].join("/"));
      assert.deepEqual(scopes, [expected], `${type}.${key}: validator childScopes`);
    }
  });

  it("NUMBER_OR_EXPRESSION_FIELDS is read off the schema: the number fields that also take {% %}", () => {
    assert.deepEqual(NUMBER_OR_EXPRESSION_FIELDS, [
      "TimeoutSeconds",
      "HeartbeatSeconds",
      "Seconds",
      "MaxConcurrency",
      "ToleratedFailurePercentage",
      "ToleratedFailureCount",
    ]);
  });

  it("the validator's field tables name only fields of the schema, and list every state-level ...Path field", () => {
    const stateFields = new Set(STATE_TYPES.flatMap((t) => Object.keys(STATE_SCHEMAS[t].shape)));
    const named = [...JSONPATH_ONLY_STATE_FIELDS, ...JSONATA_ONLY_STATE_FIELDS, ...REFERENCE_PATH_FIELDS, ...PATH_VARIANTS.flat()];
    assert.deepEqual(
      named.filter((f) => !stateFields.has(f)),
      [],
    );
    // https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html: the `...Path`
    // fields are JSONPath's; a JSONata state writes the plain field with a {% %} expression.
    const pathFields = [...stateFields].filter((f) => f.endsWith("Path"));
    assert.deepEqual(
      pathFields.filter((f) => !JSONPATH_ONLY_STATE_FIELDS.includes(f)),
      [],
    );
    // Every path field is a Reference Path but InputPath/OutputPath (which also take null) and ErrorPath/CausePath (a path or an intrinsic function).
    assert.deepEqual(
      pathFields.filter((f) => !REFERENCE_PATH_FIELDS.includes(f) && !["InputPath", "OutputPath", "ErrorPath", "CausePath"].includes(f)),
      [],
    );
  });

  // The lists the validator walks are read off each field's facts (asl/fields.ts); these are the
  // lists as they were written by hand before, so a fact that goes missing (or a field that gains
  // one by accident) changes a list and fails here.
  it("field facts: the validator's lists, derived from the schema, are the documented ones", () => {
    assert.deepEqual(JSONPATH_ONLY_STATE_FIELDS, [
      "InputPath",
      "OutputPath",
      "Parameters",
      "ResultSelector",
      "ResultPath",
      "TimeoutSecondsPath",
      "HeartbeatSecondsPath",
      "SecondsPath",
      "TimestampPath",
      "ErrorPath",
      "CausePath",
      "ItemsPath",
      "MaxConcurrencyPath",
      "ToleratedFailurePercentagePath",
      "ToleratedFailureCountPath",
    ]);
    assert.deepEqual(JSONATA_ONLY_STATE_FIELDS, ["Arguments", "Output", "Items"]);
    assert.deepEqual(PATH_VARIANTS, [
      ["TimeoutSeconds", "TimeoutSecondsPath"],
      ["HeartbeatSeconds", "HeartbeatSecondsPath"],
      ["Error", "ErrorPath"],
      ["Cause", "CausePath"],
      ["MaxConcurrency", "MaxConcurrencyPath"],
      ["ToleratedFailurePercentage", "ToleratedFailurePercentagePath"],
      ["ToleratedFailureCount", "ToleratedFailureCountPath"],
    ]);
    assert.deepEqual(REFERENCE_PATH_FIELDS, [
      "ResultPath",
      "TimeoutSecondsPath",
      "HeartbeatSecondsPath",
      "SecondsPath",
      "TimestampPath",
      "ItemsPath",
      "MaxConcurrencyPath",
      "ToleratedFailurePercentagePath",
      "ToleratedFailureCountPath",
    ]);
    assert.deepEqual(DISTRIBUTED_ONLY_FIELDS, ["ItemReader", "ItemBatcher", "ResultWriter", "Label"]);
    assert.deepEqual(IGNORED_INLINE_FIELDS, [
      "ToleratedFailurePercentage",
      "ToleratedFailurePercentagePath",
      "ToleratedFailureCount",
      "ToleratedFailureCountPath",
    ]);
  });

  it("field facts: a number field's range is its schema, in words for the builders' and the engine's messages", () => {
    assert.deepEqual(factsOf(mapStateSchema.shape.ToleratedFailureCountPath), {
      distributedOnly: "ignoredInline",
      language: "JSONPath",
      path: "reference",
      pathVariantOf: "ToleratedFailureCount",
    });
    assert.equal(describeNumber(numberField(mapStateSchema, "ToleratedFailureCount")), "an integer ≥ 0");
    assert.equal(describeNumber(numberField(mapStateSchema, "ToleratedFailurePercentage")), "between 0 and 100");
    assert.equal(describeNumber(numberField(itemBatcherSchema, "MaxInputBytesPerBatch")), "an integer from 1 to 262144");
    assert.equal(numberField(mapStateSchema, "ToleratedFailurePercentage").safeParse(0.5).success, true);
    assert.throws(() => numberField(mapStateSchema, "Label"), /Label is not a number field/);
  });
});
