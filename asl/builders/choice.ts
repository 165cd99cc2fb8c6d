/**
 * Choice states and their rules.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 *
 * JSONPath rules compare a `Variable` with a literal (`StringEquals`) or with another path
 * (`StringEqualsPath`, chosen automatically when the value is a path()); JSONata rules are one
 * `Condition` expression. A rule of the wrong kind for the state's query language is a BuilderError.
 */
import type { ChoiceRule, ChoiceState as ChoiceJson, JsonPrimitive } from "../types";
import { BuilderError } from "./errors";
import { renderIo, requireLanguage, type AssignOptions, type JsonPathIoOptions, type JsonataOutputOptions } from "./io";
import { Chain, NextableState, StateBuilder, compact, type Chainable, type RenderContext, type StateOptions } from "./state";
import {
  isJsonataValue,
  isPathValue,
  jsonataString,
  renderTemplate,
  renderTemplateValue,
  type JsonPathString,
  type JsonataValue,
  type PathValue,
  type Template,
  type TemplateValue,
} from "./values";

/** A Choice rule; build it with the `Condition` helpers. */
export class ChoiceCondition {
  private constructor(
    readonly kind: "jsonpath" | "jsonata",
    private readonly rule: ChoiceRule,
  ) {}

  /** @internal */
  static jsonPath(rule: ChoiceRule): ChoiceCondition {
    return new ChoiceCondition("jsonpath", rule);
  }
  /** @internal */
  static jsonata(expression: JsonataValue | boolean): ChoiceCondition {
    return new ChoiceCondition("jsonata", { Condition: typeof expression === "boolean" ? expression : jsonataString(expression) });
  }

  /** The rule's ASL JSON (without Next). */
  toJSON(): ChoiceRule {
    return structuredClone(this.rule);
  }
}

function variable(v: JsonPathString, op: string): string {
  if (typeof v !== "string" || !v.startsWith("$")) {
    throw new BuilderError(`Condition.${op}: the variable must be a JSONPath starting with "$" (got ${JSON.stringify(v)})`);
  }
  return v;
}

type Comparable = "String" | "Numeric" | "Boolean" | "Timestamp";
type Relation = "Equals" | "LessThan" | "GreaterThan" | "LessThanEquals" | "GreaterThanEquals";

function compare<T extends JsonPrimitive>(
  type: Comparable,
  relation: Relation,
  v: JsonPathString,
  value: T | PathValue<T>,
): ChoiceCondition {
  const op = `${type}${relation}`;
  // The helper's own name (numberEquals for NumericEquals), so the message points at the call to fix.
  const name = (type === "Numeric" ? "number" : type.toLowerCase()) + relation;
  if (isPathValue(value)) return ChoiceCondition.jsonPath({ Variable: variable(v, name), [`${op}Path`]: value.path });
  if (isJsonataValue(value))
    throw new BuilderError(`Condition.${name}: a JSONPath rule cannot compare with jsonata(); use Condition.jsonata(...)`);
  const expected = type === "String" || type === "Timestamp" ? "string" : type === "Numeric" ? "number" : "boolean";
  if (typeof value !== expected || (typeof value === "number" && !Number.isFinite(value))) {
    throw new BuilderError(`Condition.${name}: the value must be a ${expected} or a path() (got ${JSON.stringify(value)})`);
  }
  return ChoiceCondition.jsonPath({ Variable: variable(v, name), [op]: value });
}

function test(
  op: "IsNull" | "IsPresent" | "IsNumeric" | "IsString" | "IsBoolean" | "IsTimestamp",
  v: JsonPathString,
  expected: boolean,
): ChoiceCondition {
  return ChoiceCondition.jsonPath({ Variable: variable(v, op.charAt(0).toLowerCase() + op.slice(1)), [op]: expected });
}

function combine(op: "And" | "Or", rules: ChoiceCondition[]): ChoiceCondition {
  if (rules.length === 0) throw new BuilderError(`Condition.${op.toLowerCase()}: give at least one rule`);
  for (const r of rules) {
    if (!(r instanceof ChoiceCondition) || r.kind !== "jsonpath") {
      throw new BuilderError(
        `Condition.${op.toLowerCase()}: combine JSONPath rules only (a JSONata condition combines with "and"/"or" inside the expression)`,
      );
    }
  }
  return ChoiceCondition.jsonPath({ [op]: rules.map((r) => r.toJSON()) });
}

