/**
 * The live Map Run record (what the console's Map Run page and DescribeMapRun show), with a
 * throttled publisher so a 20,000-item run does not call the progress callback 20,000 times.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html
 */
import type { MapRunCounts, MapRunRecord } from "./contract";

export function zeroCounts(): MapRunCounts {
  return { pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0 };
}

/** Publishes snapshots at most once per `intervalMs`; `flush()` always publishes the exact state. */
export class MapRunPublisher {
  private last = 0;

  constructor(
    readonly record: MapRunRecord,
    private readonly sink: (record: MapRunRecord) => void,
    private readonly intervalMs = 100,
  ) {}

  changed(): void {
    const now = Date.now();
    if (now - this.last < this.intervalMs) return;
    this.publish(now);
  }

  flush(): void {
    this.publish(Date.now());
  }

  private publish(now: number): void {
    this.last = now;
    const r = this.record;
    const snapshot: MapRunRecord = { ...r, itemCounts: { ...r.itemCounts }, executionCounts: { ...r.executionCounts } };
    if (r.childCounters) snapshot.childCounters = { ...r.childCounters };
    this.sink(snapshot);
  }
}
