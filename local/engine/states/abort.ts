import { setMaxListeners } from "node:events";
import { ExecutionAbortedError } from "../errors";

/** An AbortController that also aborts when `parent` does; `release` unhooks it from the parent. */
export function linkedAbort(parent: AbortSignal): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  // Every running task of a Map/Parallel listens on this signal; thousands are expected, not a leak.
  setMaxListeners(0, controller.signal);
  if (parent.aborted) controller.abort();
  const onAbort = () => controller.abort();
  parent.addEventListener("abort", onAbort, { once: true });
  return { controller, release: () => parent.removeEventListener("abort", onAbort) };
}

const abortPromises = new WeakMap<AbortSignal, Promise<never>>();

/**
 * One promise per signal that rejects when it aborts, for racing against work in flight: a single
 * listener per signal instead of one per task.
 */
export function abortPromise(signal: AbortSignal): Promise<never> {
  let p = abortPromises.get(signal);
  if (!p) {
    p = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(new ExecutionAbortedError());
      else signal.addEventListener("abort", () => reject(new ExecutionAbortedError()), { once: true });
    });
    p.catch(() => undefined);
    abortPromises.set(signal, p);
  }
  return p;
}

/**
 * Whether a signal has aborted, as a plain field: states check it on every transition, and
 * `AbortSignal.aborted` is a checked getter (a visible cost per Map item). One flag per signal.
 */
export class StopFlag {
  stopped: boolean;
  constructor(signal: AbortSignal) {
    this.stopped = signal.aborted;
    if (!this.stopped) signal.addEventListener("abort", () => (this.stopped = true), { once: true });
  }
}

const stopFlags = new WeakMap<AbortSignal, StopFlag>();

export function stopFlagOf(signal: AbortSignal): StopFlag {
  let flag = stopFlags.get(signal);
  if (!flag) {
    flag = new StopFlag(signal);
    stopFlags.set(signal, flag);
  }
  return flag;
}
