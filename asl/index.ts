/**
 * The Pulumi-free entry of the package (`sfn-distributed-map/asl`): the builders, the validator, the
 * permission derivation, the graph renderers and the ASL types. Nothing here loads `@pulumi/*` or
 * does I/O, so a CLI, a test or a bundler can import it cheaply.
 */
export * from "./builders";
export { validateDefinition, CODES } from "./validator";
export type { DiagnosticCode, ValidateOptions } from "./validator";
export { InvalidDefinitionError, jsonPointer } from "./diagnostics";
export type { Diagnostic, DiagnosticSeverity, ValidationResult } from "./diagnostics";
export * from "./permissions";
export { buildStateGraph, toMermaid, toSvg } from "./graph";
export type { GraphEdge, GraphNode, GraphScope, StateGraph, SvgOptions } from "./graph";
export type * as Asl from "./types";
export type { JsonObject, JsonValue, QueryLanguage, State, StateMachineDefinition, SubWorkflow } from "./types";
export { LIMITS, S3_GET_OBJECT, S3_LIST_OBJECTS_V2, S3_PUT_OBJECT, LAMBDA_INVOKE } from "./types";
