/**
 * A Distributed Map child execution: ExecutionStarted to its terminal event, on the Map Run's
 * shared signal, reported by callback (no promise per child).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import type { JsonValue } from "../asl/types";
import type { ChildStopper, RunningChild } from "./model/abort";
import type { CompiledWorkflow } from "./compile";
import type { ChildHistoryEvent, ChildOutcome } from "./distributed/map-run-interface";
import { executionEnding, STATES_ERRORS } from "./model/errors";
import type { ExecutionSetup, Executor, Flow, WorkflowSink } from "./execution";
import * as execution from "./execution";
import { InputDetails, PlainOutputDetails } from "./history";
import * as localAccount from "./model/local-account";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name, `new` included, is a getter call on the exporting module, and these run for every
// Map item (measured: a fifth of a Distributed Map child's cost). A class's name is also its type.
const { checkPayloadSize } = execution;
const ROLE_ARN = localAccount.ROLE_ARN;
const DELIVERED: typeof execution.DELIVERED = execution.DELIVERED;
const Execution = execution.Execution;
type Execution = execution.Execution;
const Frame = execution.Frame;
type Frame = execution.Frame;

/**
 * A Distributed Map child execution: the same semantics as runExecution (input quota, history with
 * its own limit, stop ends it at once), on the Map Run's shared signal, with no timeout. It is its
 * own outcome (a ChildOutcome): its ARN and dates are made only when read, as most Map Runs read
 * only the output. A class, not closures: thousands run per second, each allocation counts.
 */
class ChildRun<T = unknown> implements RunningChild, WorkflowSink {
  status: ChildOutcome["status"] = "SUCCEEDED";
  private outputValue: JsonValue | undefined = undefined;
  /** The output's JSON text not parsed yet (doneText): most Map Runs with a ResultWriter never read the value. */
  private unparsed: string | undefined = undefined;
  error?: string;
  cause?: string;
  /** The state the child failed in (its frame's current state). */
  failedState: string | undefined = undefined;
  stateTransitions = 0;
  historyEvents = 0;
  /** ChildRecordParts: set when the child ends (milliseconds, the execution's clock). */
  stopTime = 0;
  private finished = false;
  prevRunning: RunningChild | undefined = undefined;
  nextRunning: RunningChild | undefined = undefined;
  private readonly exec: Execution;
  private readonly frame: Frame;
  /** Whether this child's history is kept (RunOptions.childHistories), decided when it starts. */
  private readonly keeps: boolean;

  constructor(
    executor: Executor,
    private readonly setup: ExecutionSetup,
    private readonly stopper: ChildStopper,
    private readonly onDone: (outcome: ChildOutcome, token: T) => void,
    private readonly token: T,
  ) {
    const exec = (this.exec = new Execution(setup, executor));
    this.keeps = exec.history.keeps;
    const history = exec.history;
    const startedId = history.add(
      "ExecutionStarted",
      0,
      history.recording ? new InputDetails({ roleArn: ROLE_ARN, stateMachineArn: setup.stateMachineArn }, setup.input) : undefined,
    );
    this.frame = new Frame(exec, undefined, setup.signal, startedId, undefined, stopper.flag);
    this.frame.sink = this;
  }

  get name(): string {
    return this.setup.name;
  }
  get executionArn(): string {
    return this.setup.arn;
  }
  /** ChildRecordParts. */
  get executionArnPrefix(): string | undefined {
    return this.setup.arnPrefix;
  }
  get input(): JsonValue {
    return this.setup.input;
  }
  get output(): JsonValue | undefined {
    if (this.unparsed !== undefined) {
      this.outputValue = JSON.parse(this.unparsed) as JsonValue;
      this.unparsed = undefined;
    }
    return this.outputValue;
  }
  /** ChildTexts: the input as its payload check serialized it. */
  get inputText(): string | undefined {
    return this.exec.inputText;
  }
  /** ChildTexts: the output's JSON text, when the last state knew it (see Frame.outputText). */
  outputText: string | undefined = undefined;
  /** ChildHistory: the child's events, when its history is kept (RunOptions.childHistories); a succeeded child's only while its outcome is reported. */
  get history(): ChildHistoryEvent[] | undefined {
    return this.keeps ? (this.exec.history.events as ChildHistoryEvent[]) : undefined;
  }
  /** ChildRecordParts. */
  get startTime(): number {
    return this.exec.startTime;
  }
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
      // The execution input obeys the same 256 KiB quota as every state input (its text is made
      // when a Task or a result record needs it, not for every child).
      checkPayloadSize("(execution input)", this.setup.input);
      flow = this.exec.executor.runFlow(workflow, this.setup.input, this.frame);
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

  /** WorkflowSink: the same with the output as its JSON text (an object's or array's), parsed when `output` is read. */
  doneText(text: string): void {
    this.settle("SUCCEEDED", undefined, undefined, undefined, text);
  }

  stop(): void {
    this.exec.markStopped();
    this.settle("ABORTED");
  }

  fail(e: unknown): void {
    const ending = executionEnding(e, this.setup.signal.aborted);
    if (ending.status === "ABORTED") this.settle("ABORTED");
    else this.settle("FAILED", undefined, ending.error, ending.cause);
  }

  private settle(status: ChildOutcome["status"], output?: JsonValue, error?: string, cause?: string, outputText?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.stopper.delete(this);
    const history = this.exec.history;
    const last = this.frame.lastEventId;
    this.status = status;
    if (status === "SUCCEEDED") {
      if (outputText !== undefined) this.unparsed = outputText;
      else this.outputValue = output ?? null;
      this.outputText = this.frame.outputText;
      history.add("ExecutionSucceeded", last, history.recording ? new PlainOutputDetails(this.output!) : undefined, true);
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
    // A succeeded child's kept history (RunOptions.childHistories) is read, if at all, while its
    // outcome is reported: its buffer goes back to the pool.
    if (status === "SUCCEEDED" && this.keeps) history.release();
  }
}

/**
 * Starts a child execution; `onDone` gets its outcome and `token` (at once when it finished
 * without waiting).
 */
export function startChildExecution<T>(
  executor: Executor,
  setup: ExecutionSetup,
  workflow: CompiledWorkflow,
  stopper: ChildStopper,
  onDone: (outcome: ChildOutcome, token: T) => void,
  token: T,
): void {
  new ChildRun(executor, setup, stopper, onDone, token).start(workflow);
}
