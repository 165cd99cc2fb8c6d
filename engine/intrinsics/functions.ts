/**
 * The States.* intrinsic functions, with the argument rules AWS documents; any violation is
 * States.IntrinsicFailure. https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
import { seededRandom } from "../model/random";
import { createHash, randomUUID } from "node:crypto";
import type { JsonObject, JsonValue } from "../../asl/types";
import { IntrinsicFailureError } from "../model/errors";
import { deepEqual } from "../json/equal";

export interface IntrinsicRuntime {
  /** Seedable random in [0, 1). */
  random(): number;
}

type Impl = (args: JsonValue[], rt: IntrinsicRuntime, raw: { formatTemplate?: string }) => JsonValue;

const fail = (fn: string, message: string): never => {
  throw new IntrinsicFailureError(`Invalid arguments in ${fn}: ${message}`);
};

function arity(fn: string, args: JsonValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    fail(fn, `expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`);
  }
}

function isInteger(v: JsonValue): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

function asArray(fn: string, v: JsonValue, what = "first argument"): JsonValue[] {
  if (!Array.isArray(v)) fail(fn, `${what} must be an array`);
  return v as JsonValue[];
}

function asString(fn: string, v: JsonValue, what = "argument"): string {
  if (typeof v !== "string") fail(fn, `${what} must be a string`);
  return v as string;
}

/** AWS caps the string inputs of Base64Encode/Decode and Hash at 10,000 characters. */
const MAX_STRING_CHARS = 10_000;
/** "The array ... can contain a maximum of 1000 elements" (States.ArrayRange). */
const MAX_RANGE_ITEMS = 1000;

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: "md5",
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

/**
 * How States.Format prints a value into its template. Step Functions is a Java service and prints
 * an object or array argument the way Java's Map/List toString does, not as JSON: `{a=1, b=[1, 2]}`
 * (keys unquoted, `=` and `, ` separators, strings bare). Numbers print as JSON numbers.
 */
export function formatValue(v: JsonValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (typeof v === "object")
    return `{${Object.keys(v)
      .map((k) => `${k}=${formatValue(v[k] as JsonValue)}`)
      .join(", ")}}`;
  return String(v);
}

