/**
 * The ASL builder DSL: typed builders that render to the plain ASL JSON of ../types.ts.
 * See README.md in this folder for how to compose them.
 */
export { BuilderError, StateNameCollisionError } from "./errors";
export { lambda, isLambdaRef, localLambdaArn, LOCAL_ACCOUNT, LOCAL_REGION } from "./lambda";
export type { LambdaRef, LambdaHandler, AnyLambdaRef, LambdaResolver } from "./lambda";
export { path, jsonata, intrinsic, isPathValue, isJsonataValue, isIntrinsicValue } from "./values";
export type { PathValue, JsonataValue, IntrinsicValue, Dynamic, ValueOrDynamic, Template, TemplateValue, JsonPathString } from "./values";
export { Chain, NextableState, StateBuilder, sequence } from "./state";
export type { Chainable, RenderContext, StateOptions } from "./state";
export { ErrorHandlingState, StatesErrors } from "./io";
export type { RetryOptions, CatchOptions, IoOptions, ReferencePath } from "./io";
export { task, lambdaInvoke, TaskState } from "./task";
export type { TaskOptions, LambdaInvokeOptions, ResourceArn } from "./task";
export { inlineMap, distributedMap, MapState } from "./map";
export type { InlineMapOptions, DistributedMapOptions, DistributedOnlyOptions, ItemBatcherOptions } from "./map";
export {
  s3JsonReader,
  s3JsonlReader,
  s3CsvReader,
  s3ParquetReader,
  s3ManifestReader,
  s3ListReader,
  s3ResultWriter,
  resultWriterConfig,
  ItemReaderSpec,
  ResultWriterSpec,
} from "./readers";
export type { ItemReaderSource, S3ObjectLocation, WriterConfigOptions } from "./readers";
export { machine, StateMachine } from "./machine";
export type { CheckedRender, LambdaUse, MachineOptions, StateMachineType, UntypedHandler } from "./machine";
export { pass, wait, succeed, fail, parallel, PassState, WaitState, SucceedState, FailState, ParallelState } from "./flow";
export type { PassOptions, WaitOptions, SucceedOptions, FailOptions, ParallelOptions } from "./flow";
export { choice, Condition, ChoiceCondition, ChoiceState } from "./choice";
export type { ChoiceOptions, ChoiceBranchOptions } from "./choice";
// Every integration builder and its parameter type (each typed from its integration module's schema).
export * from "../integrations/builders";
