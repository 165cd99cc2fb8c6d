/**
 * The run's progress watch, for runs that can wait for task tokens: a clock wrapper that counts the
 * run's timers and work in flight, so the run can tell when nothing can make progress any more:
 * no timer, no handler call or I/O, and every task waiting for a token that nothing could answer
 * (no onTaskToken answer in progress, no TaskTokens held by the caller, or a token the task never
 * sent). On AWS such a task waits until its execution times out (a year by default); locally the
 * run ends at once with RunStalledError, naming the states, the tokens and how to answer them. While
 * tokens wait for an answerer that may still answer, it reports what the run waits for every
 * `noticeMs` of real time.
 */
import type { Clock, SleepOptions } from "./model/clock";
import type { TaskTokens, WaitingTask } from "./integrations/task-tokens";
import type { ExecutionResult, WaitingReport } from "./types";

export type { WaitingReport } from "./types";

/** What the run waits for, as the notices and RunStalledError describe it. */

/** How to answer a token: the CLI flags and the API options, named in every message. */
export const HOW_TO_ANSWER =
  "answer it with the CLI flag --task-token succeed[=JSON]|fail[=ERROR[:CAUSE]] or --task-token-handler MODULE (a module exporting onTaskToken(request, tokens)), " +
  "or the API option integrations.onTaskToken of run() / runWorkflow() (return a promise when the answer comes later), or integrations.taskTokens to answer from your own code; " +
  "or give the task HeartbeatSeconds/TimeoutSeconds, as on AWS, so the wait ends";

function describe(t: WaitingTask & { answerable: boolean }): string {
  const where = `state '${t.stateName}' (${t.resource}) of ${t.executionArn}, token ${t.token.slice(0, 12)}...`;
  if (!t.sent) {
    return `${where}: the task's Parameters/Arguments do not carry $$.Task.Token, so nothing could receive the token (on AWS it waits until it times out): send it, e.g. "token.$": "$$.Task.Token"`;
  }
  if (t.answering > 0) return `${where}: an onTaskToken answer is in progress`;
  if ((t.graceUntil ?? 0) > Date.now())
    return `${where}: the onTaskToken hook returned no promise; its answer may still come (return a promise when you answer later)`;
  if (t.answerable) return `${where}: waiting for an answer through the TaskTokens given in integrations.taskTokens`;
  return `${where}: nothing answers it${t.hookError ? ` (the onTaskToken hook failed: ${t.hookError})` : " (no --task-token / --task-token-handler, no integrations.onTaskToken answer)"}`;
}

export function describeWaiting(report: WaitingReport): string {
  const lines = report.tasks.map((t) => `  ${describe(t)}`);
  if (report.inFlight > 0) lines.push(`  ${report.inFlight} handler call(s) or S3/DynamoDB request(s) in flight`);
  if (report.timers > 0) lines.push(`  ${report.timers} timer(s) pending (Wait, retry back-off, timeouts)`);
  return lines.join("\n");
}

/**
 * Thrown by `run()` when the execution can make no progress: every remaining task waits for a task
 * token that nothing can answer, with no timer or work pending. The execution was stopped
 * (`result`, status ABORTED, holds its history and Map Runs).
 */
export class RunStalledError extends Error {
  override readonly name = "RunStalled";
  constructor(
    readonly waiting: WaitingReport,
    readonly result?: ExecutionResult,
  ) {
    super(
      `The execution can make no progress: it waits for task tokens that nothing can answer, with no timer, handler call or I/O pending.\n` +
        `${describeWaiting(waiting)}\n` +
        `To go on, ${HOW_TO_ANSWER}.`,
    );
  }
}

export interface RunWaitsOptions {
  /** Whether the caller holds the TaskTokens and may answer from outside (never "stalled" then). */
  answeredFromOutside: boolean;
  /** Called once when the run can make no progress (the run stops itself). */
  onStall(report: WaitingReport): void;
  /** Called every `noticeMs` of real time while tasks wait for their tokens. */
  onWaiting?: (report: WaitingReport) => void;
  noticeMs?: number;
}

/** How often the watch samples while tokens wait (real time; two idle samples in a row make a stall). */
const SAMPLE_MS = 50;

