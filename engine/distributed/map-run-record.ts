/**
 * The live Map Run record (what the console's Map Run page and DescribeMapRun show), with a
 * throttled publisher so a 20,000-item run does not call the progress callback 20,000 times.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html
 */
import type { MapRunCounts, MapRunRecord } from "./map-run-interface";

export function zeroCounts(): MapRunCounts {
  return { pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0 };
}

/**
 * Publishes snapshots at most once per `intervalMs`, trailing: the first change after a publish
 * arms one timer, and the snapshot is taken when it fires, so the latest counts are always
 * published within `intervalMs` and a change costs one check while a publish is due.
 * `flush()` publishes the exact state at once (and cancels a pending one); `close()` cancels.
 */
export class MapRunPublisher {
  private last = 0;
  private due: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly record: MapRunRecord,
    private readonly sink: (record: MapRunRecord) => void,
    private readonly intervalMs = 100,
  ) {}

  changed(): void {
    if (this.due !== undefined) return;
    this.due = setTimeout(
      () => {
        this.due = undefined;
        this.publish(Date.now());
      },
      Math.max(0, this.intervalMs - (Date.now() - this.last)),
    );
    // Progress never keeps the process alive.
    this.due.unref?.();
  }

  flush(): void {
    this.close();
    this.publish(Date.now());
  }

  close(): void {
    if (this.due !== undefined) clearTimeout(this.due);
    this.due = undefined;
  }

  private publish(now: number): void {
    this.last = now;
    const r = this.record;
    const snapshot: MapRunRecord = { ...r, itemCounts: { ...r.itemCounts }, executionCounts: { ...r.executionCounts } };
    if (r.childCounters) snapshot.childCounters = { ...r.childCounters };
    this.sink(snapshot);
  }
}
