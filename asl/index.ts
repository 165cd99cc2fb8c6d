/**
 * The Pulumi-free entry of the package (`sfn-distributed-map/asl`): the builders, the validator, the
 * permission derivation, the graph renderers and the ASL types. Nothing here loads `@pulumi/*` or
 * does I/O, so a CLI, a test or a bundler can import it cheaply.
 *
 * This list is the published surface, checked by its API report (api/asl.api.md; `npm run api`):
 * what a user composes, validates, derives or draws with, and the types those functions take and
 * return. The builders' own classes are exported as types only (a user makes states with the
 * functions); engine internals, local constants and ARN helpers are not exported. Option types end in
 * `Options` (a Pulumi component's in `Args`, Pulumi's convention); `...Params` are an AWS API's own
 * parameters.
 */

// A machine and its Lambda references.
export { machine } from "./builders/machine";
export type { StateMachine, MachineOptions, StateMachineType, CheckedRender, LambdaUse } from "./builders/machine";
export { lambda } from "./builders/lambda";
export type { LambdaRef, LambdaHandler, AnyLambdaRef, LambdaResolver } from "./builders/lambda";

// Values taken from the state input, JSONata, intrinsic functions.
export { path, jsonata, intrinsic } from "./builders/values";
export type {
  PathValue,
  JsonataValue,
  IntrinsicValue,
  Dynamic,
  ValueOrDynamic,
  Template,
  TemplateValue,
  JsonPathString,
} from "./builders/values";

// States, and how they chain.
export { sequence } from "./builders/state";
export type { Chain, Chainable, StateOptions } from "./builders/state";
export { task, lambdaInvoke } from "./builders/task";
export type { TaskState, TaskOptions, LambdaInvokeOptions, ResourceArn } from "./builders/task";
export { pass, wait, succeed, fail, parallel } from "./builders/flow";
export type {
  PassState,
  WaitState,
  SucceedState,
  FailState,
  ParallelState,
  PassOptions,
  WaitOptions,
  SucceedOptions,
  FailOptions,
  ParallelOptions,
} from "./builders/flow";
export { choice, Condition } from "./builders/choice";
export type { ChoiceState, ChoiceCondition, ChoiceOptions, ChoiceBranchOptions } from "./builders/choice";
export { inlineMap, distributedMap } from "./builders/map";
export type { MapState, InlineMapOptions, DistributedMapOptions, DistributedOnlyOptions, ItemBatcherOptions } from "./builders/map";
export { StatesErrors } from "./builders/io";
export type { RetryOptions, CatchOptions, IoOptions, ReferencePath } from "./builders/io";

// Distributed Map item readers and the result writer.
export {
  s3JsonReader,
  s3JsonlReader,
  s3CsvReader,
  s3ParquetReader,
  s3ManifestReader,
  s3ListReader,
  s3ResultWriter,
  resultWriterConfig,
} from "./builders/readers";
export type {
  ItemReaderSpec,
  ResultWriterSpec,
  ItemReaderSource,
  S3ObjectLocation,
  S3JsonReaderOptions,
  S3ManifestReaderOptions,
  S3ListReaderOptions,
  CsvOptions,
  ReaderLimitOptions,
  WriterConfigOptions,
} from "./builders/readers";

// Service integrations.
export {
  dynamoGetItem,
  dynamoPutItem,
  dynamoUpdateItem,
  dynamoDeleteItem,
  sqsSendMessage,
  snsPublish,
  eventBridgePutEvents,
  startExecution,
  glueStartJobRun,
  awsSdk,
} from "./integrations/builders";
export type {
  IntegrationTaskOptions,
  SqsSendMessageParams,
  SnsPublishParams,
  EventBridgeEntry,
  StartExecutionParams,
  GlueStartJobRunParams,
  DynamoDbPutItemParams,
  DynamoDbGetItemParams,
  DynamoDbUpdateItemParams,
  DynamoDbDeleteItemParams,
} from "./integrations/builders";

// Errors a builder, the validator or the derivation throws.
export { BuilderError, StateNameCollisionError } from "./builders/errors";
export { InvalidDefinitionError } from "./diagnostics";
export { PermissionDerivationError } from "./permissions/stateMachine";

// Validation.
export { validateDefinition } from "./validator";
export type { DiagnosticCode, ValidateOptions } from "./validator";
export type { Diagnostic, DiagnosticSeverity, ValidationResult } from "./diagnostics";

// Permissions derived from a definition.
export { deriveStateMachinePolicy } from "./permissions/stateMachine";
export type { StateMachinePolicyContext, S3Location } from "./permissions/stateMachine";
export { stateMachineTrustPolicy } from "./permissions/trust";
export type { TrustPolicy } from "./permissions/trust";
export type { AwsEnvironment, PolicyDocument, PolicyStatement, PolicyCondition, ConditionOperator } from "./permissions/policy";

// Graphs.
export { toMermaid, toSvg } from "./graph";
export type { SvgOptions } from "./graph";

// The ASL JSON types.
export type * as Asl from "./types";
export type { JsonObject, JsonValue, QueryLanguage, State, StateMachineDefinition, SubWorkflow } from "./types";
