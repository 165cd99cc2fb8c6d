/**
 * A Step Functions error as the engine carries it: an error name (`States.TaskFailed`, a Lambda's
 * error type, ...) and a cause string. Retry and Catch match on `error`.
 * Names: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(`${error}: ${causeText}`);
    this.name = "StatesError";
  }
}

/** The predefined error names AWS uses. */
export const STATES_ERRORS = {
  ALL: "States.ALL",
  DataLimitExceeded: "States.DataLimitExceeded",
  ExceedToleratedFailureThreshold: "States.ExceedToleratedFailureThreshold",
  HeartbeatTimeout: "States.HeartbeatTimeout",
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
