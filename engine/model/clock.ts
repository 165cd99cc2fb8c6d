/**
 * Time for the engine. The real clock sleeps; the virtual clock jumps. Wait states, retry back-off
 * and Task timeouts all go through `sleep`, so tests with a virtual clock take no real time.
 */
import { ExecutionAbortedError } from "./errors";

export interface SleepOptions {
  deadline?: boolean;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms`; rejects with ExecutionAbortedError when `signal` aborts. A `deadline` (the
   * execution's time limit) is not work: on the real clock it does not keep the process alive, so a
   * run whose only pending thing is its deadline still ends with a message rather than waiting it out.
   */
  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void>;
  /** Marks real work in flight (a handler call) so a virtual clock does not jump while it runs. */
  track<T>(work: Promise<T>): Promise<T>;
}

/**
 * The longest delay Node's setTimeout keeps: a larger one "will be set to 1"
 * (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args), so a 1-year Wait would end
 * at once. ASL's own limits go far beyond it (a STANDARD execution may run for a year), so longer
 * sleeps are chained in steps of at most this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The timer functions RealClock uses (Node's by default; a test gives fake ones). */
export interface TimerFunctions {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: TimerFunctions = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class RealClock implements Clock {
  constructor(private readonly timers: TimerFunctions = NODE_TIMERS) {}

  private cached: number | undefined;
  private readonly forget = (): void => {
    this.cached = undefined;
  };

  /**
   * Date.now(), read once per synchronous stretch of work: the several history events a state
   * records in one go share a millisecond anyway, and the clock read was a visible cost per item.
   */
  now(): number {
    if (this.cached === undefined) {
      this.cached = Date.now();
      queueMicrotask(this.forget);
    }
    return this.cached;
  }
  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new ExecutionAbortedError());
      // Steps of at most MAX_TIMER_MS; each step's length is what is left after the previous ones.
      let left = Number.isNaN(ms) ? 0 : Math.max(0, ms);
      let timer: unknown;
      const step = () => {
        const now = Math.min(left, MAX_TIMER_MS);
        left -= now;
        timer = this.timers.setTimeout(() => {
          if (left > 0) return step();
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, now);
        if (options?.deadline) (timer as { unref?: () => void }).unref?.();
      };
      const onAbort = () => {
        this.timers.clearTimeout(timer);
        reject(new ExecutionAbortedError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      step();
    });
  }
  track<T>(work: Promise<T>): Promise<T> {
    return work;
  }
}

interface Timer {
  due: number;
  seq: number;
  resolve: () => void;
}

/**
 * A discrete-event clock: `sleep` registers a timer; time jumps to the earliest timer only when the
 * run is idle: no tracked work in flight (handler calls, S3/DynamoDB requests, answers to task
 * tokens in progress) and a whole turn of the event loop passed with no engine activity (no clock
 * read, sleep or tracked start). I/O and handlers thus take no virtual time, as they take
 * milliseconds against timers of seconds on the real clock, and a timer never overtakes work that
 * would have finished first on it: a token answered after any number of ticks or real
 * milliseconds wins over a later heartbeat or timeout.
 *
 * Work that stays in flight for `hangMs` of real time (default 1 s) with no engine activity at all
 * is taken as hung (a handler that never returns): the next timer fires then, as TimeoutSeconds
 * would end it on the real clock. Work slower than that in real time but faster than the timer
 * is the one case where the two clocks' verdicts differ.
 */
export class VirtualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  private inFlight = 0;
  private scheduled = false;
  /** Bumped by every clock read, sleep and tracked start: an idle turn leaves it unchanged. */
  private activity = 0;
  private seen = -1;

  private hang: ReturnType<typeof setTimeout> | undefined;

  constructor(
    start: Date | number = Date.UTC(2024, 0, 1),
    private readonly hangMs = 1_000,
  ) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    this.activity++;
    return this.current;
  }

  /** Timers not yet fired (the run's progress watch counts them as a way forward). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Tracked work in flight. */
  get pendingWork(): number {
    return this.inFlight;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.activity++;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new ExecutionAbortedError());
      const timer: Timer = {
        due: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(new ExecutionAbortedError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.push(timer);
      this.schedule();
    });
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.activity++;
    this.inFlight++;
    const done = () => {
      this.inFlight--;
      this.activity++;
      if (this.inFlight === 0 && this.hang !== undefined) {
        clearTimeout(this.hang);
        this.hang = undefined;
      }
      this.schedule();
    };
    work.then(done, done);
    return work;
  }

  private schedule(): void {
    if (this.scheduled || this.timers.length === 0) return;
    if (this.inFlight > 0) {
      // Its completion schedules again; unless it hangs.
      if (this.hang === undefined) this.armHang();
      return;
    }
    this.scheduled = true;
    this.seen = this.activity;
    setImmediate(this.fire);
  }

  private armHang(): void {
    const seen = this.activity;
    this.hang = setTimeout(() => {
      this.hang = undefined;
      if (this.inFlight === 0 || this.timers.length === 0) return;
      if (this.activity !== seen) this.armHang();
      else if (!this.scheduled) this.advance();
    }, this.hangMs);
  }

  private readonly fire = (): void => {
    this.scheduled = false;
    if (this.inFlight > 0 || this.timers.length === 0) return;
    if (this.activity !== this.seen) {
      // Something ran during the last turn: wait for a turn with none.
      this.schedule();
      return;
    }
    this.advance();
  };

  private advance(): void {
    let next = this.timers[0]!;
    for (const t of this.timers) if (t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t;
    this.timers = this.timers.filter((t) => t !== next);
    if (next.due > this.current) this.current = next.due;
    next.resolve();
    this.schedule();
  }
}
