/**
 * The Map Run's item stream on its own: items from the state input, the ItemSelector, ItemBatcher
 * columns, the counts it makes, and what it hands over when an item fails part-way.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
 */
import { strict as assert } from "node:assert";
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue, MapState } from "../../../asl/types";
import { StatesError } from "../../../engine/model/errors";
import type { MapRunRecord } from "../../../engine/distributed/map-run-interface";
import { ItemBatcher } from "../../../engine/distributed/item-batcher";
import { ItemStream } from "../../../engine/distributed/item-stream";
import { zeroCounts } from "../../../engine/distributed/map-run-record";
import type { Units } from "../../../engine/distributed/work-units";
import { resolveSettings } from "../../../engine/distributed/settings";
import { distributed, fakeContext } from "./fake-context";

const NO_S3 = {} as S3Client;

function newRecord(): MapRunRecord {
  return {
    mapRunArn: "arn:aws:states:us-east-1:123456789012:mapRun:Seed/L:1",
    stateName: "MapData",
    status: "RUNNING",
    startDate: new Date(),
    maxConcurrency: 1,
    toleratedFailureCount: 0,
    toleratedFailurePercentage: 0,
    itemCounts: zeroCounts(),
    executionCounts: zeroCounts(),
  };
}

function open(state: MapState, input: JsonValue, ctx = fakeContext(NO_S3, (x) => x)) {
  const record = newRecord();
  const stream = new ItemStream(
    state,
    input,
    ctx,
    resolveSettings(state, input, ctx),
    record,
    new AbortController().signal,
    () => undefined,
  );
  return { stream, record };
}

/** Every group the stream yields, and the error that ended it (if any). */
async function drain(stream: ItemStream): Promise<{ groups: Units[]; error?: unknown }> {
  const groups: Units[] = [];
  try {
    for await (const g of stream.units) groups.push(g);
  } catch (error) {
    return { groups, error };
  }
  return { groups };
}

describe("engine/distributed item stream", () => {
  it("items of a state input array: one group of units in reader order, counted, the total known at once", async () => {
    const { stream, record } = open(distributed({ ItemsPath: "$.xs" }), { xs: ["a", "b", "c"] });
    const first = await stream.units.next();
    assert.equal(stream.knownTotal, 3, "known before the last unit is handed over");
    assert.deepEqual(first.value, { firstSeq: 0, inputs: ["a", "b", "c"] });
    assert.equal((await stream.units.next()).done, true);
    assert.deepEqual([record.itemCounts.total, record.itemCounts.pending], [3, 3]);
    assert.deepEqual([record.executionCounts.total, record.executionCounts.pending], [3, 3]);
  });

  it("the key-value pairs of an object become {Key, Value} items", async () => {
    const { stream } = open(distributed({ ItemsPath: "$.m" }), { m: { x: 1, y: 2 } });
    const { groups } = await drain(stream);
    assert.deepEqual(groups[0].inputs, [
      { Key: "x", Value: 1 },
      { Key: "y", Value: 2 },
    ]);
  });

  it("ItemSelector sees $$.Map.Item.Index and .Value, and the state input", async () => {
    const state = distributed({
      ItemsPath: "$.xs",
      ItemSelector: { "i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "run.$": "$.run" },
    });
    const { stream } = open(state, { xs: [10, 20], run: "r" });
    const { groups } = await drain(stream);
    assert.deepEqual(groups[0].inputs, [
      { i: 0, v: 10, run: "r" },
      { i: 1, v: 20, run: "r" },
    ]);
  });

  it("ItemBatcher: batches as units, their sizes as a column; items and executions counted apart", async () => {
    const { stream, record } = open(distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { k: 1 } } }), {
      xs: [0, 1, 2, 3, 4],
    });
    const { groups } = await drain(stream);
    const units = groups.flatMap((g) => g.inputs);
    assert.deepEqual(units, [
      { BatchInput: { k: 1 }, Items: [0, 1] },
      { BatchInput: { k: 1 }, Items: [2, 3] },
      { BatchInput: { k: 1 }, Items: [4] },
    ]);
    assert.deepEqual(
      groups.flatMap((g) => g.items),
      [2, 2, 1],
    );
    assert.deepEqual(
      groups.map((g) => g.firstSeq),
      [0, 2],
      "the last, unfinished batch goes out as its own group",
    );
    assert.equal(record.itemCounts.total, 5);
    assert.equal(record.executionCounts.total, 3);
  });

  it("an ItemSelector failure part-way hands over the units made before it, the unfinished batch included, then fails", async () => {
    const ctx = fakeContext(NO_S3, (x) => x);
    const base = ctx.evaluateTemplate;
    ctx.evaluateTemplate = (t, i, item) => {
      if (item?.index === 3) throw new StatesError("States.Runtime", "bad item");
      return base(t, i, item);
    };
    const state = distributed({ ItemsPath: "$.xs", ItemSelector: { "v.$": "$$.Map.Item.Value" }, ItemBatcher: { MaxItemsPerBatch: 2 } });
    const { stream, record } = open(state, { xs: [0, 1, 2, 3, 4] }, ctx);
    const { groups, error } = await drain(stream);
    assert.ok(error instanceof StatesError && error.causeText === "bad item");
    assert.deepEqual(
      groups.flatMap((g) => g.inputs),
      [{ Items: [{ v: 0 }, { v: 1 }] }, { Items: [{ v: 2 }] }],
    );
    assert.equal(record.itemCounts.total, 3, "every item counted is in a unit");
    assert.equal(record.executionCounts.total, 2);
  });

  it("ItemsPath selecting a scalar fails with States.Runtime naming the path", async () => {
    const { stream } = open(distributed({ ItemsPath: "$.n" }), { n: 5 });
    const { error } = await drain(stream);
    assert.ok(error instanceof StatesError);
    assert.equal(error.error, "States.Runtime");
    assert.match(error.causeText, /ItemsPath \$\.n must select a JSON array or object \(got number\)/);
  });

  describe("ItemBatcher", () => {
    it("closes a batch when the next item would pass MaxInputBytesPerBatch, envelope included", () => {
      // {"Items":[]} is 12 bytes; each item "xxxxxxxx" is 10; 12 + 10 + 1 + 10 = 33 > 32.
      const b = new ItemBatcher({ maxBytes: 32 });
      assert.equal(b.add("xxxxxxxx", 0), undefined);
      assert.deepEqual(b.add("xxxxxxxx", 1), ["xxxxxxxx"]);
      assert.deepEqual(b.drain(), ["xxxxxxxx"]);
      assert.equal(b.drain(), undefined);
    });

    it("an item that alone passes the limit fails with States.DataLimitExceeded naming its index", () => {
      const b = new ItemBatcher({ maxBytes: 20 });
      assert.throws(
        () => b.add("x".repeat(20), 7),
        (e: unknown) => e instanceof StatesError && e.error === "States.DataLimitExceeded" && /^Item 7 is 22 bytes/.test(e.causeText),
      );
    });

    it("child input: {Items} or {BatchInput, Items}", () => {
      assert.deepEqual(new ItemBatcher({ maxBytes: 100 }).input([1]), { Items: [1] });
      assert.deepEqual(new ItemBatcher({ maxBytes: 100, batchInput: { a: 1 } }).input([1]), { BatchInput: { a: 1 }, Items: [1] });
    });
  });
});
