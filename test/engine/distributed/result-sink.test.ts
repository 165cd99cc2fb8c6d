/**
 * The Map Run's result sink on its own: results kept in reader order (COMPACT, FLATTEN, NONE),
 * the outcome counts, the ResultWriter export (files, manifest, resultsWritten) and its failure.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
import { strict as assert } from "node:assert";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { JsonValue, MapState } from "../../../asl/types";
import { StatesError } from "../../../engine/model/errors";
import type { ChildOutcome, MapRunRecord } from "../../../engine/distributed/map-run-interface";
import { zeroCounts } from "../../../engine/distributed/map-run-record";
import { planWriter, type WriterPlan } from "../../../engine/distributed/result-plan";
import { executionRecordJson } from "../../../engine/distributed/result-records";
import { ResultSink } from "../../../engine/distributed/result-sink";
import { ResultSpool, SPOOL_MEMORY_BYTES } from "../../../engine/distributed/result-writer";
import { CHUNK_BYTES, pooledChunks, takeChunk } from "../../../engine/distributed/chunk-pool";
import { distributed, fakeContext } from "./fake-context";

const MAP_RUN = "arn:aws:states:us-east-1:123456789012:mapRun:Seed/L:run-id";
const CHILD_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:Seed/L";

function newRecord(): MapRunRecord {
  return {
    mapRunArn: MAP_RUN,
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

const base = (input: JsonValue) => ({
  executionArn: "arn:aws:states:us-east-1:123456789012:execution:Seed/L:c",
  name: "c",
  startDate: new Date(0),
  stopDate: new Date(1000),
  input,
});
const ok = (output: JsonValue, extra: Partial<ChildOutcome> = {}): ChildOutcome =>
  ({ status: "SUCCEEDED", output, ...base(null), ...extra }) as ChildOutcome;
const failed = (input: JsonValue): ChildOutcome => ({ status: "FAILED", error: "E", cause: "boom", failedState: "P", ...base(input) });
const aborted = (input: JsonValue): ChildOutcome => ({ status: "ABORTED", ...base(input) });

/** An S3 client that keeps what is put (file streams read to text), or fails every put. */
function fakeS3(fail = false) {
  const objects = new Map<string, string>();
  const client = {
    async send(cmd: { input: { Key: string; Body: string | Readable } }) {
      if (fail) throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
      const body = cmd.input.Body;
      let text = "";
      if (typeof body === "string") text = body;
      else for await (const chunk of body) text += String(chunk);
      objects.set(cmd.input.Key, text);
      return {};
    },
  };
  return { client: client as unknown as S3Client, objects };
}

function sink(plan: WriterPlan, record = newRecord(), s3 = fakeS3().client, batched = false) {
  return new ResultSink(plan, s3, MAP_RUN, CHILD_MACHINE, record, batched);
}

