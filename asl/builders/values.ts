/**
 * Dynamic values: how a builder field says "take this from the state's data" instead of a literal.
 *
 * `path("$.x")` is JSONPath (it renders as `Key.$` in payload templates, or as the `...Path` twin of
 * a numeric field); `jsonata("expr")` is JSONata (it renders as `"{% expr %}"`). Anything else is a
 * literal. Which of the two is allowed depends on the query language of the state that renders it;
 * a mismatch is a BuilderError naming the state and the field.
 */
import type { JsonObject, JsonValue, JsonataString, QueryLanguage } from "../types";
import { BuilderError } from "./errors";

/** A JSONPath reference path, a context path (`$$.`), or a variable (`$name`). */
export type JsonPathString = `$${string}`;

/**
 * A value read from the state's input, context object or variables with JSONPath. `T` documents what
 * the path should yield; it is not checked (a path's result is only known at run time), so any
 * PathValue fits any field that accepts one.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface PathValue<T = unknown> {
  readonly kind: "path";
  readonly path: string;
}

/** A value computed by a JSONata expression. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface JsonataValue<T = unknown> {
  readonly kind: "jsonata";
  readonly expression: string;
}

/** A JSONPath intrinsic function call such as `States.Format('{}', $.x)`: only valid in payload templates. */
export interface IntrinsicValue {
  readonly kind: "intrinsic";
  readonly call: string;
}

export type Dynamic<T = unknown> = PathValue<T> | JsonataValue<T>;

/** A field that is either a literal T or computed at run time. */
export type ValueOrDynamic<T> = T | Dynamic<T>;

/** Reads a value with JSONPath: `path("$.bucket")`, `path("$$.Execution.Id")`, `path("$myVariable")`. */
export function path<T = unknown>(jsonPath: JsonPathString): PathValue<T> {
  if (typeof jsonPath !== "string" || !jsonPath.startsWith("$")) {
    throw new BuilderError(`path(${JSON.stringify(jsonPath)}): a JSONPath must start with "$" (e.g. "$.bucket", "$$.Execution.Id")`);
  }
  return Object.freeze({ kind: "path", path: jsonPath }) as PathValue<T>;
}

/** Computes a value with JSONata: `jsonata("$states.input.bucket")`; the `{% %}` wrapper is added (or kept if present). */
export function jsonata<T = unknown>(expression: string): JsonataValue<T> {
  if (typeof expression !== "string") throw new BuilderError(`jsonata(...): the expression must be a string`);
  const trimmed = expression.trim();
  const inner = trimmed.startsWith("{%") && trimmed.endsWith("%}") ? trimmed.slice(2, -2).trim() : trimmed;
  if (inner.length === 0) throw new BuilderError(`jsonata(${JSON.stringify(expression)}): the expression is empty`);
  return Object.freeze({ kind: "jsonata", expression: inner }) as JsonataValue<T>;
}

/** An intrinsic function call for JSONPath payload templates: `intrinsic("States.Format('{}', $.id)")`. */
export function intrinsic(call: `States.${string}`): IntrinsicValue {
  if (typeof call !== "string" || !/^States\.[A-Za-z0-9]+\(.*\)$/s.test(call)) {
    throw new BuilderError(`intrinsic(${JSON.stringify(call)}): expected a call like "States.Format('{}', $.x)"`);
  }
  return Object.freeze({ kind: "intrinsic", call });
}

export function isPathValue(v: unknown): v is PathValue {
  return (
    typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "path" && typeof (v as { path?: unknown }).path === "string"
  );
}
export function isJsonataValue(v: unknown): v is JsonataValue {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { kind?: unknown }).kind === "jsonata" &&
    typeof (v as { expression?: unknown }).expression === "string"
  );
}
export function isIntrinsicValue(v: unknown): v is IntrinsicValue {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { kind?: unknown }).kind === "intrinsic" &&
    typeof (v as { call?: unknown }).call === "string"
  );
}

export function jsonataString(v: JsonataValue): JsonataString {
  return `{% ${v.expression} %}`;
}

/**
 * A payload template as the builders accept it: JSON where any value may be a path(), jsonata() or
 * intrinsic() placeholder. Rendered per query language by `renderTemplate`.
 */
export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | PathValue
  | JsonataValue
  | IntrinsicValue
  | readonly TemplateValue[]
  | { readonly [key: string]: TemplateValue | undefined };

export type Template = { readonly [key: string]: TemplateValue | undefined };

/** Where a value is being rendered, for error messages: e.g. `state "MapData" field ItemSelector`. */
export interface RenderSite {
  readonly state: string;
  readonly field: string;
  readonly queryLanguage: QueryLanguage;
}

