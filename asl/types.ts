/**
 * The Amazon States Language as plain JSON types: what a rendered definition looks like.
 *
 * This is the one contract shared by the builders (which produce it), the validator (which checks
 * any JSON against it), the local engine (which runs it), the permissions derivation and the graph
 * renderer (which read it). Field names and allowed values follow the ASL specification and the
 * Step Functions developer guide:
 * https://states-language.net/spec.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type QueryLanguage = "JSONPath" | "JSONata";

/** A JSONata expression as ASL writes it: the whole string wrapped in `{% ... %}`. */
export type JsonataString = `{%${string}%}`;

export type StateType = "Task" | "Pass" | "Choice" | "Wait" | "Succeed" | "Fail" | "Parallel" | "Map";

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, State>;
  Version?: string;
  TimeoutSeconds?: number;
  QueryLanguage?: QueryLanguage;
}

/** A Parallel branch or a Map's ItemProcessor/Iterator: a nested state machine without Version. */
export interface SubWorkflow {
  Comment?: string;
  StartAt: string;
  States: Record<string, State>;
  QueryLanguage?: QueryLanguage;
}

interface CommonFields {
  Comment?: string;
  QueryLanguage?: QueryLanguage;
}

/** Fields of states that transition: either Next or End. */
interface TransitionFields {
  Next?: string;
  End?: boolean;
}

/** JSONPath input/output processing (JSONPath scope only). */
interface JsonPathIoFields {
  InputPath?: string | null;
  OutputPath?: string | null;
}

/** JSONata output and variables (Assign is allowed in both query languages). */
interface VariableFields {
  Assign?: JsonObject;
}

export type RetryJitter = "FULL" | "NONE";

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: RetryJitter;
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: JsonValue;
  Assign?: JsonObject;
  Comment?: string;
}

