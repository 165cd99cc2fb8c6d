/**
 * The Map Run's item stream: read → select → batch. Items come from the state input or the
 * ItemReader, go through the ItemSelector, and leave as work units (a child execution's input:
 * one item, or one batch of items), counted into the Map Run record as they are made.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html
 */
import type { JsonValue, MapState } from "../../asl/types";
import type { DistributedMapContext, MapItemContext, MapRunCounts, MapRunRecord } from "./map-run-interface";
import { ItemBatcher } from "./item-batcher";
import { meterReaderBytes } from "./readers/byte-meter";
import { readItems, type ItemBatch } from "./readers";
import { itemsFromInput } from "./readers/state-input";
import type { UnitSource, Units } from "./work-units";
import type { MapRunSettings } from "./settings";

export class ItemStream implements UnitSource {
  knownTotal: number | undefined = undefined;
  readonly units: AsyncGenerator<Units>;
  private readonly items: MapRunCounts;
  private readonly execs: MapRunCounts;
  private readonly batcher: ItemBatcher | undefined;
  private readonly selector: JsonValue | undefined;
  /** JSONata is asynchronous: an item-dependent ItemSelector needs the async evaluator. */
  private readonly selectAsync: ((t: JsonValue, i: JsonValue, item: MapItemContext) => Promise<JsonValue>) | undefined;
  /** LOAD_AND_FLATTEN reads several objects: one object's total is not the Map Run's. */
  private readonly flattening: boolean;
  private seq = 0;

  constructor(
    state: MapState,
    private readonly input: JsonValue,
    private readonly ctx: DistributedMapContext,
    settings: MapRunSettings,
    record: MapRunRecord,
    /** The Map Run's signal: stops a reader that is still reading. */
    signal: AbortSignal,
    onChange: () => void,
  ) {
    this.items = record.itemCounts;
    this.execs = record.executionCounts;
    this.batcher = settings.batcher ? new ItemBatcher(settings.batcher) : undefined;
    this.selector = state.ItemSelector ?? state.Parameters;
    this.selectAsync = ctx.queryLanguage === "JSONata" && ctx.evaluateTemplateAsync ? ctx.evaluateTemplateAsync.bind(ctx) : undefined;
    this.flattening = state.ItemReader?.ReaderConfig?.Transformation === "LOAD_AND_FLATTEN";
    if (state.ItemReader) {
      meterReaderBytes(signal, (bytes) => {
        record.readerBytes = (record.readerBytes ?? 0) + bytes;
        onChange();
      });
    }
    const source = state.ItemReader
      ? readItems(
          state.ItemReader,
          input,
          { s3: ctx.s3, evaluateTemplate: (t, i) => ctx.evaluateTemplate(t, i), signal },
          settings.maxItems,
        )
      : itemsFromInput(state, input, ctx);
    this.units = this.produce(source);
  }

  private newUnits(): Units {
    return this.batcher ? { firstSeq: this.seq, inputs: [], items: [] } : { firstSeq: this.seq, inputs: [] };
  }

  private addUnit(to: Units, value: JsonValue, n: number): Units {
    this.execs.total++;
    this.execs.pending++;
    this.seq++;
    to.inputs.push(value);
    to.items?.push(n);
    return to;
  }

  /** The unfinished batch as a last unit: every item counted is accounted for, even on a failure. */
  private lastBatch(): Units | undefined {
    const last = this.batcher?.drain();
    return last ? this.addUnit(this.newUnits(), this.batcher!.input(last), last.length) : undefined;
  }

  private async *produce(source: AsyncIterable<ItemBatch>): AsyncGenerator<Units> {
    const { items, batcher, selector, selectAsync, input, ctx } = this;
    let index = 0;
    // The units of the read being processed, until handed over.
    let out: Units | undefined;
    try {
      for await (const read of source) {
        if (read.total !== undefined && !this.flattening) this.knownTotal = read.total;
        out = this.newUnits();
        const { values, keys, source: itemSource } = read;
        for (let i = 0; i < values.length; i++) {
          const key = keys?.[i];
          const value =
            selector === undefined
              ? key === undefined
                ? values[i]
                : { Key: key, Value: values[i] }
              : selectAsync
                ? await selectAsync(selector, input, { index, value: values[i], source: itemSource, key })
                : ctx.evaluateTemplate(selector, input, { index, value: values[i], source: itemSource, key });
          index++;
          items.total++;
          items.pending++;
          if (!batcher) {
            this.addUnit(out, value, 1);
            continue;
          }
          const closed = batcher.add(value, index - 1);
          if (closed) this.addUnit(out, batcher.input(closed), closed.length);
        }
        const done = out;
        out = undefined;
        if (done.inputs.length) yield done;
      }
    } catch (err) {
      // A failure part-way through a read (an ItemSelector error) or between two reads (the reader
      // failed or was stopped) still hands over the units made before it, and the items already
      // counted into an unfinished batch as a last batch.
      if (out?.inputs.length) yield out;
      const last = this.lastBatch();
      if (last) yield last;
      throw err;
    }
    const last = this.lastBatch();
    if (last) yield last;
  }
}
