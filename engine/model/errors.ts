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
 * One class per concern, each carrying the AWS error name. All extend StatesError, so Retry/Catch
 * and the distributed map treat them uniformly; `instanceof` lets the interpreter tell them apart.
 */

/** Payload over 256 KiB. https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html — "A terminal error that can't be caught by the States.ALL error type." */
export class DataLimitExceededError extends StatesError {
  constructor(causeText: string) {
    super(STATES_ERRORS.DataLimitExceeded, causeText);
  }
}

/** An error the execution could not process (bad path, unknown resource, history quota). Never retried or caught. */
export class RuntimeError extends StatesError {
  constructor(causeText: string) {
    super(STATES_ERRORS.Runtime, causeText);
  }
}

export class TaskTimeoutError extends StatesError {
  constructor(causeText = "") {
    super(STATES_ERRORS.Timeout, causeText);
  }
}

export class HeartbeatTimeoutError extends StatesError {
  constructor(causeText = "") {
    super(STATES_ERRORS.HeartbeatTimeout, causeText);
  }
}

export class IntrinsicFailureError extends StatesError {
  constructor(causeText: string) {
    super(STATES_ERRORS.IntrinsicFailure, causeText);
  }
}

export class QueryEvaluationError extends StatesError {
  constructor(causeText: string) {
    super(STATES_ERRORS.QueryEvaluationError, causeText);
  }
}

export class ResultPathMatchFailureError extends StatesError {
  constructor(causeText: string) {
    super(STATES_ERRORS.ResultPathMatchFailure, causeText);
  }
}

export class NoChoiceMatchedError extends StatesError {
  constructor(causeText: string) {
    super(STATES_ERRORS.NoChoiceMatched, causeText);
  }
}

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
