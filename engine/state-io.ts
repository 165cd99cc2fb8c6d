/**
 * Input and output processing shared by the state handlers (states/): InputPath, OutputPath,
 * ResultSelector/ResultPath/Assign (JSONPath), Output/Assign (JSONata), number fields, and the
 * StateEntered/StateExited events. https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
import type { JsonObject, JsonValue } from "../asl/types";
import type { JsonataIO, JsonPathIO, NumberSource } from "./compile";
import { RuntimeError } from "./model/errors";
import type { Frame } from "./execution";
import * as execution from "./execution";
import * as history from "./history";
import { queryEvaluationCause, unexpectedResultType } from "./jsonata";
import * as path from "./json/path";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name is a getter call on the exporting module, and these run for every Map item
// (measured: a fifth of a Distributed Map child's cost). A class's name is also its type.
const { Lazy } = history;
const { checkPayloadSize } = execution;
const { setAtPath } = path;
type StateEnv = execution.StateEnv;
type CompiledPath = path.CompiledPath;
type PathSegment = path.PathSegment;

/** InputPath: `$` keeps the input, null gives `{}`. A path that matches nothing is a runtime error. */
export function applyInputPath(io: JsonPathIO, input: JsonValue, env: StateEnv): JsonValue {
  return io.inputPath === undefined ? input : selectPath(io.inputPath, input, env, "InputPath");
}

/** OutputPath: the same rules as InputPath, on the state's output. */
export function applyOutputPath(io: JsonPathIO, value: JsonValue, env: StateEnv): JsonValue {
  return io.outputPath === undefined ? value : selectPath(io.outputPath, value, env, "OutputPath");
}

function selectPath(p: CompiledPath | null, value: JsonValue, env: StateEnv, field: "InputPath" | "OutputPath"): JsonValue {
  if (p === null) return {};
  const v = p.evaluate(value, env);
  // AWS's words (an execution recorded on AWS: localstack/localstack tests/aws/services/stepfunctions/
  // v2/scenarios/test_base_scenarios.py::test_invalid_jsonpath): "An error occurred while executing
  // the state 'pass' (entered at the event id #2). Invalid path '$.NoSuchInputPath' : No results for
  // path: $['NoSuchInputPath']", the same for InputPath and OutputPath.
  if (v === undefined)
    throw new RuntimeError(queryEvaluationCause(env, `Invalid path '${p.source}' : No results for path: ${bracketPath(p.source)}`));
  return v;
}

/** `$.a.b[0]` as AWS's error messages print it, `$['a']['b'][0]`; a path with more than names and indexes as written. */
export function bracketPath(source: string): string {
  const segment = /^(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\])/;
  if (!source.startsWith("$")) return source;
  let rest = source.slice(1);
  let out = "$";
  while (rest.length > 0) {
    const m = segment.exec(rest);
    if (!m) return source;
    out += m[3] !== undefined ? `[${m[3]}]` : `['${m[1] ?? m[2]}']`;
    rest = rest.slice(m[0].length);
  }
  return out;
}

/**
 * JSONPath result processing: ResultSelector, Assign (its `$` is the selected result), ResultPath
 * into the raw state input, OutputPath; the output is checked against the payload quota.
 */
export function finishJsonPath(io: JsonPathIO, rawInput: JsonValue, result: JsonValue, env: StateEnv, resultChecked: boolean): JsonValue {
  const selected = io.resultSelector ? io.resultSelector(result, env) : result;
  const assigned = io.assign ? (io.assign(selected, env) as JsonObject) : undefined;
  const output = applyOutputPath(io, placeResult(io.resultPath, rawInput, selected), env);
  if (!(output === rawInput || (output === result && resultChecked))) checkPayloadSize(env.stateName, output);
  if (assigned) env.frame.vars.assign(assigned);
  return output;
}

/** ResultPath (a state's or a Catcher's): null keeps the raw input, `$` gives the value, else the value set into a copy of the input. */
export function placeResult(resultPath: PathSegment[] | null, rawInput: JsonValue, value: JsonValue): JsonValue {
  if (resultPath === null) return rawInput;
  if (resultPath.length === 0) return value;
  return setAtPath(rawInput, resultPath, value, "$." + resultPath.join("."));
}

/** JSONata result processing: Output (default: the result) and Assign, both on the same `$states`. */
export async function finishJsonata(
  io: JsonataIO,
  rawInput: JsonValue,
  result: JsonValue,
  env: StateEnv,
  resultChecked: boolean,
  defaultToInput = false,
): Promise<JsonValue> {
  env.states.result = result;
  const output = io.output ? await io.output(env) : defaultToInput ? rawInput : result;
  const assigned = io.assign ? ((await io.assign(env)) as JsonObject) : undefined;
  if (!(output === rawInput || (output === result && resultChecked))) checkPayloadSize(env.stateName, output);
  if (assigned) env.frame.vars.assign(assigned);
  return output;
}

