/**
 * The zod schema of the whole Amazon States Language: every state type, JSONPath and JSONata
 * fields, Retry/Catch, and the Distributed Map fields, with the values AWS documents.
 *
 * This is the one description of ASL: the TypeScript types of ./types.ts are inferred from it
 * (`z.infer`), the validator parses with it, and the builders are typed by those inferred types.
 * A new field is one entry here: with it go its facts (./fields.ts: its range, its query language,
 * its `...Path` variant, the kind of path it holds, Distributed-only), from which the validator's
 * field lists, the builders' range checks and the engine's checks are derived.
 * Pulumi-free and I/O-free like the rest of asl/.
 *
 * The schema describes *shape*: which fields exist on which object, their JSON types, enums and
 * numeric ranges. Every object is strict, because AWS rejects fields it does not know
 * (SCHEMA_VALIDATION_FAILED "... is not supported"). Rules that relate fields to each other, or
 * depend on the query language or on the Map's mode, are semantic checks in ./validator/rules.ts, so that each
 * finding gets its own code and an exact location.
 *
 * Sources, per object:
 * - States and common fields: https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html,
 *   https://docs.aws.amazon.com/step-functions/latest/dg/workflow-states.html, https://states-language.net/spec.html
 * - Retry/Catch: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 *   ("IntervalSeconds ... a positive integer", "MaxAttempts ... 0 ... never retried", "BackoffRate ...
 *   must be greater than or equal to 1.0", "MaxDelaySeconds ... positive integer", "JitterStrategy FULL | NONE").
 * - Map: https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html,
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html,
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html,
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
import { z } from "zod";
import { jsonataExpr, numberOrExpr, numberOrExpressionFields, withFacts, type FieldFacts } from "./fields";
import type { JsonValue } from "./json";
import { LIMITS } from "./limits";

/**
 * A JSON value. Values are already JSON (parsed from text, or rendered by the builders) and their
 * inner shape is free except where a rule in ./validator says otherwise, so nothing is checked per
 * value: the schema stays fast on big payload templates while the inferred type is JsonValue.
 * z.any() typed by annotation rather than z.custom<JsonValue>(): a custom schema runs an (empty)
 * check per value, which made the validator bench measurably slower.
 */
const jsonValue: z.ZodType<JsonValue> = z.any();
const jsonObject = z.record(z.string(), jsonValue);

const positiveInt = () => z.number().int().min(1);
const nonNegativeInt = () => z.number().int().min(0);

/**
 * Upper bounds AWS documents (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html): "IntervalSeconds ... has a
 * maximum value of 99999999", "MaxAttempts has a maximum value of 99999999", "MaxDelaySeconds ...
 * maximum value of 31622400"; TimeoutSeconds/HeartbeatSeconds are positive integers up to 99999999.
 */
export const MAX_SECONDS = 99_999_999;
export const MAX_ATTEMPTS = 99_999_999;
export const MAX_DELAY_SECONDS = 31_622_400;

export const queryLanguageSchema = z.enum(["JSONPath", "JSONata"]);
const pathString = z.string();
const nullablePath = z.string().nullable();

/** JSONPath's fields of the five it has and JSONata does not (InputPath, Parameters, ResultSelector, ResultPath, OutputPath). */
const jsonPathOnly: FieldFacts = { language: "JSONPath" };
const jsonataOnly: FieldFacts = { language: "JSONata" };
const referencePath = () => withFacts(nullablePath.optional(), { ...jsonPathOnly, path: "reference" });
const parameters = () => withFacts(jsonObject.optional(), jsonPathOnly);
const argumentsField = () => withFacts(jsonValue.optional(), jsonataOnly);

/**
 * The JSONPath variant `${of}Path` of field `of`: a reference path (or, for Fail's, a reference path or
 * an intrinsic function) that supplies `of`'s value at run time (TimeoutSeconds/TimeoutSecondsPath,
 * ...). `facts` are the value field's own, which the variant shares (Distributed-only, one-of group).
 * Two plain entries rather than one helper returning both, so the inferred types keep the schema's
 * field order.
 */
const pathVariant = (of: string, facts: FieldFacts = {}, path: FieldFacts["path"] = "reference") =>
  withFacts(pathString.optional(), { ...facts, ...jsonPathOnly, path, pathVariantOf: of });

