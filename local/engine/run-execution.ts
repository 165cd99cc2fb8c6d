/**
 * One execution from ExecutionStarted to its terminal event. Used for the top-level run and for
 * each Distributed Map child execution.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-executions.html
 */
import type { JsonValue } from "../../asl/types";
import type { CompiledWorkflow } from "./compile";
import { ExecutionAbortedError, StatesError, STATES_ERRORS } from "./errors";
import type { ExecutionSetup, WorkflowSink } from "./execution";
import * as execution from "./execution";
import { InputDetails, PlainOutputDetails } from "./history";
import type { Flow } from "./interpreter";
import * as interpreter from "./interpreter";
import type { ExecutionResult } from "./types";
import type { ChildOutcome } from "./distributed/contract";
import { abortPromise, linkedAbort, stopFlagOf, type StopFlag } from "./states/abort";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name, `new` included, is a getter call on the exporting module, and these run for every
// Map item (measured: a fifth of a Distributed Map child's cost). The engine's imports have no
// cycle (test/architecture), so every bound name exists when it is bound. A class's name is also its type.
const { runWorkflow, runWorkflowFlow } = interpreter;
const { checkPayload } = execution;
const DELIVERED: typeof execution.DELIVERED = execution.DELIVERED;
const Execution = execution.Execution;
type Execution = execution.Execution;
const Frame = execution.Frame;
type Frame = execution.Frame;

class ExecutionTimedOut extends Error {}

export async function runExecution(setup: ExecutionSetup, workflow: CompiledWorkflow, timeoutSeconds?: number): Promise<ExecutionResult> {
  const { controller, release } = linkedAbort(setup.signal);
  const exec = new Execution({ ...setup, signal: controller.signal });
  const startedId = exec.history.add(
    "ExecutionStarted",
    0,
    new InputDetails({ roleArn: "arn:aws:iam::123456789012:role/StepFunctionsLocalRole", stateMachineArn: setup.stateMachineArn }, setup.input),
  );
  const frame = new Frame(exec, undefined, controller.signal, startedId);
  let status: ExecutionResult["status"];
  let output: JsonValue | undefined;
  let error: string | undefined;
  let cause: string | undefined;
  let timer: AbortController | undefined;
  try {
    // The execution input obeys the same 256 KiB quota as every state input.
    exec.inputText = checkPayload("(execution input)", setup.input);
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
    outbox: setup.services?.outbox ?? [],
    nestedExecutions: setup.services?.nested ?? [],
  };
  // `history` is built from the compact columns only if read.
  const history = exec.history;
  return Object.defineProperty(result, "history", { get: () => history.events, enumerable: true }) as ExecutionResult;
}

/** A running child as the stopper links it. */
interface RunningChild {
  prevRunning: RunningChild | undefined;
  nextRunning: RunningChild | undefined;
  stop(): void;
}

/**
 * Ends the running child executions of one Map Run when its signal aborts: a single listener for
 * all of them (an AbortController or listener per child cost more than the child itself). The
 * running children form a doubly linked list through their own fields: adding and removing one
 * allocates nothing.
 */
export class ChildStopper {
  private head: RunningChild | undefined;
  /** The Map Run's signal as a flag, shared by every child's frame. */
  readonly flag: StopFlag;

  constructor(signal: AbortSignal) {
    this.flag = stopFlagOf(signal);
    signal.addEventListener(
      "abort",
      () => {
        for (let child = this.head; child; ) {
          const next = child.nextRunning;
          child.stop();
          child = next;
        }
        this.head = undefined;
      },
      { once: true },
    );
  }

  add(child: RunningChild): void {
    child.nextRunning = this.head;
    child.prevRunning = undefined;
    if (this.head) this.head.prevRunning = child;
    this.head = child;
  }

  delete(child: RunningChild): void {
    const { prevRunning: prev, nextRunning: next } = child;
    if (prev) prev.nextRunning = next;
    else if (this.head === child) this.head = next;
    if (next) next.prevRunning = prev;
    child.prevRunning = child.nextRunning = undefined;
  }
}

const CHILD_ROLE_ARN = "arn:aws:iam::123456789012:role/StepFunctionsLocalRole";

/**
 * A Distributed Map child execution: the same semantics as runExecution (input quota, history with
 * its own limit, stop ends it at once), on the Map Run's shared signal, with no timeout. It is its
 * own outcome (a ChildOutcome): its ARN and dates are made only when read, as most Map Runs read
 * only the output. A class, not closures: thousands run per second, each allocation counts.
 */
