/**
 * The zod schema of the whole Amazon States Language: every state type, JSONPath and JSONata
 * fields, Retry/Catch, and the Distributed Map fields, with the values AWS documents.
 *
 * The schema describes *shape*: which fields exist on which object, their JSON types, enums and
 * numeric ranges. Every object is strict, because AWS rejects fields it does not know
 * (SCHEMA_VALIDATION_FAILED "... is not supported"). Rules that relate fields to each other, or
 * depend on the query language or on the Map's mode, are semantic checks in ./rules.ts, so that each
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
import { LIMITS } from "../types";

// Values are already JSON (parsed from text, or rendered by the builders); their inner shape is free
// except where a rule says otherwise, so unknown() keeps the schema fast on big payload templates.
const jsonValue = z.unknown();
const jsonObject = z.record(z.string(), z.unknown());

/** `{% ... %}`: JSONata fields take either their plain type or an expression. */
const JSONATA = /^\{%[\s\S]*%\}$/;
const jsonataExpr = (what: string) => z.string().regex(JSONATA, { error: `must be ${what} or a JSONata expression written as {% ... %}` });

/** A number field that also accepts a JSONata expression (the query-language rule lives in rules.ts). */
const numberOrExpr = (n: z.ZodNumber) => z.union([n, jsonataExpr("a number")]);

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

const queryLanguage = z.enum(["JSONPath", "JSONata"]);
const pathString = z.string();
const nullablePath = z.string().nullable();

const common = {
  Type: z.string(),
  Comment: z.string().optional(),
  QueryLanguage: queryLanguage.optional(),
};
const transition = { Next: z.string().optional(), End: z.boolean().optional() };
const ioPaths = { InputPath: nullablePath.optional(), OutputPath: nullablePath.optional() };
const assign = { Assign: jsonObject.optional() };
const output = { Output: jsonValue.optional() };

const retrier = z.strictObject({
  ErrorEquals: z.array(z.string()).min(1),
  IntervalSeconds: positiveInt().max(MAX_SECONDS).optional(),
  MaxAttempts: nonNegativeInt().max(MAX_ATTEMPTS).optional(),
  BackoffRate: z.number().min(1).optional(),
  MaxDelaySeconds: positiveInt().max(MAX_DELAY_SECONDS).optional(),
  JitterStrategy: z.enum(["FULL", "NONE"]).optional(),
  Comment: z.string().optional(),
});

const catcher = z.strictObject({
  ErrorEquals: z.array(z.string()).min(1),
  Next: z.string(),
  ResultPath: nullablePath.optional(),
  Output: jsonValue.optional(),
  Assign: jsonObject.optional(),
  Comment: z.string().optional(),
});

const errorHandling = { Retry: z.array(retrier).optional(), Catch: z.array(catcher).optional() };

const timeouts = {
  TimeoutSeconds: numberOrExpr(positiveInt().max(MAX_SECONDS)).optional(),
  TimeoutSecondsPath: pathString.optional(),
  HeartbeatSeconds: numberOrExpr(positiveInt().max(MAX_SECONDS)).optional(),
  HeartbeatSecondsPath: pathString.optional(),
};

const taskState = z.strictObject({
  ...common,
  Type: z.literal("Task"),
  Resource: z.string(),
  ...transition,
  ...ioPaths,
  Parameters: jsonObject.optional(),
  Arguments: jsonValue.optional(),
  Credentials: jsonObject.optional(),
  ResultSelector: jsonObject.optional(),
  ResultPath: nullablePath.optional(),
  ...output,
  ...assign,
  ...errorHandling,
  ...timeouts,
});

const passState = z.strictObject({
  ...common,
  Type: z.literal("Pass"),
  ...transition,
  ...ioPaths,
  Parameters: jsonObject.optional(),
  Result: jsonValue.optional(),
  ResultPath: nullablePath.optional(),
  ...output,
  ...assign,
});

