/**
 * The package's Pulumi entry (`sfn-distributed-map`): the components, and the builders for
 * convenience. Importing it registers no resource. The same builders without Pulumi:
 * `sfn-distributed-map/asl`.
 */
export { StepFunctionsWorkflow, WorkflowFunctionsError, buildWith, defaultStateMachineName, precheckMachine, WORKFLOW_TYPE_TOKEN } from "./workflow";
export type { DeferredMachine, StepFunctionsWorkflowArgs, WorkflowFunction, WorkflowLogging, WorkflowS3Access } from "./workflow";
export { SecureBucket, BUCKET_TYPE_TOKEN, denyInsecureTransportPolicy } from "./bucket";
export type { SecureBucketArgs, ExpiringPrefix } from "./bucket";
export * from "../asl";
