/**
 * Syntax, name and argument-count checks for JSONPath intrinsic functions (`States.Format(...)` etc.).
 *
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 * - "Intrinsic functions are only available to states that use the JSONPath query language."
 * - "You can nest up to 10 intrinsic functions within a field in your workflows."
 * - Arguments are string literals in single quotes (with `\'`, `\{`, `\}`, `\\` escapes), numbers,
 *   paths, or other intrinsic functions.
 */
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

/** "The hashing algorithm ... MD5, SHA-1, SHA-256, SHA-384, SHA-512" (States.Hash). */
const HASH_ALGORITHMS = new Set(["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"]);
const MAX_NESTING = 10;

export interface IntrinsicProblem {
  code: string;
  message: string;
  severity: "ERROR" | "WARNING";
}

type Arg =
  | { kind: "string"; value: string }
  | { kind: "number" | "literal" | "path"; raw: string }
  | { kind: "call"; name: string; args: Arg[] };

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(message: string): never {
    throw new IntrinsicSyntaxError(`${message} at character ${this.i + 1} of '${this.s}'`);
  }

  ws(): void {
    while (this.s[this.i] === " ") this.i++;
  }

  call(depth: number): Arg {
    const m = /^States\.[A-Za-z0-9]+/.exec(this.s.slice(this.i));
    if (!m) this.fail("expected an intrinsic function name such as States.Format");
    const name = m[0];
    this.i += name.length;
    if (depth > MAX_NESTING) throw new IntrinsicSyntaxError(`intrinsic functions may be nested at most ${MAX_NESTING} deep`);
    if (this.s[this.i] !== "(") this.fail(`expected '(' after ${name}`);
    this.i++;
    const args: Arg[] = [];
    this.ws();
    if (this.s[this.i] === ")") {
      this.i++;
      return { kind: "call", name, args };
    }
    for (;;) {
      this.ws();
      args.push(this.arg(depth));
      this.ws();
      const c = this.s[this.i];
      if (c === ",") {
        this.i++;
        continue;
      }
      if (c === ")") {
        this.i++;
        return { kind: "call", name, args };
      }
      this.fail("expected ',' or ')'");
    }
  }

  arg(depth: number): Arg {
    const s = this.s;
    const c = s[this.i];
    if (c === "'") {
      let value = "";
      for (let j = this.i + 1; j < s.length; j++) {
        if (s[j] === "\\") {
          value += s[j + 1] ?? "";
          j++;
        } else if (s[j] === "'") {
          this.i = j + 1;
          return { kind: "string", value };
        } else value += s[j];
      }
      this.fail("unterminated string literal");
    }
    if (c === "$") {
      const start = this.i;
      let bracket = 0;
      while (this.i < s.length) {
        const d = s[this.i]!;
        if (d === "'" || d === '"') {
          const q = d;
          this.i++;
          while (this.i < s.length && s[this.i] !== q) this.i += s[this.i] === "\\" ? 2 : 1;
        } else if (d === "[" || d === "(") bracket++;
        else if (d === "]" || d === ")") {
          if (bracket === 0) break;
          bracket--;
        } else if (d === "," && bracket === 0) break;
        this.i++;
      }
      return { kind: "path", raw: s.slice(start, this.i).trimEnd() };
    }
    if (s.startsWith("States.", this.i)) return this.call(depth + 1);
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return { kind: /\d/.test(m[0]) ? "number" : "literal", raw: m[0] };
    }
    this.fail("expected a string in single quotes, a number, a path or an intrinsic function");
  }
}

class IntrinsicSyntaxError extends Error {}

function checkCall(call: Extract<Arg, { kind: "call" }>, out: IntrinsicProblem[]): void {
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
    const first = call.args[0];
    if (call.name === "States.Hash" && call.args[1]?.kind === "string" && !HASH_ALGORITHMS.has(call.args[1].value)) {
      out.push({
        code: CODES.INVALID_INTRINSIC_ARGUMENTS,
        severity: "ERROR",
        message: `States.Hash algorithm must be one of ${[...HASH_ALGORITHMS].join(", ")}, got '${call.args[1].value}'`,
      });
    }
    // "Step Functions only supports the shallow merging mode; therefore, you must specify the boolean value as false."
    const deep = call.args[2];
    if (call.name === "States.JsonMerge" && deep?.kind === "literal" && deep.raw === "true") {
      out.push({
        code: CODES.INVALID_INTRINSIC_ARGUMENTS,
        severity: "ERROR",
        message: "States.JsonMerge supports only shallow merging: its third argument must be false",
      });
    }
    // Input validation the guide lists; with literal arguments a violation fails every run, but the
    // guide does not say the definition is refused, so these are warnings.
    const literal = (a: Arg | undefined) => (a?.kind === "number" ? Number(a.raw) : undefined);
    if (call.name === "States.ArrayRange") {
      const [start, end, step] = call.args.map(literal);
      // "You must specify a non-zero value for the third argument."
      if (step === 0) out.push({ code: CODES.INVALID_INTRINSIC_ARGUMENTS, severity: "WARNING", message: "States.ArrayRange step (third argument) must not be zero" });
      // "The newly generated array can't contain more than 1000 items."
      else if (start !== undefined && end !== undefined && step !== undefined && Math.floor((end - start) / step) + 1 > 1000) {
        out.push({ code: CODES.INVALID_INTRINSIC_ARGUMENTS, severity: "WARNING", message: "States.ArrayRange would produce more than 1000 items" });
      }
    }
    // "You must specify a non-zero, positive integer for the second argument representing the chunk size value."
    const chunk = literal(call.args[1]);
    if (call.name === "States.ArrayPartition" && chunk !== undefined && chunk <= 0) {
      out.push({ code: CODES.INVALID_INTRINSIC_ARGUMENTS, severity: "WARNING", message: "States.ArrayPartition chunk size (second argument) must be a positive integer" });
    }
    if (call.name === "States.Format" && first?.kind === "string") {
      const placeholders = first.value.match(/\{\}/g)?.length ?? 0;
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
  for (const a of call.args) {
    if (a.kind === "call") checkCall(a, out);
    else if (a.kind === "path") {
      const r = checkPath(a.raw);
      if (!r.ok) out.push({ code: CODES.INVALID_JSON_PATH, severity: "ERROR", message: `argument '${a.raw}' of ${call.name}: ${r.message}` });
    }
  }
}

/** Checks one intrinsic-function expression (a whole `.$` value starting with `States.`). */
export function checkIntrinsic(expression: string): IntrinsicProblem[] {
  const p = new Parser(expression);
  const out: IntrinsicProblem[] = [];
  try {
    const call = p.call(1);
    p.ws();
    if (p.i !== expression.length) p.fail("unexpected text after the closing ')'");
    checkCall(call as Extract<Arg, { kind: "call" }>, out);
  } catch (e) {
    if (!(e instanceof IntrinsicSyntaxError)) throw e;
    out.push({ code: CODES.INVALID_INTRINSIC_FUNCTION, severity: "ERROR", message: e.message });
  }
  return out;
}
