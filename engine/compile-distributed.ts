/**
 * A Distributed Map's own fields, compiled with the definition (compile.ts calls this for each
 * Map state whose ItemProcessor runs DISTRIBUTED): the Map Run only evaluates them.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import { numberField, numberOrExpressionFields, pathVariantPairs } from "../asl/fields";
import { itemBatcherSchema, mapStateSchema, readerConfigSchema } from "../asl/schema";
import type { JsonValue, MapState, QueryLanguage } from "../asl/types";
import { compileJsonataValue, isJsonataString, type CompiledJsonata } from "./jsonata";
import { compilePath } from "./json/path";
import { compileTemplate, type CompiledTemplate } from "./json/template";

/**
 * A Distributed Map's fields, compiled once: the Map Run (distributed/) reads the raw MapState
 * through its interface (map-run-interface.ts) and asks the state to evaluate templates and paths of it; the state looks
 * each one up here (by identity, or by path text) instead of compiling it per run or per item.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
/**
 * A number field's range (its zod schema, asl/schema.ts), as far as the engine uses it: named
 * structurally so that the engine's published types name no zod type.
 */
export interface NumberRange {
  safeParse(value: unknown): { success: boolean };
  readonly isInt: boolean | null;
}

export interface CompiledDistributed {
  /** The ItemProcessor's ExecutionType: STANDARD children keep their own history, EXPRESS none. */
  childType: "STANDARD" | "EXPRESS";
  /** An ItemReader or a ResultWriter Resource: the state needs an S3 client. */
  usesS3: boolean;
  /**
   * JSONPath: ItemReader Parameters, ItemSelector (or Parameters), ItemBatcher BatchInput and
   * ResultWriter Parameters, keyed by the template object the Map Run passes back.
   */
  templates: Map<object, CompiledTemplate>;
  /** JSONata: the ItemSelector (per item, with `$states.context.Map.Item`). */
  selector?: { template: JsonValue; expr: CompiledJsonata };
  /**
   * JSONata: each distinct `{% %}` string of the state-level fields (not the processor, not the
   * per-item selector), compiled with the field it is first found in; evaluated once per Map Run.
   */
  stateJsonata: Array<{ text: string; field: string; expr: CompiledJsonata }>;
  /** JSONata: `Items` as an expression, without an ItemReader: its result must be an array or an object. */
  itemsExpression?: string;
  /** JSONata: the number fields given as expressions, each with its range (asl/schema.ts), checked where the expression is known. */
  numberExpressions: Array<{ field: string; text: string; range: NumberRange }>;
  /** Templates the Map Run passes that compile.ts did not see, compiled on first use (see states/distributed.ts). */
  otherJsonata?: Map<object | string, CompiledJsonata>;
  /** The last Map Run label made (it depends on the machine ARN: one per nested child machine). */
  lastLabel?: { stateMachineArn: string; label: string };
}

