/**
 * Resolves the numeric knobs of a Distributed Map (MaxConcurrency, failure thresholds, batching,
 * MaxItems) once per Map Run: each may be a number, a JSONata `{% %}` string, or its `...Path`
 * reference-path twin evaluated against the state input.
 */
import { z } from "zod";
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

type NumberField = number | string | undefined;

const nonNegativeInt = z.number().int().nonnegative();
const percentage = z.number().min(0).max(100);

function runtimeError(field: string, rule: string, value: unknown): StatesError {
  return new StatesError(STATES_ERRORS.Runtime, `${field}: ${rule} (got ${JSON.stringify(value) ?? String(value)})`);
}

/** Evaluates `field` (a literal or JSONata string) or `pathField` (a reference path) to a number. */
function resolveNumber(
  ctx: DistributedMapContext,
  input: JsonValue,
  name: string,
  literal: NumberField,
  path: string | undefined,
  schema: z.ZodType<number>,
  rule: string,
): number | undefined {
  let value: unknown;
  let field = name;
  if (literal !== undefined) {
    value = typeof literal === "string" ? ctx.evaluateTemplate(literal, input) : literal;
  } else if (path !== undefined) {
    field = `${name}Path`;
    value = ctx.evaluatePath(path, input);
  } else {
    return undefined;
  }
  // A reference path may point at a numeric string (e.g. a CSV-derived value); AWS documents the
  // Path variants as selecting a "positive integer", so only real numbers pass.
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw runtimeError(field, rule, value);
  return parsed.data;
}

export function resolveSettings(state: MapState, input: JsonValue, ctx: DistributedMapContext): MapRunSettings {
  const concurrency = resolveNumber(
    ctx,
    input,
    "MaxConcurrency",
    state.MaxConcurrency,
    state.MaxConcurrencyPath,
    nonNegativeInt,
    "must be a non-negative integer",
  );
  const count = resolveNumber(
    ctx,
    input,
    "ToleratedFailureCount",
    state.ToleratedFailureCount,
    state.ToleratedFailureCountPath,
    nonNegativeInt,
    "must be a non-negative integer",
  );
  // https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html (failure
  // threshold): "You must specify a value between zero and 100"; decimals are allowed.
  const pct = resolveNumber(
    ctx,
    input,
    "ToleratedFailurePercentage",
    state.ToleratedFailurePercentage,
    state.ToleratedFailurePercentagePath,
    percentage,
    "must be a number between 0 and 100",
  );
  const cfg = state.ItemReader?.ReaderConfig;
  // ItemReader page: "You can specify a limit of up to 100,000,000 after which the Distributed
  // Map stops reading items."
  const maxItems = resolveNumber(
    ctx,
    input,
    "ReaderConfig.MaxItems",
    cfg?.MaxItems,
    cfg?.MaxItemsPath,
    nonNegativeInt.max(100_000_000),
    "must be an integer from 0 to 100,000,000",
  );
  return {
    maxConcurrency: concurrency === undefined || concurrency === 0 ? DEFAULT_DISTRIBUTED_CONCURRENCY : concurrency,
    toleratedFailureCount: count,
    toleratedFailurePercentage: pct,
    maxItems: maxItems === 0 ? undefined : maxItems,
    batcher: resolveBatcher(state, input, ctx),
  };
}

function resolveBatcher(state: MapState, input: JsonValue, ctx: DistributedMapContext): BatcherSettings | undefined {
  const b = state.ItemBatcher;
  if (!b) return undefined;
  const positiveInt = z.number().int().positive();
  const maxItems = resolveNumber(
    ctx,
    input,
    "ItemBatcher.MaxItemsPerBatch",
    b.MaxItemsPerBatch,
    b.MaxItemsPerBatchPath,
    positiveInt,
    "must be a positive integer",
  );
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html —
  // MaxInputBytesPerBatch: "Specifies the maximum size of a batch in bytes, up to 256 KiB."
  const maxBytes = resolveNumber(
    ctx,
    input,
    "ItemBatcher.MaxInputBytesPerBatch",
    b.MaxInputBytesPerBatch,
    b.MaxInputBytesPerBatchPath,
    z.number().int().positive().max(LIMITS.maxInputBytesPerBatch),
    `must be a positive integer up to ${LIMITS.maxInputBytesPerBatch}`,
  );
  return {
    maxItems,
    maxBytes: maxBytes ?? LIMITS.maxInputBytesPerBatch,
    batchInput: b.BatchInput === undefined ? undefined : ctx.evaluateTemplate(b.BatchInput, input),
  };
}
