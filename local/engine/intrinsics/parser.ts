/**
 * Parser for intrinsic function calls as they appear in `.$` fields: `States.Format('x {}', $.a)`.
 * Arguments: string literals in single quotes (with `\'`, `\{`, `\}`, `\\` escapes), numbers,
 * `true`/`false`/`null`, paths (`$.x`, `$$.x`, `$var`), and nested calls.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
import { IntrinsicFailureError } from "../errors";

export type IntrinsicArg =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "path"; path: string }
  | { kind: "call"; call: IntrinsicCall };

export interface IntrinsicCall {
  name: string;
  args: IntrinsicArg[];
}

export function isIntrinsic(text: string): boolean {
  return text.startsWith("States.");
}

export function parseIntrinsic(text: string): IntrinsicCall {
  const parser = new Parser(text);
  const call = parser.call();
  parser.skipSpace();
  if (!parser.done()) parser.fail("unexpected text after the closing parenthesis");
  return call;
}

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.i >= this.text.length;
  }

  fail(message: string): never {
    throw new IntrinsicFailureError(`Invalid intrinsic function '${this.text}': ${message} (at position ${this.i})`);
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.text[this.i])) this.i++;
  }

  call(): IntrinsicCall {
    this.skipSpace();
    const m = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.i));
    if (!m) this.fail("expected a States.* function name");
    this.i += m[0].length;
    this.skipSpace();
    if (this.text[this.i] !== "(") this.fail("expected '('");
    this.i++;
    const args: IntrinsicArg[] = [];
    this.skipSpace();
    if (this.text[this.i] === ")") {
      this.i++;
      return { name: m[0], args };
    }
    for (;;) {
      args.push(this.arg());
      this.skipSpace();
      const c = this.text[this.i];
      if (c === ",") {
        this.i++;
        continue;
      }
      if (c === ")") {
        this.i++;
        return { name: m[0], args };
      }
      this.fail("expected ',' or ')'");
    }
  }

  private arg(): IntrinsicArg {
    this.skipSpace();
    const c = this.text[this.i];
    if (c === "'") return { kind: "literal", value: this.string() };
    if (c === "$") return { kind: "path", path: this.path() };
    if (this.text.startsWith("States.", this.i)) return { kind: "call", call: this.call() };
    const rest = this.text.slice(this.i);
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      this.i += num[0].length;
      return { kind: "literal", value: Number(num[0]) };
    }
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (rest.startsWith(word)) {
        this.i += word.length;
        return { kind: "literal", value };
      }
    }
    this.fail("expected an argument");
  }

  private string(): string {
    this.i++; // opening quote
    let out = "";
    while (!this.done()) {
      const c = this.text[this.i];
      if (c === "\\") {
        const next = this.text[this.i + 1];
        if (next === undefined) this.fail("dangling escape");
        // \{ and \} stay escaped: States.Format reads them as literal braces.
        out += next === "{" || next === "}" ? "\\" + next : next;
        this.i += 2;
        continue;
      }
      if (c === "'") {
        this.i++;
        return out;
      }
      out += c;
      this.i++;
    }
    this.fail("unterminated string literal");
  }

  private path(): string {
    const start = this.i;
    let depth = 0;
    let quote: string | null = null;
    while (!this.done()) {
      const c = this.text[this.i];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "[" || c === "(") depth++;
      else if (c === "]" || (c === ")" && depth > 0)) depth--;
      else if ((c === "," || c === ")") && depth === 0) break;
      this.i++;
    }
    return this.text.slice(start, this.i).trim();
  }
}
