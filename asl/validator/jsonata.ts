/**
 * JSONata expressions as ASL writes them: a whole string `{% <expression> %}`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html — "JSONata syntax: "{% <JSONata expression> %}"").
 * Syntax is checked with the `jsonata` package's own parser, the same one Step Functions documents
 * ("Step Functions implements JSONata based on the 2.0.6 specification").
 */
import type jsonataType from "jsonata";

let jsonataModule: typeof jsonataType | undefined;

/** Loaded on first use, so a CLI run over JSONPath-only files never pays for it. */
function jsonata(): typeof jsonataType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (jsonataModule ??= require("jsonata") as typeof jsonataType);
}

export function isJsonataString(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("{%") && value.endsWith("%}") && value.length >= 4;
}

/**
 * Syntax verdicts by expression text. `jsonata(expr)` costs ~0.4 ms (it also builds an evaluation
 * environment), and the builders validate on every render, so verdicts are remembered. A verdict is a
 * pure function of the text (no state of any validation is kept), and the cache is bounded: the
 * oldest entries are dropped past VERDICT_CACHE_SIZE, so memory cannot grow without limit.
 */
const VERDICT_CACHE_SIZE = 10_000;
const verdicts = new Map<string, string | null>();

/** Returns a message describing the syntax error of `{% expr %}`, or undefined if it parses. */
export function jsonataSyntaxError(wrapped: string): string | undefined {
  const known = verdicts.get(wrapped);
  if (known !== undefined) return known ?? undefined;
  const verdict = parseVerdict(wrapped);
  if (verdicts.size >= VERDICT_CACHE_SIZE) verdicts.delete(verdicts.keys().next().value as string);
  verdicts.set(wrapped, verdict ?? null);
  return verdict;
}

function parseVerdict(wrapped: string): string | undefined {
  const body = wrapped.slice(2, -2);
  if (body.trim() === "") return "empty JSONata expression";
  try {
    jsonata()(body);
    return undefined;
  } catch (e) {
    const err = e as { message?: string; position?: number; code?: string };
    const where = typeof err.position === "number" ? ` (character ${err.position} of the expression)` : "";
    return `JSONata syntax error${err.code ? ` ${err.code}` : ""}: ${err.message ?? String(e)}${where}`;
  }
}
