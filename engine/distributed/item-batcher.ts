/**
 * ItemBatcher: groups the selected items into child inputs, each `{"Items": [...]}` plus
 * `BatchInput` when the state sets it, bounded by MaxItemsPerBatch and by MaxInputBytesPerBatch
 * (the whole child input's JSON, envelope included).
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
 */
import type { JsonValue } from "../../asl/types";
import { StatesError, STATES_ERRORS } from "../model/errors";
import type { BatcherSettings } from "./settings";

/** Bytes of `{"Items":[]}` (and `,"BatchInput":...`) before any item. */
export function batchOverhead(b: BatcherSettings): number {
  const items = '{"Items":[]}'.length;
  return b.batchInput === undefined ? items : items + ',"BatchInput":'.length + Buffer.byteLength(JSON.stringify(b.batchInput));
}

/** One batch being filled; `add` hands back the batch an item did not fit in. */
export class ItemBatcher {
  private batch: JsonValue[] = [];
  private readonly overhead: number;
  private bytes: number;

  constructor(private readonly settings: BatcherSettings) {
    this.overhead = batchOverhead(settings);
    this.bytes = this.overhead;
  }

  /**
   * Adds the item at `index` (its `$$.Map.Item.Index`, for the error). Returns the items of the
   * batch it closed, when the item did not fit in it (the item starts the next batch).
   */
  add(value: JsonValue, index: number): JsonValue[] | undefined {
    const { settings } = this;
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? "null");
    if (this.overhead + bytes > settings.maxBytes) {
      // The docs are silent on an item that alone exceeds the batch byte limit; it can never
      // be sent, so the Map Run fails rather than silently dropping it.
      throw new StatesError(
        STATES_ERRORS.DataLimitExceeded,
        `Item ${index} is ${bytes} bytes; with the batch envelope it exceeds MaxInputBytesPerBatch (${settings.maxBytes} bytes)`,
      );
    }
    let closed: JsonValue[] | undefined;
    const batch = this.batch;
    if (
      batch.length > 0 &&
      (this.bytes + 1 + bytes > settings.maxBytes || (settings.maxItems !== undefined && batch.length >= settings.maxItems))
    ) {
      closed = batch;
      this.batch = [];
      this.bytes = this.overhead;
    }
    this.bytes += (this.batch.length > 0 ? 1 : 0) + bytes;
    this.batch.push(value);
    return closed;
  }

  /** The items of the unfinished batch, if any (the batcher is then empty). */
  drain(): JsonValue[] | undefined {
    if (this.batch.length === 0) return undefined;
    const last = this.batch;
    this.batch = [];
    this.bytes = this.overhead;
    return last;
  }

  /** The child input of a batch of items. */
  input(items: JsonValue[]): JsonValue {
    const b = this.settings.batchInput;
    return b === undefined ? { Items: items } : { BatchInput: b, Items: items };
  }
}