export async function evalNumber(
  src: NumberSource | undefined,
  effectiveInput: JsonValue,
  env: StateEnv,
  field: string,
): Promise<number | undefined> {
  if (!src) return undefined;
  let v: JsonValue | undefined;
  if (src.kind === "literal") v = src.value;
  else if (src.kind === "path") {
    v = src.path.evaluate(effectiveInput, env);
    if (v === undefined) throw new RuntimeError(`Invalid path '${src.text}' for ${field} in state '${env.stateName}': no value found`);
    // MaxConcurrencyPath selecting "1" runs on AWS (an execution recorded on AWS: localstack/localstack
    // tests/aws/services/stepfunctions/v2/assign/test_assign_reference_variables.py::test_reference_in_map_state).
    if (field === "MaxConcurrency" && typeof v === "string" && /^[+-]?\d+$/.test(v.trim())) v = Number(v);
  } else v = await src.expr(env);
  // Seconds, TimeoutSeconds, HeartbeatSeconds and MaxConcurrency are non-negative integers
  // (state-wait, state-task, state-map). A `...Path` that selects 1.5 fails the state with
  // States.Runtime, as AWS does; a JSONata expression that yields one is States.QueryEvaluationError.
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    if (src.kind === "jsonata") throw unexpectedResultType(env, src.text, field, "integer", v);
    const aws = src.kind === "path" ? pathNumberCause(field, src.text, v) : undefined;
    if (aws !== undefined) throw new RuntimeError(queryEvaluationCause(env, aws));
    throw new RuntimeError(
      `${src.kind === "path" ? `${field}Path '${src.text}'` : field} in state '${env.stateName}' must select a non-negative integer, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/**
 * AWS's words for a SecondsPath or MaxConcurrencyPath that selects an unusable value, as recorded on
 * AWS (localstack/localstack tests/aws/services/stepfunctions/v2/base/test_wait.py::
 * test_base_wait_seconds_path and v2/scenarios/test_base_scenarios.py::test_max_concurrency_path);
 * undefined where no recording says (TimeoutSecondsPath, HeartbeatSecondsPath keep ours).
 */
function pathNumberCause(field: string, pathText: string, v: JsonValue): string | undefined {
  const shown = typeof v === "string" ? v : JSON.stringify(v);
  if (field === "Seconds") {
    return typeof v === "number" && Number.isInteger(v)
      ? `The SecondsPath parameter references a negative value: ${pathText} == ${v}`
      : `The SecondsPath parameter cannot be parsed as a long value: ${pathText} == ${shown}`;
  }
  if (field === "MaxConcurrency" && !(typeof v === "number" && Number.isInteger(v)))
    return `The MaxConcurrencyPath field refers to value "${shown}" which is not a valid integer: ${pathText}`;
  return undefined;
}

export function transition(state: { next?: string; end: boolean }): string | undefined {
  return state.end ? undefined : state.next;
}

export type EventStateType = "Task" | "Pass" | "Choice" | "Wait" | "Succeed" | "Parallel" | "Map";

// Interned event type names: no string is built per event, and Map lookups on them hash once.
const ENTERED: Record<EventStateType, string> = {
  Task: "TaskStateEntered",
  Pass: "PassStateEntered",
  Choice: "ChoiceStateEntered",
  Wait: "WaitStateEntered",
  Succeed: "SucceedStateEntered",
  Parallel: "ParallelStateEntered",
  Map: "MapStateEntered",
};
const EXITED: Record<EventStateType, string> = {
  Task: "TaskStateExited",
  Pass: "PassStateExited",
  Choice: "ChoiceStateExited",
  Wait: "WaitStateExited",
  Succeed: "SucceedStateExited",
  Parallel: "ParallelStateExited",
  Map: "MapStateExited",
};

export function entered(frame: Frame, type: EventStateType, name: string, input: JsonValue): void {
  frame.eventLazy(ENTERED[type], Lazy.Entered, name, input);
}

export function exited(frame: Frame, type: EventStateType, name: string, output: JsonValue): void {
  frame.eventLazy(EXITED[type], Lazy.Exited, name, output);
}

/** Records the Exited event and the transition of a state that ends normally. */
export function leave(
  frame: Frame,
  type: EventStateType,
  state: { name: string; next?: string; end: boolean },
  output: JsonValue,
): JsonValue {
  exited(frame, type, state.name, output);
  frame.next = transition(state);
  return output;
}

/** After Retry/Catch: a caught error goes to its Catcher's Next with no Exited event; otherwise the state leaves normally. */
export function leaveHandled(
  frame: Frame,
  type: EventStateType,
  state: { name: string; next?: string; end: boolean },
  outcome: { output: JsonValue; next?: string; caught?: boolean },
): JsonValue {
  if (!outcome.caught) return leave(frame, type, state, outcome.output);
  // A caught Map or Parallel records MapStateExited/ParallelStateExited with the Catch's output after
  // its failure event; a caught Task records no exit (executions recorded on AWS: localstack/localstack
  // tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.py::test_map_state_catch,
  // test_parallel_state_catch).
  if (type === "Map" || type === "Parallel") exited(frame, type, state.name, outcome.output);
  frame.next = outcome.next;
  return outcome.output;
}
