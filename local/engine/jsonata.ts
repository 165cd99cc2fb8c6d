/**
 * JSONata fields (`{% expr %}` strings anywhere inside Arguments, Output, Assign, Items, ...),
 * parsed once per definition. `$states` carries input/result/errorOutput/context, workflow
 * variables are bindings, and the functions Step Functions adds ($partition, $range, $hash, $random,
 * $uuid, $parse) are registered. https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
import jsonata from "jsonata";
import type { JsonObject, JsonValue } from "../../asl/types";
import { QueryEvaluationError, StatesError } from "./errors";
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
}

export type CompiledJsonata = (env: JsonataEnv) => Promise<JsonValue>;

const JSONATA_STRING = /^\s*\{%([\s\S]*)%\}\s*$/;

export function isJsonataString(v: unknown): v is string {
  return typeof v === "string" && JSONATA_STRING.test(v);
}

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
    range: (start: JsonValue, end: JsonValue, step: JsonValue) => call("States.ArrayRange", [start, end, step]),
    hash: (data: JsonValue, algorithm: JsonValue) => call("States.Hash", [data, algorithm]),
    random: (seed?: JsonValue) => (typeof seed === "number" ? call("States.MathRandom", [0, 2 ** 31 - 2, seed]) as number / (2 ** 31 - 1) : rt.random()),
    uuid: () => call("States.UUID", []),
    parse: (text: JsonValue) => call("States.StringToJson", [text]),
  };
}

/** Makes a JSONata result plain JSON (sequences carry extra flags; functions are not JSON). */
function toJson(value: unknown, where: string): JsonValue {
  if (value === undefined) throw new QueryEvaluationError(`The JSONata expression in ${where} returned no value`);
  if (typeof value === "function") throw new QueryEvaluationError(`The JSONata expression in ${where} returned a function`);
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new QueryEvaluationError(`The JSONata expression in ${where} returned a non-finite number`);
    return value as JsonValue;
  }
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

export function compileJsonataExpression(text: string, where: string): CompiledJsonata {
  const body = JSONATA_STRING.exec(text)?.[1] ?? text;
  let expr: jsonata.Expression;
  try {
    expr = jsonata(body);
  } catch (e) {
    throw new QueryEvaluationError(`Invalid JSONata expression in ${where}: ${(e as Error).message}`);
  }
  return async (env) => {
    const bindings: Record<string, unknown> = { ...env.variables(), ...stepFunctionsFunctions(env), states: env.states };
    let result: unknown;
    try {
      result = await expr.evaluate(env.states.input, bindings);
    } catch (e) {
      if (e instanceof StatesError) throw e;
      const err = e as { message?: string; code?: string };
      throw new QueryEvaluationError(`An error occurred while evaluating the JSONata expression in ${where}: ${err.code ? err.code + ": " : ""}${err.message ?? String(e)}`);
    }
    return toJson(result, where);
  };
}

/** Compiles a JSON value whose strings may be `{% %}` expressions (at any depth). */
export function compileJsonataValue(value: JsonValue, where: string): CompiledJsonata {
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
  const fields = Object.keys(obj).map((k) => ({ key: k, eval: compileJsonataValue(obj[k], `${where}.${k}`) }));
  return async (env) => {
    const out: JsonObject = {};
    for (const f of fields) out[f.key] = await f.eval(env);
    return out;
  };
}
