/**
 * PARQUET ItemReaders through the embedded S3, over files this test writes with a library
 * (hyparquet-writer), not checked-in blobs: several row groups (read one at a time), INT64 and
 * TIMESTAMP columns as JSON, a GZIP file (hyparquet-compressors), an Athena MANIFEST listing
 * Parquet data files, and a file that is not Parquet failing with States.ItemReaderFailed.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
import { strict as assert } from "node:assert";
import { gzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { JsonValue, MapState } from "../../../asl/types";
import { runMapRun } from "../../../engine/distributed";
import { StatesError } from "../../../engine/model/errors";
import { startEmbeddedS3, type EmbeddedS3 } from "../../../emulators/s3/server";
import { runWorkflow } from "../../../testing";
import { distributed, fakeContext } from "./fake-context";

const BUCKET = "pq";

async function parquetBytes(rows: number, options: { rowGroupSize?: number; gzip?: boolean } = {}): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "id", data: Array.from({ length: rows }, (_, i) => i), type: "INT32" },
      { name: "name", data: Array.from({ length: rows }, (_, i) => `row-${i}`), type: "STRING" },
      { name: "big", data: Array.from({ length: rows }, (_, i) => BigInt(i) * 1_000_000_000n), type: "INT64" },
      { name: "at", data: Array.from({ length: rows }, (_, i) => new Date(Date.UTC(2026, 0, 1, 0, 0, i))), type: "TIMESTAMP" },
    ],
    rowGroupSize: options.rowGroupSize ?? 1_000,
    ...(options.gzip ? { codec: "GZIP" as const, compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) } } : {}),
  });
  return new Uint8Array(buffer);
}

describe("engine/distributed ItemReader: PARQUET", function () {
  this.timeout(60_000);
  let s3: EmbeddedS3;
  const put = (key: string, body: Uint8Array | string) => s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

  before(async () => {
    s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  });
  after(async () => s3.stop());

  async function childInputs(state: MapState, input: JsonValue = {}): Promise<JsonValue[]> {
    const ctx = fakeContext(s3.client(), (x) => x);
    await runMapRun(state, input, ctx);
    return ctx.started;
  }
  const reader = (key: string, cfg: Record<string, JsonValue>) =>
    distributed({ ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: cfg, Parameters: { Bucket: BUCKET, Key: key } } });

  it("each row is an item keyed by column name, across several row groups, in file order", async () => {
    await put("rows.parquet", await parquetBytes(2_500, { rowGroupSize: 1_000 }));
    const items = (await childInputs(reader("rows.parquet", { InputType: "PARQUET" }))) as Array<Record<string, JsonValue>>;
    assert.equal(items.length, 2_500);
    assert.deepEqual(items[0], { id: 0, name: "row-0", big: 0, at: "2026-01-01T00:00:00.000Z" });
    assert.deepEqual(items[2_499], { id: 2_499, name: "row-2499", big: 2_499_000_000_000, at: "2026-01-01T00:41:39.000Z" });
    assert.deepEqual(
      items.map((i) => i["id"]),
      Array.from({ length: 2_500 }, (_, i) => i),
    );
  });

  it("MaxItems stops within the first row group", async () => {
    const items = await childInputs(reader("rows.parquet", { InputType: "PARQUET", MaxItems: 3 }));
    assert.deepEqual(
      items.map((i) => (i as { id: number }).id),
      [0, 1, 2],
    );
  });

  it("a GZIP-compressed file reads through hyparquet-compressors", async () => {
    await put("gz.parquet", await parquetBytes(10, { gzip: true }));
    const items = await childInputs(reader("gz.parquet", { InputType: "PARQUET" }));
    assert.equal(items.length, 10);
    assert.equal((items[9] as { name: string }).name, "row-9");
  });

  it("an Athena MANIFEST with InputType PARQUET reads every listed data file", async () => {
    await put("q/part-0.parquet", await parquetBytes(4));
    await put("q/part-1.parquet", await parquetBytes(3));
    await put("q-manifest.csv", `s3://${BUCKET}/q/part-0.parquet\ns3://${BUCKET}/q/part-1.parquet\n`);
    const items = await childInputs(reader("q-manifest.csv", { InputType: "PARQUET", ManifestType: "ATHENA_DATA" }));
    assert.deepEqual(
      items.map((i) => (i as { id: number }).id),
      [0, 1, 2, 3, 0, 1, 2],
    );
  });

  it("an object that is not Parquet fails with States.ItemReaderFailed naming it", async () => {
    await put("not.parquet", "a,b\n1,2\n");
    await assert.rejects(
      childInputs(reader("not.parquet", { InputType: "PARQUET" })),
      (e: unknown) => e instanceof StatesError && e.error === "States.ItemReaderFailed" && /not\.parquet/.test(e.causeText),
    );
  });

  it("end to end: a Distributed Map over a Parquet object seeded through the testing API", async () => {
    const run = await runWorkflow({
      definition: {
        StartAt: "Rows",
        States: {
          Rows: {
            Type: "Map",
            ItemReader: {
              Resource: "arn:aws:states:::s3:getObject",
              ReaderConfig: { InputType: "PARQUET" },
              Parameters: { Bucket: "data", Key: "in.parquet" },
            },
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
              StartAt: "Id",
              States: { Id: { Type: "Pass", OutputPath: "$.id", End: true } },
            },
            End: true,
          },
        },
      },
      s3Objects: [{ bucket: "data", key: "in.parquet", body: await parquetBytes(1_200, { rowGroupSize: 500 }) }],
    });
    assert.equal(run.status, "SUCCEEDED", `${run.error} ${run.cause}`);
    assert.deepEqual(
      run.output,
      Array.from({ length: 1_200 }, (_, i) => i),
    );
    assert.equal(run.mapRuns[0]!.items.succeeded, 1_200);
  });
});