class ChildRun<T = unknown> implements RunningChild, WorkflowSink {
  status: ChildOutcome["status"] = "SUCCEEDED";
  output?: JsonValue;
  error?: string;
  cause?: string;
  /** The state the child failed in (its frame's current state). */
  failedState: string | undefined = undefined;
  stateTransitions = 0;
  historyEvents = 0;
  /** Set when the child ends (milliseconds, the execution's clock). */
  private stopTime = 0;
  private finished = false;
  prevRunning: RunningChild | undefined = undefined;
  nextRunning: RunningChild | undefined = undefined;
  private readonly exec: Execution;
  private readonly frame: Frame;

  constructor(
    private readonly setup: ExecutionSetup,
    private readonly stopper: ChildStopper,
    private readonly onDone: (outcome: ChildOutcome, token: T) => void,
    private readonly token: T,
  ) {
    const exec = (this.exec = new Execution(setup));
    const history = exec.history;
    const startedId = history.add("ExecutionStarted", 0, history.recording ? new InputDetails({ roleArn: CHILD_ROLE_ARN, stateMachineArn: setup.stateMachineArn }, setup.input) : undefined);
    this.frame = new Frame(exec, undefined, setup.signal, startedId, undefined, stopper.flag);
    this.frame.sink = this;
  }

  get name(): string {
    return this.setup.name;
  }
  get executionArn(): string {
    return this.setup.arn;
  }
  get input(): JsonValue {
    return this.setup.input;
  }
  /** ChildTexts: the input as its payload check serialized it. */
  get inputText(): string | undefined {
    return this.exec.inputText;
  }
  /** ChildTexts: the output's JSON text, when the last state knew it (see Frame.outputText). */
  outputText: string | undefined = undefined;
  get startDate(): Date {
    return new Date(this.exec.startTime);
  }
  get stopDate(): Date {
    return new Date(this.stopTime);
  }

  start(workflow: CompiledWorkflow): void {
    // The flag, not `signal.aborted` (a checked getter, a visible cost per child).
    if (this.stopper.flag.stopped) return this.settle("ABORTED");
    let flow: Flow;
    try {
      // The execution input obeys the same 256 KiB quota as every state input.
      this.exec.inputText = checkPayload("(execution input)", this.setup.input);
      flow = runWorkflowFlow(workflow, this.setup.input, this.frame);
    } catch (e) {
      return this.fail(e);
    }
    if (flow === DELIVERED) return this.stopper.add(this);
    if (!(flow instanceof Promise)) return this.settle("SUCCEEDED", flow);
    this.stopper.add(this);
    flow.then(
      (output) => this.settle("SUCCEEDED", output),
      (e: unknown) => this.fail(e),
    );
  }

  /** WorkflowSink: the workflow's last Task reports here directly. */
  done(output: JsonValue): void {
    this.settle("SUCCEEDED", output);
  }

  stop(): void {
    this.exec.markStopped();
    this.settle("ABORTED");
  }

  fail(e: unknown): void {
    if (e instanceof ExecutionAbortedError || (this.setup.signal.aborted && !(e instanceof StatesError))) this.settle("ABORTED");
    else if (e instanceof StatesError) this.settle("FAILED", undefined, e.error, e.causeText);
    // A bug or a handler crash outside the Task contract: report it, do not crash the Map Run.
    else this.settle("FAILED", undefined, STATES_ERRORS.Runtime, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }

  private settle(status: ChildOutcome["status"], output?: JsonValue, error?: string, cause?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.stopper.delete(this);
    const history = this.exec.history;
    const last = this.frame.lastEventId;
    this.status = status;
    if (status === "SUCCEEDED") {
      this.output = output ?? null;
      this.outputText = this.frame.outputText;
      history.add("ExecutionSucceeded", last, history.recording ? new PlainOutputDetails(this.output) : undefined, true);
    } else if (status === "ABORTED") {
      history.add("ExecutionAborted", last, {}, true);
    } else {
      this.error = error ?? STATES_ERRORS.Runtime;
      this.cause = cause ?? "";
      this.failedState = this.frame.current;
      history.add("ExecutionFailed", last, { error, cause }, true);
    }
    this.stopTime = this.exec.clock.now();
    this.stateTransitions = this.exec.stateTransitions;
    this.historyEvents = history.size;
    this.onDone(this as unknown as ChildOutcome, this.token);
  }
}

/**
 * Starts a child execution; `onDone` gets its outcome and `token` (at once when it finished
 * without waiting).
 */
export function startChildExecution<T>(setup: ExecutionSetup, workflow: CompiledWorkflow, stopper: ChildStopper, onDone: (outcome: ChildOutcome, token: T) => void, token: T): void {
  new ChildRun(setup, stopper, onDone, token).start(workflow);
}
