/**
 * JSONPath payload templates (Parameters, ItemSelector, ResultSelector, Assign, ItemReader
 * Parameters, ...), compiled once. Keys ending in `.$` take a path or an intrinsic call; everything
 * else is copied as is. Static sub-trees are built once and shared: the engine never mutates a value
 * after it is made, and handlers get their own copy.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */
import type { JsonObject, JsonValue } from "../../../asl/types";
import { compileCount } from "../compile-count";
import { RuntimeError } from "../errors";
import { compileIntrinsic, isIntrinsic, type IntrinsicEnv } from "../intrinsics";
import { compilePath } from "./path";

export type CompiledTemplate = (input: JsonValue, env: IntrinsicEnv) => JsonValue;

/** True when the template has no `.$` key anywhere: its value never depends on the input. */
function isStatic(value: JsonValue): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(isStatic);
  return Object.keys(value).every((k) => !k.endsWith(".$") && isStatic(value[k]));
}

export function compileTemplate(template: JsonValue, stateName = ""): CompiledTemplate {
  compileCount.templates++;
  if (isStatic(template)) return () => template;
  if (Array.isArray(template)) {
    const items = template.map((t) => compileTemplate(t, stateName));
    return (input, env) => items.map((f) => f(input, env));
  }
  const obj = template as JsonObject;
  const fields: Array<{ key: string; eval: CompiledTemplate }> = [];
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (key.endsWith(".$")) {
      const outKey = key.slice(0, -2);
      if (typeof value !== "string") throw new RuntimeError(`The value of field '${key}' must be a path or an intrinsic function`);
      fields.push({ key: outKey, eval: compileDynamicValue(value, key, stateName) });
    } else {
      fields.push({ key, eval: compileTemplate(value, stateName) });
    }
  }
  return objectBuilder(fields.map((f) => f.key), fields.map((f) => f.eval));
}

/**
 * Builds the object of a template's fields. Templates of one to three fields (most Parameters and
 * ItemSelectors) get a closure each with its keys and evaluators in locals: no array reads per
 * field, and every object a template makes starts from the same shape (measured: the template was
 * the largest self time of a Distributed Map child in `npm run bench -- profile`).
 */
function objectBuilder(keys: string[], evals: CompiledTemplate[]): CompiledTemplate {
  const n = keys.length;
  if (n === 1) {
    const [k0] = keys as [string];
    const [f0] = evals as [CompiledTemplate];
    return (input, env) => {
      const out: JsonObject = {};
      out[k0] = f0(input, env);
      return out;
    };
  }
  if (n === 2) {
    const [k0, k1] = keys as [string, string];
    const [f0, f1] = evals as [CompiledTemplate, CompiledTemplate];
    return (input, env) => {
      const out: JsonObject = {};
      out[k0] = f0(input, env);
      out[k1] = f1(input, env);
      return out;
    };
  }
  if (n === 3) {
    const [k0, k1, k2] = keys as [string, string, string];
    const [f0, f1, f2] = evals as [CompiledTemplate, CompiledTemplate, CompiledTemplate];
    return (input, env) => {
      const out: JsonObject = {};
      out[k0] = f0(input, env);
      out[k1] = f1(input, env);
      out[k2] = f2(input, env);
      return out;
    };
  }
  return (input, env) => {
    const out: JsonObject = {};
    for (let i = 0; i < n; i++) out[keys[i]!] = evals[i]!(input, env);
    return out;
  };
}

/** A `.$` value: an intrinsic call, or a path whose absence is a runtime error naming the field. */
export function compileDynamicValue(text: string, fieldKey: string, stateName: string): CompiledTemplate {
  if (isIntrinsic(text)) return compileIntrinsic(text);
  const path = compilePath(text);
  return (input, env) => {
    const v = path.evaluate(input, env);
    if (v === undefined) {
      throw new RuntimeError(
        `An error occurred while executing the state '${stateName}'. The JSONPath '${text}' specified for the field '${fieldKey}' could not be found in the input '${JSON.stringify(input)}'`,
      );
    }
    return v;
  };
}
