/**
 * JSONata fields (`{% expr %}` strings anywhere inside Arguments, Output, Assign, Items, ...),
 * parsed once per definition. `$states` carries input/result/errorOutput/context, workflow
 * variables are bindings, and the functions Step Functions adds ($partition, $range, $hash, $random,
 * $uuid, $parse) are registered. https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import jsonata from "jsonata";
import type { JsonObject, JsonValue } from "../asl/types";
import { isJsonataString } from "../asl/validator/jsonata";
import { compileCount } from "./compile-count";
import { ExecutionAbortedError, QueryEvaluationError, StatesError } from "./model/errors";
import { intrinsicImpl, type IntrinsicRuntime } from "./intrinsics/functions";

export interface StatesVariable {
  input: JsonValue;
  result?: JsonValue;
  errorOutput?: JsonValue;
  context: JsonValue;
}

export interface JsonataEnv extends IntrinsicRuntime {
  states: StatesVariable;
  variables(): Record<string, JsonValue>;
  /** The state evaluating, and its StateEntered event id: AWS's QueryEvaluationError causes name both. */
  readonly stateName?: string;
  readonly enteredEventId?: number;
  /** The run's stop signal: a long evaluation ends when it aborts. */
  readonly signal?: AbortSignal;
}

/**
 * AWS's wording of a QueryEvaluationError cause, e.g. (a recorded AWS execution): "An error occurred
 * while executing the state 'Run S3 Data Push' (entered at the event id #6). The JSONata expression
 * '$states.input.pushLocation' specified for the field 'Arguments/Input/pushLocation' returned
 * nothing (undefined)." Fields are named from the state: `/` before an object key, `[i]` for an index.
 */
export function queryEvaluationCause(env: Pick<JsonataEnv, "stateName" | "enteredEventId"> | undefined, detail: string): string {
  const prefix =
    env?.stateName !== undefined
      ? `An error occurred while executing the state '${env.stateName}' (entered at the event id #${env.enteredEventId ?? 0}). `
      : "";
  return prefix + detail;
}

/** `'array'`, `'object'`, `'string'`, ... as AWS names a JSONata result's type. */
export function jsonataTypeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** "... returned an unexpected result type. Expected 'array', but was 'object' for value: {...}" (AWS, Map Items). */
export function unexpectedResultType(
  env: Pick<JsonataEnv, "stateName" | "enteredEventId"> | undefined,
  expr: string,
  field: string,
  expected: string,
  value: unknown,
): QueryEvaluationError {
  return new QueryEvaluationError(
    queryEvaluationCause(
      env,
      `The JSONata expression '${expressionText(expr)}' specified for the field '${field}' returned an unexpected result type. Expected '${expected}', but was '${jsonataTypeName(value)}' for value: ${JSON.stringify(value) ?? "undefined"}`,
    ),
  );
}

/** The expression inside `{% %}`, trimmed, as AWS quotes it. */
export function expressionText(text: string): string {
  return (JSONATA_STRING.exec(text)?.[1] ?? text).trim();
}

export type CompiledJsonata = (env: JsonataEnv) => Promise<JsonValue>;

/** The hook JSONata 2.x looks up on entering each expression node (jsonata.js evaluate()). */
const EVALUATE_ENTRY = Symbol.for("jsonata.__evaluate_entry");

// The whole string, nothing around the delimiters: " {% x %} " is literal text on AWS
// (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html, asl/validator/jsonata.ts).
const JSONATA_STRING = /^\{%([\s\S]*)%\}$/;

export { isJsonataString };

function hasJsonata(value: JsonValue): boolean {
  if (typeof value === "string") return isJsonataString(value);
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(hasJsonata);
  return Object.values(value).some(hasJsonata);
}

function stepFunctionsFunctions(rt: IntrinsicRuntime): Record<string, unknown> {
  const call = (name: string, args: JsonValue[]) => intrinsicImpl(name)(args, rt, {});
  return {
    partition: (arr: JsonValue, size: JsonValue) => call("States.ArrayPartition", [arr, size]),
    // $range gives a JSONata sequence, so one value is that value: AWS returned 1, not [1], for
    // $range(1, 9, 9) (an execution recorded on AWS: localstack/localstack
    // tests/aws/services/stepfunctions/v2/intrinsic_functions/test_array_jsonata.snapshot.json,
    // test_array_range), while $partition([0], 1) stays [[0]]. JSONata: "a sequence containing a
    // single value is equivalent to that value" (https://docs.jsonata.org/processing#sequences).
    range: (start: JsonValue, end: JsonValue, step: JsonValue) =>
      Object.assign(call("States.ArrayRange", [start, end, step]) as JsonValue[], { sequence: true }),
    hash: (data: JsonValue, algorithm: JsonValue) => call("States.Hash", [data, algorithm]),
    random: (seed?: JsonValue) =>
      typeof seed === "number" ? (call("States.MathRandom", [0, 2 ** 31 - 2, seed]) as number) / (2 ** 31 - 1) : rt.random(),
    uuid: () => call("States.UUID", []),
    parse: (text: JsonValue) => call("States.StringToJson", [text]),
  };
}

/**
 * Makes a JSONata result plain JSON. A sequence of one value is that value, as AWS returns it
 * ("$states.result.Items[status = 'X'] returns a bare object, not a one-element array, when exactly
 * one item matches"); jsonata collapses top-level singletons itself unless a `[]` keeps them, and
 * this keeps any other one-value sequence flagged as such from leaking out as an array.
 */
