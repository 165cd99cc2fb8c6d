/**
 * The run-time objects: an Execution (one per top-level run or Distributed Map child), the variable
 * scopes, a Frame (one per workflow being walked: the machine, a Parallel branch, a Map iteration),
 * and the per-state environment that paths, intrinsics and JSONata read from.
 */
import type { IntegrationServices } from "./integrations/services";
import { randomUUID } from "node:crypto";
import type { JsonObject, JsonValue } from "../asl/types";
import * as aslTypes from "../asl/types";
import type { Clock } from "./model/clock";
import type { CompiledWorkflow } from "./compile";
import type { ChildOutcome, MapItemContext, MapRunRecord } from "./distributed/map-run-interface";
import { DataLimitExceededError, ExecutionAbortedError, StatesError, STATES_ERRORS } from "./model/errors";
import type { Lazy } from "./history";
import * as history from "./history";
import { abortPromise, stopFlagOf, type ChildStopper, type StopFlag } from "./model/abort";
import type { IntrinsicEnv } from "./intrinsics";
import type { JsonataEnv, StatesVariable } from "./jsonata";
import * as lambda from "./lambda";
import type { EngineEvent, LambdaHandler, StateMachineType } from "./types";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name, `new` included, is a getter call on the exporting module, and these run for every
// Map item (measured: a fifth of a Distributed Map child's cost). The engine's imports have no
// cycle (test/architecture), so every bound name exists when it is bound. A class's name is also its type.
const { LIMITS } = aslTypes;
const { utf8Bytes } = lambda;
const History = history.History;
type History = history.History;

/** The role every local execution reports (`$$.Execution.RoleArn`, ExecutionStarted): there is no IAM locally. */
import { ROLE_ARN } from "./model/local-account";

export interface ExecutionSetup {
  arn: string;
  /** `arn` without the name, when `arn` is made as this + `name` (Distributed Map children). */
  arnPrefix?: string;
  name: string;
  stateMachineArn: string;
  type: StateMachineType;
  input: JsonValue;
  handlers: Record<string, LambdaHandler>;
  clock: Clock;
  random: () => number;
  keepHistory: boolean;
  /** Record a history at all (EXPRESS Distributed Map children keep none). */
  recordHistory: boolean;
  onEvent?: (event: EngineEvent) => void;
  /** Forward Distributed Map children's history events to onEvent (RunOptions.childEvents). */
  childEvents?: boolean;
  /** True for Distributed Map children: `signal` is the whole Map Run's, shared by every child. */
  sharedSignal?: boolean;
  signal: AbortSignal;
  s3: () => Promise<import("@aws-sdk/client-s3").S3Client>;
  mapRuns: MapRunRecord[];
  /** The service integrations' shared state (outbox, tokens, mocks, emulators, nested machines). */
  services?: IntegrationServices<ExecutionSetup>;
  /** Fields of `$$.Execution` / `$$.StateMachine` given by the caller (a TestState call's `context`). */
  contextOverrides?: { Execution?: JsonObject; StateMachine?: JsonObject };
  /** RunOptions.mapRunHooks, for the top-level execution's Map Runs only (children never carry it). */
  mapRunHooks?: import("./distributed/map-run-interface").MapRunHooks;
  /** RunOptions.childHistories (top-level execution only). */
  childHistories?: boolean;
}

/**
 * How the states run the workflows below them (a Parallel branch, a Map iteration, a Distributed
 * Map child execution): each Execution is given it by run-execution.ts, so `states/` never imports
 * the executor and the executor never imports `states/` (run-execution.ts hands it their table).
 */
export interface Executor {
  /** A workflow in `frame`, sync-first (see Flow). */
  runFlow(wf: CompiledWorkflow, input: JsonValue, frame: Frame): Flow;
  /** The same as a promise, for callers that await anyway. */
  run(wf: CompiledWorkflow, input: JsonValue, frame: Frame): Promise<JsonValue>;
  /** A Distributed Map child execution; `onDone` gets its outcome and `token` (at once when it finished without waiting). */
  startChild<T>(
    setup: ExecutionSetup,
    wf: CompiledWorkflow,
    stopper: ChildStopper,
    onDone: (outcome: ChildOutcome, token: T) => void,
    token: T,
  ): void;
}

