/**
 * One execution from ExecutionStarted to its terminal event (the top-level run and nested
 * executions; Distributed Map children are child-execution.ts), and the Executor every Execution
 * carries: how its states run the workflows below them.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-executions.html
 */
import type { JsonValue } from "../asl/types";
import { abortPromise, linkedAbort } from "./model/abort";
import { startChildExecution } from "./child-execution";
import { RealClock } from "./model/clock";
import type { CompiledWorkflow } from "./compile";
import { executionEnding, STATES_ERRORS } from "./model/errors";
import { checkPayload, Execution, Frame, type ExecutionSetup, type Executor } from "./execution";
import { ROLE_ARN } from "./model/local-account";
import { createStateLoop } from "./executor";
import { STATE_HANDLERS } from "./states";
import { InputDetails, PlainOutputDetails } from "./history";
import type { ExecutionResult } from "./types";

/**
 * The one Executor: the state loop over the engine's table of state handlers (states/index.ts) for
 * sub-workflows, and child executions that carry it on.
 */
const LOOP = createStateLoop(STATE_HANDLERS);
export const EXECUTOR: Executor = {
  runFlow: LOOP.runFlow,
  run: LOOP.run,
  startChild: (setup, workflow, stopper, onDone, token) => startChildExecution(EXECUTOR, setup, workflow, stopper, onDone, token),
};

class ExecutionTimedOut extends Error {}

/** How an execution ended, with the history event that says so. */
interface Ending {
  status: Exclude<ExecutionResult["status"], "SUCCEEDED" | "RUNNING">;
  event: "ExecutionTimedOut" | "ExecutionAborted" | "ExecutionFailed";
  error?: string;
  cause?: string;
}

/**
 * The longest an execution may run, by workflow type: "Maximum duration: Standard 1 year, Express
 * 5 minutes" (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html).
 * A definition's TimeoutSeconds may only shorten it (it may be up to 99999999 s, over 3 years).
 */
export const MAX_EXECUTION_SECONDS = { STANDARD: 365 * 24 * 60 * 60, EXPRESS: 5 * 60 } as const;

/** The timeout an execution runs under, and the words its TIMED_OUT cause uses. */
function executionTimeout(type: ExecutionSetup["type"], timeoutSeconds: number | undefined): { seconds: number; cause: string } {
  const max = MAX_EXECUTION_SECONDS[type];
  if (timeoutSeconds !== undefined && timeoutSeconds <= max)
    return { seconds: timeoutSeconds, cause: `The execution exceeded its TimeoutSeconds of ${timeoutSeconds}` };
  return {
    seconds: max,
    cause: `The execution exceeded the maximum duration of ${type === "EXPRESS" ? "an EXPRESS execution (5 minutes)" : "a STANDARD execution (1 year)"}`,
  };
}

export async function runExecution(
  setup: ExecutionSetup,
  workflow: CompiledWorkflow,
  definitionTimeout?: number,
): Promise<ExecutionResult> {
  const limit = executionTimeout(setup.type, definitionTimeout);
  // The workflow type's own limit is armed on the real clock only: a virtual clock jumps to its
  // earliest timer once a handler has been busy for its grace period, and a limit always pending
  // would end every execution with a slow handler as "1 year later". Virtual time only ends an
  // execution at the definition's own TimeoutSeconds, as before.
  const timeoutSeconds = definitionTimeout !== undefined || setup.clock instanceof RealClock ? limit.seconds : undefined;
  const { controller, release } = linkedAbort(setup.signal);
  const exec = new Execution({ ...setup, signal: controller.signal }, EXECUTOR);
  const startedId = exec.history.add(
    "ExecutionStarted",
    0,
    new InputDetails({ roleArn: ROLE_ARN, stateMachineArn: setup.stateMachineArn }, setup.input),
  );
  const frame = new Frame(exec, undefined, controller.signal, startedId);
  let status: ExecutionResult["status"] = "SUCCEEDED";
  let output: JsonValue | undefined;
  let ending: Ending | undefined;
  let timer: AbortController | undefined;
  try {
    // The execution input obeys the same 256 KiB quota as every state input.
    exec.inputText = checkPayload("(execution input)", setup.input);
    // Raced once against the stop signal: a stop ends the execution even while a handler runs.
    let work = Promise.race([LOOP.run(workflow, setup.input, frame), abortPromise(controller.signal)]);
    if (timeoutSeconds !== undefined) {
      timer = new AbortController();
      const timeout = exec.clock.sleep(timeoutSeconds * 1000, timer.signal, { deadline: true }).then(
        () => {
          throw new ExecutionTimedOut();
        },
        () => new Promise<never>(() => undefined),
      );
      work = Promise.race([work, timeout]);
    }
    output = await work;
    exec.history.add("ExecutionSucceeded", frame.lastEventId, new PlainOutputDetails(output), true);
  } catch (e) {
    if (e instanceof ExecutionTimedOut) controller.abort();
    // The stop reached the Map Runs synchronously (abort listeners); let them record their end.
    if (exec.mapRunsInFlight?.size) await Promise.allSettled([...exec.mapRunsInFlight]);
    ending = endingOf(e, setup.signal.aborted, limit.cause);
    status = ending.status;
    // A Fail state without Error or Cause ends the execution with neither: AWS records
    // `executionFailedEventDetails: {}` (an execution recorded on AWS: localstack/localstack
    // tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json,
    // test_map_state_catch_empty_fail; state-fail.html: Error and Cause are optional).
    if (ending.event !== "ExecutionAborted" && ending.error === "") ending.error = undefined;
    if (ending.event !== "ExecutionAborted" && ending.cause === "") ending.cause = undefined;
    exec.history.add(
      ending.event,
      frame.lastEventId,
      ending.event === "ExecutionAborted"
        ? {}
        : {
            ...(ending.error !== undefined ? { error: ending.error } : {}),
            ...(ending.cause !== undefined ? { cause: ending.cause } : {}),
          },
      true,
    );
  } finally {
    timer?.abort();
    release();
  }
  const stop = exec.clock.now();
  const result: Omit<ExecutionResult, "history"> = {
    executionArn: setup.arn,
    status,
    output,
    error: ending?.error,
    cause: ending?.cause,
    mapRuns: setup.mapRuns,
    counters: { stateTransitions: exec.stateTransitions, historyEvents: exec.history.size },
    startDate: new Date(exec.startTime),
    stopDate: new Date(stop),
    durationMs: stop - exec.startTime,
    outbox: setup.services?.outbox ?? [],
    nestedExecutions: setup.services?.nested ?? [],
  };
  // `history` is built from the compact columns only if read.
  const history = exec.history;
  return Object.defineProperty(result, "history", { get: () => history.events, enumerable: true }) as ExecutionResult;
}

/** The terminal status an error gives: timed out, stopped, or failed (with its error and cause). */
function endingOf(e: unknown, stopped: boolean, timeoutCause: string): Ending {
  if (e instanceof ExecutionTimedOut) {
    return { status: "TIMED_OUT", event: "ExecutionTimedOut", error: STATES_ERRORS.Timeout, cause: timeoutCause };
  }
  const ending = executionEnding(e, stopped);
  return ending.status === "ABORTED" ? { status: "ABORTED", event: "ExecutionAborted" } : { ...ending, event: "ExecutionFailed" };
}
