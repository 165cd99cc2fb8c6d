/**
 * Walks a compiled workflow: one state after another, input/output processing per query language,
 * Retry and Catch, and the history events AWS records for each state type.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import type { CompiledCatcher, CompiledChoice, CompiledFail, CompiledPass, CompiledState, CompiledSucceed, CompiledWait, CompiledWorkflow, JsonataIO, JsonPathIO, NumberSource, StringSource } from "./compile";
import { unexpectedResultType } from "./jsonata";
import { NoChoiceMatchedError, RuntimeError, StatesError } from "./errors";
import type { Frame } from "./execution";
import * as execution from "./execution";
import { StateEnteredDetails } from "./history";
import * as history from "./history";
import { setAtPath } from "./json/path";
import { parseTimestamp } from "./choice";
import { findCatcher, RetryTracker } from "./retry";
// The states of states/ through the table they register in (no import of states/: no cycle).
import { stateRunners } from "./state-table";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name, `new` included, is a getter call on the exporting module, and these run for every
// Map item (measured: a fifth of a Distributed Map child's cost). A class's name is also its type.
const runners = stateRunners;
const { Lazy } = history;
const { checkPayload } = execution;
const DELIVERED: typeof execution.DELIVERED = execution.DELIVERED;
const StateEnv = execution.StateEnv;
type StateEnv = execution.StateEnv;

export interface StepOutcome {
  output: JsonValue;
  /** Name of the next state; undefined when the workflow ends here. */
  next?: string;
}

/**
 * What running a state (or a workflow) gives: its output at once when nothing in it waited (a
 * JSONPath Pass, Choice, Succeed), else a promise of it. Sync-first on purpose: a Map runs the
 * same few states for every item, and each promise or async function between the handler and the
 * next item costs more than the state's own work. A state returns its output and sets
 * `frame.next` (undefined when the workflow ends there) when it settles.
 */
export type Flow = JsonValue | Promise<JsonValue> | typeof DELIVERED;

/**
 * Runs a workflow from StartAt to a terminal state: its output, or a promise of it when a state
 * waits. Throws (or rejects with) the StatesError that ends it; callers handle both.
 */
export function runWorkflowFlow(wf: CompiledWorkflow, input: JsonValue, frame: Frame): Flow {
  return runFrom(wf, wf.states.get(wf.startAt) as CompiledState, input, frame);
}

/** The same as a promise, for callers that await anyway. */
export function runWorkflow(wf: CompiledWorkflow, input: JsonValue, frame: Frame): Promise<JsonValue> {
  try {
    const flow = runFrom(wf, wf.states.get(wf.startAt) as CompiledState, input, frame);
    if (flow === DELIVERED) throw new RuntimeError("runWorkflow: a frame with a sink delivers its result there");
    return flow instanceof Promise ? flow : Promise.resolve(flow);
  } catch (e) {
    return Promise.reject(e);
  }
}

function runFrom(wf: CompiledWorkflow, first: CompiledState, input: JsonValue, frame: Frame): Flow {
  let state = first;
  let value = input;
  for (;;) {
    frame.checkAborted();
    frame.exec.stateTransitions++;
    frame.next = undefined;
    frame.outputText = undefined;
    frame.current = state.name;
    const out = runState(state, value, frame);
    if (out === DELIVERED) return out;
    if (out instanceof Promise) {
      // A last state that cannot be redirected by a Catch: its result is the workflow's.
      if (state.end && !(state as { catchers?: unknown[] }).catchers?.length) return out;
      const from = state;
      return out.then((output) => continueAfter(wf, from, output, frame));
    }
    if (frame.next === undefined) return out;
    state = stateNamed(wf, state, frame.next);
    value = out;
  }
}

function continueAfter(wf: CompiledWorkflow, from: CompiledState, output: JsonValue, frame: Frame): JsonValue | Promise<JsonValue> {
  if (frame.next === undefined) return output;
  // Past the first wait, results travel by promise: the sink is for the common one-wait case.
  frame.sink = undefined;
  return runFrom(wf, stateNamed(wf, from, frame.next), output, frame) as JsonValue | Promise<JsonValue>;
}

function stateNamed(wf: CompiledWorkflow, from: CompiledState, name: string): CompiledState {
  const next = wf.states.get(name);
  if (!next) throw new RuntimeError(`State '${from.name}' transitions to '${name}', which does not exist`);
  return next;
}

function runState(state: CompiledState, input: JsonValue, frame: Frame): Flow {
  switch (state.type) {
    case "Task":
      return runners.Task(state, input, frame);
    case "Parallel":
      return runners.Parallel(state, input, frame);
    case "Map":
      return runners.Map(state, input, frame);
    case "Pass":
      return runPass(state, input, frame);
    case "Choice":
      return runChoice(state, input, frame);
    case "Wait":
      return runWait(state, input, frame);
    case "Succeed":
      return runSucceed(state, input, frame);
    case "Fail":
      return runFail(state, input, frame);
  }
}

