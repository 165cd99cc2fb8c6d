import { STATES_ERRORS } from "../../asl/errors";

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

export { STATES_ERRORS };

/**
 * A StatesError class for one of Step Functions' own error names: `new X(cause)` fails with that
 * name, `instanceof X` tells it from the others (a task timeout from a heartbeat timeout), and
 * `instanceof StatesError` holds for all, so Retry/Catch and the distributed map treat them alike.
 * One line per name below instead of one identical class each.
 */
function statesError(error: (typeof STATES_ERRORS)[keyof typeof STATES_ERRORS]) {
  return class extends StatesError {
    constructor(causeText = "") {
      super(error, causeText);
    }
  };
}

/** Payload over 256 KiB. https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html — "A terminal error that can't be caught by the States.ALL error type." */
export const DataLimitExceededError = statesError(STATES_ERRORS.DataLimitExceeded);
/** An error the execution could not process (bad path, unknown resource, history quota). Never retried or caught. */
export const RuntimeError = statesError(STATES_ERRORS.Runtime);
export const TaskTimeoutError = statesError(STATES_ERRORS.Timeout);
export const HeartbeatTimeoutError = statesError(STATES_ERRORS.HeartbeatTimeout);
export const IntrinsicFailureError = statesError(STATES_ERRORS.IntrinsicFailure);
export const QueryEvaluationError = statesError(STATES_ERRORS.QueryEvaluationError);
export const ResultPathMatchFailureError = statesError(STATES_ERRORS.ResultPathMatchFailure);
export const NoChoiceMatchedError = statesError(STATES_ERRORS.NoChoiceMatched);
export type DataLimitExceededError = InstanceType<typeof DataLimitExceededError>;
export type RuntimeError = InstanceType<typeof RuntimeError>;
export type TaskTimeoutError = InstanceType<typeof TaskTimeoutError>;
export type HeartbeatTimeoutError = InstanceType<typeof HeartbeatTimeoutError>;
export type IntrinsicFailureError = InstanceType<typeof IntrinsicFailureError>;
export type QueryEvaluationError = InstanceType<typeof QueryEvaluationError>;
export type ResultPathMatchFailureError = InstanceType<typeof ResultPathMatchFailureError>;
export type NoChoiceMatchedError = InstanceType<typeof NoChoiceMatchedError>;

/** An error a Task's resource reported (a Lambda's errorType, `States.TaskFailed`, ...). */
export class TaskFailedError extends StatesError {}

/** The execution was stopped from outside (AbortSignal); not an error a Catch can see. */
export class ExecutionAbortedError extends Error {
  constructor() {
    super("Execution aborted");
    this.name = "ExecutionAbortedError";
  }
}

/**
 * How an error ends an execution (a top-level run or a Distributed Map child): ABORTED when it is
 * the stop itself, or any error but a StatesError once the execution was stopped; otherwise FAILED
 * with the StatesError's error and cause, or States.Runtime for a bug or a handler crash outside
 * the Task contract (reported, never thrown on).
 */
export function executionEnding(e: unknown, stopped: boolean): { status: "ABORTED" } | { status: "FAILED"; error: string; cause: string } {
  if (e instanceof ExecutionAbortedError || (stopped && !(e instanceof StatesError))) return { status: "ABORTED" };
  if (e instanceof StatesError) return { status: "FAILED", error: e.error, cause: e.causeText };
  return { status: "FAILED", error: STATES_ERRORS.Runtime, cause: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}
