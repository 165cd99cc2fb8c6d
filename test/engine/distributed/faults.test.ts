/**
 * Fault tests: children failing at seeded random rates, S3 failing while reading and writing.
 * Whatever happens, every item read is accounted for exactly once: the exported
 * SUCCEEDED + FAILED + PENDING records hold each item once, and the Map Run's item counts add up.
 */
import { strict as assert } from "node:assert";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { JsonValue, MapState } from "../../../asl/types";
import { startEmbeddedS3, type EmbeddedS3 } from "../../../emulators/s3/server";
import { runMapRun } from "../../../engine/distributed";
import { StatesError } from "../../../engine/model/errors";
import { ChildError, fakeContext, seededRandom, type FakeContext } from "./fake-context";
import { faultyClient } from "./fault-s3";

const BUCKET = "faults";

/** A child input as these tests make them: the item itself, or `{n}` from an ItemSelector. */
type Entry = number | { n: number };

interface Manifest {
  ResultFiles: Record<"SUCCEEDED" | "FAILED" | "PENDING", { Key: string }[]>;
}

describe("engine/distributed faults", function () {
  this.timeout(120_000);
  let s3: EmbeddedS3;

  before(async () => {
    s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  });
  after(async () => s3.stop());

  async function json<T>(key: string): Promise<T> {
    const res = await s3.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return JSON.parse(await res.Body!.transformToString()) as T;
  }

  /** Every exported record's items, per status, from the manifest under `prefix`. */
  async function exported(prefix: string): Promise<Record<"SUCCEEDED" | "FAILED" | "PENDING", number[]>> {
    const listing = await s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    const manifestKey = (listing.Contents ?? []).map((c) => c.Key!).find((k) => k.endsWith("/manifest.json"));
    assert.ok(manifestKey, `no manifest under ${prefix}`);
    const manifest = await json<Manifest>(manifestKey);
    const out = { SUCCEEDED: [] as number[], FAILED: [] as number[], PENDING: [] as number[] };
    for (const status of ["SUCCEEDED", "FAILED", "PENDING"] as const) {
      for (const f of manifest.ResultFiles[status]) {
        for (const r of await json<{ Input: string }[]>(f.Key)) {
          const input = JSON.parse(r.Input) as Entry | { Items: Entry[] };
          const entries = typeof input === "object" && "Items" in input ? input.Items : [input];
          out[status].push(...entries.map((e) => (typeof e === "number" ? e : e.n)));
        }
      }
    }
    return out;
  }

  function assertAccounted(ctx: FakeContext, files: Record<string, number[]>, items: number[]): void {
    const all = [...files.SUCCEEDED, ...files.FAILED, ...files.PENDING].sort((a, b) => a - b);
    assert.deepEqual(all, items, "each item exactly once across SUCCEEDED + FAILED + PENDING");
    const c = ctx.updates[ctx.updates.length - 1].itemCounts;
    assert.equal(c.running, 0);
    assert.equal(c.succeeded + c.failed + c.aborted + c.pending, c.total, "item counts add up to the total");
    assert.equal(c.total, items.length);
    assert.equal(files.SUCCEEDED.length, c.succeeded);
    assert.equal(files.FAILED.length, c.failed + c.aborted);
    assert.equal(files.PENDING.length, c.pending);
  }

  const N = 240;
  const items = Array.from({ length: N }, (_, i) => i);

  for (let seed = 1; seed <= 12; seed++) {
    it(`seed ${seed}: children failing at a random rate, random threshold and batching`, async () => {
      const rnd = seededRandom(seed);
      const failRate = [0, 0.01, 0.05, 0.2, 0.5][seed % 5];
      const batch = seed % 3 === 0 ? 1 + Math.floor(rnd() * 7) : undefined;
      const pct = seed % 2 === 0 ? Math.round(rnd() * 3000) / 100 : undefined;
      const childRnd = seededRandom(seed * 7919);
      const ctx = fakeContext(s3.client(), async (x, signal) => {
        await new Promise((r) => setTimeout(r, Math.floor(childRnd() * 3)));
        if (signal.aborted) throw new Error("aborted");
        if (childRnd() < failRate) throw new ChildError("Random", "unlucky");
        return x;
      });
      await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: `in/${seed}.json`, Body: JSON.stringify(items) }));
      const state: MapState = {
        Type: "Map",
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
        ItemReader: {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "JSON" },
          Parameters: { Bucket: BUCKET, Key: `in/${seed}.json` },
        },
        ...(batch ? { ItemBatcher: { MaxItemsPerBatch: batch } } : {}),
        ...(pct !== undefined ? { ToleratedFailurePercentage: pct } : { ToleratedFailureCount: Math.floor(rnd() * 20) }),
        MaxConcurrency: 1 + Math.floor(rnd() * 40),
        ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: `out/${seed}` } },
        End: true,
      };
      let error: StatesError | undefined;
      try {
        await runMapRun(state, {}, ctx, { maxResultFileBytes: 16_384 });
      } catch (e) {
        error = e as StatesError;
        assert.equal(error.error, "States.ExceedToleratedFailureThreshold");
      }
      const files = await exported(`out/${seed}/`);
      assertAccounted(ctx, files, items);
      assert.equal(ctx.updates[ctx.updates.length - 1].status, error ? "FAILED" : "SUCCEEDED");
    });
  }

  it("an ItemSelector failing part-way through a read batch: the items before it are all accounted for", async () => {
    const xs = Array.from({ length: 3_000 }, (_, i): JsonValue => (i === 1_500 ? { noN: true } : { n: i }));
    const ctx = fakeContext(s3.client(), (x) => x);
    const state: MapState = {
      Type: "Map",
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      ItemsPath: "$.xs",
      ItemSelector: { "n.$": "$$.Map.Item.Value.n" },
      ItemBatcher: { MaxItemsPerBatch: 7 },
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: "out/selector-fault" } },
      End: true,
    };
    await assert.rejects(runMapRun(state, { xs }, ctx), /path \$\$\.Map\.Item\.Value\.n not found/);
    const files = await exported("out/selector-fault/");
    assertAccounted(
      ctx,
      files,
      Array.from({ length: 1_500 }, (_, i) => i),
    );
  });

  it("a JSONL body cut short mid-stream: States.ItemReaderFailed naming the object; no item is counted twice", async () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => JSON.stringify({ i, pad: "p".repeat(20) })).join("\n");
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "cut.jsonl", Body: lines }));
    const client = faultyClient(s3, (cmd) => (cmd === "GetObjectCommand" ? { cutAfterBytes: 50_000 } : undefined));
    const ctx = fakeContext(client, (x) => x);
    const state: MapState = {
      Type: "Map",
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSONL" },
        Parameters: { Bucket: BUCKET, Key: "cut.jsonl" },
      },
      End: true,
    };
    await assert.rejects(
      runMapRun(state, {}, ctx),
      (e: StatesError) => e.error === "States.ItemReaderFailed" && /s3:\/\/faults\/cut\.jsonl/.test(e.causeText),
    );
    const started = ctx.started.map((x) => (x as { i: number }).i);
    assert.equal(new Set(started).size, started.length, "no item started twice");
    assert.deepEqual(
      started,
      Array.from({ length: started.length }, (_, i) => i),
      "items started in order, none skipped",
    );
    const c = ctx.updates[ctx.updates.length - 1].itemCounts;
    assert.equal(c.succeeded + c.failed + c.aborted + c.pending, c.total);
  });

  it("S3 failing on a result file PUT: States.ResultWriterFailed, Map Run FAILED", async () => {
    const client = faultyClient(s3, (cmd, input) =>
      cmd === "PutObjectCommand" && String(input.Key).includes("FAILED_0") ? "fail" : undefined,
    );
    const ctx = fakeContext(client, (x) => {
      if ((x as number) % 10 === 0) throw new ChildError("Tens", "no");
      return x;
    });
    const state: MapState = {
      Type: "Map",
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      ItemsPath: "$.xs",
      ToleratedFailurePercentage: 20,
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: "out/write-fault" } },
      End: true,
    };
    await assert.rejects(
      runMapRun(state, { xs: items }, ctx),
      (e: StatesError) =>
        e.error === "States.ResultWriterFailed" && /s3:\/\/faults\/out\/write-fault\/[0-9a-f-]+\/FAILED_0\.json/.test(e.causeText),
    );
    assert.equal(ctx.history[ctx.history.length - 1].type, "MapRunFailed");
    assert.equal(ctx.updates[ctx.updates.length - 1].status, "FAILED");
  });
});