const common = {
  Comment: z.string().optional(),
  QueryLanguage: queryLanguageSchema.optional(),
};
const transition = { Next: z.string().optional(), End: z.boolean().optional() };
const ioPaths = {
  InputPath: withFacts(nullablePath.optional(), { ...jsonPathOnly, path: "path" }),
  OutputPath: withFacts(nullablePath.optional(), { ...jsonPathOnly, path: "path" }),
};
const assign = { Assign: jsonObject.optional() };
const output = { Output: withFacts(jsonValue.optional(), jsonataOnly) };

export const retrierSchema = z.strictObject({
  ErrorEquals: z.array(z.string()).min(1),
  IntervalSeconds: positiveInt().max(MAX_SECONDS).optional(),
  MaxAttempts: nonNegativeInt().max(MAX_ATTEMPTS).optional(),
  BackoffRate: z.number().min(1).optional(),
  MaxDelaySeconds: positiveInt().max(MAX_DELAY_SECONDS).optional(),
  JitterStrategy: z.enum(["FULL", "NONE"]).optional(),
  Comment: z.string().optional(),
});

export const catcherSchema = z.strictObject({
  ErrorEquals: z.array(z.string()).min(1),
  Next: z.string(),
  ResultPath: referencePath(),
  Output: withFacts(jsonValue.optional(), jsonataOnly),
  Assign: jsonObject.optional(),
  Comment: z.string().optional(),
});

const errorHandling = { Retry: z.array(retrierSchema).optional(), Catch: z.array(catcherSchema).optional() };

const timeouts = {
  TimeoutSeconds: numberOrExpr(positiveInt().max(MAX_SECONDS)).optional(),
  TimeoutSecondsPath: pathVariant("TimeoutSeconds"),
  HeartbeatSeconds: numberOrExpr(positiveInt().max(MAX_SECONDS)).optional(),
  HeartbeatSecondsPath: pathVariant("HeartbeatSeconds"),
};

export const taskStateSchema = z.strictObject({
  Type: z.literal("Task"),
  ...common,
  Resource: z.string(),
  ...transition,
  ...ioPaths,
  Parameters: parameters(),
  Arguments: argumentsField(),
  Credentials: jsonObject.optional(),
  ResultSelector: parameters(),
  ResultPath: referencePath(),
  ...output,
  ...assign,
  ...errorHandling,
  ...timeouts,
});

export const passStateSchema = z.strictObject({
  Type: z.literal("Pass"),
  ...common,
  ...transition,
  ...ioPaths,
  Parameters: parameters(),
  Result: jsonValue.optional(),
  ResultPath: referencePath(),
  ...output,
  ...assign,
});

/** "A Wait state must contain exactly one of Seconds, SecondsPath, Timestamp, or TimestampPath" (state-wait). */
const waitDuration: FieldFacts = { oneOf: "WaitDuration" };

export const waitStateSchema = z.strictObject({
  Type: z.literal("Wait"),
  ...common,
  ...transition,
  ...ioPaths,
  // "Seconds ... a non-negative integer" up to 99999999 (state-wait).
  Seconds: withFacts(numberOrExpr(nonNegativeInt().max(MAX_SECONDS)).optional(), waitDuration),
  SecondsPath: pathVariant("Seconds", waitDuration),
  Timestamp: withFacts(z.string().optional(), waitDuration),
  TimestampPath: pathVariant("Timestamp", waitDuration),
  ...output,
  ...assign,
});

export const succeedStateSchema = z.strictObject({
  Type: z.literal("Succeed"),
  ...common,
  ...ioPaths,
  ...output,
});

export const failStateSchema = z.strictObject({
  Type: z.literal("Fail"),
  ...common,
  // "ErrorPath/CausePath ... a reference path or an intrinsic function" (state-fail).
  Error: z.string().optional(),
  ErrorPath: pathVariant("Error", {}, "referenceOrIntrinsic"),
  Cause: z.string().optional(),
  CausePath: pathVariant("Cause", {}, "referenceOrIntrinsic"),
});

type OperandKind = "string" | "number" | "boolean" | "timestamp" | "path";

