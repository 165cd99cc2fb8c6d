/**
 * A 10,000,000-item JSONL ItemReader → ResultWriter Map Run (issue 17): the items streamed from one
 * S3 object (written here, ~190 MB), batched 1,000 a child (10,000 EXPRESS children, each a Pass
 * that counts its batch), results exported. Printed: items/s through the Map Run and the process's
 * peak RSS (goal: < 512 MB, i.e. the reader and the writer stream, nothing holds the 10 M items).
 * Run alone: `npm run bench -- large-jsonl`. ITEMS=1000000 for a quicker look. BENCH_JSON=FILE also
 * writes the figures there (bench/scale.bench.ts draws its cost curve from them).
 */
import { createWriteStream, writeFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { uploadFile } from "../testing/run/objects";
import { startServers } from "../emulators/servers";
import { run } from "../engine";

const ITEMS = Number(process.env["ITEMS"] ?? 10_000_000);
const BATCH = 1_000;

async function writeJsonl(file: string, items: number): Promise<void> {
  const out = createWriteStream(file);
  let chunk = "";
  for (let i = 0; i < items; i++) {
    chunk += `{"id":${i},"v":${i % 97}}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "large-jsonl-"));
  const file = join(dir, "items.jsonl");
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  sampler.unref();
  const servers = await startServers({ s3: { buckets: ["big"] }, setProcessEnv: false });
  const s3 = servers.s3!;
  try {
    const tw = performance.now();
    await writeJsonl(file, ITEMS);
    const bytes = (await stat(file)).size;
    await uploadFile(s3.client(), "big", "items.jsonl", file);
    const setupMs = performance.now() - tw;
    const definition = {
      StartAt: "Items",
      States: {
        Items: {
          Type: "Map",
          ItemReader: {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "JSONL" },
            Parameters: { Bucket: "big", Key: "items.jsonl" },
          },
          ItemBatcher: { MaxItemsPerBatch: BATCH },
          MaxConcurrency: 1_000,
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
            StartAt: "Count",
            States: { Count: { Type: "Pass", Parameters: { "n.$": "States.ArrayLength($.Items)" }, End: true } },
          },
          ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "big", Prefix: "out" } },
          End: true,
        },
      },
    };
    peakRss = process.memoryUsage().rss;
    const t = performance.now();
    const result = await run(definition, {}, { handlers: {}, s3: s3.client(), keepHistory: false });
    const ms = performance.now() - t;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const mapRun = result.mapRuns[0]!;
    if (result.status !== "SUCCEEDED" || mapRun.itemCounts.succeeded !== ITEMS)
      throw new Error(`run ${result.status} ${result.error ?? ""} ${result.cause ?? ""}: ${mapRun.itemCounts.succeeded} items`);
    const row = (label: string, value: string, note = "") => process.stdout.write(`${label.padEnd(58)}${value.padStart(16)}   ${note}\n`);
    row(
      `JSONL ItemReader → ResultWriter: ${ITEMS.toLocaleString("en-US")} items`,
      `${Math.round(ITEMS / (ms / 1000)).toLocaleString("en-US")} items/s`,
      `${(ms / 1000).toFixed(1)} s; ${(bytes / 1e6).toFixed(0)} MB object, ${mapRun.executionCounts.total.toLocaleString("en-US")} EXPRESS children of ${BATCH.toLocaleString("en-US")} (writing the file and uploading it: ${(setupMs / 1000).toFixed(1)} s, not counted)`,
    );
    if (process.env.BENCH_JSON)
      writeFileSync(
        process.env.BENCH_JSON,
        JSON.stringify({ items: ITEMS, runS: ms / 1000, itemsPerS: ITEMS / (ms / 1000), peakRssBytes: peakRss, setupS: setupMs / 1000 }),
      );
    row("  peak RSS during the run", `${Math.round(peakRss / 1024 / 1024)} MB`, "goal < 512 MB (sampled every 50 ms, and at the end)");
  } finally {
    await servers.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e instanceof Error ? (e.stack ?? e.message) : e) + "\n");
  process.exitCode = 1;
});