interface ErrorHandlingFields {
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface TaskState extends CommonFields, TransitionFields, JsonPathIoFields, VariableFields, ErrorHandlingFields {
  Type: "Task";
  Resource: string;
  Parameters?: JsonObject;
  Arguments?: JsonValue;
  Credentials?: JsonObject;
  ResultSelector?: JsonObject;
  ResultPath?: string | null;
  Output?: JsonValue;
  TimeoutSeconds?: number | JsonataString;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | JsonataString;
  HeartbeatSecondsPath?: string;
}

export interface PassState extends CommonFields, TransitionFields, JsonPathIoFields, VariableFields {
  Type: "Pass";
  Result?: JsonValue;
  ResultPath?: string | null;
  Parameters?: JsonObject;
  Output?: JsonValue;
}

export interface WaitState extends CommonFields, TransitionFields, JsonPathIoFields, VariableFields {
  Type: "Wait";
  Seconds?: number | JsonataString;
  Timestamp?: string;
  SecondsPath?: string;
  TimestampPath?: string;
  Output?: JsonValue;
}

export interface SucceedState extends CommonFields, JsonPathIoFields {
  Type: "Succeed";
  Output?: JsonValue;
}

export interface FailState extends CommonFields {
  Type: "Fail";
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
}

/** JSONPath comparison operators of a Choice rule (each also has a `...Path` variant where noted). */
export type ChoiceComparisonOperator =
  | "StringEquals" | "StringEqualsPath"
  | "StringLessThan" | "StringLessThanPath"
  | "StringGreaterThan" | "StringGreaterThanPath"
  | "StringLessThanEquals" | "StringLessThanEqualsPath"
  | "StringGreaterThanEquals" | "StringGreaterThanEqualsPath"
  | "StringMatches"
  | "NumericEquals" | "NumericEqualsPath"
  | "NumericLessThan" | "NumericLessThanPath"
  | "NumericGreaterThan" | "NumericGreaterThanPath"
  | "NumericLessThanEquals" | "NumericLessThanEqualsPath"
  | "NumericGreaterThanEquals" | "NumericGreaterThanEqualsPath"
  | "BooleanEquals" | "BooleanEqualsPath"
  | "TimestampEquals" | "TimestampEqualsPath"
  | "TimestampLessThan" | "TimestampLessThanPath"
  | "TimestampGreaterThan" | "TimestampGreaterThanPath"
  | "TimestampLessThanEquals" | "TimestampLessThanEqualsPath"
  | "TimestampGreaterThanEquals" | "TimestampGreaterThanEqualsPath"
  | "IsNull" | "IsPresent" | "IsNumeric" | "IsString" | "IsBoolean" | "IsTimestamp";

/**
 * A JSONPath Choice rule: either a comparison on `Variable`, or a boolean combinator (And/Or/Not).
 * Kept structural (one interface with optional operator fields) because that is how the JSON reads;
 * the validator enforces "exactly one operator".
 */
export interface ChoiceRule extends Partial<Record<ChoiceComparisonOperator, JsonPrimitive>> {
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  /** Top-level rules only. */
  Next?: string;
  /** JSONata rules only: a `{% %}` expression or a boolean. */
  Condition?: JsonataString | boolean;
  Output?: JsonValue;
  Assign?: JsonObject;
  Comment?: string;
}

export interface ChoiceState extends CommonFields, JsonPathIoFields, VariableFields {
  Type: "Choice";
  Choices: ChoiceRule[];
  Default?: string;
  Output?: JsonValue;
}

export interface ParallelState extends CommonFields, TransitionFields, JsonPathIoFields, VariableFields, ErrorHandlingFields {
  Type: "Parallel";
  Branches: SubWorkflow[];
  Parameters?: JsonObject;
  Arguments?: JsonValue;
  ResultSelector?: JsonObject;
  ResultPath?: string | null;
  Output?: JsonValue;
}

export type ProcessorMode = "INLINE" | "DISTRIBUTED";
export type ChildExecutionType = "STANDARD" | "EXPRESS";

export interface ProcessorConfig {
  Mode?: ProcessorMode;
  ExecutionType?: ChildExecutionType;
}

export interface ItemProcessor extends SubWorkflow {
  ProcessorConfig?: ProcessorConfig;
}

export type ItemReaderInputType = "JSON" | "JSONL" | "CSV" | "MANIFEST" | "PARQUET";
export type CsvHeaderLocation = "FIRST_ROW" | "GIVEN";
export type CsvDelimiter = "COMMA" | "PIPE" | "SEMICOLON" | "SPACE" | "TAB";

export interface ReaderConfig {
  InputType?: ItemReaderInputType;
  /** listObjectsV2 only: load each listed object and flatten its items into the map's items. */
  Transformation?: "NONE" | "LOAD_AND_FLATTEN";
  ManifestType?: "ATHENA_DATA" | "S3_INVENTORY";
  CSVHeaderLocation?: CsvHeaderLocation;
  CSVHeaders?: string[];
  CSVDelimiter?: CsvDelimiter;
  MaxItems?: number | JsonataString;
  MaxItemsPath?: string;
  /** JSON objects only: a JSON pointer to the array inside the object. */
  ItemsPointer?: string;
}

export const S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
export const S3_LIST_OBJECTS_V2 = "arn:aws:states:::s3:listObjectsV2";
export const S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";
export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

export interface ItemReader {
  Resource: typeof S3_GET_OBJECT | typeof S3_LIST_OBJECTS_V2 | string;
  ReaderConfig?: ReaderConfig;
  /** JSONPath scope: `{ "Bucket": ..., "Key": ... }` or `{ "Bucket.$": "$.bucket", ... }`. */
  Parameters?: JsonObject;
  /** JSONata scope. */
  Arguments?: JsonValue;
}

export interface ItemBatcher {
  MaxItemsPerBatch?: number | JsonataString;
  MaxItemsPerBatchPath?: string;
  MaxInputBytesPerBatch?: number | JsonataString;
  MaxInputBytesPerBatchPath?: string;
  BatchInput?: JsonValue;
}

export type ResultWriterOutputType = "JSON" | "JSONL";
export type ResultWriterTransformation = "NONE" | "COMPACT" | "FLATTEN";

export interface ResultWriter {
  Resource?: typeof S3_PUT_OBJECT | string;
  Parameters?: JsonObject;
  Arguments?: JsonValue;
  WriterConfig?: {
    OutputType?: ResultWriterOutputType;
    Transformation?: ResultWriterTransformation;
  };
}

export interface MapState extends CommonFields, TransitionFields, JsonPathIoFields, VariableFields, ErrorHandlingFields {
  Type: "Map";
  ItemProcessor?: ItemProcessor;
  /**
   * Deprecated name of ItemProcessor; AWS still accepts it with the same fields, ProcessorConfig
   * included (INLINE and DISTRIBUTED): read `ItemProcessor ?? Iterator`.
   */
  Iterator?: ItemProcessor;
  ItemsPath?: string;
  /** JSONata scope: an array or a `{% %}` expression that yields one. */
  Items?: JsonValue;
  ItemSelector?: JsonObject;
  /** Deprecated name of ItemSelector; still accepted by AWS. */
  Parameters?: JsonObject;
  ItemReader?: ItemReader;
  ItemBatcher?: ItemBatcher;
  ResultWriter?: ResultWriter;
  MaxConcurrency?: number | JsonataString;
  MaxConcurrencyPath?: string;
  ToleratedFailurePercentage?: number | JsonataString;
  ToleratedFailurePercentagePath?: string;
  ToleratedFailureCount?: number | JsonataString;
  ToleratedFailureCountPath?: string;
  Label?: string;
  ResultSelector?: JsonObject;
  ResultPath?: string | null;
  Output?: JsonValue;
}

export type State = TaskState | PassState | WaitState | SucceedState | FailState | ChoiceState | ParallelState | MapState;

/** The hard limits AWS enforces and documents, shared by the validator and the engine. */
export const LIMITS = {
  /** https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html — "Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string". */
  payloadBytes: 262_144,
  /** Same page: "Maximum execution history size: 25,000 events" (Standard workflows). */
  historyEvents: 25_000,
  stateNameChars: 80,
  mapLabelChars: 40,
  distributedMaxConcurrency: 10_000,
  /** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html — "maximum of 256 KiB". */
  maxInputBytesPerBatch: 262_144,
} as const;
