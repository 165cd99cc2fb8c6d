/**
 * When the scheduler lets other work run between child launches. Children whose handlers resolve
 * at once run entirely on microtasks, so a Map Run of them would otherwise hold the thread.
 */

/** The scheduler yields to the event loop after this much work, checked every 64 launches... */
const YIELD_INTERVAL_MS = 10;
const YIELD_CHECK_MASK = 63;
/** Launches per burst (a power of two, minus one) and microtask hops awaited after each. */
const BURST_MASK = 511;
export const BURST_HOPS = 16;
/** ...and at least every this many launches, whatever the clock says. */
const YIELD_EVERY_LAUNCHES = 4096;

export class LaunchPacer {
  private launched = 0;
  private finishedSinceYield = 0;
  private lastYield = performance.now();

  /** A child finished. */
  finished(): void {
    this.finishedSinceYield++;
  }

  /**
   * Asked right after a launch, before `yieldDue`. Children whose handlers resolve at once finish
   * within a few microtask hops: letting them finish between bursts (BURST_HOPS hops) keeps
   * thousands of half-started children from piling up (and surviving into the old GC generation).
   * Microtasks only, so children that really wait still fill MaxConcurrency.
   */
  burstDue(): boolean {
    return (this.launched & BURST_MASK) === BURST_MASK;
  }

  /**
   * Counts the launch; true when the scheduler should give the event loop a turn (`yieldTurn`):
   * without one now and then, signals (Ctrl-C), timers and I/O wait for the whole run. Only once
   * children finish: while the first MaxConcurrency children start, nothing can be starved and a
   * yield would only let early finishers keep the run below its concurrency.
   */
  yieldDue(): boolean {
    return (
      (++this.launched & YIELD_CHECK_MASK) === 0 &&
      this.finishedSinceYield > 0 &&
      (this.launched % YIELD_EVERY_LAUNCHES === 0 || performance.now() - this.lastYield >= YIELD_INTERVAL_MS)
    );
  }

  async yieldTurn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
    this.finishedSinceYield = 0;
  }
}
