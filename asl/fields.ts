/**
 * A state field's facts, declared once with the field on the zod schema (./schema.ts) and read back
 * from it: which query language the field exists in, which field it is the JSONPath `...Path`
 * variant of, what kind of path it holds, whether only a Distributed Map takes it, and (for a number)
 * its range, which is the field's own zod schema. The validator's field lists, the builders' range
 * checks and the engine's checks of computed values are all derived here, so a new field is one
 * entry in the schema.
 *
 * Kept apart from ./schema.ts so that the schema can register facts while it is being built and the
 * readers below never import the schema (no cycle).
 */
import { z } from "zod";

/** The facts of one field (all optional: a field without facts is plain shape). */
export interface FieldFacts {
  /**
   * The only query language the field exists in.
   * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html — "After selecting
   * JSONata, your workflow fields will be reduced from five JSONPath fields (InputPath, Parameters,
   * ResultSelector, ResultPath, and OutputPath) to only two fields: Arguments and Output." The
   * `...Path` fields (TimeoutSecondsPath, ItemsPath, ...) are JSONPath; their JSONata form is the
   * plain field holding a `{% %}` expression.
   */
  readonly language?: "JSONPath" | "JSONata";
  /** This field is the JSONPath `...Path` variant of the named field: it supplies that field's value at run time. */
  readonly pathVariantOf?: string;
  /**
   * What a JSONPath state's value holds: a Path (filters and wildcards allowed), a Reference Path
   * ("...MUST be a Reference Path", https://states-language.net/spec.html), or a reference path or an
   * intrinsic function (Fail's ErrorPath/CausePath, state-fail).
   */
  readonly path?: "path" | "reference" | "referenceOrIntrinsic";
  /**
   * Only a Distributed Map takes it: the field configures a Map Run, which only Distributed mode
   * creates (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html,
   * "Distributed Map state fields"). `"ignoredInline"`: AWS accepts it on an INLINE Map too and it
   * has no effect there (a warning, not an error).
   */
  readonly distributedOnly?: true | "ignoredInline";
  /**
   * The field belongs to a group of which the state takes exactly one (Wait's Seconds, SecondsPath,
   * Timestamp, TimestampPath): the group's own rule reports a second one, so its value and path
   * variant are not also reported as a mutually exclusive pair.
   */
  readonly oneOf?: string;
}

/** The facts of every field that has some, keyed by the field's schema (as it stands in its object's shape). */
export const FIELD_FACTS: z.core.$ZodRegistry<FieldFacts> = z.registry<FieldFacts>();

/** The number part of each number field that also takes a JSONata expression, by the field's union schema. */
const NUMBER_PARTS = new WeakMap<z.core.$ZodType, z.ZodNumber>();

/**
 * `{% ... %}`: JSONata fields take either their plain type or an expression (type JsonataString).
 * The error message is what the validator reports for a value of neither kind.
 */
export const jsonataExpr = (what: string) =>
  z.templateLiteral(["{%", z.string(), "%}"], { error: `must be ${what} or a JSONata expression written as {% ... %}` });

/** A number field that also accepts a JSONata expression (the query-language rule lives in validator/rules.ts). */
export function numberOrExpr(n: z.ZodNumber) {
  const schema = z.union([n, jsonataExpr("a number")]);
  NUMBER_PARTS.set(schema, n);
  return schema;
}

/** Registers `facts` for `schema` and returns it (the same instance, so the schema's type is kept). */
export function withFacts<T extends z.ZodType>(schema: T, facts: FieldFacts): T {
  FIELD_FACTS.add(schema as z.ZodType, facts);
  return schema;
}

/** The facts of a field schema ({} when it has none). */
export function factsOf(field: z.core.$ZodType): FieldFacts {
  return FIELD_FACTS.get(field) ?? {};
}

const unwrap = (field: z.core.$ZodType): z.core.$ZodType => (field instanceof z.ZodOptional ? field.unwrap() : field);

/**
 * The range of a number field: its schema when the field is a plain number, the number part when it
 * also takes a JSONata expression, undefined for any other field.
 */
export function numberOf(field: z.core.$ZodType): z.ZodNumber | undefined {
  const inner = unwrap(field);
  return NUMBER_PARTS.get(inner) ?? (inner instanceof z.ZodNumber ? inner : undefined);
}

/** True for a number field that also takes a `{% %}` expression. */
export const isNumberOrExpression = (field: z.core.$ZodType): boolean => NUMBER_PARTS.has(unwrap(field));

type Shaped = { readonly shape: Readonly<Record<string, z.core.$ZodType>> };
const shapes = (objects: Shaped | readonly Shaped[]): readonly Shaped[] => (Array.isArray(objects) ? objects : [objects as Shaped]);

/** The fields of one or more object schemas whose facts match, in schema order, each once. */
export function fieldsWhere(objects: Shaped | readonly Shaped[], match: (facts: FieldFacts, field: z.core.$ZodType) => boolean): string[] {
  const out = new Set<string>();
  for (const o of shapes(objects)) for (const [key, field] of Object.entries(o.shape)) if (match(factsOf(field), field)) out.add(key);
  return [...out];
}

/**
 * Pairs of a value field and its `...Path` variant that may not both be set ("cannot both be set"),
 * in schema order: every declared variant but those of a one-of group (whose own rule reports them).
 */
export function pathVariantPairs(objects: Shaped | readonly Shaped[]): Array<readonly [string, string]> {
  const out = new Map<string, readonly [string, string]>();
  for (const o of shapes(objects))
    for (const [key, field] of Object.entries(o.shape)) {
      const { pathVariantOf, oneOf } = factsOf(field);
      if (pathVariantOf !== undefined && oneOf === undefined && !out.has(key)) out.set(key, [pathVariantOf, key]);
    }
  return [...out.values()];
}

/** The `...Path` variant of `object`'s field `key`, when the schema declares one. */
export function pathVariantKey(object: Shaped, key: string): string | undefined {
  const candidate = `${key}Path`;
  const field = object.shape[candidate];
  return field && factsOf(field).pathVariantOf === key ? candidate : undefined;
}

/** The number fields of an object schema that also take a `{% %}` expression, in schema order. */
export const numberOrExpressionFields = (objects: Shaped | readonly Shaped[]): string[] =>
  fieldsWhere(objects, (_, field) => isNumberOrExpression(field));

/** The range of `object`'s number field `key`; a programming error (thrown) when it is not one. */
export function numberField<S extends Shaped>(object: S, key: keyof S["shape"] & string): z.ZodNumber {
  const field = object.shape[key];
  const n = field && numberOf(field);
  if (!n) throw new Error(`${key} is not a number field of this schema`);
  return n;
}

const NO_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * A number schema's range in words ("an integer ≥ 0", "an integer from 1 to 262144", "between 0 and
 * 100"), so a builder's or the engine's message says what the schema checks without restating it.
 */
export function describeNumber(n: z.ZodNumber): string {
  const min = n.minValue !== null && Math.abs(n.minValue) < NO_BOUND ? n.minValue : undefined;
  const max = n.maxValue !== null && Math.abs(n.maxValue) < NO_BOUND ? n.maxValue : undefined;
  const kind = n.isInt ? "an integer" : "a number";
  if (min !== undefined && max !== undefined) return n.isInt ? `${kind} from ${min} to ${max}` : `between ${min} and ${max}`;
  if (min !== undefined) return `${kind} ≥ ${min}`;
  if (max !== undefined) return `${kind} ≤ ${max}`;
  return kind;
}