/** Comparison operators of a JSONPath Choice rule and the JSON type of their operand. */
export const CHOICE_OPERATORS = {
  StringEquals: "string",
  StringLessThan: "string",
  StringGreaterThan: "string",
  StringLessThanEquals: "string",
  StringGreaterThanEquals: "string",
  StringMatches: "string",
  NumericEquals: "number",
  NumericLessThan: "number",
  NumericGreaterThan: "number",
  NumericLessThanEquals: "number",
  NumericGreaterThanEquals: "number",
  BooleanEquals: "boolean",
  TimestampEquals: "timestamp",
  TimestampLessThan: "timestamp",
  TimestampGreaterThan: "timestamp",
  TimestampLessThanEquals: "timestamp",
  TimestampGreaterThanEquals: "timestamp",
  IsNull: "boolean",
  IsPresent: "boolean",
  IsNumeric: "boolean",
  IsString: "boolean",
  IsBoolean: "boolean",
  IsTimestamp: "boolean",
  StringEqualsPath: "path",
  StringLessThanPath: "path",
  StringGreaterThanPath: "path",
  StringLessThanEqualsPath: "path",
  StringGreaterThanEqualsPath: "path",
  NumericEqualsPath: "path",
  NumericLessThanPath: "path",
  NumericGreaterThanPath: "path",
  NumericLessThanEqualsPath: "path",
  NumericGreaterThanEqualsPath: "path",
  BooleanEqualsPath: "path",
  TimestampEqualsPath: "path",
  TimestampLessThanPath: "path",
  TimestampGreaterThanPath: "path",
  TimestampLessThanEqualsPath: "path",
  TimestampGreaterThanEqualsPath: "path",
} as const satisfies Record<string, OperandKind>;

export type ChoiceComparisonOperator = keyof typeof CHOICE_OPERATORS;

/** Own keys only: a Choice rule field named e.g. "constructor" is not an operator. */
export const isChoiceOperator = (key: string): key is ChoiceComparisonOperator => Object.hasOwn(CHOICE_OPERATORS, key);

const operandSchema = { string: z.string(), number: z.number(), boolean: z.boolean(), timestamp: z.string(), path: z.string() } as const;
type OperatorShape = { [K in ChoiceComparisonOperator]: z.ZodOptional<(typeof operandSchema)[(typeof CHOICE_OPERATORS)[K]]> };
// Built from the table above, so the table is the one list of operators; the mapped type says what it builds.
const operatorShape = Object.fromEntries(
  Object.entries(CHOICE_OPERATORS).map(([op, kind]) => [op, operandSchema[kind].optional()]),
) as OperatorShape;

/**
 * A Choice rule: a JSONPath comparison on `Variable` (one operator), a combinator (And/Or/Not), or a
 * JSONata `Condition`. Structural, as the JSON reads; "exactly one operator" is a rule in the validator.
 */
// extend, not a spread: TypeScript infers the recursive getters below only without a spread in the literal.
export const choiceRuleSchema = z.strictObject(operatorShape).extend({
  Variable: z.string().optional(),
  // Recursive: getters, with the return types TypeScript cannot infer through the cycle.
  get And(): z.ZodOptional<z.ZodArray<typeof choiceRuleSchema>> {
    return z.array(choiceRuleSchema).min(1).optional();
  },
  get Or(): z.ZodOptional<z.ZodArray<typeof choiceRuleSchema>> {
    return z.array(choiceRuleSchema).min(1).optional();
  },
  get Not(): z.ZodOptional<typeof choiceRuleSchema> {
    return choiceRuleSchema.optional();
  },
  /** Top-level rules only. */
  Next: z.string().optional(),
  /** JSONata rules only. */
  Condition: z.union([jsonataExpr("true, false"), z.boolean()]).optional(),
  Output: jsonValue.optional(),
  Assign: jsonObject.optional(),
  Comment: z.string().optional(),
});

export const choiceStateSchema = z.strictObject({
  Type: z.literal("Choice"),
  ...common,
  ...ioPaths,
  Choices: z.array(choiceRuleSchema).min(1),
  Default: z.string().optional(),
  ...output,
  ...assign,
});

/** A Parallel branch: a nested state machine without Version or TimeoutSeconds. */
export const subWorkflowSchema = z.strictObject({
  Comment: z.string().optional(),
  StartAt: z.string(),
  // Recursive (states hold branches and processors): a getter, read when zod first parses.
  get States(): typeof statesRecord {
    return statesRecord;
  },
  QueryLanguage: queryLanguageSchema.optional(),
});

export const processorConfigSchema = z.strictObject({
  Mode: z.enum(["INLINE", "DISTRIBUTED"]).optional(),
  ExecutionType: z.enum(["STANDARD", "EXPRESS"]).optional(),
});

