/**
 * ItemReader through the embedded S3: every input type and option, observed as the inputs the
 * child executions receive. Rules quoted from
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html
 */
import { strict as assert } from "node:assert";
import { gzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { JsonValue, MapState } from "../../../asl/types";
import { startEmbeddedS3, type EmbeddedS3 } from "../../../emulators/s3/server";
import { runMapRun } from "../../../engine/distributed";
import { StatesError } from "../../../engine/model/errors";
import { distributed, fakeContext } from "./fake-context";
import { faultyClient } from "./fault-s3";

const BUCKET = "items";

describe("engine/distributed ItemReader", function () {
  this.timeout(60_000);
  let s3: EmbeddedS3;
  const getText = async (key: string) =>
    await (await s3.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
  const put = (key: string, body: string | Buffer) => s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

  before(async () => {
    s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  });
  after(async () => s3.stop());

  async function childInputs(state: MapState, input: JsonValue = {}): Promise<JsonValue[]> {
    const ctx = fakeContext(s3.client(), (x) => x);
    const out = await runMapRun(state, input, ctx);
    assert.deepEqual(out, ctx.started, "without a ResultWriter the output is the child outputs in item order");
    return ctx.started;
  }

  const getObject = (key: string, cfg: Record<string, JsonValue>, extra: Partial<MapState> = {}) =>
    distributed({
      ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: cfg, Parameters: { Bucket: BUCKET, "Key.$": "$.key" } },
      ...extra,
    });

  it("JSON: the top-level array's elements are the items", async () => {
    await put("a.json", JSON.stringify([{ from: 0, to: 5 }, { from: 5, to: 10 }, 3, "x", null]));
    assert.deepEqual(await childInputs(getObject("a.json", { InputType: "JSON" }), { key: "a.json" }), [
      { from: 0, to: 5 },
      { from: 5, to: 10 },
      3,
      "x",
      null,
    ]);
  });

  it("JSON: a small file parsed whole gives the items a big one gives parsed entry by entry", async () => {
    // Commas, brackets and escapes inside strings, nested arrays, non-ASCII, whitespace between entries.
    const entries = ['{"s":"a,b]c[\\"d\\\\"}', "[1,[2,3]]", ' "é😀" ', "-0.5e3", "true", "null", '{"":{}}'];
    const small = `[${entries.join(",")}]\n`;
    // Past 2 Mi characters (an eighth of the 8 MB item limit, the whole-parse bound) the file goes entry by entry.
    const big = `[${entries.join(",")}${" ".repeat(2 * 1024 * 1024 + 1)}]`;
    await put("small.json", small);
    await put("big.json", big);
    const read = (key: string) => childInputs(getObject(key, { InputType: "JSON" }), { key });
    const expected = JSON.parse(small) as JsonValue[];
    assert.deepEqual(await read("small.json"), expected);
    assert.deepEqual(await read("big.json"), expected);
  });

  it("JSON with ItemsPointer: a JSON pointer selects the nested array", async () => {
    await put("nested.json", JSON.stringify({ meta: { n: 2 }, data: { "rows/all": [{ a: 1 }, { a: 2 }] } }));
    const state = getObject("nested.json", { InputType: "JSON", ItemsPointer: "/data/rows~1all" });
    assert.deepEqual(await childInputs(state, { key: "nested.json" }), [{ a: 1 }, { a: 2 }]);
  });

  it("'Step Functions supports reading an item of up to 8 MB': a bigger JSON / JSONL item fails with States.ItemReaderFailed", async () => {
    const big = "p".repeat(8 * 1024 * 1024);
    await put("huge.json", JSON.stringify({ rows: [1, { pad: big }] }));
    await assert.rejects(
      runMapRun(
        getObject("huge.json", { InputType: "JSON", ItemsPointer: "/rows" }),
        { key: "huge.json" },
        fakeContext(s3.client(), (x) => x),
      ),
      (e: StatesError) => e.error === "States.ItemReaderFailed" && /Item 1 is \d+ bytes/.test(e.causeText) && /8 MB/.test(e.causeText),
    );
    await put("huge.jsonl", `{"a":1}\n${JSON.stringify({ pad: big })}\n`);
    await assert.rejects(
      runMapRun(
        getObject("huge.jsonl", { InputType: "JSONL" }),
        { key: "huge.jsonl" },
        fakeContext(s3.client(), (x) => x),
      ),
      (e: StatesError) => e.error === "States.ItemReaderFailed" && /Line 2/.test(e.causeText),
    );
    // Just under the limit is read.
    await put("ok.jsonl", `${JSON.stringify({ pad: "q".repeat(8 * 1024 * 1024 - 20) })}\n`);
    const ctx = fakeContext(s3.client(), () => null);
    await runMapRun(
      getObject("ok.jsonl", { InputType: "JSONL" }, { ItemSelector: { "n.$": "$$.Map.Item.Index" } }),
      { key: "ok.jsonl" },
      ctx,
    );
    assert.deepEqual(ctx.started, [{ n: 0 }]);
  });

  it("GZIP-compressed input is read by its extension ('myObject.jsonl.gz')", async () => {
    await put("z.jsonl.gz", gzipSync('{"z":1}\n{"z":2}\n'));
    assert.deepEqual(await childInputs(getObject("z.jsonl.gz", { InputType: "JSONL" }), { key: "z.jsonl.gz" }), [{ z: 1 }, { z: 2 }]);
  });

  it("MaxItems above 100,000,000 is refused", async () => {
    await assert.rejects(
      runMapRun(
        getObject("a.json", { InputType: "JSON", MaxItems: 100_000_001 }),
        { key: "a.json" },
        fakeContext(s3.client(), (x) => x),
      ),
      /MaxItems/,
    );
  });

  it("JSON that is not an array (and no ItemsPointer) fails with States.ItemReaderFailed naming the object", async () => {
    await put("obj.json", JSON.stringify({ a: 1 }));
    const ctx = fakeContext(s3.client(), (x) => x);
    await assert.rejects(runMapRun(getObject("obj.json", { InputType: "JSON" }), { key: "obj.json" }, ctx), (e: StatesError) => {
      assert.equal(e.error, "States.ItemReaderFailed");
      assert.match(e.causeText, /s3:\/\/items\/obj\.json/);
      return true;
    });
    assert.deepEqual(
      ctx.history.map((h) => h.type),
      ["MapRunStarted", "MapRunFailed"],
    );
  });

  it("a missing object fails with States.ItemReaderFailed naming bucket and key", async () => {
    const ctx = fakeContext(s3.client(), (x) => x);
    await assert.rejects(runMapRun(getObject("nope.json", { InputType: "JSON" }), { key: "nope.json" }, ctx), (e: StatesError) => {
      assert.equal(e.error, "States.ItemReaderFailed");
      assert.match(e.causeText, /s3:\/\/items\/nope\.json/);
      assert.match(e.causeText, /NoSuchKey/);
      return true;
    });
  });

  it("JSONL: one item per line; blank lines skipped; a bad line fails naming its number", async () => {
    await put("a.jsonl", '{"n":1}\r\n{"n":2}\n\n[3]\n"four"\n');
    assert.deepEqual(await childInputs(getObject("a.jsonl", { InputType: "JSONL" }), { key: "a.jsonl" }), [
      { n: 1 },
      { n: 2 },
      [3],
      "four",
    ]);
    await put("bad.jsonl", '{"n":1}\n{oops\n');
    await assert.rejects(
      runMapRun(
        getObject("bad.jsonl", { InputType: "JSONL" }),
        { key: "bad.jsonl" },
        fakeContext(s3.client(), (x) => x),
      ),
      (e: StatesError) => e.error === "States.ItemReaderFailed" && /Line 2/.test(e.causeText),
    );
  });

  it('$$.Map.Item.Source is "S3://bucket-name/object-key" for objects and Index counts from 0', async () => {
    await put("src.jsonl", '{"n":1}\n{"n":2}\n');
    const state = getObject(
      "src.jsonl",
      { InputType: "JSONL" },
      {
        ItemSelector: {
          "source.$": "$$.Map.Item.Source",
          "index.$": "$$.Map.Item.Index",
          "n.$": "$$.Map.Item.Value.n",
          "fixed.$": "$.tag",
        },
      },
    );
    assert.deepEqual(await childInputs(state, { key: "src.jsonl", tag: "t" }), [
      { source: "S3://items/src.jsonl", index: 0, n: 1, fixed: "t" },
      { source: "S3://items/src.jsonl", index: 1, n: 2, fixed: "t" },
    ]);
  });

  it("items from the state input (no ItemReader) report Source STATE_DATA", async () => {
    const state = distributed({ ItemsPath: "$.list", ItemSelector: { "s.$": "$$.Map.Item.Source", "v.$": "$$.Map.Item.Value" } });
    assert.deepEqual(await childInputs(state, { list: [1, 2] }), [
      { s: "STATE_DATA", v: 1 },
      { s: "STATE_DATA", v: 2 },
    ]);
  });

  it("a JSON object from the state input: its key-value pairs are the items ($$.Map.Item.Key)", async () => {
    assert.deepEqual(await childInputs(distributed({ ItemsPath: "$.o" }), { o: { a: 1, b: { x: 2 } } }), [
      { Key: "a", Value: 1 },
      { Key: "b", Value: { x: 2 } },
    ]);
    const selected = distributed({
      ItemsPath: "$.o",
      ItemSelector: { "k.$": "$$.Map.Item.Key", "v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" },
    });
    assert.deepEqual(await childInputs(selected, { o: { a: 1, b: 2 } }), [
      { k: "a", v: 1, i: 0 },
      { k: "b", v: 2, i: 1 },
    ]);
  });

  describe("CSV", () => {
    it("parses the AWS documentation's example row (GIVEN headers): quotes, doubled quotes, commas and a newline inside quotes", async () => {
      // The page's example file, one row:
      // abc,123,"This string contains commas, a double quotation marks (""), and a newline (
      // )",{""MyKey"":""MyValue""},"[1,2,3]"
      await put(
        "doc.csv",
        'abc,123,"This string contains commas, a double quotation marks (""), and a newline (\n)",{""MyKey"":""MyValue""},"[1,2,3]"\n',
      );
      const state = getObject("doc.csv", {
        InputType: "CSV",
        CSVHeaderLocation: "GIVEN",
        CSVHeaders: ["MyLetters", "MyNumbers", "MyString", "MyObject", "MyArray"],
      });
      assert.deepEqual(await childInputs(state, { key: "doc.csv" }), [
        {
          MyLetters: "abc",
          MyNumbers: "123",
          MyString: 'This string contains commas, a double quotation marks ("), and a newline (\n)',
          MyObject: '{"MyKey":"MyValue"}',
          MyArray: "[1,2,3]",
        },
      ]);
    });

    it("FIRST_ROW header; 'Fields are treated as strings'; short rows padded with empty strings, extra fields skipped", async () => {
      await put("rows.csv", "id,name,score\r\n1,ann,9.5\r\n2,bob\r\n3,cy,7,extra,more\r\n");
      const state = getObject("rows.csv", { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" });
      assert.deepEqual(await childInputs(state, { key: "rows.csv" }), [
        { id: "1", name: "ann", score: "9.5" },
        { id: "2", name: "bob", score: "" },
        { id: "3", name: "cy", score: "7" },
      ]);
    });

    it("backslashes: '\\\\' keeps one backslash, '\\,' keeps the delimiter, '\\\"' a quote; before any other character the backslash is removed", async () => {
      // "You can preserve backslashes by repeating them. For example: path,size
      //  C:\\Program Files\\MyApp.exe,6534512"
      await put("bs.csv", 'path,size,other\nC:\\\\Program Files\\\\MyApp.exe,6534512,a\\,b\\"c\\xd\n');
      const state = getObject("bs.csv", { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" });
      assert.deepEqual(await childInputs(state, { key: "bs.csv" }), [
        { path: "C:\\Program Files\\MyApp.exe", size: "6534512", other: 'a,b"cxd' },
      ]);
    });

    for (const [name, d] of [
      ["PIPE", "|"],
      ["SEMICOLON", ";"],
      ["SPACE", " "],
      ["TAB", "\t"],
      ["COMMA", ","],
    ] as const) {
      it(`CSVDelimiter ${name}`, async () => {
        await put(`d-${name}.csv`, `a${d}b\n1${d}"x${d}y"\n`);
        const state = getObject(`d-${name}.csv`, { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", CSVDelimiter: name });
        assert.deepEqual(await childInputs(state, { key: `d-${name}.csv` }), [{ a: "1", b: `x${d}y` }]);
      });
    }

    it("an empty quoted field is an empty string", async () => {
      await put("empty.csv", 'a,b,c\n"",x,""\n');
      const state = getObject("empty.csv", { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" });
      assert.deepEqual(await childInputs(state, { key: "empty.csv" }), [{ a: "", b: "x", c: "" }]);
    });

    it("'Step Functions supports CSV headers of up to 10 KiB': a bigger header fails with States.ItemReaderFailed", async () => {
      const header = Array.from({ length: 1200 }, (_, i) => `column_${i}`).join(",");
      await put("wide.csv", `${header}\n1\n`);
      await assert.rejects(
        runMapRun(
          getObject("wide.csv", { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }),
          { key: "wide.csv" },
          fakeContext(s3.client(), (x) => x),
        ),
        (e: StatesError) => e.error === "States.ItemReaderFailed" && /10 KiB/.test(e.causeText),
      );
    });
  });

  it("MaxItems and MaxItemsPath limit the items read (the CSV header is not an item)", async () => {
    await put("many.csv", "n\n" + Array.from({ length: 50 }, (_, i) => String(i)).join("\n") + "\n");
    const a = await childInputs(getObject("many.csv", { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", MaxItems: 3 }), {
      key: "many.csv",
    });
    assert.deepEqual(a, [{ n: "0" }, { n: "1" }, { n: "2" }]);
    const b = await childInputs(getObject("many.csv", { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", MaxItemsPath: "$.limit" }), {
      key: "many.csv",
      limit: 5,
    });
    assert.equal(b.length, 5);
  });

  // Changed with issue 17: PARQUET is read locally now (test/engine/distributed/parquet.test.ts); a
  // truncated file is a States.ItemReaderFailed naming the object.
  it("PARQUET: a truncated file fails with States.ItemReaderFailed naming the object", async () => {
    await put("p.parquet", "PAR1");
    await assert.rejects(
      runMapRun(
        getObject("p.parquet", { InputType: "PARQUET" }),
        { key: "p.parquet" },
        fakeContext(s3.client(), (x) => x),
      ),
      (e: StatesError) =>
        e.error === "States.ItemReaderFailed" && /not a readable Parquet file \(s3:\/\/items\/p\.parquet\)/.test(e.causeText),
    );
  });

  describe("s3:listObjectsV2", () => {
    const COUNT = 1_050; // more than one 1,000-key page
    before(async function () {
      this.timeout(120_000);
      const keys = Array.from({ length: COUNT }, (_, i) => `listing/obj-${String(i).padStart(5, "0")}.jsonl`);
      for (let i = 0; i < keys.length; i += 64) {
        await Promise.all(keys.slice(i, i + 64).map((k, j) => put(k, `{"i":${i + j}}\n{"i":${i + j},"second":true}\n`)));
      }
      await put("elsewhere/x.json", "[]");
    });

    it("reads EVERY page (ContinuationToken): one item per object, in AWS's item shape, Source = bucket URI", async () => {
      const state = distributed({
        ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: BUCKET, "Prefix.$": "$.prefix" } },
        ItemSelector: { "item.$": "$$.Map.Item.Value", "source.$": "$$.Map.Item.Source" },
      });
      const inputs = (await childInputs(state, { prefix: "listing/" })) as { item: Record<string, JsonValue>; source: string }[];
      assert.equal(inputs.length, COUNT);
      assert.equal(new Set(inputs.map((x) => x.item.Key)).size, COUNT);
      const first = inputs[0];
      assert.equal(first.source, "S3://items");
      assert.deepEqual(Object.keys(first.item).sort(), ["Etag", "Key", "LastModified", "Size", "StorageClass"]);
      assert.match(first.item.Etag as string, /^"[0-9a-f]{32}"$/, "the ETag keeps its quotes");
      assert.equal(typeof first.item.LastModified, "number");
      assert.ok(Math.abs((first.item.LastModified as number) - Date.now() / 1000) < 3600, "LastModified is epoch seconds");
      assert.equal(first.item.Size, Buffer.byteLength('{"i":0}\n{"i":0,"second":true}\n'));
      assert.equal(first.item.StorageClass, "STANDARD");
    });

    it("Transformation LOAD_AND_FLATTEN loads each listed object with ReaderConfig.InputType and flattens its items", async () => {
      const state = distributed({
        ItemReader: {
          Resource: "arn:aws:states:::s3:listObjectsV2",
          ReaderConfig: { InputType: "JSONL", Transformation: "LOAD_AND_FLATTEN", MaxItems: 6 },
          Parameters: { Bucket: BUCKET, Prefix: "listing/" },
        },
        ItemSelector: { "v.$": "$$.Map.Item.Value", "source.$": "$$.Map.Item.Source" },
      });
      assert.deepEqual(await childInputs(state), [
        { v: { i: 0 }, source: "S3://items/listing/obj-00000.jsonl" },
        { v: { i: 0, second: true }, source: "S3://items/listing/obj-00000.jsonl" },
        { v: { i: 1 }, source: "S3://items/listing/obj-00001.jsonl" },
        { v: { i: 1, second: true }, source: "S3://items/listing/obj-00001.jsonl" },
        { v: { i: 2 }, source: "S3://items/listing/obj-00002.jsonl" },
        { v: { i: 2, second: true }, source: "S3://items/listing/obj-00002.jsonl" },
      ]);
    });

    it("S3 failing on the 2nd listObjectsV2 page: States.ItemReaderFailed, and the items read so far are all accounted for", async () => {
      let lists = 0;
      const client = faultyClient(s3, (cmd) => (cmd === "ListObjectsV2Command" && ++lists === 2 ? "fail" : undefined));
      const ctx = fakeContext(client, (x) => x);
      const state: MapState = {
        Type: "Map",
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
        ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: BUCKET, Prefix: "listing/" } },
        ItemSelector: { "i.$": "$$.Map.Item.Index" },
        ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: "out/list-fault" } },
        End: true,
      };
      // The injected failure sits outside the SDK's retries, so the second page fails outright.
      await assert.rejects(
        runMapRun(state, {}, ctx),
        (e: StatesError) => e.error === "States.ItemReaderFailed" && /items/.test(e.causeText) && /InternalError/.test(e.causeText),
      );
      const final = ctx.updates[ctx.updates.length - 1];
      assert.equal(final.status, "FAILED");
      assert.equal(final.itemCounts.total, 1_000, "exactly the first page was read");
      const listing = await s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "out/list-fault/" }));
      const manifestKey = listing.Contents!.map((c) => c.Key!).find((k) => k.endsWith("/manifest.json"))!;
      const manifest = JSON.parse(await getText(manifestKey)) as {
        ResultFiles: Record<"SUCCEEDED" | "FAILED" | "PENDING", { Key: string }[]>;
      };
      const seen: number[] = [];
      for (const status of ["SUCCEEDED", "FAILED", "PENDING"] as const) {
        for (const f of manifest.ResultFiles[status])
          for (const r of JSON.parse(await getText(f.Key)) as { Input: string }[]) seen.push((JSON.parse(r.Input) as { i: number }).i);
      }
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        Array.from({ length: 1_000 }, (_, i) => i),
      );
    });

    it("a missing bucket fails with States.ItemReaderFailed naming the bucket", async () => {
      const state = distributed({
        ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: "no-such-bucket" } },
      });
      await assert.rejects(
        runMapRun(
          state,
          {},
          fakeContext(s3.client(), (x) => x),
        ),
        (e: StatesError) => e.error === "States.ItemReaderFailed" && /no-such-bucket/.test(e.causeText),
      );
    });
  });

  describe("MANIFEST", () => {
    it("S3 Inventory manifest.json: gzip CSV data files in the destination bucket, columns from fileSchema, values as strings", async () => {
      const rows1 = '"items","photos/a.jpg","100","2024-01-01T00:00:00.000Z"\n"items","photos/b.jpg","200","2024-01-02T00:00:00.000Z"\n';
      const rows2 = '"items","photos/c.jpg","300","2024-01-03T00:00:00.000Z"\n';
      await put("inv/data/1.csv.gz", gzipSync(rows1));
      await put("inv/data/2.csv.gz", gzipSync(rows2));
      await put(
        "inv/manifest.json",
        JSON.stringify({
          sourceBucket: "items",
          destinationBucket: "arn:aws:s3:::items",
          version: "2016-11-30",
          fileFormat: "CSV",
          fileSchema: "Bucket, Key, Size, LastModifiedDate",
          files: [
            { key: "inv/data/1.csv.gz", size: 1, MD5checksum: "x" },
            { key: "inv/data/2.csv.gz", size: 1, MD5checksum: "y" },
          ],
        }),
      );
      const state = getObject("inv/manifest.json", { InputType: "MANIFEST" });
      assert.deepEqual(await childInputs(state, { key: "inv/manifest.json" }), [
        { Bucket: "items", Key: "photos/a.jpg", Size: "100", LastModifiedDate: "2024-01-01T00:00:00.000Z" },
        { Bucket: "items", Key: "photos/b.jpg", Size: "200", LastModifiedDate: "2024-01-02T00:00:00.000Z" },
        { Bucket: "items", Key: "photos/c.jpg", Size: "300", LastModifiedDate: "2024-01-03T00:00:00.000Z" },
      ]);
    });

    it("Athena manifest (ManifestType ATHENA_DATA): each listed data file is read with InputType", async () => {
      await put("athena/q-1.jsonl", '{"r":1}\n{"r":2}\n');
      await put("athena/q-2.jsonl", '{"r":3}\n');
      await put("athena/q-manifest.csv", "s3://items/athena/q-1.jsonl\ns3://items/athena/q-2.jsonl\n");
      const state = getObject("athena/q-manifest.csv", { ManifestType: "ATHENA_DATA", InputType: "JSONL" });
      assert.deepEqual(await childInputs(state, { key: "athena/q-manifest.csv" }), [{ r: 1 }, { r: 2 }, { r: 3 }]);
    });
  });
});