describe("engine/distributed result sink", () => {
  it("COMPACT in memory: outputs in reader order whatever the finishing order; a failed child's record in its place", async () => {
    const record = newRecord();
    const s = sink({ outputType: "JSON", transformation: "COMPACT" }, record);
    assert.equal(s.exporting, false);
    s.add(2, 1, ok("c"));
    s.add(0, 1, ok("a"));
    s.add(1, 1, failed({ i: 1 }));
    const out = (await s.result()) as JsonValue[];
    assert.deepEqual(out.slice(0, 1).concat(out.slice(2)), ["a", "c"]);
    assert.deepEqual([(out[1] as { Status: string }).Status, (out[1] as { Error: string }).Error], ["FAILED", "E"]);
    assert.deepEqual([record.itemCounts.succeeded, record.itemCounts.failed, record.executionCounts.succeeded], [2, 1, 2]);
    s.dispose();
  });

  it("FLATTEN spreads array outputs; NONE gives execution records", async () => {
    const flat = sink({ outputType: "JSON", transformation: "FLATTEN" });
    flat.add(1, 1, ok(["c"]));
    flat.add(0, 1, ok(["a", "b"]));
    assert.deepEqual(await flat.result(), ["a", "b", "c"]);
    const none = sink({ outputType: "JSON", transformation: "NONE" });
    none.add(0, 1, ok({ x: 1 }));
    const [rec] = (await none.result()) as Array<Record<string, JsonValue>>;
    assert.deepEqual([rec.Status, rec.Output, rec.StateMachineArn], ["SUCCEEDED", '{"x":1}', CHILD_MACHINE]);
  });

  it("counts items by batch size, keeps the first failures (itemIndex only without batches), sums child counters", () => {
    const record = newRecord();
    const s = sink({ outputType: "JSON", transformation: "COMPACT" }, record, undefined, true);
    s.add(0, 3, ok(1, { historyEvents: 5, stateTransitions: 2 }));
    s.add(1, 2, failed(null));
    s.add(2, 4, aborted(null));
    assert.deepEqual([record.itemCounts.succeeded, record.itemCounts.failed, record.itemCounts.aborted], [3, 2, 4]);
    assert.deepEqual([record.executionCounts.succeeded, record.executionCounts.failed, record.executionCounts.aborted], [1, 1, 1]);
    assert.deepEqual(record.firstFailures, [
      { childIndex: 1, items: 2, executionArn: base(null).executionArn, error: "E", cause: "boom", state: "P" },
    ]);
    assert.deepEqual(record.childCounters, { stateTransitions: 2, historyEvents: 5, maxHistoryEvents: 5 });
    const single = newRecord();
    sink({ outputType: "JSON", transformation: "COMPACT" }, single).add(4, 1, failed(null));
    assert.equal(single.firstFailures![0].itemIndex, 4);
  });

  it("export: result files per status, PENDING for units never started, the manifest, and resultsWritten", async () => {
    const s3 = fakeS3();
    const record = newRecord();
    const s = sink({ target: { bucket: "out", prefix: "runs" }, outputType: "JSON", transformation: "COMPACT" }, record, s3.client);
    assert.equal(s.exporting, true);
    s.add(0, 1, ok({ v: 1 }));
    s.add(1, 1, failed({ i: 1 }));
    s.notStarted({ i: 2 });
    record.itemCounts.pending = 1;
    record.executionCounts.pending = 1;
    assert.deepEqual(await s.result(), { MapRunArn: MAP_RUN, ResultWriterDetails: { Bucket: "out", Key: "runs/run-id/manifest.json" } });
    s.dispose();
    assert.deepEqual(JSON.parse(s3.objects.get("runs/run-id/SUCCEEDED_0.json")!), [{ v: 1 }]);
    assert.equal(JSON.parse(s3.objects.get("runs/run-id/FAILED_0.json")!)[0].Cause, "boom");
    assert.deepEqual(JSON.parse(s3.objects.get("runs/run-id/PENDING_0.json")!), [
      { Input: '{"i":2}', InputDetails: { Included: true }, Status: "PENDING" },
    ]);
    const manifest = JSON.parse(s3.objects.get("runs/run-id/manifest.json")!);
    assert.deepEqual(Object.keys(manifest.ResultFiles), ["FAILED", "PENDING", "SUCCEEDED"]);
    assert.equal(record.itemCounts.resultsWritten, 3);
  });

  it("the spool writes the same files whether its results stayed in memory or spilled to temporary files mid-run", async () => {
    const write = async (memoryBytes: number) => {
      const s3 = fakeS3();
      const spool = new ResultSpool(
        s3.client,
        { bucket: "out", prefix: "p", outputType: "JSON", transformation: "NONE" },
        MAP_RUN,
        3_000,
        memoryBytes,
      );
      for (let i = 0; i < 60; i++) spool.addJson(i % 3 === 0 ? "FAILED" : "SUCCEEDED", JSON.stringify({ i, text: "é".repeat(i) }));
      const spilled = spool.spilled;
      const { manifest } = await spool.upload();
      spool.dispose();
      return { spilled, manifest, objects: [...s3.objects].sort() };
    };
    const inMemory = await write(SPOOL_MEMORY_BYTES);
    const onDisk = await write(100);
    assert.equal(inMemory.spilled, false);
    assert.equal(onDisk.spilled, true);
    assert.deepEqual(onDisk, { ...inMemory, spilled: true });
    // Files were split at 3,000 bytes, each a JSON array, sizes as uploaded.
    assert.ok(inMemory.manifest.ResultFiles.SUCCEEDED.length > 1);
    for (const [key, text] of inMemory.objects) {
      if (key.endsWith("manifest.json")) continue;
      const listed = [...inMemory.manifest.ResultFiles.SUCCEEDED, ...inMemory.manifest.ResultFiles.FAILED].find((f) => f.Key === key)!;
      assert.equal(Buffer.byteLength(text), listed.Size);
      assert.ok(Array.isArray(JSON.parse(text)));
    }
  });

  it("exporting records (NONE), succeeded children's records written straight into the spool make the same files as their strings, JSON and JSONL, split across files", async () => {
    const prefix = "arn:aws:states:us-east-1:123456789012:execution:Seed/L:";
    const t0 = Date.UTC(2026, 11, 4, 9, 59, 59, 900);
    const outcomes: ChildOutcome[] = [];
    for (let i = 0; i < 80; i++) {
      const name = i % 7 === 0 ? `name "${i}"` : `c-${i}`; // a name that needs escaping takes the string path
      const timing = {
        executionArn: prefix + name,
        executionArnPrefix: prefix,
        name,
        startDate: new Date(t0 + i),
        stopDate: new Date(t0 + 3 * i),
        startTime: t0 + i,
        stopTime: t0 + 3 * i,
      };
      const input = { i, text: 'é"\\'.repeat(i % 4) };
      outcomes.push(
        i % 5 === 0
          ? ({ status: "FAILED", error: "E", cause: "boom", input, ...timing } as ChildOutcome)
          : ({ status: "SUCCEEDED", input, output: [i, "ü"], ...timing } as ChildOutcome),
      );
    }
    for (const outputType of ["JSON", "JSONL"] as const) {
      const viaSink = fakeS3();
      const s = new ResultSink(
        { target: { bucket: "out", prefix: "p" }, outputType, transformation: "NONE" },
        viaSink.client,
        MAP_RUN,
        CHILD_MACHINE,
        newRecord(),
        false,
        4_000,
      );
      outcomes.forEach((o, i) => s.add(i, 1, o));
      await s.result();
      s.dispose();
      const viaStrings = fakeS3();
      const spool = new ResultSpool(viaStrings.client, { bucket: "out", prefix: "p", outputType, transformation: "NONE" }, MAP_RUN, 4_000);
      for (const o of outcomes) spool.addJson(o.status === "SUCCEEDED" ? "SUCCEEDED" : "FAILED", executionRecordJson(o, CHILD_MACHINE));
      await spool.upload();
      spool.dispose();
      assert.ok(viaStrings.objects.has(`p/run-id/SUCCEEDED_2.${outputType.toLowerCase()}`), "split into several files");
      assert.deepEqual([...viaSink.objects].sort(), [...viaStrings.objects].sort(), outputType);
    }
  });

  it("the memory budget is the process's: a spool spills when all spools together pass it, and a disposed spool gives its share back", () => {
    const target = { bucket: "out", prefix: "p", outputType: "JSONL", transformation: "NONE" } as const;
    // Files close (and their bytes count) every ~1,000 bytes; each spool below holds about 4,000 in closed files.
    const fill = (spool: ResultSpool) => {
      for (let i = 0; i < 50; i++) spool.addJson("SUCCEEDED", JSON.stringify({ i, pad: "x".repeat(80) }));
      return spool;
    };
    const spool = () => new ResultSpool(fakeS3().client, target, MAP_RUN, 1_000, 6_000);
    const a = fill(spool());
    const b = fill(spool());
    assert.equal(a.spilled, false);
    assert.equal(b.spilled, true, "a and b together hold more than 6,000 bytes");
    a.dispose();
    b.dispose();
    const c = fill(spool());
    assert.equal(c.spilled, false, "a's and b's bytes were given back");
    c.dispose();
  });

  it("a spool's buffers are reused by the next spool once its upload is over, never while an upload still reads them", async () => {
    const target = { bucket: "out", prefix: "p", outputType: "JSONL", transformation: "NONE" } as const;
    const entry = JSON.stringify({ pad: "x".repeat(100_000) });
    // At least three chunks' worth of entries.
    const fill = (spool: ResultSpool) => {
      for (let i = 0; i < Math.ceil((2.5 * CHUNK_BYTES) / entry.length); i++) spool.addJson("SUCCEEDED", entry);
      return spool;
    };
    while (pooledChunks() > 0) takeChunk(); // a known start: nothing pooled

    // An upload that has not ended: disposing the spool must not give back what it may still send.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = fakeS3();
    const slowClient = { send: async (cmd: unknown) => (await held, slow.client.send(cmd as never)) } as unknown as S3Client;
    const reading = fill(new ResultSpool(slowClient, target, MAP_RUN));
    const upload = reading.upload();
    reading.dispose();
    assert.equal(pooledChunks(), 0, "chunks an upload is reading were given back");
    release();
    await upload.catch(() => undefined); // disposed: abandoned
    assert.equal(pooledChunks(), 0);

    // An upload that ended: its chunks serve the next spool, whose file is still right.
    const s3 = fakeS3();
    const first = fill(new ResultSpool(s3.client, target, MAP_RUN));
    await first.upload();
    first.dispose();
    assert.ok(pooledChunks() >= 3, `${pooledChunks()} chunks given back`);
    const second = fill(new ResultSpool(s3.client, target, "arn:aws:states:us-east-1:123456789012:mapRun:Seed/L:second"));
    assert.equal(pooledChunks(), 0, "the second spool took the pooled chunks");
    await second.upload();
    second.dispose();
    const lines = s3.objects.get("p/second/SUCCEEDED_0.jsonl")!.split("\n");
    assert.equal(lines.pop(), "");
    assert.ok(lines.every((l) => l === entry));
  });

  it("a write that fails is States.ResultWriterFailed naming the object; resultsWritten stays 0; after a stop it is swallowed", async () => {
    const record = newRecord();
    const plan: WriterPlan = { target: { bucket: "out", prefix: "" }, outputType: "JSONL", transformation: "NONE" };
    const s = sink(plan, record, fakeS3(true).client);
    s.add(0, 1, ok(1));
    await assert.rejects(
      s.result(),
      (e: unknown) =>
        e instanceof StatesError && e.error === "States.ResultWriterFailed" && /s3:\/\/out\/run-id\/SUCCEEDED_0\.jsonl/.test(e.causeText),
    );
    assert.equal(record.itemCounts.resultsWritten, 0);
    await s.exportStopped();
    s.dispose();
  });

  describe("the ResultWriter plan", () => {
    const ctx = fakeContext({} as S3Client, () => null);
    const plan = (rw: MapState["ResultWriter"], input: JsonValue = {}) => planWriter(distributed({ ResultWriter: rw }), input, ctx);

    it("defaults: COMPACT without a ResultWriter or without S3, NONE when exporting", () => {
      assert.deepEqual(plan(undefined), { outputType: "JSON", transformation: "COMPACT" });
      assert.deepEqual(plan({ WriterConfig: { OutputType: "JSONL" } }), { outputType: "JSONL", transformation: "COMPACT" });
      assert.deepEqual(plan({ Resource: "arn:aws:states:::s3:putObject", Parameters: { "Bucket.$": "$.b", Prefix: "p" } }, { b: "bk" }), {
        outputType: "JSON",
        transformation: "NONE",
        target: { bucket: "bk", prefix: "p" },
      });
    });

    it("a bad Resource or Bucket fails with States.Runtime naming the field", () => {
      assert.throws(
        () => plan({ Resource: "arn:aws:states:::s3:getObject", Parameters: { Bucket: "b" } }),
        /ResultWriter.Resource must be arn:aws:states:::s3:putObject/,
      );
      assert.throws(
        () => plan({ Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "" } }),
        /ResultWriter.Parameters.Bucket: Bucket must be a non-empty string/,
      );
    });
  });
});
