/**
 * The error names Step Functions itself raises: what Retry and Catch match, what the validator knows,
 * what the local engine throws. One list for all three.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-error-representation
 */
export const STATES_ERRORS = {
  ALL: "States.ALL",
  DataLimitExceeded: "States.DataLimitExceeded",
  ExceedToleratedFailureThreshold: "States.ExceedToleratedFailureThreshold",
  HeartbeatTimeout: "States.HeartbeatTimeout",
  HttpSocket: "States.Http.Socket",
  Timeout: "States.Timeout",
  TaskFailed: "States.TaskFailed",
  Permissions: "States.Permissions",
  ResultPathMatchFailure: "States.ResultPathMatchFailure",
  ParameterPathFailure: "States.ParameterPathFailure",
  QueryEvaluationError: "States.QueryEvaluationError",
  BranchFailed: "States.BranchFailed",
  NoChoiceMatched: "States.NoChoiceMatched",
  IntrinsicFailure: "States.IntrinsicFailure",
  ItemReaderFailed: "States.ItemReaderFailed",
  ResultWriterFailed: "States.ResultWriterFailed",
  Runtime: "States.Runtime",
} as const;
