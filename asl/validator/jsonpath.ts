/**
 * A syntax checker for the JSONPath that ASL accepts, and for its restricted form, the Reference Path.
 *
 * Why hand-written: we only need to know whether a path is well formed and which features it uses
 * (wildcards, filters, slices ...), never to evaluate it. A single left-to-right scan does that in
 * O(length) without building an AST, which keeps the validator fast on large definitions.
 *
 * Rules (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html):
 * - "In the Amazon States Language, a path is a string beginning with $ that you can use to identify
 *   components within JSON text." `$$` starts a Context Object path; `$name` a workflow variable
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html).
 * - "A reference path is a path whose syntax is limited in such a way that it can identify only a
 *   single node in a JSON structure: You can access object fields using only dot (.) and square
 *   bracket ([ ]) notation. Functions such as length() aren't supported. Lexical operators, which
 *   are non-symbolic, such as subsetof aren't supported. Filtering by regular expression or by
 *   referencing another value in the JSON structure isn't supported. The operators @, ,, :, and ?
 *   aren't supported." The ASL specification adds that reference paths "MUST be unambiguous
 *   references to a single value, array, or object (subtree)" (https://states-language.net/spec.html#ref-paths),
 *   so wildcards and deep scans (`*`, `..`) are rejected there too.
 */

export type PathFeature = "wildcard" | "descendant" | "filter" | "script" | "slice" | "union" | "function";

export type PathCheck = { ok: true; features: ReadonlySet<PathFeature> } | { ok: false; message: string; index: number };

const NO_FEATURES: ReadonlySet<PathFeature> = new Set();

/** Characters that end a dot-notation member name. */
function endsName(c: string): boolean {
  return (
    c === "." ||
    c === "[" ||
    c === "]" ||
    c === "(" ||
    c === ")" ||
    c === "'" ||
    c === '"' ||
    c === "," ||
    c === " " ||
    c === "\t" ||
    c === "\n" ||
    c === "\r"
  );
}

function isIdentChar(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c === "_";
}

/** Scans a quoted string starting at `i` (the quote); returns the index after the closing quote or -1. */
function skipQuoted(s: string, i: number): number {
  const q = s[i];
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === "\\") j++;
    else if (s[j] === q) return j + 1;
  }
  return -1;
}

/** Scans a balanced `( ... )` starting at `i` (the open paren); returns the index after the close or -1. */
function skipParens(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === "'" || c === '"') {
      const end = skipQuoted(s, j);
      if (end < 0) return -1;
      j = end - 1;
    } else if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** https://github.com/json-path/JsonPath#functions (Jayway JsonPath, which Step Functions uses). */
const JAYWAY_FUNCTIONS: ReadonlySet<string> = new Set([
  "min",
  "max",
  "avg",
  "stddev",
  "length",
  "sum",
  "keys",
  "concat",
  "append",
  "first",
  "last",
  "index",
]);

const INT = /^-?\d+$/;
const SLICE = /^(-?\d+)?:(-?\d+)?(:(-?\d+)?)?$/;

/** Parses the inside of `[...]` (from just after `[`); returns the index after `]`. */
function scanBracket(s: string, start: number, features: Set<PathFeature>): number | { message: string; index: number } {
  let i = start;
  const c = s[i];
  if (c === undefined) return { message: "unclosed '['", index: start - 1 };
  if (c === "?") {
    if (s[i + 1] !== "(") return { message: "a filter must be written '[?(...)]'", index: i };
    const end = skipParens(s, i + 1);
    if (end < 0) return { message: "unbalanced parentheses in filter expression", index: i };
    if (s[end] !== "]") return { message: "expected ']' after filter expression", index: end };
    features.add("filter");
    return end + 1;
  }
  if (c === "(") {
    const end = skipParens(s, i);
    if (end < 0) return { message: "unbalanced parentheses in script expression", index: i };
    if (s[end] !== "]") return { message: "expected ']' after script expression", index: end };
    features.add("script");
    return end + 1;
  }
  if (c === "'" || c === '"') {
    let count = 0;
    for (;;) {
      while (s[i] === " ") i++;
      if (s[i] !== "'" && s[i] !== '"') return { message: "expected a quoted member name", index: i };
      const end = skipQuoted(s, i);
      if (end < 0) return { message: "unterminated quoted member name", index: i };
      count++;
      i = end;
      while (s[i] === " ") i++;
      if (s[i] === ",") {
        i++;
        continue;
      }
      if (s[i] === "]") break;
      return { message: "expected ']' or ',' after quoted member name", index: i };
    }
    if (count > 1) features.add("union");
    return i + 1;
  }
  const close = s.indexOf("]", i);
  if (close < 0) return { message: "unclosed '['", index: start - 1 };
  const body = s.slice(i, close).trim();
  if (body === "*") features.add("wildcard");
  else if (INT.test(body)) {
    /* single index */
  } else if (SLICE.test(body)) features.add("slice");
  else if (body.includes(",") && body.split(",").every((p) => INT.test(p.trim()))) features.add("union");
  else return { message: `'[${body}]' is not an index, slice, wildcard, quoted name or filter`, index: i };
  return close + 1;
}

