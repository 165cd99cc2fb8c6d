/**
 * CaptureInput at number = 20,000,000 against the embedded S3 (in the same process, as in local
 * runs): time, object size, items/s and peak RSS growth, next to the target (< 100 MB growth), and
 * the seed's way (JSON.stringify of the whole array, then one PutObject) for comparison.
 *
 * Each case runs in a child process of its own, so that the peak of one is not the peak of another.
 * RSS is sampled every 2 ms from a worker thread; the kernel's high-water mark (getrusage maxRSS,
 * which also covers the warm-up) is printed beside it as an upper bound.
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { constants as bufferConstants } from "node:buffer";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { captureInput } from "../handlers/capture-input";
import { paginate } from "../handlers/capture-input/pages";
import { disposePayloadS3Client, payloadS3Client } from "../handlers/shared/s3-client";
import { startServers } from "../emulators/servers";

const NUMBER = 20_000_000;
const WARM_UP = 2_000_000;
const TARGET_MB = 100;
const BUCKET = "bench-payloads";
const MB = 1024 * 1024;

interface Case {
  readonly name: string;
  readonly chunk: number;
  readonly way: "stream" | "naive";
  readonly number?: number;
}

const CASES: readonly Case[] = [
  { name: "stream, chunk 1, JSON", chunk: 1, way: "stream" },
  // the same write at a tenth of the size: constant memory means (about) the same growth
  { name: "stream, chunk 1, JSON, 2M", chunk: 1, way: "stream", number: 2_000_000 },
  { name: "stream, chunk 5, JSON", chunk: 5, way: "stream" },
  { name: "naive (seed), chunk 5", chunk: 5, way: "naive" },
  { name: "naive (seed), chunk 1", chunk: 1, way: "naive" },
];

interface Figures {
  readonly items: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Highest RSS sampled every 2 ms during the write, minus the baseline. */
  readonly peakGrowthMb: number;
  /** The kernel's high-water RSS of the whole process (warm-up included) minus the baseline: an upper bound. */
  readonly highWaterGrowthMb: number;
  readonly skipped?: string;
}

/**
 * Samples the process's RSS every 2 ms from a worker thread, so that a busy main thread (the
 * serializer runs for seconds between awaits) cannot hide a peak; RSS is per process, so the worker
 * sees the main thread's memory.
 */
class RssSampler {
  private constructor(private readonly worker: Worker) {}
  static async start(): Promise<RssSampler> {
    const worker = new Worker(
      `const { parentPort } = require("node:worker_threads");
       let max = 0;
       const sample = () => { max = Math.max(max, process.memoryUsage.rss()); };
       const timer = setInterval(sample, 2);
       parentPort.on("message", () => { sample(); clearInterval(timer); parentPort.postMessage(max); parentPort.close(); });
       parentPort.postMessage("ready");`,
      { eval: true },
    );
    await once(worker, "message");
    return new RssSampler(worker);
  }
  async stop(): Promise<number> {
    const result = once(this.worker, "message");
    this.worker.postMessage("stop");
    const [max] = (await result) as [number];
    await this.worker.terminate();
    return max;
  }
}

/** Runs one case in this process and prints its figures as JSON on the last line. */
async function runCase(c: Case): Promise<Figures> {
  const servers = await startServers({ s3: { buckets: [BUCKET] }, env: { PAYLOAD_BUCKET: BUCKET, PAYLOAD_FORMAT: "json" } });
  // The handler finds its S3 and PAYLOAD_* settings inside the run's environment only.
  return servers.run(() => runCaseIn(c, servers));
}

