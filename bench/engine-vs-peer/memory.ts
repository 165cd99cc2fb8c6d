/**
 * Run in a process of its own by engine-vs-peer.bench.ts: N STANDARD child executions (a Pass each) of a
 * Distributed Map over a JSONL object, results sent to a ResultWriter; prints one JSON line with the
 * process's peak RSS (process.resourceUsage().maxRSS, the kernel's high-water mark). The embedded S3
 * server runs in this process too, so its memory is counted: the figure is an upper bound for the
 * engine. The item file is written to disk and streamed up, so the data set never sits in memory.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import type { StateMachineDefinition } from "../../asl/types";
import { run } from "../../engine";
import { uploadFile } from "../../testing/run/objects";
import { startServers } from "../../emulators/servers";

const N = Number(process.env.BENCH_MEMORY_CHILDREN ?? 1_000_000);
const BUCKET = "bench-memory";

const definition: StateMachineDefinition = {
  StartAt: "Each",
  States: {
    Each: {
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSONL" },
        Parameters: { Bucket: BUCKET, Key: "items.jsonl" },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: "Shape",
        States: { Shape: { Type: "Pass", Parameters: { "id.$": "$.id", "size.$": "States.MathAdd($.to, -5)" }, End: true } },
      },
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: "results" } },
      End: true,
    },
  },
} as StateMachineDefinition;

async function writeItems(file: string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < N; i++) {
    if (!out.write(`{"id":${i},"from":${i * 5},"to":${i * 5 + 5}}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-memory-"));
  const servers = await startServers({ s3: { buckets: [BUCKET] } });
  try {
    await writeItems(join(dir, "items.jsonl"));
    await uploadFile(servers.s3Client!, BUCKET, "items.jsonl", join(dir, "items.jsonl"));
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const result = await run(definition, {}, { handlers: {}, s3: servers.s3Client!, keepHistory: false });
    const seconds = (performance.now() - t0) / 1000;
    const record = result.mapRuns.at(-1);
    if (result.status !== "SUCCEEDED" || record?.executionCounts.succeeded !== N || record.itemCounts.resultsWritten !== N) {
      throw new Error(`memory run: ${result.status} ${result.error ?? ""} ${JSON.stringify(record?.itemCounts)}`);
    }
    const maxRssMb = (process.resourceUsage().maxRSS * 1024) / (1024 * 1024);
    process.stdout.write(JSON.stringify({ children: N, seconds, maxRssMb, rssBeforeMb: before / (1024 * 1024) }) + "\n");
  } finally {
    await servers.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