function hex8(unit: number): string {
  return Math.floor(unit * 0x100000000)
    .toString(16)
    .padStart(8, "0");
}

export class Execution {
  readonly history: History;
  // Copied from the setup, read per Task: the setup is an object literal for a top-level run and
  // a ChildSetup for a Distributed Map child, and reading through it made the Task code polymorphic.
  readonly clock: Clock;
  readonly input: JsonValue;
  readonly handlers: Record<string, LambdaHandler>;
  readonly services: IntegrationServices<ExecutionSetup> | undefined;
  readonly startTime: number;
  stateTransitions = 0;
  /** The input as JSON text, when the execution start already made it (a Task can reuse it). */
  inputText: string | undefined = undefined;
  private requestCounter = 0;
  /**
   * MockConfigFile invocations per state name, counted per execution as Step Functions Local does
   * (every execution's first call is "0"; a Map iteration or Parallel branch counts in its execution).
   */
  mockCalls: Map<string, number> | undefined = undefined;
  /**
   * Map Runs still going: a stopped execution waits for them to wind down (they abort their
   * children at once) so their final ABORTED record and MapRunAborted event precede its end.
   */
  mapRunsInFlight?: Set<Promise<unknown>>;
  private stopped?: Promise<never>;
  private rejectStopped?: (e: Error) => void;

  constructor(
    readonly setup: ExecutionSetup,
    readonly executor: Executor,
  ) {
    this.startTime = setup.clock.now();
    this.clock = setup.clock;
    this.input = setup.input;
    this.handlers = setup.handlers;
    this.services = setup.services;
    this.history = new History(
      setup,
      setup.clock,
      // "Maximum execution history size: 25,000 events" applies to Standard workflows.
      setup.type === "STANDARD" && setup.recordHistory ? LIMITS.historyEvents : undefined,
      setup.keepHistory && setup.recordHistory,
      setup.recordHistory ? setup.onEvent : undefined,
    );
  }

  /** A request id for a Lambda call: a v4 UUID, from the run's random when it is seeded. */
  requestId(): string {
    const r = this.setup.random;
    if (r === Math.random) return randomUUID();
    this.requestCounter++;
    const a = hex8(r()),
      b = hex8(r()),
      c = hex8(r()),
      d = hex8(r());
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }

  /**
   * A promise that rejects when `signal` aborts, to race work against. For a child's own signal,
   * shared by the whole Map Run, a per-child promise (rejected by `markStopped`): racing the
   * shared one would pile a reaction per task onto one long-lived promise.
   */
  stopPromise(signal: AbortSignal): Promise<never> {
    if (!this.setup.sharedSignal || signal !== this.setup.signal) return abortPromise(signal);
    if (!this.stopped) {
      this.stopped = new Promise<never>((_, reject) => (this.rejectStopped = reject));
      this.stopped.catch(() => undefined);
      if (signal.aborted) this.markStopped();
    }
    return this.stopped;
  }

  markStopped(): void {
    this.rejectStopped?.(new ExecutionAbortedError());
  }

  private contextBase?: { Execution: JsonObject; StateMachine: JsonObject };

  /** The parts of the context object that do not change during the execution. */
  contextStatic(): { Execution: JsonObject; StateMachine: JsonObject } {
    if (!this.contextBase) {
      const smArn = this.setup.stateMachineArn;
      this.contextBase = {
        Execution: {
          Id: this.setup.arn,
          Input: this.setup.input,
          Name: this.setup.name,
          RoleArn: ROLE_ARN,
          StartTime: new Date(this.startTime).toISOString(),
          RedriveCount: 0,
        },
        StateMachine: { Id: smArn, Name: smArn.slice(smArn.lastIndexOf(":") + 1) },
      };
      const given = this.setup.contextOverrides;
      if (given) {
        this.contextBase.Execution = { ...this.contextBase.Execution, ...given.Execution };
        this.contextBase.StateMachine = { ...this.contextBase.StateMachine, ...given.StateMachine };
      }
    }
    return this.contextBase;
  }
}

