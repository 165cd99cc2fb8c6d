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
  return (input, env) => {
    const out: JsonObject = {};
    for (let i = 0; i < fields.length; i++) out[fields[i].key] = fields[i].eval(input, env);
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