const waitState = z.strictObject({
  ...common,
  Type: z.literal("Wait"),
  ...transition,
  ...ioPaths,
  // "Seconds ... a non-negative integer" up to 99999999 (state-wait).
  Seconds: numberOrExpr(nonNegativeInt().max(MAX_SECONDS)).optional(),
  SecondsPath: pathString.optional(),
  Timestamp: z.string().optional(),
  TimestampPath: pathString.optional(),
  ...output,
  ...assign,
});

const succeedState = z.strictObject({
  ...common,
  Type: z.literal("Succeed"),
  ...ioPaths,
  ...output,
});

const failState = z.strictObject({
  ...common,
  Type: z.literal("Fail"),
  Error: z.string().optional(),
  ErrorPath: pathString.optional(),
  Cause: z.string().optional(),
  CausePath: pathString.optional(),
});

/** Comparison operators of a JSONPath Choice rule and the JSON type of their operand. */
export const CHOICE_OPERATORS: Readonly<Record<string, "string" | "number" | "boolean" | "timestamp" | "path">> = {
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
};

const operandSchema = { string: z.string(), number: z.number(), boolean: z.boolean(), timestamp: z.string(), path: z.string() } as const;

const operatorShape: Record<string, z.ZodOptional<z.ZodType>> = {};
for (const [op, kind] of Object.entries(CHOICE_OPERATORS)) operatorShape[op] = operandSchema[kind].optional();

type ChoiceRuleShape = { [k: string]: unknown };
const choiceRule: z.ZodType<ChoiceRuleShape> = z.lazy(() =>
  z.strictObject({
    ...operatorShape,
    Variable: z.string().optional(),
    And: z.array(choiceRule).min(1).optional(),
    Or: z.array(choiceRule).min(1).optional(),
    Not: choiceRule.optional(),
    Next: z.string().optional(),
    Condition: z.union([jsonataExpr("true, false"), z.boolean()]).optional(),
    Output: jsonValue.optional(),
    Assign: jsonObject.optional(),
    Comment: z.string().optional(),
  }),
);

const choiceState = z.strictObject({
  ...common,
  Type: z.literal("Choice"),
  ...ioPaths,
  Choices: z.array(choiceRule).min(1),
  Default: z.string().optional(),
  ...output,
  ...assign,
});

type StateShape = { [k: string]: unknown };
// Recursive: Parallel branches and Map processors hold whole state machines.
const state: z.ZodType<StateShape> = z.lazy(() =>
  z.discriminatedUnion("Type", [taskState, passState, waitState, succeedState, failState, choiceState, parallelState, mapState]),
);

// Counted on the input: zod builds a record's output by assignment, so a state named "__proto__"
// (a name AWS allows) would not be an own key of the output and the record would look empty.
const statesRecord = z
  .unknown()
  .refine((s) => typeof s !== "object" || s === null || Array.isArray(s) || Object.keys(s).length > 0, { error: "States must contain at least one state" })
  .pipe(z.record(z.string(), state));

const subWorkflowShape = {
  Comment: z.string().optional(),
  StartAt: z.string(),
  States: statesRecord,
  QueryLanguage: queryLanguage.optional(),
};

const branch = z.strictObject(subWorkflowShape);

const itemProcessor = z.strictObject({
  ...subWorkflowShape,
  ProcessorConfig: z
    .strictObject({
      Mode: z.enum(["INLINE", "DISTRIBUTED"]).optional(),
      ExecutionType: z.enum(["STANDARD", "EXPRESS"]).optional(),
    })
    .optional(),
});

const parallelState = z.strictObject({
  ...common,
  Type: z.literal("Parallel"),
  Branches: z.array(branch).min(1),
  ...transition,
  ...ioPaths,
  Parameters: jsonObject.optional(),
  Arguments: jsonValue.optional(),
  ResultSelector: jsonObject.optional(),
  ResultPath: nullablePath.optional(),
  ...output,
  ...assign,
  ...errorHandling,
});

/** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html */
const readerConfig = z.strictObject({
  InputType: z.enum(["JSON", "JSONL", "CSV", "MANIFEST", "PARQUET"]).optional(),
  Transformation: z.enum(["NONE", "LOAD_AND_FLATTEN"]).optional(),
  ManifestType: z.enum(["ATHENA_DATA", "S3_INVENTORY"]).optional(),
  CSVHeaderLocation: z.enum(["FIRST_ROW", "GIVEN"]).optional(),
  CSVHeaders: z.array(z.string()).optional(),
  CSVDelimiter: z.enum(["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]).optional(),
  // "You can specify a limit of up to 100,000,000 after which the Distributed Map stops reading items."
  MaxItems: numberOrExpr(nonNegativeInt().max(100_000_000)).optional(),
  MaxItemsPath: pathString.optional(),
  ItemsPointer: z.string().optional(),
});

const itemReader = z.strictObject({
  Resource: z.string(),
  ReaderConfig: readerConfig.optional(),
  Parameters: jsonObject.optional(),
  Arguments: jsonValue.optional(),
});

/** "MaxInputBytesPerBatch ... maximum of 256 KiB" (input-output-itembatcher). */
const itemBatcher = z.strictObject({
  MaxItemsPerBatch: numberOrExpr(positiveInt()).optional(),
  MaxItemsPerBatchPath: pathString.optional(),
  MaxInputBytesPerBatch: numberOrExpr(positiveInt().max(LIMITS.maxInputBytesPerBatch)).optional(),
  MaxInputBytesPerBatchPath: pathString.optional(),
  BatchInput: jsonValue.optional(),
});

/** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html */
const resultWriter = z.strictObject({
  Resource: z.string().optional(),
  Parameters: jsonObject.optional(),
  Arguments: jsonValue.optional(),
  WriterConfig: z
    .strictObject({
      OutputType: z.enum(["JSON", "JSONL"]).optional(),
      Transformation: z.enum(["NONE", "COMPACT", "FLATTEN"]).optional(),
    })
    .optional(),
});

const mapState = z.strictObject({
  ...common,
  Type: z.literal("Map"),
  ItemProcessor: itemProcessor.optional(),
  // The deprecated name of ItemProcessor takes the same fields, ProcessorConfig included (state-map-inline).
  Iterator: itemProcessor.optional(),
  ItemsPath: pathString.optional(),
  Items: jsonValue.optional(),
  // JSONata states may compute the whole selector with one expression.
  ItemSelector: z.union([jsonObject, jsonataExpr("an object")]).optional(),
  Parameters: jsonObject.optional(),
  ItemReader: itemReader.optional(),
  ItemBatcher: itemBatcher.optional(),
  ResultWriter: resultWriter.optional(),
  MaxConcurrency: numberOrExpr(nonNegativeInt()).optional(),
  MaxConcurrencyPath: pathString.optional(),
  // "ToleratedFailurePercentage ... an integer or decimal from 0 through 100" — AWS accepts e.g. 0.5.
  ToleratedFailurePercentage: numberOrExpr(z.number().min(0).max(100)).optional(),
  ToleratedFailurePercentagePath: pathString.optional(),
  ToleratedFailureCount: numberOrExpr(nonNegativeInt()).optional(),
  ToleratedFailureCountPath: pathString.optional(),
  Label: z.string().optional(),
  ...transition,
  ...ioPaths,
  ResultSelector: jsonObject.optional(),
  ResultPath: nullablePath.optional(),
  ...output,
  ...assign,
  ...errorHandling,
});

export const stateMachineSchema = z.strictObject({
  Comment: z.string().optional(),
  StartAt: z.string(),
  States: statesRecord,
  Version: z.string().optional(),
  TimeoutSeconds: positiveInt().max(MAX_SECONDS).optional(),
  QueryLanguage: queryLanguage.optional(),
});

export const STATE_TYPES = ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"] as const;