const impls: Record<string, Impl> = {
  "States.Format": (args, _rt, raw) => {
    if (args.length < 1) fail("States.Format", "expected a template string");
    const template = raw.formatTemplate ?? asString("States.Format", args[0], "the template");
    const values = args.slice(1);
    let out = "";
    let used = 0;
    for (let i = 0; i < template.length; i++) {
      const c = template[i];
      if (c === "\\" && (template[i + 1] === "{" || template[i + 1] === "}" || template[i + 1] === "\\")) {
        out += template[i + 1];
        i++;
      } else if (c === "{" && template[i + 1] === "}") {
        if (used >= values.length) fail("States.Format", "more {} placeholders than arguments");
        out += formatValue(values[used++] as JsonValue);
        i++;
      } else {
        out += c;
      }
    }
    if (used !== values.length)
      fail("States.Format", `the template has ${used} placeholder(s) but ${values.length} argument(s) were given`);
    return out;
  },
  "States.StringToJson": (args) => {
    arity("States.StringToJson", args, 1);
    const s = asString("States.StringToJson", args[0]);
    // An empty string parses to null on AWS (its Java JSON reader reads no value as null).
    if (s.trim() === "") return null;
    try {
      return JSON.parse(s) as JsonValue;
    } catch {
      return fail("States.StringToJson", `'${s}' is not valid JSON`);
    }
  },
  "States.JsonToString": (args) => {
    arity("States.JsonToString", args, 1);
    return JSON.stringify(args[0]);
  },
  "States.Array": (args) => args.slice(),
  "States.ArrayPartition": (args) => {
    arity("States.ArrayPartition", args, 2);
    const arr = asArray("States.ArrayPartition", args[0]);
    const size = args[1];
    if (!isInteger(size) || size <= 0) fail("States.ArrayPartition", "chunk size must be a positive integer");
    const out: JsonValue[] = [];
    for (let i = 0; i < arr.length; i += size as number) out.push(arr.slice(i, i + (size as number)));
    return out;
  },
  "States.ArrayContains": (args) => {
    arity("States.ArrayContains", args, 2);
    const arr = asArray("States.ArrayContains", args[0]);
    return arr.some((v) => deepEqual(v, args[1]));
  },
  "States.ArrayRange": (args) => {
    arity("States.ArrayRange", args, 3);
    const [start, end, step] = args;
    if (!isInteger(start) || !isInteger(end) || !isInteger(step)) fail("States.ArrayRange", "start, end and step must be integers");
    if (step === 0) fail("States.ArrayRange", "step must not be 0");
    const out: number[] = [];
    const s = start as number,
      e = end as number,
      st = step as number;
    for (let v = s; st > 0 ? v <= e : v >= e; v += st) {
      out.push(v);
      if (out.length > MAX_RANGE_ITEMS) fail("States.ArrayRange", `the result would exceed ${MAX_RANGE_ITEMS} items`);
    }
    return out;
  },
  "States.ArrayGetItem": (args) => {
    arity("States.ArrayGetItem", args, 2);
    const arr = asArray("States.ArrayGetItem", args[0]);
    const index = args[1];
    if (!isInteger(index) || index < 0) fail("States.ArrayGetItem", "index must be a non-negative integer");
    if ((index as number) >= arr.length) fail("States.ArrayGetItem", `index ${index} is out of bounds for an array of ${arr.length}`);
    return arr[index as number];
  },
  "States.ArrayLength": (args) => {
    arity("States.ArrayLength", args, 1);
    return asArray("States.ArrayLength", args[0]).length;
  },
  "States.ArrayUnique": (args) => {
    arity("States.ArrayUnique", args, 1);
    const out: JsonValue[] = [];
    for (const v of asArray("States.ArrayUnique", args[0])) if (!out.some((u) => deepEqual(u, v))) out.push(v);
    return out;
  },
  "States.Base64Encode": (args) => {
    arity("States.Base64Encode", args, 1);
    const s = asString("States.Base64Encode", args[0]);
    if (s.length > MAX_STRING_CHARS) fail("States.Base64Encode", `input is longer than ${MAX_STRING_CHARS} characters`);
    return Buffer.from(s, "utf8").toString("base64");
  },
  "States.Base64Decode": (args) => {
    arity("States.Base64Decode", args, 1);
    const s = asString("States.Base64Decode", args[0]);
    if (s.length > MAX_STRING_CHARS) fail("States.Base64Decode", `input is longer than ${MAX_STRING_CHARS} characters`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) fail("States.Base64Decode", "input is not valid base64");
    return Buffer.from(s, "base64").toString("utf8");
  },
  "States.Hash": (args) => {
    arity("States.Hash", args, 2);
    const data = args[0];
    const algorithm = asString("States.Hash", args[1], "the algorithm");
    const node = HASH_ALGORITHMS[algorithm];
    if (!node) fail("States.Hash", `algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(", ")}`);
    const text = typeof data === "string" ? data : JSON.stringify(data);
    if (text.length > MAX_STRING_CHARS) fail("States.Hash", `input is longer than ${MAX_STRING_CHARS} characters`);
    return createHash(node).update(text, "utf8").digest("hex");
  },
  "States.JsonMerge": (args) => {
    arity("States.JsonMerge", args, 3);
    const [a, b, deep] = args;
    const isObj = (v: JsonValue) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (!isObj(a) || !isObj(b)) fail("States.JsonMerge", "the first two arguments must be JSON objects");
    // "States.JsonMerge ... only supports shallow merging; set the boolean to false."
    if (deep !== false) fail("States.JsonMerge", "the third argument must be false (only shallow merge is supported)");
    return { ...(a as JsonObject), ...(b as JsonObject) };
  },
  "States.MathRandom": (args, rt) => {
    arity("States.MathRandom", args, 2, 3);
    const [start, end, seed] = args;
    // AWS accepts decimal bounds: States.MathRandom(12.50, 44.51) succeeded in an execution recorded
    // on AWS (localstack/localstack tests/aws/services/stepfunctions/v2/intrinsic_functions/
    // test_math_operations.snapshot.json, test_math_random). The page only says "a random number
    // between the specified start and end number" (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-math-operation);
    // how decimals are used is not documented: here the bounds are truncated to integers.
    const finite = (v: JsonValue) => typeof v === "number" && Number.isFinite(v);
    if (!finite(start) || !finite(end)) fail("States.MathRandom", "start and end must be numbers");
    if (seed !== undefined && !isInteger(seed)) fail("States.MathRandom", "seed must be an integer");
    const s = Math.trunc(start as number),
      e = Math.trunc(end as number);
    if (e < s) fail("States.MathRandom", "end must not be less than start");
    const r = seed !== undefined ? seededUnit(seed as number) : rt.random();
    return s + Math.floor(r * (e - s + 1));
  },
  "States.MathAdd": (args) => {
    arity("States.MathAdd", args, 2);
    const [a, b] = args;
    // intrinsic-functions.html (States.MathAdd): decimal arguments are rounded to the nearest
    // integer before adding (Java's Math.round: halves go up, -1.5 -> -1, as JavaScript's does).
    if (typeof a !== "number" || typeof b !== "number" || !Number.isFinite(a) || !Number.isFinite(b))
      fail("States.MathAdd", "both arguments must be numbers");
    return Math.round(a as number) + Math.round(b as number);
  },
  "States.StringSplit": (args) => {
    arity("States.StringSplit", args, 2);
    const s = asString("States.StringSplit", args[0], "the string");
    const delimiters = asString("States.StringSplit", args[1], "the delimiter");
    if (delimiters.length === 0) return [s];
    // Every character of the delimiter argument splits; empty tokens are dropped (the doc's
    // example splits "This.is+a,test=string" on ".+,=" into five words).
    const out: string[] = [];
    let token = "";
    for (const ch of s) {
      if (delimiters.includes(ch)) {
        if (token) out.push(token);
        token = "";
      } else token += ch;
    }
    if (token) out.push(token);
    return out;
  },
  "States.UUID": (args, rt) => {
    arity("States.UUID", args, 0);
    return uuidFrom(rt);
  },
};

/** mulberry32 on the seed: same seed, same number, as AWS promises for a given seed. */
function seededUnit(seed: number): number {
  return seededRandom(seed)();
}

function uuidFrom(rt: IntrinsicRuntime): string {
  if (rt.random === Math.random) return randomUUID();
  const bytes = Array.from({ length: 16 }, () => Math.floor(rt.random() * 256));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function intrinsicImpl(name: string): Impl {
  const impl = impls[name];
  if (!impl) throw new IntrinsicFailureError(`Unknown intrinsic function '${name}'`);
  return impl;
}