/** Typed helpers for Choice rules (CDK-style names). */
export const Condition = {
  stringEquals: (v: JsonPathString, value: string | PathValue<string>) => compare("String", "Equals", v, value),
  stringLessThan: (v: JsonPathString, value: string | PathValue<string>) => compare("String", "LessThan", v, value),
  stringGreaterThan: (v: JsonPathString, value: string | PathValue<string>) => compare("String", "GreaterThan", v, value),
  stringLessThanEquals: (v: JsonPathString, value: string | PathValue<string>) => compare("String", "LessThanEquals", v, value),
  stringGreaterThanEquals: (v: JsonPathString, value: string | PathValue<string>) => compare("String", "GreaterThanEquals", v, value),
  /** `*` matches any run of characters; escape a literal `*` as `\\*`. */
  stringMatches: (v: JsonPathString, pattern: string) => {
    if (typeof pattern !== "string") throw new BuilderError(`Condition.stringMatches: the pattern must be a string`);
    return ChoiceCondition.jsonPath({ Variable: variable(v, "stringMatches"), StringMatches: pattern });
  },
  numberEquals: (v: JsonPathString, value: number | PathValue<number>) => compare("Numeric", "Equals", v, value),
  numberLessThan: (v: JsonPathString, value: number | PathValue<number>) => compare("Numeric", "LessThan", v, value),
  numberGreaterThan: (v: JsonPathString, value: number | PathValue<number>) => compare("Numeric", "GreaterThan", v, value),
  numberLessThanEquals: (v: JsonPathString, value: number | PathValue<number>) => compare("Numeric", "LessThanEquals", v, value),
  numberGreaterThanEquals: (v: JsonPathString, value: number | PathValue<number>) => compare("Numeric", "GreaterThanEquals", v, value),
  booleanEquals: (v: JsonPathString, value: boolean | PathValue<boolean>) => compare("Boolean", "Equals", v, value),
  timestampEquals: (v: JsonPathString, value: string | PathValue<string>) => compare("Timestamp", "Equals", v, value),
  timestampLessThan: (v: JsonPathString, value: string | PathValue<string>) => compare("Timestamp", "LessThan", v, value),
  timestampGreaterThan: (v: JsonPathString, value: string | PathValue<string>) => compare("Timestamp", "GreaterThan", v, value),
  timestampLessThanEquals: (v: JsonPathString, value: string | PathValue<string>) => compare("Timestamp", "LessThanEquals", v, value),
  timestampGreaterThanEquals: (v: JsonPathString, value: string | PathValue<string>) => compare("Timestamp", "GreaterThanEquals", v, value),
  isNull: (v: JsonPathString, expected = true) => test("IsNull", v, expected),
  isPresent: (v: JsonPathString, expected = true) => test("IsPresent", v, expected),
  isNumeric: (v: JsonPathString, expected = true) => test("IsNumeric", v, expected),
  isString: (v: JsonPathString, expected = true) => test("IsString", v, expected),
  isBoolean: (v: JsonPathString, expected = true) => test("IsBoolean", v, expected),
  isTimestamp: (v: JsonPathString, expected = true) => test("IsTimestamp", v, expected),
  and: (...rules: ChoiceCondition[]) => combine("And", rules),
  or: (...rules: ChoiceCondition[]) => combine("Or", rules),
  not: (rule: ChoiceCondition) => {
    if (!(rule instanceof ChoiceCondition) || rule.kind !== "jsonpath")
      throw new BuilderError(`Condition.not: negate a JSONPath rule (in JSONata write "not(...)")`);
    return ChoiceCondition.jsonPath({ Not: rule.toJSON() });
  },
  /** A JSONata condition: `Condition.jsonata("$states.input.count > 0")` → `"Condition": "{% ... %}"`. */
  jsonata: (expression: string | JsonataValue | boolean) => {
    if (typeof expression === "boolean") return ChoiceCondition.jsonata(expression);
    if (typeof expression === "string") {
      const trimmed = expression.trim();
      const inner = trimmed.startsWith("{%") && trimmed.endsWith("%}") ? trimmed.slice(2, -2).trim() : trimmed;
      if (!inner) throw new BuilderError(`Condition.jsonata: the expression is empty`);
      return ChoiceCondition.jsonata({ kind: "jsonata", expression: inner });
    }
    return ChoiceCondition.jsonata(expression);
  },
} as const;

