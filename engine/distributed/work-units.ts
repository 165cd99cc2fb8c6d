/**
 * The work units passed between a Map Run's three parts (map-run.ts composes them): the item stream hands
 * work units to the scheduler, the scheduler hands finished children to the result sink. Each
 * part knows the others only through these types.
 */
import type { JsonValue } from "../../asl/types";
import type { ChildOutcome } from "./map-run-interface";

/**
 * Consecutive work units (a child execution's input: one item, or one batch of items), as columns:
 * an object per unit would be made for every item and, with thousands read ahead of the running
 * children, outlive the young generation.
 */
export interface Units {
  /** The first unit's position among units, in reader order (the output array's order). */
  firstSeq: number;
  inputs: JsonValue[];
  /** Items each unit carries (the batch sizes); absent when each carries one item. */
  items?: number[];
}

/** What the scheduler reads: the item stream. */
export interface UnitSource {
  /** Groups of units, one per batch of items read: the scheduler pays one await per group, not per item. */
  readonly units: AsyncGenerator<Units>;
  /** The Map Run's item count once known before the stream ends (ItemBatch.total). */
  readonly knownTotal: number | undefined;
}

/** Where the scheduler puts finished children, and units never started: the result sink. */
export interface UnitSink {
  /** Results are exported: units not started after a stop are still read and recorded. */
  readonly exporting: boolean;
  /** A child finished; `items` is how many items its unit carried. */
  add(seq: number, items: number, outcome: ChildOutcome): void;
  /** Redrive: the child at `seq` succeeded in an earlier attempt; its result is kept, not run again. */
  keep?(seq: number, items: number): void;
  notStarted(input: JsonValue): void;
}
