/**
 * JSONPath Choice rules compiled into predicates.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
import type { ChoiceRule, JsonValue } from "../asl/types";
import { compileCount } from "./compile-count";
import { RuntimeError } from "./model/errors";
import { compilePath, type PathEnv } from "./json/path";

export type Predicate = (input: JsonValue, env: PathEnv) => boolean;

const COMBINATORS = new Set(["And", "Or", "Not"]);
const NON_OPERATOR_KEYS = new Set(["Variable", "Next", "Comment", "Assign", "Output", "Condition"]);

/**
 * RFC 3339 timestamps as Step Functions accepts them: "Timestamps must conform to RFC3339 profile
 * ISO 8601, with the further restrictions that an uppercase T must separate the date and time
 * portions, and an uppercase Z must denote that a numeric time zone offset is not present".
 */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(v: JsonValue | undefined): number | null {
  if (typeof v !== "string" || !TIMESTAMP.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/**
 * StringMatches: `*` matches any run of characters; `\*` is a literal star and `\\` a literal
 * backslash ("To match a literal '*' ... escape it with a backslash").
 */
export function wildcardToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && (pattern[i + 1] === "*" || pattern[i + 1] === "\\")) {
      re += "\\" + pattern[i + 1];
      i++;
    } else if (c === "*") re += "[\\s\\S]*";
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp("^" + re + "$");
}

type Kind = "String" | "Numeric" | "Boolean" | "Timestamp";
type Cmp = "Equals" | "LessThan" | "GreaterThan" | "LessThanEquals" | "GreaterThanEquals";

function typed(kind: Kind, v: JsonValue | undefined): string | number | boolean | null {
  switch (kind) {
    case "String":
      return typeof v === "string" ? v : null;
    case "Numeric":
      return typeof v === "number" ? v : null;
    case "Boolean":
      return typeof v === "boolean" ? v : null;
    case "Timestamp":
      return parseTimestamp(v);
  }
}

function compare(cmp: Cmp, a: string | number | boolean, b: string | number | boolean): boolean {
  switch (cmp) {
    case "Equals":
      return a === b;
    case "LessThan":
      return a < b;
    case "GreaterThan":
      return a > b;
    case "LessThanEquals":
      return a <= b;
    case "GreaterThanEquals":
      return a >= b;
  }
}

export function compileChoiceRule(rule: ChoiceRule, stateName: string): Predicate {
  compileCount.choiceRules++;
  if (rule.And) {
    const parts = rule.And.map((r) => compileChoiceRule(r, stateName));
    return (input, env) => parts.every((p) => p(input, env));
  }
  if (rule.Or) {
    const parts = rule.Or.map((r) => compileChoiceRule(r, stateName));
    return (input, env) => parts.some((p) => p(input, env));
  }
  if (rule.Not) {
    const inner = compileChoiceRule(rule.Not, stateName);
    return (input, env) => !inner(input, env);
  }
  const operator = Object.keys(rule).find((k) => !NON_OPERATOR_KEYS.has(k) && !COMBINATORS.has(k));
  if (!operator || rule.Variable === undefined) {
    throw new RuntimeError(`Choice state '${stateName}' has a rule without a Variable and an operator`);
  }
  const variableText = rule.Variable;
  const variable = compilePath(variableText);
  const operand = (rule as Record<string, JsonValue>)[operator];
  const read = (input: JsonValue, env: PathEnv): JsonValue => {
    const v = variable.evaluate(input, env);
    if (v === undefined) {
      throw new RuntimeError(
        `Invalid path '${variableText}' in Choice state '${stateName}': the choice state's condition path references an invalid value.`,
      );
    }
    return v;
  };

  switch (operator) {
    case "IsPresent":
      return (input, env) => (variable.evaluate(input, env) !== undefined) === operand;
    case "IsNull":
      return (input, env) => (read(input, env) === null) === operand;
    case "IsNumeric":
      return (input, env) => (typeof read(input, env) === "number") === operand;
    case "IsString":
      return (input, env) => (typeof read(input, env) === "string") === operand;
    case "IsBoolean":
      return (input, env) => (typeof read(input, env) === "boolean") === operand;
    case "IsTimestamp":
      return (input, env) => (parseTimestamp(read(input, env)) !== null) === operand;
    case "StringMatches": {
      const re = wildcardToRegExp(String(operand));
      return (input, env) => {
        const v = read(input, env);
        return typeof v === "string" && re.test(v);
      };
    }
  }
  const m = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/.exec(operator);
  if (!m) throw new RuntimeError(`Choice state '${stateName}' uses an unknown operator '${operator}'`);
  const kind = m[1] as Kind;
  const cmp = m[2] as Cmp;
  if (m[3]) {
    const otherText = String(operand);
    const other = compilePath(otherText);
    return (input, env) => {
      const b = other.evaluate(input, env);
      if (b === undefined)
        throw new RuntimeError(
          `Invalid path '${otherText}' in Choice state '${stateName}': the choice state's condition path references an invalid value.`,
        );
      const x = typed(kind, read(input, env));
      const y = typed(kind, b);
      return x !== null && y !== null && compare(cmp, x, y);
    };
  }
  const expected = typed(kind, operand);
  return (input, env) => {
    const x = typed(kind, read(input, env));
    return x !== null && expected !== null && compare(cmp, x, expected);
  };
}
