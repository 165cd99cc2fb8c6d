/**
 * The Map Run's scheduler: a child execution per work unit, at most MaxConcurrency at once, tolerated
 * failures counted, stops (threshold exceeded, reader failed, parent stopped). Children start and finish
 * by callbacks (the unit's position as the token of one shared callback): no promise or worker per child.
 */
import { setMaxListeners } from "node:events";
import { StatesError, STATES_ERRORS } from "../model/errors";
import type { ChildOutcome, ChildStarter, MapRunCounts, MapRunRecord } from "./map-run-interface";
import { BURST_HOPS, LaunchPacer } from "./launch-pacing";
import type { UnitSink, UnitSource, Units } from "./work-units";
import type { MapRunSettings } from "./settings";
import { FailureThreshold } from "./tolerated-failures";

export interface SchedulerOptions {
  settings: MapRunSettings;
  mapRunArn: string;
  record: MapRunRecord;
  progress: { changed(): void }; // the throttled Map Run publisher
  /** The executor's child start, given (never imported). */
  children: ChildStarter;
  sink: UnitSink;
  parentSignal: AbortSignal;
  /** MapRunHooks.onChildDone, bound to this Map Run. */
  onChildDone?: (seq: number, items: number, outcome: ChildOutcome) => void;
  /** On a redrive: whether the child at `seq` succeeded before (it is not started again). */
  kept?: (seq: number) => boolean;
}

export class Scheduler {
  private readonly abort = new AbortController();
  /** The Map Run's signal: every running child and the reader listen on it. */
  readonly signal: AbortSignal = this.abort.signal;
  parentAborted = false;
  readError: unknown = undefined;
  private readonly threshold: FailureThreshold;
  private readonly items: MapRunCounts;
  private readonly execs: MapRunCounts;
  private running = 0;
  private readerDone = false;
  private waiter: (() => void) | undefined = undefined;
  private stream: UnitSource | undefined = undefined;
  private readonly pacer = new LaunchPacer();
  private readonly batchSizes: Map<number, number> | undefined; // items per running batch, by seq
  private readonly childOptions = { signal: this.signal };
  private readonly finishChild = (outcome: ChildOutcome, seq: number): void => this.finish(seq, outcome);
  private readonly onParentAbort = (): void => {
    this.parentAborted = true;
    this.abort.abort();
    this.wake();
  };

  constructor(private readonly o: SchedulerOptions) {
    // Every running child's Wait states and Task timeouts listen on it: many listeners, not a leak.
    setMaxListeners(0, this.signal);
    this.items = o.record.itemCounts;
    this.execs = o.record.executionCounts;
    this.threshold = new FailureThreshold(o.settings, this.items, o.mapRunArn);
    this.batchSizes = o.settings.batcher ? new Map() : undefined;
    this.parentAborted = o.parentSignal.aborted;
    o.parentSignal.addEventListener("abort", this.onParentAbort, { once: true });
  }

  /** Runs every unit of `stream`, then waits for the last child to finish (and stops listening to the parent). */
  async run(stream: UnitSource): Promise<void> {
    const { o, items, execs, threshold, pacer } = this;
    const { children, progress } = o;
    const { maxConcurrency } = o.settings;
    const kept = o.kept;
    this.stream = stream;
    const iterator = stream.units;
    try {
      reading: for (;;) {
        let next: IteratorResult<Units>;
        try {
          next = await iterator.next();
        } catch (err) {
          this.readError = err;
          break;
        }
        if (next.done) break;
        const { firstSeq, inputs, items: sizes } = next.value;
        for (let u = 0; u < inputs.length; u++) {
          while (this.running >= maxConcurrency && !threshold.error && !this.parentAborted) await this.idle();
          if (this.parentAborted && !o.sink.exporting) break reading;
          if (threshold.error || this.parentAborted) {
            // Stopped: keep reading so every item is accounted for in PENDING_n.json, "child workflow
            // executions that weren't started because the Map Run failed or aborted" (ResultWriter page).
            o.sink.notStarted(inputs[u]);
            continue;
          }
          const n = sizes ? sizes[u] : 1;
          if (kept !== undefined && kept(firstSeq + u)) {
            // Redrive: a child that succeeded keeps its result and is not run again.
            items.pending -= n;
            execs.pending--;
            o.sink.keep?.(firstSeq + u, n);
            continue;
          }
          this.running++;
          items.pending -= n;
          items.running += n;
          execs.pending--;
          execs.running++;
          this.batchSizes?.set(firstSeq + u, n);
          children.runChild(inputs[u], this.childOptions, this.finishChild, firstSeq + u);
          progress.changed();
          if (pacer.burstDue()) for (let hop = 0; hop < BURST_HOPS; hop++) await undefined;
          if (pacer.yieldDue()) await pacer.yieldTurn();
        }
      }
      if (this.readError === undefined && !(this.parentAborted && !o.sink.exporting)) {
        this.readerDone = true;
        o.record.readerDone = true;
        this.checkThreshold();
      } else {
        // A read failure ends the Map Run: stop the children that are still running.
        this.abort.abort();
        await iterator.return(undefined).catch(() => undefined);
      }
      while (this.running > 0) await this.idle();
    } finally {
      o.parentSignal.removeEventListener("abort", this.onParentAbort);
    }
  }

  /** What the Map Run fails with, if anything: the threshold, else the reader's failure. */
  error(): StatesError | undefined {
    const err = this.readError;
    if (!this.threshold.error && err !== undefined)
      return err instanceof StatesError
        ? err
        : new StatesError(STATES_ERRORS.ItemReaderFailed, err instanceof Error ? err.message : String(err));
    this.checkThreshold();
    return this.threshold.error;
  }

  private finish(seq: number, outcome: ChildOutcome): void {
    let n = 1;
    if (this.batchSizes) {
      n = this.batchSizes.get(seq)!;
      this.batchSizes.delete(seq);
    }
    this.running--;
    this.pacer.finished();
    this.items.running -= n;
    this.execs.running--;
    this.o.sink.add(seq, n, outcome);
    this.o.onChildDone?.(seq, n, outcome);
    if (outcome.status === "FAILED") this.checkThreshold();
    this.o.progress.changed();
    this.wake();
  }

  private checkThreshold(): void {
    if (this.threshold.check(this.readerDone ? this.items.total : this.stream?.knownTotal)) this.abort.abort();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private readonly idle = (): Promise<void> => new Promise<void>((resolve) => (this.waiter = resolve));
}