/** Checks the syntax of a JSONPath as ASL accepts it (`$`, `$$`, `$variable` roots). */
export function checkPath(path: string): PathCheck {
  if (path[0] !== "$") return { ok: false, message: "a path must begin with '$'", index: 0 };
  let i = 1;
  if (path[1] === "$") i = 2;
  else while (i < path.length && isIdentChar(path[i]!)) i++;
  if (i === path.length) return { ok: true, features: NO_FEATURES };
  const features = new Set<PathFeature>();
  while (i < path.length) {
    const c = path[i]!;
    if (c === ".") {
      if (path[i + 1] === ".") {
        features.add("descendant");
        i += 2;
        if (path[i] === "[") continue;
      } else {
        i += 1;
        // Jayway (the JsonPath library Step Functions runs) reads `$.[0]`, `$.['a b']` and
        // `$.[?(...)]` as the bracket alone.
        if (path[i] === "[") continue;
      }
      if (path[i] === "*") {
        features.add("wildcard");
        i++;
        continue;
      }
      const nameStart = i;
      while (i < path.length && !endsName(path[i]!)) i++;
      if (i === nameStart) return { ok: false, message: "expected a member name after '.'", index: nameStart };
      if (path[i] === "(") {
        // Jayway functions: length(), min(), max(), avg(), stddev(), sum(), keys(), first(), last(),
        // and the ones that take arguments, concat(...), append(...), index(...).
        const name = path.slice(nameStart, i);
        if (!JAYWAY_FUNCTIONS.has(name))
          return {
            ok: false,
            message: `'${name}()' is not a JsonPath function; known: ${[...JAYWAY_FUNCTIONS].join(", ")}`,
            index: nameStart,
          };
        const end = skipParens(path, i);
        if (end < 0) return { ok: false, message: `unbalanced parentheses after '${name}'`, index: i };
        features.add("function");
        i = end;
      }
      continue;
    }
    if (c === "[") {
      const r = scanBracket(path, i + 1, features);
      if (typeof r !== "number") return { ok: false, ...r };
      i = r;
      continue;
    }
    return { ok: false, message: `unexpected '${c}'; expected '.' or '['`, index: i };
  }
  return { ok: true, features };
}

const REFERENCE_FORBIDDEN: ReadonlyArray<[PathFeature, string]> = [
  ["wildcard", "wildcards (*)"],
  ["descendant", "deep scans (..)"],
  ["filter", "filters ([?(...)])"],
  ["script", "script expressions ([(...)])"],
  ["slice", "slices ([a:b])"],
  ["union", "unions ([a,b])"],
  ["function", "functions such as length()"],
];

/** Explains why a syntactically valid path is not a Reference Path, or returns undefined if it is one. */
export function referencePathProblem(features: ReadonlySet<PathFeature>): string | undefined {
  if (features.size === 0) return undefined;
  const used = REFERENCE_FORBIDDEN.filter(([f]) => features.has(f)).map(([, label]) => label);
  return `a reference path must identify a single node; it may not use ${used.join(", ")}`;
}