export function compileDistributed(
  m: MapState,
  lang: QueryLanguage,
  executionType: "STANDARD" | "EXPRESS" | undefined,
  selectorPath: CompiledTemplate | undefined,
  selectorJsonata: CompiledJsonata | undefined,
): CompiledDistributed {
  const dist: CompiledDistributed = {
    childType: executionType ?? "STANDARD",
    usesS3: m.ItemReader !== undefined || m.ResultWriter?.Resource !== undefined,
    templates: new Map(),
    stateJsonata: [],
    numberExpressions: [],
  };
  const selector = m.ItemSelector ?? m.Parameters;
  if (lang === "JSONPath") {
    const templates = [m.ItemReader?.Parameters, m.ItemBatcher?.BatchInput, m.ResultWriter?.Parameters];
    for (const t of templates)
      if (t !== null && typeof t === "object")
        dist.templates.set(
          t,
          deferFailure(() => compileTemplate(t)),
        );
    if (selector !== null && typeof selector === "object" && selectorPath) dist.templates.set(selector, selectorPath);
    const paths = [m.ItemsPath ?? "$", ...numberPaths(m)];
    // Parsed with the definition; compilePath keeps one compiled path per text, which the Map Run's
    // evaluatePath then finds.
    for (const p of paths) {
      if (typeof p !== "string") continue;
      try {
        compilePath(p);
      } catch {
        // Left to fail when the Map Run evaluates it, as a state error the Map's Catch sees.
      }
    }
    return dist;
  }
  if (selector !== undefined && selectorJsonata) dist.selector = { template: selector as JsonValue, expr: selectorJsonata };
  const seen = new Set<string>();
  for (const [text, field] of stateLevelJsonata(m)) {
    if (seen.has(text)) continue;
    seen.add(text);
    dist.stateJsonata.push({ text, field, expr: deferFailure(() => compileJsonataValue(text, field)) });
  }
  if (isJsonataString(m.Items) && m.ItemReader === undefined) dist.itemsExpression = m.Items;
  for (const field of MAP_NUMBER_FIELDS) {
    const text = m[field];
    if (isJsonataString(text)) dist.numberExpressions.push({ field, text, range: numberField(mapStateSchema, field) });
  }
  return dist;
}

/** The Map state's own number fields that take a `{% %}` expression (MaxConcurrency, the failure thresholds, ...). */
const MAP_NUMBER_FIELDS = numberOrExpressionFields(mapStateSchema) as Array<keyof MapState & string>;

/**
 * The `...Path` variants of the Map state's, its ReaderConfig's and its ItemBatcher's fields (read off
 * the schema): each a reference path the Map Run evaluates.
 */
const VARIANT_PATHS: ReadonlyArray<readonly [(m: MapState) => object | undefined, readonly string[]]> = [
  [(m) => m, pathVariantPairs(mapStateSchema).map(([, path]) => path)],
  [(m) => m.ItemReader?.ReaderConfig, pathVariantPairs(readerConfigSchema).map(([, path]) => path)],
  [(m) => m.ItemBatcher, pathVariantPairs(itemBatcherSchema).map(([, path]) => path)],
];

function numberPaths(m: MapState): unknown[] {
  return VARIANT_PATHS.flatMap(([objectOf, paths]) => {
    const o = objectOf(m) as Readonly<Record<string, unknown>> | undefined;
    return o ? paths.map((p) => o[p]) : [];
  });
}

/**
 * A compiled form whose compile error is thrown when it is evaluated: a Distributed Map's fields
 * are evaluated inside the Map Run, where a bad field fails the state (and its Catch sees it), so
 * compiling them with the definition must not turn that into a failure of the whole run().
 */
function deferFailure<F extends (...args: never[]) => unknown>(compile: () => F): F {
  try {
    return compile();
  } catch (e) {
    return (() => {
      throw e;
    }) as unknown as F;
  }
}

/**
 * The Map state's fields whose JSONata is not evaluated once per Map Run: the processor, the per-item
 * selector (and its deprecated name), and what is evaluated after the Map Run (Output, Assign, Catch).
 * Every other field's `{% %}` strings are evaluated once when the Map Run starts (states/distributed.ts).
 */
export const NOT_STATE_LEVEL: ReadonlySet<string> = new Set([
  "ItemProcessor",
  "Iterator",
  "ItemSelector",
  "Parameters",
  "Output",
  "Assign",
  "Catch",
]);

/** Every `{% %}` string in a Map state's own fields (not NOT_STATE_LEVEL), with its field. */
function stateLevelJsonata(state: MapState): Array<[text: string, field: string]> {
  const found: Array<[string, string]> = [];
  const visit = (v: unknown, field: string) => {
    if (isJsonataString(v)) found.push([v, field]);
    else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${field}[${i}]`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) visit(x, field ? `${field}/${k}` : k);
  };
  for (const [k, x] of Object.entries(state)) if (!NOT_STATE_LEVEL.has(k)) visit(x, k);
  return found;
}
