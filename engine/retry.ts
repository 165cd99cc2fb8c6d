/**
 * Which Retrier or Catcher an error matches, and how long to wait before a retry.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
import type { Retrier } from "../asl/types";
import { STATES_ERRORS } from "./model/errors";

/**
 * - "States.ALL ... can't catch the States.DataLimitExceeded terminal error or Runtime error types."
 * - "A States.Runtime error isn't retriable, and will always cause the execution to fail."
 * - States.TaskFailed, in a retrier or catcher, "acts as a wildcard that matches any known error name
 *   except for States.Timeout".
 * States.DataLimitExceeded is matched only when named explicitly.
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (error === STATES_ERRORS.Runtime) return false;
  for (const name of errorEquals) {
    if (name === error) return true;
    if (error === STATES_ERRORS.DataLimitExceeded) continue;
    if (name === STATES_ERRORS.ALL) return true;
    if (name === STATES_ERRORS.TaskFailed && error !== STATES_ERRORS.Timeout && error !== STATES_ERRORS.HeartbeatTimeout) return true;
  }
  return false;
}

/** Tracks retries for one state visit: a retrier's count applies across all its matches. */
export class RetryTracker {
  /** Retries each retrier has made (drives the back-off exponent). */
  private readonly uses: number[];
  /** Retries per retrier and error name (checked against MaxAttempts). */
  private readonly perError: Array<Map<string, number>>;
  total = 0;

  constructor(private readonly retriers: readonly Retrier[]) {
    this.uses = retriers.map(() => 0);
    this.perError = retriers.map(() => new Map());
  }

  /**
   * The delay in ms before the next attempt, or null when the error is not to be retried: no
   * retrier matches, or the first one that matches has used its MaxAttempts (default 3; 0 = never).
   */
  next(error: string, random: () => number): number | null {
    const index = this.retriers.findIndex((r) => errorMatches(r.ErrorEquals, error));
    if (index < 0) return null;
    const r = this.retriers[index];
    const max = r.MaxAttempts ?? 3;
    // The doc's complex scenario: after ErrorA, ErrorB, (ErrorC), ErrorB the first retrier (MaxAttempts 2)
    // refuses the next ErrorB "for that particular error (ErrorB)", and its fourth use waits 4 s
    // (1 × 2^2): limits count per error name, the back-off grows with every use of the retrier.
    const tries = this.perError[index].get(error) ?? 0;
    if (tries >= max) return null;
    this.perError[index].set(error, tries + 1);
    const done = this.uses[index];
    this.uses[index] = done + 1;
    this.total++;
    // "IntervalSeconds ... (1 by default)", "BackoffRate ... (2.0 by default)",
    // MaxDelaySeconds caps the interval; JitterStrategy FULL picks uniformly in [0, interval].
    let seconds = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, done);
    if (r.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, r.MaxDelaySeconds);
    if (r.JitterStrategy === "FULL") seconds = random() * seconds;
    return Math.round(seconds * 1000);
  }
}

export function findCatcher<C extends { errorEquals: readonly string[] }>(
  catchers: readonly C[] | undefined,
  error: string,
): C | undefined {
  return catchers?.find((c) => errorMatches(c.errorEquals, error));
}
