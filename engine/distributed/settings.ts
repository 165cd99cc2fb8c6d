/**
 * Resolves the numeric knobs of a Distributed Map (MaxConcurrency, failure thresholds, batching,
 * MaxItems) once per Map Run: each may be a number, a JSONata `{% %}` string, or its `...Path`
 * reference-path twin evaluated against the state input.
 */
import type { z } from "zod";
import { describeNumber, numberField, pathVariantKey } from "../../asl/fields";
import { itemBatcherSchema, mapStateSchema, readerConfigSchema } from "../../asl/schema";
import type { JsonValue, MapState } from "../../asl/types";
import { LIMITS } from "../../asl/types";
import { StatesError, STATES_ERRORS } from "../model/errors";
import type { DistributedMapContext } from "./map-run-interface";

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html —
 * "If you don't specify [MaxConcurrency], Step Functions runs 10,000 parallel child workflow
 * executions." A value of 0 means the same (no limit set by the user).
 */
export const DEFAULT_DISTRIBUTED_CONCURRENCY = LIMITS.distributedMaxConcurrency;

export interface BatcherSettings {
  /** Upper bound of items per batch; undefined = only the byte limit applies. */
  maxItems?: number;
  /** Upper bound of the child input's bytes (`{"Items":[...],"BatchInput":...}` as JSON). */
  maxBytes: number;
  batchInput?: JsonValue;
}

export interface MapRunSettings {
  maxConcurrency: number;
  /** Undefined when the state sets neither threshold field (then no failure is tolerated). */
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  maxItems?: number;
  batcher?: BatcherSettings;
}

function runtimeError(field: string, rule: string, value: unknown): StatesError {
  return new StatesError(STATES_ERRORS.Runtime, `${field}: ${rule} (got ${JSON.stringify(value) ?? String(value)})`);
}

/**
 * AWS's words for a `...Path` that selects an unusable value, as recorded on AWS (localstack/localstack
 * tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.py::test_max_concurrency_path,
 * test_map_state_tolerated_failure_count_path, test_map_state_tolerated_failure_percentage_path):
 * `The ToleratedFailureCountPath field refers to value "NoNumber" which is not a valid integer:
 * $.ToleratedFailureCount`, and for a number out of range `ToleratedFailureCount cannot be negative.` /
 * `ToleratedFailurePercentage must be between 0 and 100.`, each after AWS's "An error occurred while
 * executing the state 'X' (entered at the event id #N). ". Undocumented otherwise: other fields keep ours.
 */
const RECORDED_PATH_WORDING = new Set(["MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage"]);
const OUT_OF_RANGE: Record<string, string> = {
  ToleratedFailureCount: "ToleratedFailureCount cannot be negative.",
  ToleratedFailurePercentage: "ToleratedFailurePercentage must be between 0 and 100.",
};

/** A string holding an integer (or, for a float field, a decimal) as the number; anything else as it is. */
export function numericText(value: unknown, kind: "integer" | "float" | undefined): unknown {
  if (typeof value !== "string" || kind === undefined) return value;
  const pattern = kind === "integer" ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)$/;
  return pattern.test(value.trim()) ? Number(value) : value;
}

function pathRefusal(
  ctx: DistributedMapContext,
  name: string,
  kind: "integer" | "float",
  path: string,
  value: unknown,
  rule: string,
): StatesError {
  const prefix =
    ctx.enteredEventId !== undefined
      ? `An error occurred while executing the state '${ctx.stateName ?? "Map"}' (entered at the event id #${ctx.enteredEventId}). `
      : "";
  if (typeof value !== "number" || (kind === "integer" && !Number.isInteger(value))) {
    const shown = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
    return new StatesError(
      STATES_ERRORS.Runtime,
      `${prefix}The ${name}Path field refers to value "${shown}" which is not a valid ${kind}: ${path}`,
    );
  }
  return new StatesError(STATES_ERRORS.Runtime, prefix + (OUT_OF_RANGE[name] ?? `${name}Path: ${rule} (got ${value})`));
}

type Shape = Readonly<Record<string, z.core.$ZodType>>;

