/**
 * JSONPath as Step Functions uses it, compiled once per definition.
 *
 * Reference paths (`$.a.b[0]`, `$['x y']`, `$$.Map.Item.Value`, `$myVar.field`) are compiled by hand
 * into a segment list and walked with no allocation: they are what InputPath, ResultPath, OutputPath,
 * ItemsPath and most `.$` fields use, so they are the hot path. Anything else (`..`, `*`, filters,
 * slices, unions) goes to jsonpath-plus and yields an array of matches, as AWS does for indefinite
 * paths. https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 */
import { JSONPath } from "jsonpath-plus";
import type { JsonObject, JsonValue } from "../../asl/types";
import { compileCount } from "../compile-count";
import { ResultPathMatchFailureError, RuntimeError } from "../model/errors";

export type PathSegment = string | number;

/** What a path can read besides the state input: the context object and workflow variables. */
export interface PathEnv {
  context(): JsonValue;
  variable(name: string): JsonValue | undefined;
}

export interface CompiledPath {
  readonly source: string;
  /** True when the path selects at most one node (reference path); false when it yields a match list. */
  readonly definite: boolean;
  /** The selected value, or `undefined` when a definite path matches nothing. */
  evaluate(input: JsonValue, env: PathEnv): JsonValue | undefined;
}

type Root = { kind: "input" } | { kind: "context" } | { kind: "variable"; name: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits `$...`, `$$...` or `$name...` into its root and the rest of the path. */
function splitRoot(path: string): { root: Root; rest: string } | null {
  if (path.startsWith("$$")) return { root: { kind: "context" }, rest: path.slice(2) };
  if (!path.startsWith("$")) return null;
  const ident = IDENT.exec(path.slice(1));
  if (ident) return { root: { kind: "variable", name: ident[0] }, rest: path.slice(1 + ident[0].length) };
  return { root: { kind: "input" }, rest: path.slice(1) };
}

/** Parses the part after the root into plain segments, or null when it is not a reference path. */
export function parseSegments(rest: string): PathSegment[] | null {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < rest.length) {
    const c = rest[i];
    if (c === ".") {
      if (rest[i + 1] === ".") return null;
      // Jayway reads `$.[0]` and `$.['a']` as the bracket alone.
      if (rest[i + 1] === "[") {
        i += 1;
        continue;
      }
      const m = /^[^.[\]*?@,:()'"\s]+/.exec(rest.slice(i + 1));
      if (!m) return null;
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === "[") {
      const close = rest.indexOf("]", i);
      if (close < 0) return null;
      const inner = rest.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) segments.push(inner.slice(1, -1));
      else return null;
      i = close + 1;
    } else {
      return null;
    }
  }
  return segments;
}

export function walk(value: JsonValue | undefined, segments: readonly PathSegment[]): JsonValue | undefined {
  let current = value;
  for (let i = 0; i < segments.length; i++) {
    if (current === null || typeof current !== "object") return undefined;
    const seg = segments[i];
    if (Array.isArray(current)) {
      if (typeof seg !== "number") return undefined;
      current = current[seg];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, seg)) return undefined;
      current = (current as JsonObject)[seg as string];
    }
  }
  return current;
}

function rootValue(root: Root, input: JsonValue, env: PathEnv): JsonValue | undefined {
  switch (root.kind) {
    case "input":
      return input;
    case "context":
      return env.context();
    case "variable":
      return env.variable(root.name);
  }
}

const cache = new Map<string, CompiledPath>();

/** Compiles a path once; the same string always yields the same compiled path. */
export function compilePath(path: string): CompiledPath {
  const hit = cache.get(path);
  if (hit) return hit;
  const compiled = compileUncached(path);
  cache.set(path, compiled);
  return compiled;
}

/**
 * Jayway JsonPath functions at the end of a path (https://github.com/json-path/JsonPath#functions),
 * which Step Functions' Paths accept (`$.items.length()`); applied to what the path before selects.
 */
const JAYWAY_FUNCTION = /^(.*)\.(length|size|min|max|avg|stddev|sum|keys|first|last)\(\)$/;

function numbers(fn: string, v: JsonValue | undefined, path: string): number[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "number")) {
    throw new RuntimeError(`Invalid path '${path}': ${fn}() needs a non-empty array of numbers`);
  }
  return v as number[];
}

