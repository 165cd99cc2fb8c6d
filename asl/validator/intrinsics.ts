/**
 * Syntax, name and argument-count checks for JSONPath intrinsic functions (`States.Format(...)` etc.).
 *
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 * - "Intrinsic functions are only available to states that use the JSONPath query language."
 * - "You can nest up to 10 intrinsic functions within a field in your workflows."
 * - Arguments are string literals in single quotes (with `\'`, `\{`, `\}`, `\\` escapes), numbers,
 *   paths, or other intrinsic functions.
 */
import { formatPlaceholderCount, IntrinsicSyntaxError, parseIntrinsic, type IntrinsicArg, type IntrinsicCall } from "../intrinsics";
import { checkPath } from "./jsonpath";
import { CODES } from "./codes";

/** Argument counts as documented per function: [min, max]; max Infinity means variadic. */
export const INTRINSIC_ARITY: Readonly<Record<string, readonly [number, number]>> = {
  "States.Format": [1, Infinity],
  "States.StringToJson": [1, 1],
  "States.JsonToString": [1, 1],
  "States.Array": [0, Infinity],
  "States.ArrayPartition": [2, 2],
  "States.ArrayContains": [2, 2],
  "States.ArrayRange": [3, 3],
  "States.ArrayGetItem": [2, 2],
  "States.ArrayLength": [1, 1],
  "States.ArrayUnique": [1, 1],
  "States.Base64Encode": [1, 1],
  "States.Base64Decode": [1, 1],
  "States.Hash": [2, 2],
  "States.JsonMerge": [3, 3],
  "States.MathRandom": [2, 3],
  "States.MathAdd": [2, 2],
  "States.StringSplit": [2, 2],
  "States.UUID": [0, 0],
};

type ArgType = "string" | "number" | "boolean" | "array" | "object" | "any";

/**
 * The JSON type each argument must have, per the function's "Validation" notes on
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html (e.g. States.MathAdd
 * "You must specify integer values for both the arguments", States.StringSplit takes two strings,
 * States.ArrayLength an array). Only literals and nested calls have a type known before the run;
 * paths are checked by the engine.
 */
const PARAMS: Readonly<Record<string, readonly ArgType[] | { rest: ArgType; first?: ArgType }>> = {
  "States.Format": { first: "string", rest: "any" },
  "States.StringToJson": ["string"],
  "States.JsonToString": ["any"],
  "States.Array": { rest: "any" },
  "States.ArrayPartition": ["array", "number"],
  "States.ArrayContains": ["array", "any"],
  "States.ArrayRange": ["number", "number", "number"],
  "States.ArrayGetItem": ["array", "number"],
  "States.ArrayLength": ["array"],
  "States.ArrayUnique": ["array"],
  "States.Base64Encode": ["string"],
  "States.Base64Decode": ["string"],
  "States.Hash": ["any", "string"],
  "States.JsonMerge": ["object", "object", "boolean"],
  "States.MathRandom": ["number", "number", "number"],
  "States.MathAdd": ["number", "number"],
  "States.StringSplit": ["string", "string"],
  "States.UUID": [],
};

/** What each function returns, for a call nested as another's argument. */
const RETURNS: Readonly<Record<string, ArgType>> = {
  "States.Format": "string",
  "States.StringToJson": "any",
  "States.JsonToString": "string",
  "States.Array": "array",
  "States.ArrayPartition": "array",
  "States.ArrayContains": "boolean",
  "States.ArrayRange": "array",
  "States.ArrayGetItem": "any",
  "States.ArrayLength": "number",
  "States.ArrayUnique": "array",
  "States.Base64Encode": "string",
  "States.Base64Decode": "string",
  "States.Hash": "string",
  "States.JsonMerge": "object",
  "States.MathRandom": "number",
  "States.MathAdd": "number",
  "States.StringSplit": "array",
  "States.UUID": "string",
};

function staticType(a: IntrinsicArg): ArgType | "null" {
  if (a.kind === "path") return "any";
  if (a.kind === "call") return RETURNS[a.call.name] ?? "any";
  if (a.value === null) return "null";
  return typeof a.value as "string" | "number" | "boolean";
}

function expectedType(name: string, i: number): ArgType {
  const p = PARAMS[name];
  if (!p) return "any";
  if (Array.isArray(p)) return p[i] ?? "any";
  const spec = p as { rest: ArgType; first?: ArgType };
  return i === 0 && spec.first ? spec.first : spec.rest;
}

const ORDINAL = ["first", "second", "third", "fourth"];

/** "The hashing algorithm ... MD5, SHA-1, SHA-256, SHA-384, SHA-512" (States.Hash). */
const HASH_ALGORITHMS = new Set(["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"]);

export interface IntrinsicProblem {
  code: string;
  message: string;
  severity: "ERROR" | "WARNING";
}

