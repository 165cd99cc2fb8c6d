/**
 * The Map Run itself: batching, concurrency, failure thresholds, ResultWriter files and manifest,
 * transformations, history events and the live Map Run record.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
import { strict as assert } from "node:assert";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { JsonValue, MapState } from "../../../asl/types";
import { startEmbeddedS3, type EmbeddedS3 } from "../../../emulators/s3/server";
import { mapRunLabel, runMapRun } from "../../../engine/distributed";
import { StatesError } from "../../../engine/model/errors";
import { JSON_READ_AHEAD } from "../../../engine/distributed/readers";
import { ChildError, distributed, fakeContext, MACHINE_ARN } from "./fake-context";
// The tolerated-failure tests abort Map Runs, and their result uploads, on purpose: the SDK is not to log each one.
import { silentSdkLogger } from "../../support/silent-sdk-logger";

const BUCKET = "runs";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("engine/distributed Map Run", function () {
  this.timeout(60_000);
  let s3: EmbeddedS3;
  const getText = async (key: string) =>
    await (await s3.client({ logger: silentSdkLogger }).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
  const getJson = async (key: string) => JSON.parse(await getText(key)) as JsonValue;

  before(async () => {
    s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  });
  after(async () => s3.stop());

  describe("ItemBatcher", () => {
    it("MaxItemsPerBatch: children receive {Items: [...]} (and BatchInput when set)", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      const state = distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxItemsPerBatch: 4, BatchInput: { "run.$": "$.run", fixed: 1 } } });
      const out = await runMapRun(state, { xs: range(10), run: "r1" }, ctx);
      assert.deepEqual(ctx.started, [
        { BatchInput: { run: "r1", fixed: 1 }, Items: [0, 1, 2, 3] },
        { BatchInput: { run: "r1", fixed: 1 }, Items: [4, 5, 6, 7] },
        { BatchInput: { run: "r1", fixed: 1 }, Items: [8, 9] },
      ]);
      assert.equal((out as JsonValue[]).length, 3, "one output per child execution");
      const final = ctx.updates[ctx.updates.length - 1];
      assert.equal(final.itemCounts.total, 10, "items are counted as items");
      assert.equal(final.executionCounts.total, 3, "executions are counted as batches");
    });

    it("'an input JSON file that contains 1130 nodes ... maximum items value for each batch of 100, Step Functions creates 12 batches'", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), () => null);
      await runMapRun(distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxItemsPerBatch: 100 } }), { xs: range(1130) }, ctx);
      const sizes = ctx.started.map((b) => (b as { Items: JsonValue[] }).Items.length);
      assert.deepEqual(sizes, [...Array(11).fill(100), 30]);
    });

    it("MaxItemsPerBatchPath and MaxInputBytesPerBatchPath are read from the state input", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      const state = distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxItemsPerBatchPath: "$.n" } });
      await runMapRun(state, { xs: range(5), n: 2 }, ctx);
      assert.deepEqual(ctx.started, [{ Items: [0, 1] }, { Items: [2, 3] }, { Items: [4] }]);
    });

    it("MaxInputBytesPerBatch bounds the size of the whole child input JSON, BatchInput included", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      const item = "x".repeat(98); // JSON: 100 bytes
      const limit = 350;
      const state = distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxInputBytesPerBatch: limit, BatchInput: { k: "v" } } });
      await runMapRun(state, { xs: range(7).map(() => item) }, ctx);
      for (const input of ctx.started) {
        assert.ok(Buffer.byteLength(JSON.stringify(input)) <= limit, `batch of ${JSON.stringify(input).length} bytes exceeds ${limit}`);
      }
      // {"BatchInput":{"k":"v"},"Items":[...]}: 35 bytes of envelope + 3 x 100 + 2 commas = 337 <= 350; a 4th would not fit.
      assert.deepEqual(
        ctx.started.map((b) => (b as { Items: JsonValue[] }).Items.length),
        [3, 3, 1],
      );
      assert.equal(Buffer.byteLength(JSON.stringify(ctx.started[0])), 337);
    });

    it("both limits: 'Step Functions reduces the number of items in a batch' to respect the byte limit", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      const state = distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxItemsPerBatch: 100, MaxInputBytesPerBatch: 60 } });
      await runMapRun(state, { xs: range(30).map((i) => i * 1000) }, ctx);
      assert.ok(ctx.started.every((b) => Buffer.byteLength(JSON.stringify(b)) <= 60));
      assert.deepEqual(
        ctx.started.flatMap((b) => (b as { Items: number[] }).Items),
        range(30).map((i) => i * 1000),
      );
    });

    it("with only MaxItemsPerBatch, a batch still never exceeds 256 KiB (262,144 bytes)", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), () => null);
      const big = "y".repeat(100_000);
      const state = distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxItemsPerBatch: 50 } });
      await runMapRun(state, { xs: range(6).map(() => big) }, ctx);
      assert.deepEqual(
        ctx.started.map((b) => (b as { Items: JsonValue[] }).Items.length),
        [2, 2, 2],
      );
    });

    it("an item that alone exceeds MaxInputBytesPerBatch fails the Map Run", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      const state = distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxInputBytesPerBatch: 50 } });
      await assert.rejects(
        runMapRun(state, { xs: ["ok", "z".repeat(60)] }, ctx),
        (e: StatesError) => e.error === "States.DataLimitExceeded" && /Item 1/.test(e.causeText),
      );
      assert.equal(ctx.history[ctx.history.length - 1].type, "MapRunFailed");
    });

    it("MaxInputBytesPerBatch over 256 KiB is refused", async () => {
      const state = distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxInputBytesPerBatch: 262_145 } });
      await assert.rejects(
        runMapRun(
          state,
          { xs: [1] },
          fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x),
        ),
        /MaxInputBytesPerBatch/,
      );
    });
  });

  describe("MaxConcurrency", () => {
    const slow = async (x: JsonValue) => {
      await new Promise((r) => setTimeout(r, 2));
      return x;
    };
    it("never runs more children at once than MaxConcurrency", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), slow);
      await runMapRun(distributed({ ItemsPath: "$.xs", MaxConcurrency: 3 }), { xs: range(40) }, ctx);
      assert.equal(ctx.maxRunning, 3);
    });
    it("MaxConcurrencyPath is read from the input", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), slow);
      await runMapRun(distributed({ ItemsPath: "$.xs", MaxConcurrencyPath: "$.c" }), { xs: range(40), c: 7 }, ctx);
      assert.equal(ctx.maxRunning, 7);
    });
    it("0 or unset means 10,000 ('Step Functions runs 10,000 parallel child workflow executions')", async () => {
      for (const mc of [0, undefined]) {
        const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), slow);
        await runMapRun(distributed({ ItemsPath: "$.xs", MaxConcurrency: mc }), { xs: range(12_000) }, ctx);
        assert.equal(ctx.maxRunning, 10_000);
        assert.equal(ctx.updates[0].maxConcurrency, 10_000);
      }
    });
  });

  describe("failure threshold", () => {
    const failOdd = (x: JsonValue) => {
      if ((x as number) % 2 === 1) throw new ChildError("Odd", `odd ${String(x)}`);
      return x;
    };

    it("with no threshold, any failure fails the Map Run with States.ExceedToleratedFailureThreshold", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), failOdd);
      await assert.rejects(
        runMapRun(distributed({ ItemsPath: "$.xs", MaxConcurrency: 1 }), { xs: range(10) }, ctx),
        (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
      );
      assert.equal(ctx.started.length, 2, "it stops launching after the first failure");
      const failed = ctx.history.find((h) => h.type === "MapRunFailed");
      assert.equal(failed?.details?.error, "States.ExceedToleratedFailureThreshold");
      assert.equal(ctx.updates[ctx.updates.length - 1].status, "FAILED");
    });

    it("ToleratedFailureCount: 'The Map Run fails if it exceeds this number' (equal is tolerated)", async () => {
      const ok = await runMapRun(
        distributed({ ItemsPath: "$.xs", ToleratedFailureCount: 5 }),
        { xs: range(10) },
        fakeContext(s3.client({ logger: silentSdkLogger }), failOdd),
      );
      assert.equal((ok as JsonValue[]).length, 10, "5 failures of 10 tolerated with a count of 5");
      await assert.rejects(
        runMapRun(
          distributed({ ItemsPath: "$.xs", ToleratedFailureCountPath: "$.n" }),
          { xs: range(10), n: 4 },
          fakeContext(s3.client({ logger: silentSdkLogger }), failOdd),
        ),
        (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
      );
    });

    it("a threshold a reference path selects is checked with the field's range in the schema, refused in AWS's recorded words", async () => {
      await assert.rejects(
        runMapRun(
          distributed({ ItemsPath: "$.xs", ToleratedFailureCountPath: "$.n" }),
          { xs: range(2), n: -1 },
          fakeContext(s3.client(), failOdd),
        ),
        (e: StatesError) => e.error === "States.Runtime" && e.causeText === "ToleratedFailureCount cannot be negative.",
      );
      await assert.rejects(
        runMapRun(
          distributed({ ItemsPath: "$.xs", ToleratedFailurePercentagePath: "$.p" }),
          { xs: range(2), p: 100.5 },
          fakeContext(s3.client(), failOdd),
        ),
        (e: StatesError) => e.error === "States.Runtime" && e.causeText === "ToleratedFailurePercentage must be between 0 and 100.",
      );
    });

    it("ToleratedFailurePercentage: failed items / total items, decimals allowed", async () => {
      // 5 of 10 failed = 50%.
      const ok = await runMapRun(
        distributed({ ItemsPath: "$.xs", ToleratedFailurePercentage: 50 }),
        { xs: range(10) },
        fakeContext(s3.client({ logger: silentSdkLogger }), failOdd),
      );
      assert.equal((ok as JsonValue[]).length, 10);
      await assert.rejects(
        runMapRun(
          distributed({ ItemsPath: "$.xs", ToleratedFailurePercentage: 49.9 }),
          { xs: range(10) },
          fakeContext(s3.client({ logger: silentSdkLogger }), failOdd),
        ),
        (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
      );
      await assert.rejects(
        runMapRun(
          distributed({ ItemsPath: "$.xs", ToleratedFailurePercentagePath: "$.p" }),
          { xs: range(10), p: 12.5 },
          fakeContext(s3.client({ logger: silentSdkLogger }), failOdd),
        ),
        (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
      );
    });

    describe("ToleratedFailurePercentage is judged as soon as the total number of items is known", () => {
      // https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html (Distributed
      // Map failure threshold): "Step Functions calculates the percentage of failed items as the
      // result of the total number of failed or timed out items divided by the total number of
      // items." For an items array, or a JSON file (read whole), that total is known before the
      // first child starts, so 10% failures against a 5% limit stop the run once 251 items (more
      // than 5% of 5,000) have failed, about half-way, not after all 5,000 items.
      const failEveryTenth = (x: JsonValue) => {
        if ((x as number) % 10 === 0) throw new ChildError("Boom", `item ${String(x)}`);
        return x;
      };
      const xs = range(5_000);

      it("an items array: the Map Run fails long before its 5,000 items have run", async () => {
        const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), failEveryTenth);
        await assert.rejects(
          runMapRun(distributed({ ItemsPath: "$.xs", ToleratedFailurePercentage: 5, MaxConcurrency: 5 }), { xs }, ctx),
          (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold" && /: 251 of 5000 items failed/.test(e.causeText),
        );
        assert.ok(ctx.started.length < 2_600, `${ctx.started.length} children started`);
      });

      it("a JSON file on S3: the same, the total coming from the parsed array", async () => {
        await s3
          .client({ logger: silentSdkLogger })
          .send(new PutObjectCommand({ Bucket: BUCKET, Key: "threshold/items.json", Body: JSON.stringify(xs) }));
        const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), failEveryTenth);
        const state = distributed({
          ItemReader: {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "JSON" },
            Parameters: { Bucket: BUCKET, Key: "threshold/items.json" },
          },
          ToleratedFailurePercentage: 5,
          MaxConcurrency: 5,
        });
        await assert.rejects(
          runMapRun(state, {}, ctx),
          (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold" && /: 251 of 5000 items failed/.test(e.causeText),
        );
        assert.ok(ctx.started.length < 2_600, `${ctx.started.length} children started`);
      });

      it("MaxItems caps the total judged against", async () => {
        // 1,000 of 5,000 items read; every tenth fails: 10% of 1,000, over a 9.5% limit.
        const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), failEveryTenth);
        const state = distributed({
          ItemReader: {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "JSON", MaxItems: 1_000 },
            Parameters: { Bucket: BUCKET, Key: "threshold/items.json" },
          },
          ToleratedFailurePercentage: 9.5,
          MaxConcurrency: 5,
        });
        await assert.rejects(
          runMapRun(state, {}, ctx),
          (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold" && / of 1000 items failed/.test(e.causeText),
        );
      });

      it("a JSON file past the read-ahead streams: every item in order, the percentage judged once the total is read", async () => {
        const saved = { ...JSON_READ_AHEAD };
        JSON_READ_AHEAD.items = 100;
        try {
          await s3
            .client({ logger: silentSdkLogger })
            .send(new PutObjectCommand({ Bucket: BUCKET, Key: "threshold/streamed.json", Body: JSON.stringify(xs) }));
          const ok = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
          const reader = {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "JSON" as const },
            Parameters: { Bucket: BUCKET, Key: "threshold/streamed.json" },
          };
          await runMapRun(distributed({ ItemReader: reader, MaxConcurrency: 5 }), {}, ok);
          assert.deepEqual(ok.started, xs, "all 5,000 items, in order");
          const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), failEveryTenth);
          await assert.rejects(
            runMapRun(distributed({ ItemReader: reader, ToleratedFailurePercentage: 5, MaxConcurrency: 5 }), {}, ctx),
            (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
          );
          // Streaming, the total is known only once the last item is read: nearly every item ran.
          assert.ok(ctx.started.length > 4_500, `${ctx.started.length} children started`);
        } finally {
          Object.assign(JSON_READ_AHEAD, saved);
        }
      });

      it("below the limit the run completes", async () => {
        const out = await runMapRun(
          distributed({ ItemsPath: "$.xs", ToleratedFailurePercentage: 10, MaxConcurrency: 5 }),
          { xs },
          fakeContext(s3.client({ logger: silentSdkLogger }), failEveryTenth),
        );
        assert.equal((out as JsonValue[]).length, 5_000);
      });
    });

    it("a failed batch counts every item in it as failed", async () => {
      // Batches of 3 over 9 items; the batch holding item 4 fails: 3 of 9 items = 33.3% failed.
      const failBatchWith4 = (x: JsonValue) => {
        if ((x as { Items: number[] }).Items.includes(4)) throw new ChildError("Boom", "batch with 4");
        return x;
      };
      const batched = (extra: Partial<MapState>) => distributed({ ItemsPath: "$.xs", ItemBatcher: { MaxItemsPerBatch: 3 }, ...extra });
      await runMapRun(
        batched({ ToleratedFailureCount: 3 }),
        { xs: range(9) },
        fakeContext(s3.client({ logger: silentSdkLogger }), failBatchWith4),
      );
      await assert.rejects(
        runMapRun(
          batched({ ToleratedFailureCount: 2 }),
          { xs: range(9) },
          fakeContext(s3.client({ logger: silentSdkLogger }), failBatchWith4),
        ),
        (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
      );
      await runMapRun(
        batched({ ToleratedFailurePercentage: 33.34 }),
        { xs: range(9) },
        fakeContext(s3.client({ logger: silentSdkLogger }), failBatchWith4),
      );
      await assert.rejects(
        runMapRun(
          batched({ ToleratedFailurePercentage: 33.3 }),
          { xs: range(9) },
          fakeContext(s3.client({ logger: silentSdkLogger }), failBatchWith4),
        ),
        (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
      );
    });

    it("when exceeded: stops launching, aborts running children, the rest stay PENDING", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), async (x, signal) => {
        if (x === 0) {
          await new Promise((r) => setTimeout(r, 5));
          throw new ChildError("Boom", "first");
        }
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        return x;
      });
      const state = distributed({ ItemsPath: "$.xs", MaxConcurrency: 4 });
      await assert.rejects(
        runMapRun(state, { xs: range(10) }, ctx),
        (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
      );
      const final = ctx.updates[ctx.updates.length - 1];
      assert.equal(ctx.started.length, 4);
      assert.deepEqual(
        {
          failed: final.itemCounts.failed,
          aborted: final.itemCounts.aborted,
          pending: final.itemCounts.pending,
          running: final.itemCounts.running,
          total: final.itemCounts.total,
        },
        { failed: 1, aborted: 3, pending: 6, running: 0, total: 10 },
      );
    });
  });

  describe("ResultWriter", () => {
    const writer = (extra: Record<string, JsonValue> = {}) => ({
      Resource: "arn:aws:states:::s3:putObject",
      Parameters: { Bucket: BUCKET, "Prefix.$": "$.prefix" },
      ...extra,
    });

    it("writes manifest.json and SUCCEEDED_0.json / FAILED_0.json under <Prefix>/<MapRunId>/ and returns {MapRunArn, ResultWriterDetails}", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => {
        if (x === 3) throw new ChildError("Three", "no threes");
        return { doubled: (x as number) * 2 };
      });
      const state = distributed({ ItemsPath: "$.xs", ToleratedFailureCount: 1, ResultWriter: writer() });
      const out = (await runMapRun(state, { xs: range(5), prefix: "jobs" }, ctx)) as {
        MapRunArn: string;
        ResultWriterDetails: { Bucket: string; Key: string };
      };
      const id = out.MapRunArn.split(":").pop()!;
      const label = mapRunLabel(MACHINE_ARN, "MapData");
      assert.equal(out.MapRunArn, `arn:aws:states:us-east-1:123456789012:mapRun:Seed/${label}:${id}`);
      assert.deepEqual(out.ResultWriterDetails, { Bucket: BUCKET, Key: `jobs/${id}/manifest.json` });
      const manifest = (await getJson(out.ResultWriterDetails.Key)) as {
        DestinationBucket: string;
        MapRunArn: string;
        ResultFiles: Record<string, { Key: string; Size: number }[]>;
      };
      assert.equal(manifest.DestinationBucket, BUCKET);
      assert.equal(manifest.MapRunArn, out.MapRunArn);
      assert.deepEqual(Object.keys(manifest.ResultFiles).sort(), ["FAILED", "PENDING", "SUCCEEDED"]);
      assert.deepEqual(manifest.ResultFiles.PENDING, []);
      assert.equal(manifest.ResultFiles.SUCCEEDED[0].Key, `jobs/${id}/SUCCEEDED_0.json`);
      assert.equal(manifest.ResultFiles.FAILED[0].Key, `jobs/${id}/FAILED_0.json`);
      const succeededText = await getText(manifest.ResultFiles.SUCCEEDED[0].Key);
      assert.equal(manifest.ResultFiles.SUCCEEDED[0].Size, Buffer.byteLength(succeededText));
      const succeeded = JSON.parse(succeededText) as Record<string, JsonValue>[];
      assert.equal(succeeded.length, 4);
      const rec = succeeded.find((r) => r.Input === "0")!;
      assert.deepEqual(Object.keys(rec).sort(), [
        "ExecutionArn",
        "Input",
        "InputDetails",
        "Name",
        "Output",
        "OutputDetails",
        "RedriveCount",
        "RedriveStatus",
        "RedriveStatusReason",
        "StartDate",
        "StateMachineArn",
        "Status",
        "StopDate",
      ]);
      assert.equal(rec.Output, JSON.stringify({ doubled: 0 }), "Input and Output are JSON strings");
      assert.deepEqual(rec.InputDetails, { Included: true });
      assert.equal(rec.Status, "SUCCEEDED");
      assert.equal(rec.StateMachineArn, `${MACHINE_ARN}/${label}`);
      assert.match(rec.StartDate as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const failed = (await getJson(manifest.ResultFiles.FAILED[0].Key)) as Record<string, JsonValue>[];
      assert.equal(failed.length, 1);
      assert.equal(failed[0].Error, "Three");
      assert.equal(failed[0].Status, "FAILED");
      assert.equal(failed[0].Input, "3");
      assert.ok(typeof failed[0].Cause === "string");
      assert.equal(failed[0].Output, undefined);
      const final = ctx.updates[ctx.updates.length - 1];
      assert.equal(final.itemCounts.resultsWritten, 5);
      assert.equal(final.status, "SUCCEEDED");
      assert.deepEqual(
        ctx.history.map((h) => h.type),
        ["MapRunStarted", "MapRunSucceeded"],
      );
      assert.deepEqual(ctx.history[0].details, { mapRunArn: out.MapRunArn });
    });

    it("'If a file size exceeds 5 GB, Step Functions creates another file': SUCCEEDED_0, SUCCEEDED_1, ... (limit lowered for the test), each a valid JSON array", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => ({ v: x }));
      const state = distributed({ ItemsPath: "$.xs", ResultWriter: writer() });
      const out = (await runMapRun(state, { xs: range(50), prefix: "split/" }, ctx, { maxResultFileBytes: 2_000 })) as {
        ResultWriterDetails: { Key: string };
      };
      const manifest = (await getJson(out.ResultWriterDetails.Key)) as { ResultFiles: Record<string, { Key: string; Size: number }[]> };
      const files = manifest.ResultFiles.SUCCEEDED;
      assert.ok(files.length > 1);
      assert.deepEqual(
        files.map((f) => f.Key.split("/").pop()),
        files.map((_, i) => `SUCCEEDED_${i}.json`),
      );
      const inputs: number[] = [];
      for (const f of files) {
        assert.ok(f.Size <= 2_000);
        for (const r of (await getJson(f.Key)) as { Input: string }[]) inputs.push(JSON.parse(r.Input) as number);
      }
      assert.deepEqual(
        inputs.sort((a, b) => a - b),
        range(50),
      );
    });

    it("WriterConfig COMPACT writes the outputs themselves; FLATTEN spreads array outputs; failures stay in the NONE shape", async () => {
      const child = (x: JsonValue) => {
        if (x === 2) throw new ChildError("Two", "no");
        return [x, `${String(x)}!`];
      };
      const run = async (transformation: "COMPACT" | "FLATTEN") => {
        const state = distributed({
          ItemsPath: "$.xs",
          ToleratedFailureCount: 1,
          ResultWriter: writer({ WriterConfig: { Transformation: transformation, OutputType: "JSON" } }),
        });
        const out = (await runMapRun(
          state,
          { xs: range(4), prefix: transformation },
          fakeContext(s3.client({ logger: silentSdkLogger }), child),
        )) as {
          ResultWriterDetails: { Key: string };
        };
        const manifest = (await getJson(out.ResultWriterDetails.Key)) as { ResultFiles: Record<string, { Key: string }[]> };
        const ok = (await getJson(manifest.ResultFiles.SUCCEEDED[0].Key)) as JsonValue[];
        const failed = (await getJson(manifest.ResultFiles.FAILED[0].Key)) as Record<string, JsonValue>[];
        return { ok, failed };
      };
      const compact = await run("COMPACT");
      assert.deepEqual(compact.ok.sort(), [
        [0, "0!"],
        [1, "1!"],
        [3, "3!"],
      ]);
      assert.equal(compact.failed[0].Error, "Two");
      const flat = await run("FLATTEN");
      assert.deepEqual((flat.ok as (number | string)[]).map(String).sort(), ["0", "0!", "1", "1!", "3", "3!"]);
      assert.equal(flat.failed[0].Status, "FAILED");
    });

    it("OutputType JSONL writes one entry per line", async () => {
      const state = distributed({
        ItemsPath: "$.xs",
        ResultWriter: writer({ WriterConfig: { Transformation: "COMPACT", OutputType: "JSONL" } }),
      });
      const out = (await runMapRun(
        state,
        { xs: range(3), prefix: "jsonl" },
        fakeContext(s3.client({ logger: silentSdkLogger }), (x) => ({ x })),
      )) as { ResultWriterDetails: { Key: string } };
      const manifest = (await getJson(out.ResultWriterDetails.Key)) as { ResultFiles: Record<string, { Key: string }[]> };
      const text = await getText(manifest.ResultFiles.SUCCEEDED[0].Key);
      assert.deepEqual(
        text
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l) as JsonValue)
          .sort((a, b) => (a as { x: number }).x - (b as { x: number }).x),
        [{ x: 0 }, { x: 1 }, { x: 2 }],
      );
    });

    it("WriterConfig alone (no Resource) returns the formatted results as the state output", async () => {
      const state = distributed({ ItemsPath: "$.xs", ResultWriter: { WriterConfig: { Transformation: "FLATTEN", OutputType: "JSON" } } });
      assert.deepEqual(
        await runMapRun(
          state,
          { xs: [1, 2] },
          fakeContext(s3.client({ logger: silentSdkLogger }), (x) => [x, x]),
        ),
        [1, 1, 2, 2],
      );
      const none = distributed({ ItemsPath: "$.xs", ResultWriter: { WriterConfig: { Transformation: "NONE", OutputType: "JSON" } } });
      const records = (await runMapRun(
        none,
        { xs: [7] },
        fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x),
      )) as Record<string, JsonValue>[];
      assert.equal(records[0].Output, "7");
      assert.equal(records[0].Status, "SUCCEEDED");
    });

    it("a threshold failure still exports results: unstarted items go to PENDING_0.json", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => {
        if (x === 1) throw new ChildError("One", "no");
        return x;
      });
      const state = distributed({ ItemsPath: "$.xs", MaxConcurrency: 1, ResultWriter: writer() });
      await assert.rejects(
        runMapRun(state, { xs: range(6), prefix: "pending" }, ctx),
        (e: StatesError) => e.error === "States.ExceedToleratedFailureThreshold",
      );
      const listing = await s3
        .client()
        .send(new (await import("@aws-sdk/client-s3")).ListObjectsV2Command({ Bucket: BUCKET, Prefix: "pending/" }));
      const manifestKey = listing.Contents!.map((c) => c.Key!).find((k) => k.endsWith("manifest.json"))!;
      const manifest = (await getJson(manifestKey)) as { ResultFiles: Record<string, { Key: string }[]> };
      const pending = (await getJson(manifest.ResultFiles.PENDING[0].Key)) as Record<string, JsonValue>[];
      assert.deepEqual(
        pending.map((p) => p.Input),
        ["2", "3", "4", "5"],
      );
      assert.deepEqual(pending[0], { Input: "2", InputDetails: { Included: true }, Status: "PENDING" });
    });

    it("an aborted parent still exports: aborted children in FAILED_0.json, unstarted items in PENDING_0.json", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), async (x, signal) => {
        if (x === 0) return x;
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        return x;
      });
      const state = distributed({ ItemsPath: "$.xs", MaxConcurrency: 2, ResultWriter: writer() });
      const running = runMapRun(state, { xs: range(6), prefix: "aborted" }, ctx);
      setTimeout(() => ctx.parent.abort(), 10);
      assert.equal(await running, null);
      const listing = await s3
        .client()
        .send(new (await import("@aws-sdk/client-s3")).ListObjectsV2Command({ Bucket: BUCKET, Prefix: "aborted/" }));
      const manifestKey = listing.Contents!.map((c) => c.Key!).find((k) => k.endsWith("manifest.json"))!;
      const manifest = (await getJson(manifestKey)) as { ResultFiles: Record<string, { Key: string }[]> };
      const inputs = async (status: string) =>
        (
          await Promise.all(manifest.ResultFiles[status].map(async (f) => (await getJson(f.Key)) as { Input: string; Status: string }[]))
        ).flat();
      assert.deepEqual(
        (await inputs("SUCCEEDED")).map((r) => r.Input),
        ["0"],
      );
      assert.deepEqual((await inputs("FAILED")).map((r) => [r.Input, r.Status]).sort(), [
        ["1", "ABORTED"],
        ["2", "ABORTED"],
      ]);
      assert.deepEqual(
        (await inputs("PENDING")).map((r) => r.Input),
        ["3", "4", "5"],
      );
      const final = ctx.updates[ctx.updates.length - 1];
      assert.equal(final.status, "ABORTED");
      assert.equal(final.itemCounts.resultsWritten, 6);
    });

    it("an empty dataset succeeds: output [] without a ResultWriter, an empty manifest with one", async () => {
      assert.deepEqual(
        await runMapRun(
          distributed({ ItemsPath: "$.xs" }),
          { xs: [] },
          fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x),
        ),
        [],
      );
      const out = (await runMapRun(
        distributed({ ItemsPath: "$.xs", ResultWriter: writer() }),
        { xs: [], prefix: "empty" },
        fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x),
      )) as {
        ResultWriterDetails: { Key: string };
      };
      const manifest = (await getJson(out.ResultWriterDetails.Key)) as { ResultFiles: Record<string, unknown[]> };
      assert.deepEqual(manifest.ResultFiles, { FAILED: [], PENDING: [], SUCCEEDED: [] });
    });

    it("a write failure is States.ResultWriterFailed naming bucket and key", async () => {
      const state = distributed({
        ItemsPath: "$.xs",
        ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "missing-bucket", Prefix: "p" } },
      });
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      await assert.rejects(
        runMapRun(state, { xs: [1] }, ctx),
        (e: StatesError) =>
          e.error === "States.ResultWriterFailed" && /s3:\/\/missing-bucket\/p\/[0-9a-f-]+\/SUCCEEDED_0\.json/.test(e.causeText),
      );
      assert.equal(ctx.history[ctx.history.length - 1].type, "MapRunFailed");
    });
  });

  describe("Map Run record and history", () => {
    it("without a Label, 'Step Functions automatically generates a unique label': a UUID per Map state, stable across runs", () => {
      const a = mapRunLabel(MACHINE_ARN, "MapData");
      assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(mapRunLabel(MACHINE_ARN, "MapData"), a);
      assert.notEqual(mapRunLabel(MACHINE_ARN, "Other"), a);
      assert.equal(mapRunLabel(MACHINE_ARN, "MapData", "Chunks"), "Chunks");
    });

    it("uses the Label in the Map Run ARN and child state machine ARN", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      await runMapRun(distributed({ ItemsPath: "$.xs", Label: "Chunks" }), { xs: [1] }, ctx);
      assert.match(ctx.updates[0].mapRunArn, /:mapRun:Seed\/Chunks:[0-9a-f-]{36}$/);
      assert.equal(ctx.updates[0].label, "Chunks");
    });

    it("throttles progress callbacks yet ends with exact counts", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      await runMapRun(distributed({ ItemsPath: "$.xs" }), { xs: range(20_000) }, ctx, { progressIntervalMs: 1_000_000 });
      assert.ok(ctx.updates.length <= 3, `${ctx.updates.length} updates`);
      const final = ctx.updates[ctx.updates.length - 1];
      assert.equal(final.status, "SUCCEEDED");
      assert.deepEqual(final.itemCounts, {
        pending: 0,
        running: 0,
        succeeded: 20_000,
        failed: 0,
        timedOut: 0,
        aborted: 0,
        total: 20_000,
        resultsWritten: 0,
      });
      assert.ok(final.stopDate instanceof Date);
    });

    it("publishes the latest counts within the interval while children run, and nothing after the final record", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), async (x) => {
        await new Promise((resolve) => setTimeout(resolve, 15));
        return x;
      });
      await runMapRun(distributed({ ItemsPath: "$.xs", MaxConcurrency: 1 }), { xs: range(8) }, ctx, { progressIntervalMs: 10 });
      const seen = ctx.updates.length;
      const midway = ctx.updates.filter((u) => u.status === "RUNNING" && u.itemCounts.succeeded > 0 && u.itemCounts.succeeded < 8);
      assert.ok(midway.length >= 1, `updates: ${ctx.updates.map((u) => `${u.status}/${u.itemCounts.succeeded}`).join(" ")}`);
      assert.equal(ctx.updates[seen - 1].status, "SUCCEEDED");
      await new Promise((resolve) => setTimeout(resolve, 40));
      assert.equal(ctx.updates.length, seen, "a pending publish was cancelled by the final one");
    });

    it("an aborted parent aborts the children and ends the Map Run ABORTED", async () => {
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), async (x, signal) => {
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        return x;
      });
      const run = runMapRun(distributed({ ItemsPath: "$.xs", MaxConcurrency: 2 }), { xs: range(5) }, ctx);
      setTimeout(() => ctx.parent.abort(), 5);
      assert.equal(await run, null);
      assert.equal(ctx.history[ctx.history.length - 1].type, "MapRunAborted");
      const final = ctx.updates[ctx.updates.length - 1];
      assert.equal(final.status, "ABORTED");
      assert.equal(final.executionCounts.aborted, 2);
    });

    it("reads from S3 via the ItemReader and sends ItemSelector output to children", async () => {
      await s3.client({ logger: silentSdkLogger }).send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: "in/pairs.json",
          Body: JSON.stringify([
            { from: 0, to: 5 },
            { from: 5, to: 7 },
          ]),
        }),
      );
      const ctx = fakeContext(s3.client({ logger: silentSdkLogger }), (x) => x);
      const state = distributed({
        ItemReader: {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "JSON" },
          Parameters: { "Bucket.$": "$.bucket", "Key.$": "$.key" },
        },
        ItemSelector: { "span.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" },
      });
      assert.deepEqual(await runMapRun(state, { bucket: BUCKET, key: "in/pairs.json" }, ctx), [
        { span: { from: 0, to: 5 }, i: 0 },
        { span: { from: 5, to: 7 }, i: 1 },
      ]);
    });
  });
});
