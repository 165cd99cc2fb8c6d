/**
 * JSONPath payload templates (Parameters, ItemSelector, ResultSelector, Assign, ItemReader
 * Parameters, ...), compiled once. Keys ending in `.$` take a path or an intrinsic call; everything
 * else is copied as is. Static sub-trees are built once and shared: the engine never mutates a value
 * after it is made, and handlers get their own copy.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import { compileCount } from "../compile-count";
import { RuntimeError } from "../model/errors";
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
  return objectBuilder(
    fields.map((f) => f.key),
    fields.map((f) => f.eval),
  );
}

/**
 * Builds the object of a template's fields with a function made for this template: an object
 * literal of its keys, so each template's objects get their own shape and their own property
 * stores (measured: the template was the largest self time of a Distributed Map child in
 * `npm run bench -- profile`; a shared closure storing `out[key]` saw every template's keys). The
 * keys enter the source as JSON string literals; `__proto__`, which a literal would read as the
 * prototype, takes the generic path.
 */
function objectBuilder(keys: string[], evals: CompiledTemplate[]): CompiledTemplate {
  const n = keys.length;
  if (n > 0 && n <= MAX_LITERAL_FIELDS && !keys.includes("__proto__")) {
    const params = evals.map((_, i) => `f${i}`);
    const fields = keys.map((k, i) => `${JSON.stringify(k)}: f${i}(input, env)`).join(", ");
    const make = new Function(...params, `"use strict"; return function template(input, env) { return { ${fields} }; };`) as (
      ...f: CompiledTemplate[]
    ) => CompiledTemplate;
    return make(...evals);
  }
  return (input, env) => {
    const out: JsonObject = {};
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const value = evals[i]!(input, env);
      // An own field named `__proto__`, as JSON.parse makes it (assigning it would set the prototype).
      if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  };
}

/** Templates up to this many fields get a function of their own (larger ones are rare, and a literal of hundreds of fields gains nothing). */
const MAX_LITERAL_FIELDS = 32;

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