function checkCall(call: IntrinsicCall, out: IntrinsicProblem[]): void {
  const arity = INTRINSIC_ARITY[call.name];
  if (!arity) {
    out.push({
      code: CODES.INVALID_INTRINSIC_FUNCTION,
      severity: "ERROR",
      message: `${call.name} is not an intrinsic function; known: ${Object.keys(INTRINSIC_ARITY).join(", ")}`,
    });
  } else {
    const [min, max] = arity;
    const n = call.args.length;
    if (n < min || n > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      out.push({
        code: CODES.INVALID_INTRINSIC_ARGUMENTS,
        severity: "ERROR",
        message: `${call.name} takes ${want} argument${min === 1 && max === 1 ? "" : "s"}, got ${n}`,
      });
    }
    const first = stringLiteral(call.args[0]);
    const algorithm = stringLiteral(call.args[1]);
    if (call.name === "States.Hash" && algorithm !== undefined && !HASH_ALGORITHMS.has(algorithm)) {
      out.push({
        code: CODES.INVALID_INTRINSIC_ARGUMENTS,
        severity: "ERROR",
        message: `States.Hash algorithm must be one of ${[...HASH_ALGORITHMS].join(", ")}, got '${algorithm}'`,
      });
    }
    // "Step Functions only supports the shallow merging mode; therefore, you must specify the boolean value as false."
    const deep = call.args[2];
    if (call.name === "States.JsonMerge" && deep?.kind === "literal" && deep.value === true) {
      out.push({
        code: CODES.INVALID_INTRINSIC_ARGUMENTS,
        severity: "ERROR",
        message: "States.JsonMerge supports only shallow merging: its third argument must be false",
      });
    }
    // Input validation the guide lists; with literal arguments a violation fails every run, but the
    // guide does not say the definition is refused, so these are warnings.
    const literal = (a: IntrinsicArg | undefined) => (a?.kind === "literal" && typeof a.value === "number" ? a.value : undefined);
    if (call.name === "States.ArrayRange") {
      const [start, end, step] = call.args.map(literal);
      // "You must specify a non-zero value for the third argument."
      if (step === 0)
        out.push({
          code: CODES.INVALID_INTRINSIC_ARGUMENTS,
          severity: "WARNING",
          message: "States.ArrayRange step (third argument) must not be zero",
        });
      // "The newly generated array can't contain more than 1000 items."
      else if (start !== undefined && end !== undefined && step !== undefined && Math.floor((end - start) / step) + 1 > 1000) {
        out.push({
          code: CODES.INVALID_INTRINSIC_ARGUMENTS,
          severity: "WARNING",
          message: "States.ArrayRange would produce more than 1000 items",
        });
      }
    }
    // "You must specify a non-zero, positive integer for the second argument representing the chunk size value."
    const chunk = literal(call.args[1]);
    if (call.name === "States.ArrayPartition" && chunk !== undefined && chunk <= 0) {
      out.push({
        code: CODES.INVALID_INTRINSIC_ARGUMENTS,
        severity: "WARNING",
        message: "States.ArrayPartition chunk size (second argument) must be a positive integer",
      });
    }
    if (call.name === "States.Format" && first !== undefined) {
      const placeholders = formatPlaceholderCount(first);
      if (placeholders !== n - 1) {
        // The guide says each {} is replaced by the next argument; it does not say whether a mismatch
        // fails at definition time, so this stays a warning.
        out.push({
          code: CODES.INVALID_INTRINSIC_ARGUMENTS,
          severity: "WARNING",
          message: `States.Format template has ${placeholders} '{}' placeholder(s) but ${n - 1} value argument(s)`,
        });
      }
    }
  }
  call.args.forEach((a, i) => {
    const want = expectedType(call.name, i);
    const got = staticType(a);
    if (want !== "any" && got !== "any" && got !== want) {
      out.push({
        code: CODES.INVALID_INTRINSIC_ARGUMENTS,
        severity: "ERROR",
        message: `the ${ORDINAL[i] ?? `#${i + 1}`} argument of ${call.name} must be ${want === "array" || want === "object" ? "an" : "a"} ${want}; got ${a.kind === "call" ? `${a.call.name}(...), which returns a ${got}` : `the ${got} ${JSON.stringify(a.kind === "literal" ? a.value : null)}`}`,
      });
    }
  });
  for (const a of call.args) {
    if (a.kind === "call") checkCall(a.call, out);
    else if (a.kind === "path") {
      const r = checkPath(a.path);
      if (!r.ok)
        out.push({ code: CODES.INVALID_JSON_PATH, severity: "ERROR", message: `argument '${a.path}' of ${call.name}: ${r.message}` });
    }
  }
}

function stringLiteral(arg: IntrinsicArg | undefined): string | undefined {
  return arg?.kind === "literal" && typeof arg.value === "string" ? arg.value : undefined;
}

/** Checks one intrinsic-function expression (a whole `.$` value starting with `States.`). */
export function checkIntrinsic(expression: string): IntrinsicProblem[] {
  const out: IntrinsicProblem[] = [];
  let call: IntrinsicCall;
  try {
    call = parseIntrinsic(expression);
  } catch (e) {
    if (!(e instanceof IntrinsicSyntaxError)) throw e;
    out.push({ code: CODES.INVALID_INTRINSIC_FUNCTION, severity: "ERROR", message: e.message });
    return out;
  }
  checkCall(call, out);
  return out;
}
