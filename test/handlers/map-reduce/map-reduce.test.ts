import { strict as assert } from "node:assert";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { countText, countWords, parseResultFile, reduceCounts } from "../../../handlers/map-reduce";
import { disposePayloadS3Client } from "../../../handlers/shared/s3-client";
import { datasetTotals, objectKey, objectText, uploadDataset } from "../../../app/demos/dataset";
import { seededRandom } from "../../../engine/model/random";
import { startEmbeddedS3, type EmbeddedS3 } from "../../../emulators/s3/server";

const BUCKET = "map-reduce-test";
const PREFIX = "data/";

describe("handlers/map-reduce", function () {
  let s3: EmbeddedS3;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    s3 = await startEmbeddedS3({ buckets: [BUCKET] });
    for (const [k, v] of Object.entries(s3.env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(async () => {
    disposePayloadS3Client();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await s3.stop();
  });

  it("counts lines and words like wc (a last line without newline counts)", () => {
    const counts = new Map<string, number>();
    assert.deepEqual(countText("The map\nthe MAP state\n", counts), { lines: 2, words: 5 });
    assert.deepEqual(countText("a b", counts), { lines: 1, words: 2 });
    assert.deepEqual(countText("", counts), { lines: 0, words: 0 });
    assert.equal(counts.get("the"), 2);
    assert.equal(counts.get("map"), 2);
  });

  it("generates the same data set for the same seed, with exact totals", () => {
    assert.equal(objectText(7, seededRandom), objectText(7, seededRandom));
    assert.notEqual(objectText(7, seededRandom), objectText(8, seededRandom));
    const totals = datasetTotals(20, seededRandom);
    let words = 0;
    for (const c of totals.wordCounts.values()) words += c;
    assert.equal(words, totals.words);
  });

  it("maps a batch of listed objects and reduces the ResultWriter's files to the data set's totals", async () => {
    const client = s3.client();
    const totals = await uploadDataset(client, BUCKET, PREFIX, 30, { seededRandom });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }));
    const items = (listed.Contents ?? []).map((o) => ({ Key: o.Key!, Size: o.Size, Etag: o.ETag, StorageClass: o.StorageClass }));
    assert.equal(items.length, 30);

    // Two batches, as an ItemBatcher of 20 would make them; records shaped as the ResultWriter writes them (NONE transformation).
    const outputs = [
      await countWords({ Items: items.slice(0, 20), BatchInput: { bucket: BUCKET } }),
      await countWords({ Items: items.slice(20), BatchInput: { bucket: BUCKET } }),
    ];
    assert.equal(outputs[0]!.objects[0]!.key, objectKey(PREFIX, 0));
    const record = (output: unknown, i: number) => ({
      ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:m/MapObjects:${i}`,
      Input: "{}",
      Output: JSON.stringify(output),
      Status: "SUCCEEDED",
    });
    const failed = [{ ExecutionArn: "arn:x:2", Input: "{}", Error: "ObjectReadError", Cause: "gone", Status: "FAILED" }];
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: "results/run/SUCCEEDED_0.json", Body: JSON.stringify(outputs.map(record)) }),
    );
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "results/run/FAILED_0.json", Body: JSON.stringify(failed) }));
    const manifest = {
      DestinationBucket: BUCKET,
      MapRunArn: "arn:aws:states:us-east-1:123456789012:mapRun:m/MapObjects:run",
      ResultFiles: {
        SUCCEEDED: [{ Key: "results/run/SUCCEEDED_0.json", Size: 1 }],
        FAILED: [{ Key: "results/run/FAILED_0.json", Size: 1 }],
        PENDING: [],
      },
    };
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "results/run/manifest.json", Body: JSON.stringify(manifest) }));

    const reduced = await reduceCounts({
      MapRunArn: manifest.MapRunArn,
      ResultWriterDetails: { Bucket: BUCKET, Key: "results/run/manifest.json" },
    });
    assert.equal(reduced.objects, totals.objects);
    assert.equal(reduced.bytes, totals.bytes);
    assert.equal(reduced.lines, totals.lines);
    assert.equal(reduced.words, totals.words);
    assert.deepEqual(reduced.batches, { succeeded: 2, failed: 1, pending: 0 });
    assert.deepEqual(reduced.firstFailure, { error: "ObjectReadError", cause: "gone" });
    const top = [...totals.wordCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    assert.deepEqual(reduced.topWords[0], { word: top[0], count: top[1] });
    assert.equal(reduced.resultFiles, 2);
  });

  it("reads JSON Lines and COMPACT result files", () => {
    const jsonl = parseResultFile(
      '{"ExecutionArn":"a","Output":"{\\"x\\":1}","Status":"SUCCEEDED"}\n{"ExecutionArn":"b","Output":"{\\"x\\":2}","Status":"SUCCEEDED"}\n',
      "SUCCEEDED",
      "f",
    );
    assert.deepEqual(
      jsonl.map((r) => r.output),
      [{ x: 1 }, { x: 2 }],
    );
    const compact = parseResultFile('[{"x":3}]', "SUCCEEDED", "f");
    assert.deepEqual(
      compact.map((r) => r.output),
      [{ x: 3 }],
    );
  });

  it("names a bad batch and a missing object", async () => {
    await assert.rejects(countWords({ Items: [] }), { name: "InvalidBatchError" });
    await assert.rejects(countWords({ Items: [{ Key: "nope.txt" }], BatchInput: { bucket: BUCKET } }), {
      name: "ObjectReadError",
      message: /nope\.txt: NoSuchKey/,
    });
    await assert.rejects(reduceCounts({ MapRunArn: "x" }), { name: "InvalidInputError", message: /ResultWriterDetails/ });
  });
});
