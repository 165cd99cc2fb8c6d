/**
 * One execution from ExecutionStarted to its terminal event. Used for the top-level run and for
 * each Distributed Map child execution.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-executions.html
 */
import type { JsonValue } from "../../asl/types";
import type { CompiledWorkflow } from "./compile";
import { ExecutionAbortedError, StatesError, STATES_ERRORS } from "./errors";
import { checkPayload, Execution, Frame, VarScope, type ExecutionSetup } from "./execution";
import { InputDetails, PlainOutputDetails } from "./history";
import { runWorkflow } from "./interpreter";
import type { ExecutionResult } from "./types";
import type { ChildOutcome } from "./distributed/contract";
import { abortPromise, linkedAbort } from "./states/abort";

class ExecutionTimedOut extends Error {}

export async function runExecution(setup: ExecutionSetup, workflow: CompiledWorkflow, timeoutSeconds?: number): Promise<ExecutionResult> {
  const { controller, release } = linkedAbort(setup.signal);
  const exec = new Execution({ ...setup, signal: controller.signal });
  const startedId = exec.history.add(
    "ExecutionStarted",
    0,
    new InputDetails({ roleArn: "arn:aws:iam::123456789012:role/StepFunctionsLocalRole", stateMachineArn: setup.stateMachineArn }, setup.input),
  );
  const frame = new Frame(exec, new VarScope(), controller.signal, startedId);
  let status: ExecutionResult["status"];
  let output: JsonValue | undefined;
  let error: string | undefined;
  let cause: string | undefined;
  let timer: AbortController | undefined;
  try {
    // The execution input obeys the same 256 KiB quota as every state input.
    checkPayload("(execution input)", setup.input);
    // Raced once against the stop signal: a stop ends the execution even while a handler runs.
    let work = Promise.race([runWorkflow(workflow, setup.input, frame), abortPromise(controller.signal)]);
    if (timeoutSeconds !== undefined) {
      timer = new AbortController();
      const timeout = exec.clock.sleep(timeoutSeconds * 1000, timer.signal).then(
        () => {
          throw new ExecutionTimedOut();
        },
        () => new Promise<never>(() => undefined),
      );
      work = Promise.race([work, timeout]);
    }
    output = await work;
    status = "SUCCEEDED";
    exec.history.add("ExecutionSucceeded", frame.lastEventId, new PlainOutputDetails(output), true);
  } catch (e) {
    if (exec.mapRunsInFlight?.size) {
      // The stop reached the Map Runs synchronously (abort listeners); let them record their end.
      if (e instanceof ExecutionTimedOut) controller.abort();
      await Promise.allSettled([...exec.mapRunsInFlight]);
    }
    if (e instanceof ExecutionTimedOut) {
      controller.abort();
      status = "TIMED_OUT";
      error = STATES_ERRORS.Timeout;
      cause = `The execution exceeded its TimeoutSeconds of ${timeoutSeconds}`;
      exec.history.add("ExecutionTimedOut", frame.lastEventId, { error, cause }, true);
    } else if (e instanceof ExecutionAbortedError || (setup.signal.aborted && !(e instanceof StatesError))) {
      status = "ABORTED";
      exec.history.add("ExecutionAborted", frame.lastEventId, {}, true);
    } else {
      status = "FAILED";
      if (e instanceof StatesError) {
        error = e.error;
        cause = e.causeText;
      } else {
        // A bug or a handler crash outside the Task contract: report it, do not crash the caller.
        error = STATES_ERRORS.Runtime;
        cause = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      exec.history.add("ExecutionFailed", frame.lastEventId, { error, cause }, true);
    }
  } finally {
    timer?.abort();
    release();
  }
  const stop = exec.clock.now();
  const result: Omit<ExecutionResult, "history"> = {
    executionArn: setup.arn,
    status,
    output,
    error,
    cause,
    mapRuns: setup.mapRuns,
    counters: { stateTransitions: exec.stateTransitions, historyEvents: exec.history.size },
    startDate: new Date(exec.startTime),
    stopDate: new Date(stop),
    durationMs: stop - exec.startTime,
  };
  // `history` is built from the compact columns only if read.
  const history = exec.history;
  return Object.defineProperty(result, "history", { get: () => history.events, enumerable: true }) as ExecutionResult;
}

/**
 * Ends the running child executions of one Map Run when its signal aborts: a single listener for
 * all of them (an AbortController or listener per child cost more than the child itself).
 */
export class ChildStopper {
  private readonly running = new Set<{ stop(): void }>();

  constructor(signal: AbortSignal) {
    signal.addEventListener(
      "abort",
      () => {
        for (const child of [...this.running]) child.stop();
        this.running.clear();
      },
      { once: true },
    );
  }

  add(child: { stop(): void }): void {
    this.running.add(child);
  }

  delete(child: { stop(): void }): void {
    this.running.delete(child);
  }
}

/**
 * A Distributed Map child execution: the same semantics as runExecution (input quota, history with
 * its own limit, stop ends it at once), on the Map Run's shared signal, with no timeout. A class,
 * not closures: thousands run per second, each allocation counts.
 */
class ChildRun {
  private done = false;
  private resolve!: (outcome: ChildOutcome) => void;
  readonly exec: Execution;
  readonly frame: Frame;

  constructor(
    readonly setup: ExecutionSetup,
    private readonly stopper: ChildStopper,
  ) {
    const exec = (this.exec = new Execution(setup));
    const history = exec.history;
    const startedId = history.add(
      "ExecutionStarted",
      0,
      history.recording ? new InputDetails({ roleArn: "arn:aws:iam::123456789012:role/StepFunctionsLocalRole", stateMachineArn: setup.stateMachineArn }, setup.input) : undefined,
    );
    this.frame = new Frame(exec, new VarScope(), setup.signal, startedId);
  }

  start(workflow: CompiledWorkflow): Promise<ChildOutcome> {
    const result = new Promise<ChildOutcome>((resolve) => (this.resolve = resolve));
    if (this.setup.signal.aborted) {
      this.settle("ABORTED");
      return result;
    }
    try {
      // The execution input obeys the same 256 KiB quota as every state input.
      checkPayload("(execution input)", this.setup.input);
    } catch (e) {
      this.fail(e);
      return result;
    }
    this.stopper.add(this);
    runWorkflow(workflow, this.setup.input, this.frame).then(
      (output) => this.settle("SUCCEEDED", output),
      (e: unknown) => this.fail(e),
    );
    return result;
  }

  stop(): void {
    this.exec.markStopped();
    this.settle("ABORTED");
  }

  private fail(e: unknown): void {
    if (e instanceof ExecutionAbortedError || (this.setup.signal.aborted && !(e instanceof StatesError))) this.settle("ABORTED");
    else if (e instanceof StatesError) this.settle("FAILED", undefined, e.error, e.causeText);
    // A bug or a handler crash outside the Task contract: report it, do not crash the Map Run.
    else this.settle("FAILED", undefined, STATES_ERRORS.Runtime, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }

  private settle(status: ChildOutcome["status"], output?: JsonValue, error?: string, cause?: string): void {
    if (this.done) return;
    this.done = true;
    this.stopper.delete(this);
    const history = this.exec.history;
    const last = this.frame.lastEventId;
    if (status === "SUCCEEDED") history.add("ExecutionSucceeded", last, history.recording ? new PlainOutputDetails(output ?? null) : undefined, true);
    else if (status === "ABORTED") history.add("ExecutionAborted", last, {}, true);
    else history.add("ExecutionFailed", last, { error, cause }, true);
    const exec = this.exec;
    const { arn: executionArn, name, input } = this.setup;
    const startDate = new Date(exec.startTime);
    const stopDate = new Date(exec.clock.now());
    const stateTransitions = exec.stateTransitions;
    const historyEvents = history.size;
    // The outcome is made here, in one object: no intermediate result per child.
    this.resolve(
      status === "SUCCEEDED"
        ? { status, output: output ?? null, executionArn, name, startDate, stopDate, input, stateTransitions, historyEvents }
        : status === "ABORTED"
          ? { status, executionArn, name, startDate, stopDate, input, stateTransitions, historyEvents }
          : { status, error: error ?? STATES_ERRORS.Runtime, cause: cause ?? "", executionArn, name, startDate, stopDate, input, stateTransitions, historyEvents },
    );
  }
}

export function runChildExecution(setup: ExecutionSetup, workflow: CompiledWorkflow, stopper: ChildStopper): Promise<ChildOutcome> {
  return new ChildRun(setup, stopper).start(workflow);
}