/** Workflow variables: each nested workflow (branch, iteration) reads outward, writes locally. */
export class VarScope {
  /** Created on first assignment: most Map iterations never assign. */
  private values?: Map<string, JsonValue>;
  constructor(readonly parent?: VarScope) {}

  get(name: string): JsonValue | undefined {
    for (let s: VarScope | undefined = this; s; s = s.parent) {
      if (s.values?.has(name)) return s.values.get(name);
    }
    return undefined;
  }

  /** Assignments of one state apply together, after all were evaluated on the old values. */
  assign(values: JsonObject): void {
    const map = (this.values ??= new Map());
    for (const k of Object.keys(values)) map.set(k, values[k]);
  }

  all(): Record<string, JsonValue> {
    const chain: VarScope[] = [];
    for (let s: VarScope | undefined = this; s; s = s.parent) chain.unshift(s);
    const out: Record<string, JsonValue> = {};
    for (const s of chain) if (s.values) for (const [k, v] of s.values) out[k] = v;
    return out;
  }
}

/**
 * Returned instead of a promise when the workflow's result goes to its frame's `sink` (set by a
 * runner that takes results by callback: an inline Map iteration, a Distributed Map child). The
 * last Task then calls the sink from its single reaction to the handler's promise.
 */
export const DELIVERED: unique symbol = Symbol("delivered to the frame's sink");

/**
 * What running a state (or a workflow) gives: its output at once when nothing in it waited (a
 * JSONPath Pass, Choice, Succeed), else a promise of it, or DELIVERED. Sync-first on purpose: a Map
 * runs the same few states for every item, and each promise or async function between the handler
 * and the next item costs more than the state's own work. A state returns its output and sets
 * `frame.next` (undefined when the workflow ends there) when it settles.
 */
export type Flow = JsonValue | Promise<JsonValue> | typeof DELIVERED;

/** Receives a workflow's result or error (see Frame.sink). */
export interface WorkflowSink {
  done(output: JsonValue): void;
  /**
   * The result as the JSON text of an object or array, for a sink that may never read the value
   * (a Distributed Map child whose result only goes to a ResultWriter record): it parses the text
   * when the value is first read. Offered only where nothing else needs the value (the Task's
   * events are not recorded), so the value a reader gets is the same as `done` would have had.
   */
  doneText?(text: string): void;
  fail(error: unknown): void;
}

export class Frame {
  lastEventId: number;
  /** Set by the state that just settled: the state to run next, undefined when the workflow ends. */
  next: string | undefined = undefined;
  /** The state running (or that ran last) in this frame: a failure that ends the workflow happened there. */
  current: string | undefined = undefined;
  /**
   * Set by a runner that takes the workflow's result by callback: a last Task whose handler waits
   * reports there (and the workflow returns DELIVERED) instead of through a promise.
   */
  sink: WorkflowSink | undefined = undefined;
  /**
   * The JSON text of the output the state that just ran returned, when it knew it (a Task without
   * I/O fields): a Map adds these up instead of serializing its whole result again for the
   * payload check. Cleared before each state.
   */
  outputText: string | undefined = undefined;
  private scope: VarScope | undefined = undefined;

  constructor(
    readonly exec: Execution,
    /** The enclosing workflow's variables (undefined for an execution's top level). */
    private readonly outerVars: VarScope | undefined,
    readonly signal: AbortSignal,
    lastEventId: number,
    readonly mapItem?: MapItemContext,
    /** `signal` as a flag; runners that make many frames on one signal pass theirs. */
    private readonly stop: StopFlag = stopFlagOf(signal),
  ) {
    this.lastEventId = lastEventId;
  }

  /**
   * This workflow's variables: it reads outward and writes locally. Made on first use: most Map
   * iterations and child executions never touch a variable.
   */
  get vars(): VarScope {
    return (this.scope ??= new VarScope(this.outerVars));
  }

  /** False when nobody keeps or watches the history: callers skip building details. */
  get recording(): boolean {
    return this.exec.history.recording;
  }