// ---------- shared input/output processing ----------

/** InputPath: `$` keeps the input, null gives `{}`. A path that matches nothing is a runtime error. */
export function applyInputPath(io: JsonPathIO, input: JsonValue, env: StateEnv): JsonValue {
  if (io.inputPath === undefined) return input;
  if (io.inputPath === null) return {};
  const v = io.inputPath.evaluate(input, env);
  if (v === undefined) throw new RuntimeError(`Invalid path '${io.inputPath.source}' : No results for path: ${io.inputPath.source} (state '${env.stateName}', InputPath)`);
  return v;
}

export function applyOutputPath(io: JsonPathIO, value: JsonValue, env: StateEnv): JsonValue {
  if (io.outputPath === undefined) return value;
  if (io.outputPath === null) return {};
  const v = io.outputPath.evaluate(value, env);
  if (v === undefined) throw new RuntimeError(`Invalid path '${io.outputPath.source}' : No results for path: ${io.outputPath.source} (state '${env.stateName}', OutputPath)`);
  return v;
}

/**
 * JSONPath result processing: ResultSelector, Assign (its `$` is the selected result), ResultPath
 * into the raw state input, OutputPath; the output is checked against the payload quota.
 */
export function finishJsonPath(io: JsonPathIO, rawInput: JsonValue, result: JsonValue, env: StateEnv, resultChecked: boolean): JsonValue {
  const selected = io.resultSelector ? io.resultSelector(result, env) : result;
  const assigned = io.assign ? (io.assign(selected, env) as JsonObject) : undefined;
  let output: JsonValue;
  if (io.resultPath === null) output = rawInput;
  else if (io.resultPath.length === 0) output = selected;
  else output = setAtPath(rawInput, io.resultPath, selected, "$." + io.resultPath.join("."));
  output = applyOutputPath(io, output, env);
  if (!(output === rawInput || (output === result && resultChecked))) checkPayload(env.stateName, output);
  if (assigned) env.frame.vars.assign(assigned);
  return output;
}

/** JSONata result processing: Output (default: the result) and Assign, both on the same `$states`. */
export async function finishJsonata(io: JsonataIO, rawInput: JsonValue, result: JsonValue, env: StateEnv, resultChecked: boolean, defaultToInput = false): Promise<JsonValue> {
  env.states.result = result;
  const output = io.output ? await io.output(env) : defaultToInput ? rawInput : result;
  const assigned = io.assign ? ((await io.assign(env)) as JsonObject) : undefined;
  if (!(output === rawInput || (output === result && resultChecked))) checkPayload(env.stateName, output);
  if (assigned) env.frame.vars.assign(assigned);
  return output;
}