/** A Map's ItemProcessor, or its deprecated name Iterator: the same fields, ProcessorConfig included (state-map-inline). */
export const itemProcessorSchema = subWorkflowSchema.extend({ ProcessorConfig: processorConfigSchema.optional() });

export const parallelStateSchema = z.strictObject({
  Type: z.literal("Parallel"),
  ...common,
  Branches: z.array(subWorkflowSchema).min(1),
  ...transition,
  ...ioPaths,
  Parameters: parameters(),
  Arguments: argumentsField(),
  ResultSelector: parameters(),
  ResultPath: referencePath(),
  ...output,
  ...assign,
  ...errorHandling,
});

/** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html */
export const readerConfigSchema = z.strictObject({
  InputType: z.enum(["JSON", "JSONL", "CSV", "MANIFEST", "PARQUET"]).optional(),
  /** listObjectsV2 only: load each listed object and flatten its items into the map's items. */
  Transformation: z.enum(["NONE", "LOAD_AND_FLATTEN"]).optional(),
  ManifestType: z.enum(["ATHENA_DATA", "S3_INVENTORY"]).optional(),
  CSVHeaderLocation: z.enum(["FIRST_ROW", "GIVEN"]).optional(),
  CSVHeaders: z.array(z.string()).optional(),
  CSVDelimiter: z.enum(["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]).optional(),
  // "You can specify a limit of up to 100,000,000 after which the Distributed Map stops reading items."
  MaxItems: numberOrExpr(nonNegativeInt().max(100_000_000)).optional(),
  MaxItemsPath: pathVariant("MaxItems"),
  /** JSON objects only: a JSON pointer to the array inside the object. */
  ItemsPointer: z.string().optional(),
});

export const itemReaderSchema = z.strictObject({
  Resource: z.string(),
  ReaderConfig: readerConfigSchema.optional(),
  /** JSONPath scope: `{ "Bucket": ..., "Key": ... }` or `{ "Bucket.$": "$.bucket", ... }`. */
  Parameters: parameters(),
  /** JSONata scope. */
  Arguments: argumentsField(),
});

/** "MaxInputBytesPerBatch ... maximum of 256 KiB" (input-output-itembatcher). */
export const itemBatcherSchema = z.strictObject({
  MaxItemsPerBatch: numberOrExpr(positiveInt()).optional(),
  MaxItemsPerBatchPath: pathVariant("MaxItemsPerBatch"),
  MaxInputBytesPerBatch: numberOrExpr(positiveInt().max(LIMITS.maxInputBytesPerBatch)).optional(),
  MaxInputBytesPerBatchPath: pathVariant("MaxInputBytesPerBatch"),
  BatchInput: jsonValue.optional(),
});

/** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html */
export const resultWriterSchema = z.strictObject({
  Resource: z.string().optional(),
  Parameters: parameters(),
  Arguments: argumentsField(),
  WriterConfig: z
    .strictObject({
      OutputType: z.enum(["JSON", "JSONL"]).optional(),
      Transformation: z.enum(["NONE", "COMPACT", "FLATTEN"]).optional(),
    })
    .optional(),
});

/** Map Run configuration (state-map-distributed, "Distributed Map state fields"). */
const distributedOnly: FieldFacts = { distributedOnly: true };
// The failure thresholds are accepted on an INLINE Map: AWS ran one with ToleratedFailureCount and
// ToleratedFailurePercentage JSONata expressions on an INLINE Map to success (an execution recorded
// on AWS: localstack/localstack tests/aws/services/stepfunctions/v2/evaluate_jsonata/
// test_base_evaluate_expressions.py::test_base_map). They have no effect there.
const failureThreshold: FieldFacts = { distributedOnly: "ignoredInline" };

export const mapStateSchema = z.strictObject({
  Type: z.literal("Map"),
  ...common,
  ItemProcessor: itemProcessorSchema.optional(),
  /**
   * Deprecated name of ItemProcessor; AWS still accepts it with the same fields, ProcessorConfig
   * included (INLINE and DISTRIBUTED): read it through asl/walk.ts `mapProcessor`.
   */
  Iterator: itemProcessorSchema.optional(),
  ItemsPath: withFacts(pathString.optional(), { ...jsonPathOnly, path: "reference" }),
  /** JSONata scope: an array or a `{% %}` expression that yields one. */
  Items: withFacts(jsonValue.optional(), jsonataOnly),
  // JSONata states may compute the whole selector with one expression.
  ItemSelector: z.union([jsonObject, jsonataExpr("an object")]).optional(),
  /** Deprecated name of ItemSelector; still accepted by AWS. */
  Parameters: parameters(),
  ItemReader: withFacts(itemReaderSchema.optional(), distributedOnly),
  ItemBatcher: withFacts(itemBatcherSchema.optional(), distributedOnly),
  ResultWriter: withFacts(resultWriterSchema.optional(), distributedOnly),
  // No upper bound: the guide says "While you can specify a higher concurrency limit for parallel
  // child workflow executions ..." than the default 10,000.
  MaxConcurrency: numberOrExpr(nonNegativeInt()).optional(),
  MaxConcurrencyPath: pathVariant("MaxConcurrency"),
  // "ToleratedFailurePercentage ... an integer or decimal from 0 through 100" — AWS accepts e.g. 0.5.
  ToleratedFailurePercentage: withFacts(numberOrExpr(z.number().min(0).max(100)).optional(), failureThreshold),
  ToleratedFailurePercentagePath: pathVariant("ToleratedFailurePercentage", failureThreshold),
  ToleratedFailureCount: withFacts(numberOrExpr(nonNegativeInt()).optional(), failureThreshold),
  ToleratedFailureCountPath: pathVariant("ToleratedFailureCount", failureThreshold),
  Label: withFacts(z.string().optional(), distributedOnly),
  ...transition,
  ...ioPaths,
  ResultSelector: parameters(),
  ResultPath: referencePath(),
  ...output,
  ...assign,
  ...errorHandling,
});

/** The schema of each state type, by its `Type`: the one list of state types and their fields. */
export const STATE_SCHEMAS: {
  Task: typeof taskStateSchema;
  Pass: typeof passStateSchema;
  Choice: typeof choiceStateSchema;
  Wait: typeof waitStateSchema;
  Succeed: typeof succeedStateSchema;
  Fail: typeof failStateSchema;
  Parallel: typeof parallelStateSchema;
  Map: typeof mapStateSchema;
} = {
  Task: taskStateSchema,
  Pass: passStateSchema,
  Choice: choiceStateSchema,
  Wait: waitStateSchema,
  Succeed: succeedStateSchema,
  Fail: failStateSchema,
  Parallel: parallelStateSchema,
  Map: mapStateSchema,
} as const;

export type StateType = keyof typeof STATE_SCHEMAS;
export const STATE_TYPES = Object.keys(STATE_SCHEMAS) as StateType[];

/**
 * State fields that take a number or a `{% %}` expression (and, in JSONPath, a `...Path` twin), in
 * schema order: read off the schema so a new such field gets the validator's query-language rule
 * without a second list.
 */
export const NUMBER_OR_EXPRESSION_FIELDS: readonly string[] = numberOrExpressionFields(Object.values(STATE_SCHEMAS));

// Annotated with the schemas' names so the published .d.ts refers to them instead of repeating them.
export const stateSchema: z.ZodDiscriminatedUnion<
  [
    typeof taskStateSchema,
    typeof passStateSchema,
    typeof waitStateSchema,
    typeof succeedStateSchema,
    typeof failStateSchema,
    typeof choiceStateSchema,
    typeof parallelStateSchema,
    typeof mapStateSchema,
  ],
  "Type"
> = z.discriminatedUnion("Type", [
  taskStateSchema,
  passStateSchema,
  waitStateSchema,
  succeedStateSchema,
  failStateSchema,
  choiceStateSchema,
  parallelStateSchema,
  mapStateSchema,
]);

// Counted on the input: zod builds a record's output by assignment, so a state named "__proto__"
// (a name AWS allows) would not be an own key of the output and the record would look empty.
const statesRecord: z.ZodPipe<z.ZodUnknown, z.ZodRecord<z.ZodString, typeof stateSchema>> = z
  .unknown()
  .refine((s) => typeof s !== "object" || s === null || Array.isArray(s) || Object.keys(s).length > 0, {
    error: "States must contain at least one state",
  })
  .pipe(z.record(z.string(), stateSchema));

export const stateMachineSchema = subWorkflowSchema.extend({
  Version: z.string().optional(),
  TimeoutSeconds: positiveInt().max(MAX_SECONDS).optional(),
});