  /** An event whose details are recorded as parts (see history.ts Lazy). */
  eventLazy(type: string, kind: Lazy, a: unknown, b: unknown): number {
    const id = this.exec.history.addLazy(type, this.lastEventId, kind, a, b);
    this.lastEventId = id;
    return id;
  }

  event(type: string, details?: object): number {
    const id = this.exec.history.add(type, this.lastEventId, details);
    this.lastEventId = id;
    return id;
  }

  checkAborted(): void {
    if (this.stop.stopped) throw new ExecutionAbortedError();
  }
}

/** Evaluation errors already recorded (an iteration's error is the Map's too: one EvaluationFailed event). */
const recordedEvaluationErrors = new WeakSet<StatesError>();

/** What one state visit can read: `$$`, variables, randomness; and, for JSONata, `$states`. */
export class StateEnv implements IntrinsicEnv, JsonataEnv {
  retryCount = 0;
  /** Whether this state recorded an EvaluationFailed event (a Map then records MapStateFailed after it). */
  evaluationFailedHere = false;
  /**
   * A Map's or Parallel's failure event, recorded only once no retrier takes the error: executions
   * recorded on AWS show one MapStateFailed/ParallelStateFailed after the last attempt, none between
   * attempts (localstack/localstack tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.py::
   * test_map_state_retry, test_parallel_state_retry). See error-handling.ts.
   */
  owedFailedEvent: "MapStateFailed" | "ParallelStateFailed" | undefined = undefined;
  readonly enteredTime: number;
  /** The id of the state's StateEntered event (made just before this env): AWS names it in QueryEvaluationError causes. */
  readonly enteredEventId: number;
  private statesVar?: StatesVariable;
  private ctx?: JsonObject;

  /**
   * @param retriable whether the state can have a Retry field (Task, Parallel, Map): only those carry
   * `$$.State.RetryCount`. AWS-recorded executions of Pass states show `State` as `{Name, EnteredTime}`
   * alone (localstack/localstack tests/aws/services/stepfunctions/v2/base/test_base.py::
   * test_query_context_object_values and outputdecl/test_output.py::test_base_cases[BASE_EXPR]);
   * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html lists
   * RetryCount without saying which states have it.
   */
  constructor(
    readonly frame: Frame,
    readonly stateName: string,
    private readonly input: JsonValue,
    private readonly retriable = false,
  ) {
    this.enteredTime = frame.exec.clock.now();
    this.enteredEventId = frame.lastEventId;
  }

  private statesRetry = -1;
  private ctxRetry = -1;
  private token: string | undefined;

  /** `$$.Task.Token` of a `.waitForTaskToken` task (set before its Parameters/Arguments are evaluated). */
  set taskToken(token: string | undefined) {
    this.token = token;
    this.ctx = undefined;
    this.statesVar = undefined;
  }

  /** `$states` for JSONata, made on first use (JSONPath states never need it); a plain object, as JSONata reads own properties. */
  get states(): StatesVariable {
    if (!this.statesVar || this.statesRetry !== this.retryCount) {
      this.statesVar = { input: this.input, context: this.context() };
      this.statesRetry = this.retryCount;
    }
    return this.statesVar;
  }

  random(): number {
    return this.frame.exec.setup.random();
  }

  /** The stop signal of the workflow this state runs in (a long JSONata evaluation watches it). */
  get signal(): AbortSignal {
    return this.frame.signal;
  }

  context(): JsonObject {
    if (!this.ctx || this.ctxRetry !== this.retryCount) {
      const base = this.frame.exec.contextStatic();
      const State: JsonObject = { EnteredTime: new Date(this.enteredTime).toISOString(), Name: this.stateName };
      if (this.retriable) State.RetryCount = this.retryCount;
      const ctx: JsonObject = { Execution: base.Execution, State, StateMachine: base.StateMachine };
      this.ctxRetry = this.retryCount;
      const item = this.frame.mapItem;
      if (item) {
        const Item: JsonObject = { Index: item.index, Value: item.value };
        if (item.source !== undefined) Item.Source = item.source;
        // Items that are the key-value pairs of a JSON object also carry their key.
        if (item.key !== undefined) Item.Key = item.key;
        ctx.Map = { Item };
      }
      if (this.token !== undefined) ctx.Task = { Token: this.token };
      this.ctx = ctx;
    }
    return this.ctx;
  }