async function runCaseIn(c: Case, servers: Awaited<ReturnType<typeof startServers>>): Promise<Figures> {
  const s3 = servers.s3!;
  try {
    // Warm up with a multipart-sized write (modules loaded, JIT warm, sockets open, the SDK's
    // multipart path taken once), so the baseline is the steady state and the growth is what
    // writing `number` items costs, not what loading the code costs.
    await captureInput({ number: WARM_UP, chunk: c.chunk });
    const sampler = await RssSampler.start();
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage().rss;
    const started = process.hrtime.bigint();
    let key: string;
    let items: number;
    if (c.way === "stream") {
      const out = await captureInput({ number: c.number ?? NUMBER, chunk: c.chunk });
      key = out.key;
      items = out.count;
    } else {
      // the seed's capture-input: the whole array, one string, one PutObject
      const data = paginate(NUMBER, c.chunk);
      items = data.length;
      key = `payloads/naive-${c.chunk}.json`;
      await payloadS3Client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(data) }));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const sampled = await sampler.stop();
    const maxRss = process.resourceUsage().maxRSS * 1024; // kB → bytes; the process's high-water mark
    const head = await payloadS3Client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return {
      items,
      bytes: head.ContentLength ?? 0,
      seconds,
      peakGrowthMb: (Math.max(sampled, baseline) - baseline) / MB,
      highWaterGrowthMb: (maxRss - baseline) / MB,
    };
  } finally {
    disposePayloadS3Client();
    await servers.stop();
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function main(): void {
  process.stdout.write(
    `CaptureInput, number = ${fmt(NUMBER)}, against the embedded S3 (same process)\n` +
      `peak RSS growth = highest RSS sampled every 2 ms during the write − RSS before it (after a ${fmt(WARM_UP)}-number warm-up write);\n` +
      `(≤ x: the process's kernel high-water RSS, warm-up included, − the same baseline; an upper bound)\n` +
      `target: < ${TARGET_MB} MB for the streamed write\n\n`,
  );
  const header = ["case", "items", "object", "time", "items/s", "peak RSS growth", "target"];
  const rows: string[][] = [];
  let streamedBytes = 0;
  let failed = false;
  for (const c of CASES) {
    // A JSON string longer than V8's maximum cannot exist: the seed's way cannot even build it.
    if (c.way === "naive" && c.chunk === 1) {
      if (streamedBytes <= bufferConstants.MAX_STRING_LENGTH) throw new Error("expected the chunk-1 JSON to exceed V8's string limit");
      rows.push([
        c.name,
        fmt(NUMBER / c.chunk),
        `${fmt(streamedBytes / MB)} MiB`,
        "—",
        "—",
        `does not fit: the string would exceed V8's max length (${fmt(bufferConstants.MAX_STRING_LENGTH / MB)} Mi chars)`,
        "",
      ]);
      continue;
    }
    const res = spawnSync(process.execPath, ["--expose-gc", "--require", "tsx/cjs", __filename, "--case", c.name], {
      encoding: "utf8",
      maxBuffer: 16 * MB,
    });
    const last = res.stdout.trim().split("\n").pop() ?? "";
    if (res.status !== 0 || !last.startsWith("{")) {
      rows.push([c.name, "", "", "", "", `failed (exit ${res.status ?? res.signal}): ${res.stderr.trim().split("\n").pop() ?? ""}`, ""]);
      if (c.way === "stream") failed = true;
      continue;
    }
    const f = JSON.parse(last) as Figures;
    if (c.way === "stream" && c.chunk === 1 && c.number === undefined) streamedBytes = f.bytes;
    const meets = f.peakGrowthMb < TARGET_MB;
    if (c.way === "stream" && !meets) failed = true;
    rows.push([
      c.name,
      fmt(f.items),
      `${fmt(f.bytes / MB, 1)} MiB`,
      `${fmt(f.seconds, 1)} s`,
      fmt(f.items / f.seconds),
      `${fmt(f.peakGrowthMb, 1)} MB (≤ ${fmt(f.highWaterGrowthMb, 1)})`,
      c.way === "stream" ? (meets ? `< ${TARGET_MB} MB ok` : `< ${TARGET_MB} MB MISSED`) : "(comparison)",
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 || i >= 5 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  process.stdout.write(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  process.exitCode = failed ? 1 : 0;
}

const caseFlag = process.argv.indexOf("--case");
if (caseFlag >= 0) {
  const wanted = CASES.find((c) => c.name === process.argv[caseFlag + 1]);
  if (!wanted) throw new Error(`unknown case ${process.argv[caseFlag + 1]}`);
  runCase(wanted).then(
    (f) => process.stdout.write(`${JSON.stringify(f)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
} else {
  main();
}
