/**
 * The tolerated failure threshold of a Map Run.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html (Setting
 * failure thresholds): "Step Functions calculates the percentage of failed items as the result
 * of the total number of failed or timed out items divided by the total number of items";
 * "Your Map Run fails if this value is exceeded"; "If you specify both values, the workflow
 * fails when it exceeds either value"; "The default percentage value is zero, which means that
 * the workflow fails if any one of its child workflow executions fails or times out" (the
 * default applies when neither field is set: a count alone is not undone by a 0% default).
 * A failed batch fails every item in it (thresholds count items).
 *
 * "The total number of items" is judged against as soon as it is known: at once for an items
 * array in the state input or a JSON file (parsed whole), and otherwise (JSON Lines, CSV,
 * listings, which stream) once the reader is exhausted; 0% is exceeded by the first failure
 * whatever the total. Before the total is known, failures beyond the percentage of every item
 * that can still come are not knowable, so the Map Run runs on; the page allows for that: "Step
 * Functions may continue to run child workflows in a Map Run even after the tolerated failure
 * threshold is exceeded, but before the Map Run fails."
 */
import { StatesError, STATES_ERRORS } from "../model/errors";
import type { MapRunCounts } from "./map-run-interface";
import type { MapRunSettings } from "./settings";

/** The state's tolerated failures (each undefined when the state does not set it). */
export type Thresholds = Pick<MapRunSettings, "toleratedFailureCount" | "toleratedFailurePercentage">;

/** Whether `failed` items (failed or timed out) exceed the threshold; `total` is undefined while unknown. */
export function thresholdExceeded(t: Thresholds, failed: number, total: number | undefined): boolean {
  if (failed === 0) return false;
  const { toleratedFailureCount: count, toleratedFailurePercentage: pct } = t;
  if (count === undefined && pct === undefined) return true;
  if (count !== undefined && failed > count) return true;
  if (pct !== undefined) {
    if (pct === 0) return true;
    if (total !== undefined && failed * 100 > pct * total) return true;
  }
  return false;
}

/** `States.ExceedToleratedFailureThreshold`, naming the threshold and the counts (`total` may read "12+"). */
export function thresholdError(t: Thresholds, failed: number, total: number | string, mapRunArn: string): StatesError {
  const parts = [
    t.toleratedFailureCount !== undefined ? `ToleratedFailureCount ${t.toleratedFailureCount}` : undefined,
    t.toleratedFailurePercentage !== undefined ? `ToleratedFailurePercentage ${t.toleratedFailurePercentage}` : undefined,
  ].filter(Boolean);
  return new StatesError(
    STATES_ERRORS.ExceedToleratedFailureThreshold,
    `The specified tolerated failure threshold was exceeded (${parts.length ? parts.join(", ") : "no failures tolerated"}): ` +
      `${failed} of ${total} items failed in Map Run ${mapRunArn}`,
  );
}

/** A Map Run's threshold over its item counts: `error` is set the first time it is exceeded. */
export class FailureThreshold {
  error: StatesError | undefined = undefined;

  constructor(
    private readonly t: Thresholds,
    private readonly items: MapRunCounts,
    private readonly mapRunArn: string,
  ) {}

  /** Judges the failed items against `total` (undefined while unknown); true when this call sets `error`. */
  check(total: number | undefined): boolean {
    if (this.error) return false;
    const { items } = this;
    const failed = items.failed + items.timedOut;
    if (!thresholdExceeded(this.t, failed, total)) return false;
    this.error = thresholdError(this.t, failed, total ?? `${items.total}+`, this.mapRunArn);
    return true;
  }
}