  /**
   * States.QueryEvaluationError is recorded as an `EvaluationFailed` event of the state before it
   * fails the state: "Contains details about an evaluation failure that occurred while processing a
   * state, for example, when a JSONata expression throws an error" with `error`, `cause`, `location`
   * (the field) and `state` (https://docs.aws.amazon.com/step-functions/latest/apireference/API_EvaluationFailedEventDetails.html);
   * executions recorded on AWS show it after the StateEntered event, before MapStateFailed or
   * ExecutionFailed (localstack/localstack tests/aws/services/stepfunctions/v2/assign/
   * test_assign_reference_variables.py::test_undefined_reference, v2/scenarios/test_base_scenarios.py::
   * test_map_state_items_input_types). Called where a state's error surfaces; once per error.
   */
  evaluationFailed(e: unknown): void {
    if (!(e instanceof StatesError) || e.error !== STATES_ERRORS.QueryEvaluationError || recordedEvaluationErrors.has(e)) return;
    recordedEvaluationErrors.add(e);
    const details: JsonObject = { error: e.error, cause: e.causeText };
    const location = /specified for the field '([^']*)'/.exec(e.causeText)?.[1];
    if (location !== undefined) details.location = location;
    details.state = this.stateName;
    this.frame.event("EvaluationFailed", details);
    this.evaluationFailedHere = true;
  }

  variable(name: string): JsonValue | undefined {
    return this.frame.vars.get(name);
  }

  variables(): Record<string, JsonValue> {
    return this.frame.vars.all();
  }
}

/**
 * "The state/task ... returned a result with a size exceeding the maximum number of bytes service
 * limit." Returns the JSON text it measured.
 */
export function checkPayload(stateName: string, value: JsonValue, text?: string): string {
  const json = text ?? JSON.stringify(value) ?? "null";
  checkPayloadText(stateName, json);
  return json;
}

/** The same check on a result's JSON text (its value not needed). */
export function checkPayloadText(stateName: string, json: string): void {
  if (utf8Bytes(json, LIMITS.payloadBytes) > LIMITS.payloadBytes) {
    throw new DataLimitExceededError(
      `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    );
  }
}

/**
 * The same check where the text is not needed (a state's output). Most outputs are small: an upper
 * bound of their UTF-8 JSON size, walked without building the text, settles them; only a value that
 * may be near the quota is stringified (measured: JSON.stringify here was an eighth of a
 * Distributed Map child's cost in `npm run bench -- profile`).
 */
export function checkPayloadSize(stateName: string, value: JsonValue): void {
  if (jsonSizeBound(value, LIMITS.payloadBytes) > LIMITS.payloadBytes) checkPayload(stateName, value);
}

/**
 * At least the byte length of `JSON.stringify(value)` in UTF-8, or a number over `budget` once the
 * bound passes it. Worst cases: a number prints in at most 25 characters (decimal notation from
 * 1e-6 on, with 17 significant digits: -0.0000010523638128410161; exponents print at most 24,
 * -1.7976931348623157e+308), and a UTF-16 unit in at most 6 bytes (a control character or a lone
 * surrogate escaped as \uXXXX).
 */
export function jsonSizeBound(value: JsonValue, budget: number): number {
  if (value === null) return 4;
  switch (typeof value) {
    case "number":
      return 25;
    case "boolean":
      return 5;
    case "string":
      return value.length * 6 + 2;
  }
  let total = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      total += jsonSizeBound(value[i] as JsonValue, budget - total) + 1;
      if (total > budget) return total;
    }
    return total;
  }
  for (const key in value) {
    total += key.length * 6 + 4 + jsonSizeBound(value[key] as JsonValue, budget - total);
    if (total > budget) return total;
  }
  return total;
}

export function checkInputPayload(stateName: string, text: string): void {
  if (utf8Bytes(text, LIMITS.payloadBytes) > LIMITS.payloadBytes) {
    throw new DataLimitExceededError(
      `The state/task '${stateName}' has an input with a size exceeding the maximum number of bytes service limit.`,
    );
  }
}