function describe(site: RenderSite, key: string): string {
  return `state "${site.state}" field ${site.field}${key ? "." + key : ""}`;
}

/**
 * Renders a template object. JSONPath scope: `path()` → `"Key.$": "$.x"`, `intrinsic()` →
 * `"Key.$": "States.Format(...)"`. JSONata scope: `jsonata()` → `"{% expr %}"`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 * ("For key-value pairs where the value is selected using a path, the key name must end in .$")
 */
export function renderTemplate(template: Template, site: RenderSite, keyPath = ""): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (value === undefined) continue;
    const here = keyPath ? `${keyPath}.${key}` : key;
    if (isPathValue(value) || isIntrinsicValue(value)) {
      if (site.queryLanguage !== "JSONPath") {
        throw new BuilderError(
          `${describe(site, here)}: path()/intrinsic() values need the JSONPath query language; this state uses JSONata (use jsonata(...))`,
        );
      }
      if (key.endsWith(".$")) throw new BuilderError(`${describe(site, here)}: do not write ".$" yourself; path() adds it`);
      out[`${key}.$`] = isPathValue(value) ? value.path : value.call;
    } else {
      if (site.queryLanguage === "JSONPath" && key.endsWith(".$") && typeof value === "string") {
        // A hand-written `"Key.$": "$.x"` is legal ASL; keep it as written.
        out[key] = value;
        continue;
      }
      out[key] = renderTemplateValue(value, site, here);
    }
  }
  return out;
}

/** Renders one template value (not in key position). */
export function renderTemplateValue(value: TemplateValue, site: RenderSite, keyPath: string): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new BuilderError(`${describe(site, keyPath)}: ${value} is not a JSON number`);
    }
    return value;
  }
  if (isJsonataValue(value)) {
    if (site.queryLanguage !== "JSONata") {
      throw new BuilderError(
        `${describe(site, keyPath)}: jsonata() values need the JSONata query language; this state uses JSONPath (use path(...), or set queryLanguage: "JSONata")`,
      );
    }
    return jsonataString(value);
  }
  if (isPathValue(value) || isIntrinsicValue(value)) {
    if (site.queryLanguage !== "JSONPath") {
      throw new BuilderError(
        `${describe(site, keyPath)}: path()/intrinsic() values need the JSONPath query language; this state uses JSONata (use jsonata(...))`,
      );
    }
    throw new BuilderError(
      `${describe(site, keyPath)}: a path() can only be the value of an object key (it renders as "Key.$"); wrap it in an object`,
    );
  }
  if (typeof value !== "object") {
    throw new BuilderError(`${describe(site, keyPath)}: ${typeof value} is not a JSON value`);
  }
  if (Array.isArray(value)) {
    return (value as readonly TemplateValue[]).map((v, i) => renderTemplateValue(v, site, `${keyPath}[${i}]`));
  }
  return renderTemplate(value as Template, site, keyPath);
}

/**
 * Renders a scalar field that has a `...Path` twin (MaxConcurrency / MaxConcurrencyPath, ...):
 * a literal goes to `Field`, a path() to `FieldPath`, a jsonata() to `Field` as `{% %}`.
 * Returns the entries to spread into the state, so a field and its twin can never both appear.
 */
export function renderTwin<T extends JsonValue>(field: string, value: ValueOrDynamic<T> | undefined, site: RenderSite): JsonObject {
  if (value === undefined) return {};
  if (isPathValue(value)) {
    if (site.queryLanguage !== "JSONPath") {
      throw new BuilderError(
        `state "${site.state}" field ${field}: path() needs the JSONPath query language; this state uses JSONata (use jsonata(...))`,
      );
    }
    return { [`${field}Path`]: value.path };
  }
  if (isJsonataValue(value)) {
    if (site.queryLanguage !== "JSONata") {
      throw new BuilderError(
        `state "${site.state}" field ${field}: jsonata() needs the JSONata query language; this state uses JSONPath (use path(...))`,
      );
    }
    return { [field]: jsonataString(value) };
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new BuilderError(`state "${site.state}" field ${field}: ${value} is not a JSON number`);
  }
  return { [field]: value as JsonValue };
}

/**
 * Copies a literal JSON value into plain objects and arrays, so the rendered definition shares nothing
 * with the caller's objects (mutating one never changes the other) and holds only JSON.
 */
export function cloneJson(value: JsonValue, where: string): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new BuilderError(`${where}: ${value} is not a JSON number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => cloneJson(v, `${where}[${i}]`));
  if (typeof value === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = cloneJson(v, `${where}.${k}`);
    }
    return out;
  }
  throw new BuilderError(`${where}: ${typeof value} is not a JSON value`);
}
