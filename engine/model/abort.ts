/**
 * Stopping: linked abort controllers, one rejecting promise and one flag per signal, and the one
 * listener that stops every running child of a Map Run.
 */
import { setMaxListeners } from "node:events";
import { ExecutionAbortedError } from "./errors";

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

/** A running child as the stopper links it. */
export interface RunningChild {
  prevRunning: RunningChild | undefined;
  nextRunning: RunningChild | undefined;
  stop(): void;
}

/**
 * Ends the running child executions of one Map Run when its signal aborts: a single listener for
 * all of them (an AbortController or listener per child cost more than the child itself). The
 * running children form a doubly linked list through their own fields: adding and removing one
 * allocates nothing.
 */
export class ChildStopper {
  private head: RunningChild | undefined;
  /** The Map Run's signal as a flag, shared by every child's frame. */
  readonly flag: StopFlag;

  constructor(signal: AbortSignal) {
    this.flag = stopFlagOf(signal);
    signal.addEventListener(
      "abort",
      () => {
        for (let child = this.head; child;) {
          const next = child.nextRunning;
          child.stop();
          child = next;
        }
        this.head = undefined;
      },
      { once: true },
    );
  }

  add(child: RunningChild): void {
    child.nextRunning = this.head;
    child.prevRunning = undefined;
    if (this.head) this.head.prevRunning = child;
    this.head = child;
  }

  delete(child: RunningChild): void {
    const { prevRunning: prev, nextRunning: next } = child;
    if (prev) prev.nextRunning = next;
    else if (this.head === child) this.head = next;
    if (next) next.prevRunning = prev;
    child.prevRunning = child.nextRunning = undefined;
  }
}