interface InnerCounts {
  pendingTimers?: number;
  pendingWork?: number;
}

export class RunWaits implements Clock {
  private timers = 0;
  private inFlight = 0;
  private activity = 0;
  private sampled = -1;
  private poll: ReturnType<typeof setInterval> | undefined;
  private firstWait = 0;
  private lastNotice = 0;
  private stalledReport: WaitingReport | undefined;
  private readonly onBeforeExit = (): void => this.sample(true);

  constructor(
    private readonly inner: Clock,
    private readonly tokens: TaskTokens,
    private readonly options: RunWaitsOptions,
  ) {
    tokens.onChange = () => this.changed();
  }

  get stalled(): WaitingReport | undefined {
    return this.stalledReport;
  }

  now(): number {
    this.activity++;
    return this.inner.now();
  }

  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void> {
    // The execution's time limit is no progress the run could make: not counted as a pending timer.
    if (options?.deadline) return this.inner.sleep(ms, signal, options);
    this.timers++;
    this.activity++;
    const p = this.inner.sleep(ms, signal);
    const done = () => {
      this.timers--;
      this.activity++;
    };
    p.then(done, done);
    return p;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    this.activity++;
    const p = this.inner.track(work);
    const done = () => {
      this.inFlight--;
      this.activity++;
    };
    work.then(done, done);
    return p;
  }

  /** A token wait began or ended, or an answer started or settled. */
  private changed(): void {
    this.activity++;
    const waiting = this.tokens.waitingTasks.length > 0;
    if (waiting && !this.poll && !this.stalledReport) {
      this.firstWait = Date.now();
      this.lastNotice = this.firstWait;
      // Unref'd: the watch never keeps a process alive; if nothing else does, beforeExit samples.
      this.poll = setInterval(() => this.sample(false), SAMPLE_MS).unref();
      process.on("beforeExit", this.onBeforeExit);
    } else if (!waiting) this.stopPolling();
  }

  private report(): WaitingReport {
    const inner = this.inner as InnerCounts;
    return {
      tasks: this.tokens.waitingTasks.map((t) => ({
        ...t,
        answerable: t.sent && (t.answering > 0 || this.options.answeredFromOutside || (t.graceUntil ?? 0) > Date.now()),
      })),
      inFlight: Math.max(this.inFlight, inner.pendingWork ?? 0),
      timers: Math.max(this.timers, inner.pendingTimers ?? 0),
      waitedMs: Date.now() - this.firstWait,
    };
  }

  /** `exiting`: the event loop is empty (beforeExit), so nothing outside the counts can happen either. */
  private sample(exiting: boolean): void {
    if (this.stalledReport) return;
    const every = this.options.noticeMs ?? 10_000;
    const noticeDue = this.options.onWaiting !== undefined && Date.now() - this.lastNotice >= every;
    const inner = this.inner as InnerCounts;
    if (
      !exiting &&
      !noticeDue &&
      (this.timers > 0 || this.inFlight > 0 || (inner.pendingTimers ?? 0) > 0 || (inner.pendingWork ?? 0) > 0)
    ) {
      // Something can still move: no need to list the waiting tasks (thousands, in a large Map Run).
      this.sampled = -1;
      return;
    }
    const report = this.report();
    if (report.tasks.length === 0) return this.stopPolling();
    const quiet = report.timers === 0 && report.inFlight === 0 && report.tasks.every((t) => !t.answerable);
    // On beforeExit the event loop is empty: no timer, answer or request can ever complete, so
    // whatever the counts say, the run is stuck.
    if (exiting || (quiet && this.sampled === this.activity)) {
      this.stalledReport = report;
      this.stopPolling();
      this.options.onStall(report);
      return;
    }
    this.sampled = quiet ? this.activity : -1;
    if (noticeDue) {
      this.lastNotice = Date.now();
      this.options.onWaiting!(report);
    }
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    process.off("beforeExit", this.onBeforeExit);
  }

  /** The run ended: no more sampling, and the TaskTokens (perhaps the caller's) forget this watch. */
  dispose(): void {
    this.stopPolling();
    if (this.tokens.onChange) this.tokens.onChange = undefined;
  }
}