/**
 * Evaluates the number field `key` of `object` (a literal or a JSONata string) or its `...Path`
 * variant (a reference path) to a number, checked against the field's range in the schema
 * (asl/schema.ts): the same check the validator makes on a literal, made here on the value the
 * definition computes. `prefix` names the enclosing object in messages ("ItemBatcher.").
 */
function resolveNumber<S extends { readonly shape: Shape }>(
  ctx: DistributedMapContext,
  input: JsonValue,
  schema: S,
  object: Readonly<Record<string, unknown>> | undefined,
  key: keyof S["shape"] & string,
  prefix = "",
): number | undefined {
  const range = numberField(schema, key);
  const pathKey = pathVariantKey(schema, key);
  const literal = object?.[key];
  const path = pathKey === undefined ? undefined : object?.[pathKey];
  let value: unknown;
  let field = prefix + key;
  if (literal !== undefined) {
    value = typeof literal === "string" ? ctx.evaluateTemplate(literal, input) : literal;
  } else if (typeof path === "string") {
    field = prefix + pathKey;
    value = ctx.evaluatePath(path, input);
  } else {
    return undefined;
  }
  // A reference path that selects a numeric string is read as the number: AWS ran a Map whose
  // ToleratedFailureCountPath selected the string "1" to success, and its words for a bad value are
  // 'refers to value "NoNumber" which is not a valid integer' (executions recorded on AWS:
  // localstack/localstack tests/aws/services/stepfunctions/v2/assign/test_assign_reference_variables.py::
  // test_reference_in_map_state, v2/scenarios/test_base_scenarios.py::test_map_state_tolerated_failure_count_path).
  // The kind (integer or decimal) is the field's range in the schema; AWS's wording only for the fields it was recorded for.
  const recorded =
    literal === undefined && prefix === "" && RECORDED_PATH_WORDING.has(key) ? (range.isInt ? "integer" : "float") : undefined;
  if (recorded) value = numericText(value, recorded);
  const parsed = range.safeParse(value);
  const rule = `must be ${describeNumber(range)}`;
  if (!parsed.success)
    throw recorded === undefined ? runtimeError(field, rule, value) : pathRefusal(ctx, key, recorded, path as string, value, rule);
  return parsed.data;
}

export function resolveSettings(state: MapState, input: JsonValue, ctx: DistributedMapContext): MapRunSettings {
  // Each field's range, with the AWS page it comes from, is the field's own in asl/schema.ts.
  // Resolved in this order (the first bad one fails the Map Run): one line per setting.
  const concurrency = resolveNumber(ctx, input, mapStateSchema, state, "MaxConcurrency");
  return {
    maxConcurrency: concurrency === undefined || concurrency === 0 ? DEFAULT_DISTRIBUTED_CONCURRENCY : concurrency,
    toleratedFailureCount: resolveNumber(ctx, input, mapStateSchema, state, "ToleratedFailureCount"),
    toleratedFailurePercentage: resolveNumber(ctx, input, mapStateSchema, state, "ToleratedFailurePercentage"),
    // MaxItems 0: no limit.
    maxItems: resolveNumber(ctx, input, readerConfigSchema, state.ItemReader?.ReaderConfig, "MaxItems", "ReaderConfig.") || undefined,
    batcher: resolveBatcher(state, input, ctx),
  };
}

function resolveBatcher(state: MapState, input: JsonValue, ctx: DistributedMapContext): BatcherSettings | undefined {
  const b = state.ItemBatcher;
  if (!b) return undefined;
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html —
  // MaxInputBytesPerBatch: "Specifies the maximum size of a batch in bytes, up to 256 KiB."
  const maxItems = resolveNumber(ctx, input, itemBatcherSchema, b, "MaxItemsPerBatch", "ItemBatcher.");
  const maxBytes = resolveNumber(ctx, input, itemBatcherSchema, b, "MaxInputBytesPerBatch", "ItemBatcher.");
  return {
    maxItems,
    maxBytes: maxBytes ?? LIMITS.maxInputBytesPerBatch,
    batchInput: b.BatchInput === undefined ? undefined : ctx.evaluateTemplate(b.BatchInput, input),
  };
}
