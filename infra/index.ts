/**
 * The package's Pulumi entry (`sfn-distributed-map`): the components and what their arguments
 * need. Importing it registers no resource. The builders are in `sfn-distributed-map/asl` (Pulumi-free);
 * the machine a component takes is made there. This list is the published surface, checked by its
 * API report (api/sfn-distributed-map.api.md; `npm run api`).
 */
export { StepFunctionsWorkflow, WorkflowFunctionsError, buildWith } from "./workflow";
export type { DeferredMachine, StepFunctionsWorkflowArgs, WorkflowFunction, WorkflowLogging, WorkflowS3Access } from "./workflow";
export { SecureBucket } from "./bucket";
export type { SecureBucketArgs, ExpiringPrefix } from "./bucket";
/** The machine a StepFunctionsWorkflow deploys (made with `machine(...)` of `sfn-distributed-map/asl`). */
export type { StateMachine } from "../asl/builders/machine";
