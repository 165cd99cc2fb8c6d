/**
 * A Distributed Map's own fields, compiled with the definition (compile.ts calls this for each
 * Map state whose ItemProcessor runs DISTRIBUTED): the Map Run only evaluates them.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
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
  /** JSONata: the number fields given as expressions, each checked where the expression is known. */
  numberExpressions: Array<{ field: "MaxConcurrency" | "ToleratedFailureCount" | "ToleratedFailurePercentage"; text: string }>;
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
    const cfg = m.ItemReader?.ReaderConfig;
    const b = m.ItemBatcher;
    const paths = [
      m.ItemsPath ?? "$",
      m.MaxConcurrencyPath,
      m.ToleratedFailureCountPath,
      m.ToleratedFailurePercentagePath,
      cfg?.MaxItemsPath,
      b?.MaxItemsPerBatchPath,
      b?.MaxInputBytesPerBatchPath,
    ];
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
  for (const field of ["MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage"] as const) {
    const text = m[field];
    if (isJsonataString(text)) dist.numberExpressions.push({ field, text });
  }
  return dist;
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

/** Every `{% %}` string in a Map state's own fields (not the processor, the per-item selector, Output, Assign or Catch), with its field. */
function stateLevelJsonata(state: MapState): Array<[text: string, field: string]> {
  const found: Array<[string, string]> = [];
  const visit = (v: unknown, field: string) => {
    if (isJsonataString(v)) found.push([v, field]);
    else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${field}[${i}]`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) visit(x, field ? `${field}/${k}` : k);
  };
  const { ItemProcessor: _p, Iterator: _i, ItemSelector: _s, Parameters: _q, Output: _o, Assign: _a, Catch: _c, ...rest } = state;
  visit(rest, "");
  return found;
}