export interface ChoiceBranchOptions {
  readonly comment?: string;
  /** JSONata only: the state output when this rule matches. */
  readonly output?: TemplateValue;
  /** Variables to set when this rule matches. */
  readonly assign?: Template;
}

export interface ChoiceOptions extends StateOptions, JsonPathIoOptions, JsonataOutputOptions, AssignOptions {}

export class ChoiceState extends StateBuilder {
  readonly type = "Choice" as const;
  private readonly branches: Array<{ rule: ChoiceCondition; target: Chainable; options: ChoiceBranchOptions }> = [];
  private defaultTarget?: Chainable;

  constructor(
    name: string,
    private readonly choiceOptions: ChoiceOptions = {},
  ) {
    super(name, choiceOptions);
  }

  /** Goes to `target` when `rule` holds (rules are tried in the order added). */
  when(rule: ChoiceCondition, target: Chainable, options: ChoiceBranchOptions = {}): this {
    if (!(rule instanceof ChoiceCondition)) throw new BuilderError(`choice("${this.name}").when: build the rule with Condition.*`);
    if (!target || !target.startState) throw new BuilderError(`choice("${this.name}").when: the target must be a state or a chain`);
    this.branches.push({ rule, target, options });
    return this;
  }

  /** Goes to `target` when no rule holds (without it, no match fails with States.NoChoiceMatched). */
  otherwise(target: Chainable): this {
    if (!target || !target.startState) throw new BuilderError(`choice("${this.name}").otherwise: the target must be a state or a chain`);
    if (this.defaultTarget && this.defaultTarget.startState !== target.startState) {
      throw new BuilderError(`choice("${this.name}") already has a default ("${this.defaultTarget.startState.name}")`);
    }
    this.defaultTarget = target;
    return this;
  }

  /** A chain whose open ends are every branch's open ends, to continue after the branches join. */
  afterwards(): Chain {
    const ends = new Set<NextableState>();
    for (const b of this.branches) b.target.endStates.forEach((e) => ends.add(e));
    this.defaultTarget?.endStates.forEach((e) => ends.add(e));
    return new Chain(this, [...ends]);
  }

  override get endStates(): ReadonlyArray<NextableState> {
    return [];
  }

  override successors(): StateBuilder[] {
    const out = this.branches.map((b) => b.target.startState);
    if (this.defaultTarget) out.push(this.defaultTarget.startState);
    return out;
  }

  render(ctx: RenderContext): ChoiceJson {
    const language = this.queryLanguageIn(ctx);
    if (this.branches.length === 0) throw new BuilderError(`choice("${this.name}"): add at least one rule with .when(...)`);
    const choices = this.branches.map(({ rule, target, options }, i): ChoiceRule => {
      const field = `Choices[${i}]`;
      const expected = language === "JSONata" ? "jsonata" : "jsonpath";
      if (rule.kind !== expected) {
        throw new BuilderError(
          `state "${this.name}" ${field}: a ${rule.kind === "jsonata" ? "JSONata Condition" : "JSONPath rule"} in a ${language} state; ` +
            (language === "JSONata" ? `use Condition.jsonata(...)` : `use the JSONPath Condition helpers, or set queryLanguage: "JSONata"`),
        );
      }
      if (options.output !== undefined) requireLanguage(this.name, `${field}.Output`, language, "JSONata");
      const site = { state: this.name, field, queryLanguage: language };
      return compact({
        ...rule.toJSON(),
        Next: ctx.nameOf(target.startState),
        Output: options.output === undefined ? undefined : renderTemplateValue(options.output, site, "Output"),
        Assign: options.assign && renderTemplate(options.assign, { ...site, field: `${field}.Assign` }),
        Comment: options.comment,
      });
    });
    const { pre, post } = renderIo(this.name, language, this.choiceOptions);
    return compact({
      ...this.header(),
      ...pre,
      Choices: choices,
      Default: this.defaultTarget && ctx.nameOf(this.defaultTarget.startState),
      ...post,
    }) as ChoiceJson;
  }
}

/** A Choice state: `choice("Route").when(Condition.numberGreaterThan("$.n", 0), a).otherwise(b)`. */
export function choice(name: string, options: ChoiceOptions = {}): ChoiceState {
  return new ChoiceState(name, options);
}