export async function evalNumber(src: NumberSource | undefined, effectiveInput: JsonValue, env: StateEnv, field: string): Promise<number | undefined> {
  if (!src) return undefined;
  let v: JsonValue | undefined;
  if (src.kind === "literal") v = src.value;
  else if (src.kind === "path") {
    v = src.path.evaluate(effectiveInput, env);
    if (v === undefined) throw new RuntimeError(`Invalid path '${src.text}' for ${field} in state '${env.stateName}': no value found`);
  } else v = await src.expr(env);
  // Seconds, TimeoutSeconds, HeartbeatSeconds and MaxConcurrency are non-negative integers
  // (state-wait, state-task, state-map). A `...Path` that selects 1.5 fails the state with
  // States.Runtime, as AWS does; a JSONata expression that yields one is States.QueryEvaluationError.
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    if (src.kind === "jsonata") throw unexpectedResultType(env, src.text, field, "integer", v);
    throw new RuntimeError(`${src.kind === "path" ? `${field}Path '${src.text}'` : field} in state '${env.stateName}' must select a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function errorOutput(e: StatesError): JsonObject {
  const out: JsonObject = { Error: e.error };
  if (e.causeText !== "") out.Cause = e.causeText;
  return out;
}

/**
 * Retry then Catch around a state's work. "When a state has both Retry and Catch fields, Step
 * Functions uses any appropriate retriers first, and only afterward applies the matching catcher."
 */
export async function withErrorHandling(
  state: { name: string; retriers: import("../../asl/types").Retrier[]; catchers: CompiledCatcher[]; io: JsonPathIO | JsonataIO },
  rawInput: JsonValue,
  env: StateEnv,
  body: () => Promise<JsonValue>,
): Promise<StepOutcome & { caught?: boolean }> {
  const frame = env.frame;
  const tracker = state.retriers.length > 0 ? new RetryTracker(state.retriers) : null;
  for (;;) {
    try {
      return { output: await body() };
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      const delay = tracker ? tracker.next(e.error, frame.exec.setup.random) : null;
      if (delay !== null) {
        env.retryCount++;
        // "Retries are treated as state transitions."
        frame.exec.stateTransitions++;
        await frame.exec.clock.sleep(delay, frame.signal);
        frame.checkAborted();
        continue;
      }
      const catcher = findCatcher(state.catchers, e.error);
      if (!catcher) throw e;
      // The output is the error output now, whatever text the failed work had noted.
      frame.outputText = undefined;
      const errOut = errorOutput(e);
      let output: JsonValue;
      if (state.io.lang === "JSONPath") {
        const assigned = catcher.assignPath ? (catcher.assignPath(errOut, env) as JsonObject) : undefined;
        if (catcher.resultPath === null) output = rawInput;
        else if (catcher.resultPath.length === 0) output = errOut;
        else output = setAtPath(rawInput, catcher.resultPath, errOut, "$." + catcher.resultPath.join("."));
        checkPayload(state.name, output);
        if (assigned) frame.vars.assign(assigned);
      } else {
        env.states.errorOutput = errOut;
        output = catcher.output ? await catcher.output(env) : errOut;
        const assigned = catcher.assignJsonata ? ((await catcher.assignJsonata(env)) as JsonObject) : undefined;
        checkPayload(state.name, output);
        if (assigned) frame.vars.assign(assigned);
      }
      return { output, next: catcher.next, caught: true };
    }
  }
}

export function transition(state: { next?: string; end: boolean }): string | undefined {
  return state.end ? undefined : state.next;
}

type EventStateType = "Task" | "Pass" | "Choice" | "Wait" | "Succeed" | "Parallel" | "Map";

// Interned event type names: no string is built per event, and Map lookups on them hash once.
const ENTERED: Record<EventStateType, string> = {
  Task: "TaskStateEntered", Pass: "PassStateEntered", Choice: "ChoiceStateEntered", Wait: "WaitStateEntered",
  Succeed: "SucceedStateEntered", Parallel: "ParallelStateEntered", Map: "MapStateEntered",
};
const EXITED: Record<EventStateType, string> = {
  Task: "TaskStateExited", Pass: "PassStateExited", Choice: "ChoiceStateExited", Wait: "WaitStateExited",
  Succeed: "SucceedStateExited", Parallel: "ParallelStateExited", Map: "MapStateExited",
};

export function entered(frame: Frame, type: EventStateType, name: string, input: JsonValue): void {
  frame.eventLazy(ENTERED[type], Lazy.Entered, name, input);
}

export function exited(frame: Frame, type: EventStateType, name: string, output: JsonValue): void {
  frame.eventLazy(EXITED[type], Lazy.Exited, name, output);
}

// ---------- Pass, Choice, Wait, Succeed, Fail ----------
// JSONPath forms run synchronously; JSONata evaluates asynchronously, so those forms return promises.

function runPass(state: CompiledPass, input: JsonValue, frame: Frame): Flow {
  entered(frame, "Pass", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  if (state.io.lang === "JSONPath") {
    const io = state.io;
    const effective = applyInputPath(io, input, env);
    // "Result ... is treated as the output of a virtual task"; Parameters wins when both are given.
    const result = io.parameters ? io.parameters(effective, env) : state.result !== undefined ? state.result : effective;
    return leave(frame, "Pass", state, finishJsonPath(io, input, result, env, false));
  }
  return finishJsonata(state.io, input, input, env, true, true).then((output) => leave(frame, "Pass", state, output));
}

/** Records the Exited event and the transition of a state that ends normally. */
function leave(frame: Frame, type: EventStateType, state: { name: string; next?: string; end: boolean }, output: JsonValue): JsonValue {
  exited(frame, type, state.name, output);
  frame.next = transition(state);
  return output;
}

function noChoiceMatched(state: CompiledChoice): never {
  throw new NoChoiceMatchedError(`No Choice Rule matched and no Default was specified in state '${state.name}'`);
}

function runChoice(state: CompiledChoice, input: JsonValue, frame: Frame): Flow {
  entered(frame, "Choice", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  if (state.io.lang === "JSONata") return runChoiceJsonata(state, state.io, input, env);
  const io = state.io;
  const effective = applyInputPath(io, input, env);
  const branch = state.branches.find((b) => b.predicate!(effective, env));
  const next = branch?.next ?? state.defaultNext;
  if (next === undefined) noChoiceMatched(state);
  const assignT = branch?.assignPath ?? io.assign;
  const assigned = assignT ? (assignT(effective, env) as JsonObject) : undefined;
  const output = applyOutputPath(io, effective, env);
  if (assigned) frame.vars.assign(assigned);
  exited(frame, "Choice", state.name, output);
  frame.next = next;
  return output;
}

async function runChoiceJsonata(state: CompiledChoice, io: JsonataIO, input: JsonValue, env: StateEnv): Promise<JsonValue> {
  const frame = env.frame;
  let branch: (typeof state.branches)[number] | undefined;
  for (const b of state.branches) {
    const v = await b.condition!(env);
    if (typeof v !== "boolean") throw new StatesError("States.QueryEvaluationError", `The Condition of a Choice rule in '${state.name}' must evaluate to a boolean, got ${JSON.stringify(v)}`);
    if (v) {
      branch = b;
      break;
    }
  }
  const next = branch?.next ?? state.defaultNext;
  if (next === undefined) noChoiceMatched(state);
  const outT = branch?.output ?? io.output;
  const assignT = branch?.assignJsonata ?? io.assign;
  const output = outT ? await outT(env) : input;
  const assigned = assignT ? ((await assignT(env)) as JsonObject) : undefined;
  if (output !== input) checkPayload(state.name, output);
  if (assigned) frame.vars.assign(assigned);
  exited(frame, "Choice", state.name, output);
  frame.next = next;
  return output;
}

async function runWait(state: CompiledWait, input: JsonValue, frame: Frame): Promise<JsonValue> {
  entered(frame, "Wait", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  const effective = state.io.lang === "JSONPath" ? applyInputPath(state.io, input, env) : input;
  let ms = 0;
  if (state.seconds) {
    const seconds = await evalNumber(state.seconds, effective, env, "Seconds");
    ms = (seconds ?? 0) * 1000;
  } else if (state.timestamp) {
    const ts = state.timestamp;
    let v: JsonValue | undefined;
    if (ts.kind === "literal") v = ts.value;
    else if (ts.kind === "path") v = ts.path.evaluate(effective, env);
    else v = await ts.expr(env);
    const at = parseTimestamp(v);
    if (at === null) {
      if (ts.kind === "jsonata") throw unexpectedResultType(env, ts.text, "Timestamp", "timestamp", v);
      throw new RuntimeError(`The Timestamp of Wait state '${state.name}' is not an RFC3339 timestamp: ${JSON.stringify(v)}`);
    }
    ms = Math.max(0, at - frame.exec.clock.now());
  }
  if (ms > 0) await frame.exec.clock.sleep(ms, frame.signal);
  frame.checkAborted();
  let output: JsonValue;
  if (state.io.lang === "JSONPath") {
    const assigned = state.io.assign ? (state.io.assign(effective, env) as JsonObject) : undefined;
    output = applyOutputPath(state.io, effective, env);
    if (assigned) frame.vars.assign(assigned);
  } else {
    output = await finishJsonata(state.io, input, input, env, true, true);
  }
  return leave(frame, "Wait", state, output);
}

function runSucceed(state: CompiledSucceed, input: JsonValue, frame: Frame): Flow {
  entered(frame, "Succeed", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  const succeed = (output: JsonValue): JsonValue => {
    if (output !== input) checkPayload(state.name, output);
    exited(frame, "Succeed", state.name, output);
    frame.next = undefined;
    return output;
  };
  if (state.io.lang === "JSONPath") return succeed(applyOutputPath(state.io, applyInputPath(state.io, input, env), env));
  return state.io.output ? state.io.output(env).then(succeed) : succeed(input);
}

/** ErrorPath/CausePath (or a JSONata Error/Cause): a string, or a promise of one for JSONata. */
function stringOf(src: StringSource | undefined, input: JsonValue, env: StateEnv): string | undefined | Promise<string> {
  if (!src) return undefined;
  if (src.kind === "literal") return src.value;
  if (src.kind === "dynamic") return mustBeString(src.eval(input, env));
  return src.expr(env).then(mustBeString);
}

function mustBeString(v: JsonValue): string {
  if (typeof v !== "string") throw new RuntimeError(`ErrorPath/CausePath of a Fail state must produce a string, got ${JSON.stringify(v)}`);
  return v;
}

function runFail(state: CompiledFail, input: JsonValue, frame: Frame): Flow {
  frame.event("FailStateEntered", new StateEnteredDetails(state.name, input));
  const env = new StateEnv(frame, state.name, input);
  const error = stringOf(state.error, input, env);
  const cause = stringOf(state.cause, input, env);
  if (error instanceof Promise || cause instanceof Promise) {
    return Promise.all([error, cause]).then(([e, c]) => {
      throw new StatesError(e ?? "", c ?? "");
    });
  }
  throw new StatesError(error ?? "", cause ?? "");
}