function toJson(value: unknown, expr: string, where: string, env: JsonataEnv): JsonValue {
  const detail = (what: string) =>
    new QueryEvaluationError(queryEvaluationCause(env, `The JSONata expression '${expr}' specified for the field '${where}' ${what}`));
  if (value === undefined) throw detail("returned nothing (undefined).");
  // A function (a JSONata lambda is an object marked _jsonata_lambda): AWS's words, as an execution
  // recorded on AWS shows (localstack/localstack tests/aws/services/stepfunctions/v2/scenarios/
  // test_base_scenarios.py::test_map_state_items_eval_jsonata_fail[function]).
  if (
    typeof value === "function" ||
    (value !== null && typeof value === "object" && ("_jsonata_lambda" in value || "_jsonata_function" in value))
  )
    throw detail("returned an unsupported result type.");
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw detail("returned a non-finite number, which is not JSON.");
    return value as JsonValue;
  }
  const seq = value as unknown[] & { sequence?: boolean; keepSingleton?: boolean };
  if (Array.isArray(seq) && seq.sequence === true && !seq.keepSingleton && seq.length === 1) return toJson(seq[0], expr, where, env);
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/**
 * Bounds on one evaluation, through the options JSONata 2.2 documents for runaway expressions
 * (`timeout` ms → D1012, `stack` evaluation depth → D1011, `sequence` length → D2015; see
 * jsonata.d.ts JsonataOptions): a never-ending tail-recursive function ends at the timeout, a
 * deep non-tail one at the depth limit instead of filling the heap, an exploding sequence at its
 * length. Each fails the state with States.QueryEvaluationError, as any JSONata evaluation error
 * does on AWS. AWS documents no such limits; these are far above what a state's 256 KiB input and
 * output need.
 */
export const JSONATA_BOUNDS = { timeout: 60_000, stack: 10_000, sequence: 10_000_000 } as const;

/**
 * Per evaluation: the run's stop signal, and when the evaluation last let the event loop turn.
 * JSONata evaluates through promises that are already resolved, so a long evaluation never lets
 * timers or signals (the execution's TimeoutSeconds, Ctrl-C) run; the evaluation hook JSONata
 * calls on entering each expression node lets the loop turn every YIELD_AFTER_MS, then stops the
 * evaluation if the run was stopped, or if the heap is nearly full (an error, not a V8 crash).
 */
interface EvaluationGuard {
  signal?: AbortSignal;
  nodes: number;
  lastTurn: number;
}
const guards = new AsyncLocalStorage<EvaluationGuard>();
const YIELD_AFTER_MS = 20;
/** The heap share above which an evaluation is stopped rather than let V8 abort the process. */
const HEAP_STOP_SHARE = 0.85;

class JsonataResourceError extends Error {}

function onEvaluateEntry(): Promise<void> | undefined {
  const guard = guards.getStore();
  if (guard === undefined || (++guard.nodes & 1023) !== 0) return undefined;
  const heap = getHeapStatistics();
  if (heap.used_heap_size > heap.heap_size_limit * HEAP_STOP_SHARE) {
    throw new JsonataResourceError(
      `the evaluation ran out of memory (over ${Math.round(HEAP_STOP_SHARE * 100)} % of the ${Math.round(heap.heap_size_limit / 2 ** 20)} MiB heap in use)`,
    );
  }
  if (guard.signal?.aborted) throw new ExecutionAbortedError();
  if (performance.now() - guard.lastTurn < YIELD_AFTER_MS) return undefined;
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      guard.lastTurn = performance.now();
      if (guard.signal?.aborted) reject(new ExecutionAbortedError());
      else resolve();
    }),
  );
}

export function compileJsonataExpression(text: string, where: string): CompiledJsonata {
  const body = JSONATA_STRING.exec(text)?.[1] ?? text;
  const shown = body.trim();
  let expr: jsonata.Expression;
  try {
    expr = jsonata(body, { ...JSONATA_BOUNDS });
    expr.assign(EVALUATE_ENTRY as unknown as string, onEvaluateEntry);
  } catch (e) {
    throw new QueryEvaluationError(
      `The JSONata expression '${shown}' specified for the field '${where}' is not valid JSONata: ${(e as Error).message}`,
    );
  }
  return async (env) => {
    const bindings: Record<string, unknown> = { ...env.variables(), ...stepFunctionsFunctions(env), states: env.states };
    let result: unknown;
    try {
      result = await guards.run({ signal: env.signal, nodes: 0, lastTurn: performance.now() }, () =>
        expr.evaluate(env.states.input, bindings),
      );
    } catch (e) {
      if (e instanceof StatesError || e instanceof ExecutionAbortedError) throw e;
      const err = e as { message?: string; code?: string };
      throw new QueryEvaluationError(
        queryEvaluationCause(
          env,
          `The JSONata expression '${shown}' specified for the field '${where}' threw an error during evaluation. ${err.code ? err.code + ": " : ""}${err.message ?? String(e)}`,
        ),
      );
    }
    return toJson(result, shown, where, env);
  };
}

/** Compiles a JSON value whose strings may be `{% %}` expressions (at any depth). */
export function compileJsonataValue(value: JsonValue, where: string): CompiledJsonata {
  compileCount.jsonata++;
  if (!hasJsonata(value)) return async () => value;
  if (typeof value === "string") return compileJsonataExpression(value, where);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileJsonataValue(v, `${where}[${i}]`));
    return async (env) => {
      const out: JsonValue[] = [];
      for (const f of items) out.push(await f(env));
      return out;
    };
  }
  const obj = value as JsonObject;
  const fields = Object.keys(obj).map((k) => ({ key: k, eval: compileJsonataValue(obj[k], `${where}/${k}`) }));
  return async (env) => {
    const out: JsonObject = {};
    for (const f of fields) out[f.key] = await f.eval(env);
    return out;
  };
}
