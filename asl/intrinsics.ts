/**
 * The one parser for JSONPath intrinsic function calls as they appear in `.$` fields, e.g.
 * `States.Format('x {}', $.a)`. The validator checks the tree it returns; the local engine compiles it.
 *
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 * - Arguments are string literals in single quotes (with `\'`, `\{`, `\}`, `\\` escapes), numbers,
 *   `true`/`false`/`null`, paths (`$.x`, `$$.x`, `$var`), or other intrinsic functions.
 * - "You can nest up to 10 intrinsic functions within a field in your workflows."
 */

export type IntrinsicArg =
  { kind: "literal"; value: string | number | boolean | null } | { kind: "path"; path: string } | { kind: "call"; call: IntrinsicCall };

export interface IntrinsicCall {
  name: string;
  args: IntrinsicArg[];
}

export const MAX_INTRINSIC_NESTING = 10;

export class IntrinsicSyntaxError extends Error {
  override readonly name = "IntrinsicSyntaxError";
}

export function isIntrinsic(text: string): boolean {
  return text.startsWith("States.");
}

/** Parses a whole `.$` value; throws IntrinsicSyntaxError naming the position of the problem. */
export function parseIntrinsic(text: string): IntrinsicCall {
  const parser = new Parser(text);
  const call = parser.call(1);
  parser.skipSpace();
  if (!parser.done()) parser.fail("unexpected text after the closing parenthesis");
  return call;
}

/**
 * String literals keep `\{` and `\}` escaped, because States.Format reads them as literal braces
 * rather than placeholders; this counts the placeholders such a template has.
 */
export function formatPlaceholderCount(template: string): number {
  return template.match(/(?<!\\)\{\}/g)?.length ?? 0;
}

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.i >= this.text.length;
  }

  fail(message: string): never {
    throw new IntrinsicSyntaxError(`Invalid intrinsic function '${this.text}': ${message} (at character ${this.i + 1})`);
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.text[this.i]!)) this.i++;
  }

  call(depth: number): IntrinsicCall {
    this.skipSpace();
    const m = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.i));
    if (!m) this.fail("expected a States.* function name such as States.Format");
    if (depth > MAX_INTRINSIC_NESTING) this.fail(`intrinsic functions may be nested at most ${MAX_INTRINSIC_NESTING} deep`);
    this.i += m[0].length;
    this.skipSpace();
    if (this.text[this.i] !== "(") this.fail(`expected '(' after ${m[0]}`);
    this.i++;
    const args: IntrinsicArg[] = [];
    this.skipSpace();
    if (this.text[this.i] === ")") {
      this.i++;
      return { name: m[0], args };
    }
    for (;;) {
      args.push(this.arg(depth));
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

  private arg(depth: number): IntrinsicArg {
    this.skipSpace();
    const c = this.text[this.i];
    if (c === "'") return { kind: "literal", value: this.string() };
    if (c === "$") return { kind: "path", path: this.path() };
    if (this.text.startsWith("States.", this.i)) return { kind: "call", call: this.call(depth + 1) };
    const rest = this.text.slice(this.i);
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      this.i += num[0].length;
      return { kind: "literal", value: Number(num[0]) };
    }
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (rest.startsWith(word)) {
        this.i += word.length;
        return { kind: "literal", value };
      }
    }
    this.fail("expected a string in single quotes, a number, a path or an intrinsic function");
  }

  private string(): string {
    this.i++; // opening quote
    let out = "";
    while (!this.done()) {
      const c = this.text[this.i];
      if (c === "\\") {
        const next = this.text[this.i + 1];
        if (next === undefined) this.fail("dangling escape");
        // "The following characters are reserved ... and must be escaped with a backslash: ' { } \\"
        // (intrinsic-functions.html, "Reserved characters"); "If an open escape backslash \\ is found
        // in the intrinsic invocation string, the interpreter will throw a runtime error".
        if (next !== "'" && next !== "{" && next !== "}" && next !== "\\") {
          this.fail(`'\\${next}' is not an escape intrinsic functions allow; only \\' \\{ \\} and \\\\ are (write \\\\ for a backslash)`);
        }
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
        if (c === "\\") this.i++;
        else if (c === quote) quote = null;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "[" || c === "(") depth++;
      else if (c === "]" || (c === ")" && depth > 0)) depth--;
      else if ((c === "," || c === ")") && depth === 0) break;
      this.i++;
    }
    return this.text.slice(start, this.i).trim();
  }
}