function applyFunction(fn: string, v: JsonValue | undefined, path: string): JsonValue | undefined {
  if (v === undefined) return undefined;
  switch (fn) {
    case "length":
    case "size":
      if (Array.isArray(v) || typeof v === "string") return v.length;
      if (v !== null && typeof v === "object") return Object.keys(v).length;
      throw new RuntimeError(`Invalid path '${path}': ${fn}() needs an array, a string or an object`);
    case "keys":
      if (v !== null && typeof v === "object" && !Array.isArray(v)) return Object.keys(v);
      throw new RuntimeError(`Invalid path '${path}': keys() needs an object`);
    case "first":
    case "last":
      if (!Array.isArray(v)) throw new RuntimeError(`Invalid path '${path}': ${fn}() needs an array`);
      return fn === "first" ? v[0] : v[v.length - 1];
    case "min":
      return Math.min(...numbers(fn, v, path));
    case "max":
      return Math.max(...numbers(fn, v, path));
    case "sum":
      return numbers(fn, v, path).reduce((a, b) => a + b, 0);
    case "avg": {
      const n = numbers(fn, v, path);
      return n.reduce((a, b) => a + b, 0) / n.length;
    }
    default: {
      const n = numbers(fn, v, path);
      const mean = n.reduce((a, b) => a + b, 0) / n.length;
      return Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    }
  }
}

function compileUncached(path: string): CompiledPath {
  compileCount.paths++;
  const fn = JAYWAY_FUNCTION.exec(path);
  if (fn) {
    const base = compilePath(fn[1]!);
    const name = fn[2]!;
    return { source: path, definite: true, evaluate: (input, env) => applyFunction(name, base.evaluate(input, env), path) };
  }
  const split = splitRoot(path);
  if (!split) throw new RuntimeError(`Invalid path '${path}': a path must start with '$'`);
  const { root, rest } = split;
  const segments = parseSegments(rest);
  if (segments) {
    if (segments.length === 0 && root.kind === "input") {
      return { source: path, definite: true, evaluate: (input) => input };
    }
    return { source: path, definite: true, evaluate: (input, env) => walk(rootValue(root, input, env), segments) };
  }
  // Indefinite path: let jsonpath-plus walk it and return every match, in document order.
  const jsonPathForLibrary =
    "$" +
    rest
      .replace(/^\.\[/, "[")
      .replace(/\.\.\[/g, "..[")
      .replace(/([^.])\.\[/g, "$1[");
  return {
    source: path,
    definite: false,
    evaluate(input, env) {
      const base = rootValue(root, input, env);
      if (base === undefined) return undefined;
      try {
        const matches = JSONPath({ path: jsonPathForLibrary, json: base as object, wrap: true, eval: "safe" }) as JsonValue[];
        return matches;
      } catch (e) {
        throw new RuntimeError(`Invalid path '${path}': ${(e as Error).message}`);
      }
    },
  };
}

/** Compiles a ResultPath (reference path on the state input only) into its segments. */
export function compileResultPath(path: string): PathSegment[] {
  const split = splitRoot(path);
  const segments = split && split.root.kind === "input" ? parseSegments(split.rest) : null;
  if (!segments) throw new RuntimeError(`Invalid ResultPath '${path}': must be a reference path on '$'`);
  return segments;
}

/**
 * Puts `value` into `input` at `segments`, copying only the containers on the way (the input is
 * never mutated) and creating missing objects, as ResultPath does.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
 */
export function setAtPath(input: JsonValue, segments: readonly PathSegment[], value: JsonValue, pathText: string): JsonValue {
  if (segments.length === 0) return value;
  const put = (container: JsonValue | undefined, depth: number): JsonValue => {
    const seg = segments[depth];
    const last = depth === segments.length - 1;
    if (container === undefined) container = {};
    if (container === null || typeof container !== "object") {
      throw new ResultPathMatchFailureError(
        `Unable to apply ResultPath '${pathText}' to input: the value at segment '${String(seg)}' is not a JSON object`,
      );
    }
    if (Array.isArray(container)) {
      if (typeof seg !== "number" || seg >= container.length) {
        throw new ResultPathMatchFailureError(`Unable to apply ResultPath '${pathText}': index '${String(seg)}' is not in the array`);
      }
      const copy = container.slice();
      copy[seg] = last ? value : put(container[seg], depth + 1);
      return copy;
    }
    const key = String(seg);
    const copy: JsonObject = { ...container };
    copy[key] = last ? value : put(Object.prototype.hasOwnProperty.call(container, key) ? container[key] : undefined, depth + 1);
    return copy;
  };
  if (input === null || typeof input !== "object") {
    throw new ResultPathMatchFailureError(
      `Unable to apply ResultPath '${pathText}' to input ${JSON.stringify(input)}: the input is not a JSON object`,
    );
  }
  return put(input, 0);
}
