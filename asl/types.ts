/**
 * The Amazon States Language as plain JSON types: what a rendered definition looks like.
 *
 * Every ASL type here is inferred from the one zod schema of the language, ./schema.ts, which the
 * validator parses with: a field is described once, there. This module adds what a schema does not
 * give: the JSON value types, AWS's documented limits and the resource ARNs the builders name.
 * Field names and allowed values follow the ASL specification and the Step Functions developer guide:
 * https://states-language.net/spec.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import type { z } from "zod";
import type {
  catcherSchema,
  choiceRuleSchema,
  itemBatcherSchema,
  itemProcessorSchema,
  itemReaderSchema,
  processorConfigSchema,
  queryLanguageSchema,
  readerConfigSchema,
  resultWriterSchema,
  retrierSchema,
  STATE_SCHEMAS,
  stateMachineSchema,
  stateSchema,
  subWorkflowSchema,
} from "./schema";

export type { ChoiceComparisonOperator, StateType } from "./schema";

import type { JsonObject, JsonPrimitive, JsonValue } from "./json";

export type { JsonObject, JsonPrimitive, JsonValue };

/** A JSONata expression as ASL writes it: the whole string wrapped in `{% ... %}`. */
export type JsonataString = `{%${string}%}`;

export type QueryLanguage = z.infer<typeof queryLanguageSchema>;

export type StateMachineDefinition = z.infer<typeof stateMachineSchema>;
/** A Parallel branch: a nested state machine without Version. */
export type SubWorkflow = z.infer<typeof subWorkflowSchema>;
export type State = z.infer<typeof stateSchema>;

type StateOf<T extends keyof typeof STATE_SCHEMAS> = z.infer<(typeof STATE_SCHEMAS)[T]>;
export type TaskState = StateOf<"Task">;
export type PassState = StateOf<"Pass">;
export type WaitState = StateOf<"Wait">;
export type SucceedState = StateOf<"Succeed">;
export type FailState = StateOf<"Fail">;
export type ChoiceState = StateOf<"Choice">;
export type ParallelState = StateOf<"Parallel">;
export type MapState = StateOf<"Map">;

export type Retrier = z.infer<typeof retrierSchema>;
export type RetryJitter = NonNullable<Retrier["JitterStrategy"]>;
export type Catcher = z.infer<typeof catcherSchema>;

/** A JSONPath comparison on `Variable`, a combinator (And/Or/Not), or a JSONata `Condition`. */
export type ChoiceRule = z.infer<typeof choiceRuleSchema>;

export type ProcessorConfig = z.infer<typeof processorConfigSchema>;
export type ProcessorMode = NonNullable<ProcessorConfig["Mode"]>;
export type ChildExecutionType = NonNullable<ProcessorConfig["ExecutionType"]>;
/** A Map's ItemProcessor (or its deprecated name Iterator). */
export type ItemProcessor = z.infer<typeof itemProcessorSchema>;

export type ReaderConfig = z.infer<typeof readerConfigSchema>;
export type ItemReaderInputType = NonNullable<ReaderConfig["InputType"]>;
export type CsvHeaderLocation = NonNullable<ReaderConfig["CSVHeaderLocation"]>;
export type CsvDelimiter = NonNullable<ReaderConfig["CSVDelimiter"]>;
export type ItemReader = z.infer<typeof itemReaderSchema>;
export type ItemBatcher = z.infer<typeof itemBatcherSchema>;
export type ResultWriter = z.infer<typeof resultWriterSchema>;
export type ResultWriterOutputType = NonNullable<NonNullable<ResultWriter["WriterConfig"]>["OutputType"]>;
export type ResultWriterTransformation = NonNullable<NonNullable<ResultWriter["WriterConfig"]>["Transformation"]>;

export const S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
export const S3_LIST_OBJECTS_V2 = "arn:aws:states:::s3:listObjectsV2";
export const S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";
export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

export { LIMITS } from "./limits";
