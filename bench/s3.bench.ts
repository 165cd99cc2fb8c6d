/**
 * The embedded S3 next to the floor of the machine (`npm run bench -- s3`): small GetObject,
 * PutObject and ListObjectsV2 requests through `@aws-sdk/client-s3` (SigV4-signed, keep-alive,
 * BENCH_S3_CONCURRENCY in flight, default 16 as the map-reduce handler reads), against
 *   - the embedded S3 (emulators/s3/server.ts: signature verified, names checked, objects on disk), and
 *   - the floor: a bare `node:http` server in the same process answering every request with the
 *     very bytes (status, headers, body) the embedded S3 answered it, recorded first; the client's
 *     own cost (signing, parsing) is in both.
 * Each op: BENCH_S3_REQUESTS requests (default 5,000), the two servers taking turns BENCH_RUNS times
 * (default 3), medians. Targets: >= 5,000 requests/s and within 3x of the floor, per op.
 * BENCH_S3_SERVER=path/to/server.ts measures another implementation with the same interface (the
 * s3rver-based one of an older checkout, for a before/after). Both servers (ours and the floor) run on
 * worker threads of their own, off the client's event loop, as `exec` runs the
 * embedded S3 (`offThread`); BENCH_S3_THREAD=0 runs them on the client's thread. BENCH_JSON=FILE also writes the medians
 * there (bench/scale.bench.ts reads them).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import { writeFileSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { startEmbeddedS3 as Start } from "../emulators/s3/server";

const REQUESTS = Number(process.env["BENCH_S3_REQUESTS"] ?? 5_000);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
const CONCURRENCY = Number(process.env["BENCH_S3_CONCURRENCY"] ?? 16);
const TARGET_RPS = 5_000;
const TARGET_RATIO = 3;
const BUCKET = "bench";
/** A map-reduce demo object's size (app/demos/dataset.ts: 1-8 lines of 3-15 words). */
const BODY = "the map state runs a set of steps for each item in a dataset\n".repeat(4);
const LISTED = 100;

interface Recorded {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

type Op = "GetObject" | "PutObject" | "ListObjectsV2";
const OPS: Op[] = ["GetObject", "PutObject", "ListObjectsV2"];

function command(op: Op, i: number) {
  switch (op) {
    case "GetObject":
      return new GetObjectCommand({ Bucket: BUCKET, Key: `get/${i % LISTED}.txt` });
    case "PutObject":
      return new PutObjectCommand({ Bucket: BUCKET, Key: `put/${i % 1000}.txt`, Body: BODY, ContentType: "text/plain" });
    case "ListObjectsV2":
      return new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "get/" });
  }
}

async function drive(client: S3Client, op: Op, n: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const out = await client.send(command(op, i) as GetObjectCommand);
      // The handlers read every body.
      if (op === "GetObject") await out.Body!.transformToString();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return n / ((performance.now() - started) / 1000);
}

/** A bare server answering each op with its recorded response. */
async function floorServer(recorded: Map<Op, Recorded>): Promise<{ endpoint: string; close(): Promise<void> }> {
  const opOf = (req: IncomingMessage): Op =>
    req.method === "PUT" ? "PutObject" : (req.url ?? "").includes("list-type=2") ? "ListObjectsV2" : "GetObject";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const r = recorded.get(opOf(req))!;
    req.resume();
    req.once("end", () => {
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** Records the embedded server's answer to one request of each op (through a recording proxy client). */
async function record(endpoint: string, makeClient: () => S3Client): Promise<Map<Op, Recorded>> {
  const recorded = new Map<Op, Recorded>();
  const { request } = await import("node:http");
  for (const op of OPS) {
    // The same request the SDK sends, re-sent raw: sign it with the SDK's middleware by capturing it.
    let captured: { method: string; path: string; headers: Record<string, string>; body?: string } | undefined;
    const c = makeClient();
    c.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as {
          method: string;
          path: string;
          query?: Record<string, string>;
          headers: Record<string, string>;
          body?: unknown;
        };
        const qs = new URLSearchParams(req.query ?? {}).toString();
        captured = {
          method: req.method,
          path: req.path + (qs ? `?${qs}` : ""),
          headers: req.headers,
          body: typeof req.body === "string" ? req.body : undefined,
        };
        return next(args);
      },
      { step: "finalizeRequest", priority: "low", name: "benchCapture" },
    );
    await c.send(command(op, 0) as GetObjectCommand).then(async (out) => {
      if (op === "GetObject") await (out as { Body?: { transformToString(): Promise<string> } }).Body!.transformToString();
    });
    c.destroy();
    const sent = captured!;
    recorded.set(
      op,
      await new Promise<Recorded>((ok, fail) => {
        const u = new URL(endpoint);
        const r = request({ host: u.hostname, port: u.port, method: sent.method, path: sent.path, headers: sent.headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () => {
            const headers: Record<string, string | string[]> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined && k !== "date" && k !== "connection" && k !== "keep-alive") headers[k] = v;
            ok({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
          });
        });
        r.on("error", fail);
        r.end(sent.body);
      }),
    );
  }
  return recorded;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Both servers on threads of their own, as `exec` runs the embedded S3 (offThread); BENCH_S3_THREAD=0: on the client's thread. */
const THREAD = process.env["BENCH_S3_THREAD"] !== "0";
const serverModule = () =>
  process.env["BENCH_S3_SERVER"] ? resolve(process.env["BENCH_S3_SERVER"]) : resolve(__dirname, "../emulators/s3/server");

/** What a server thread posts back once it listens. */
interface Listening {
  endpoint: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}
type ThreadJob = { kind: "ours" } | { kind: "floor"; recorded: Array<[Op, Recorded]> };

/** A server on a worker thread of its own (this file again, under tsx's CommonJS hook). */
async function serverThread(job: ThreadJob): Promise<Listening & { close(): Promise<void> }> {
  const worker = new Worker(`require("tsx/cjs"); require(${JSON.stringify(__filename)});`, { eval: true, workerData: job });
  const listening = await new Promise<Listening>((ok, fail) => {
    worker.once("message", (m: Listening) => ok(m));
    worker.once("error", fail);
  });
  return { ...listening, close: async () => void (await worker.terminate()) };
}

async function threadMain(job: ThreadJob): Promise<void> {
  if (job.kind === "floor") {
    const floor = await floorServer(new Map(job.recorded.map(([op, r]) => [op, { ...r, body: Buffer.from(r.body) }])));
    parentPort!.postMessage({ endpoint: floor.endpoint } satisfies Listening);
    return;
  }
  const { startEmbeddedS3 } = require(serverModule()) as { startEmbeddedS3: typeof Start };
  const s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  parentPort!.postMessage({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials } satisfies Listening);
}

async function main(): Promise<void> {
  const { startEmbeddedS3 } = (await import(serverModule())) as { startEmbeddedS3: typeof Start };
  // Another checkout's server (BENCH_S3_SERVER) may not have offThread: it gets a thread from this file.
  const s3 = !THREAD
    ? await startEmbeddedS3({ buckets: [BUCKET] })
    : process.env["BENCH_S3_SERVER"]
      ? await serverThread({ kind: "ours" })
      : await startEmbeddedS3({ buckets: [BUCKET], offThread: true });
  const clientOf = (endpoint: string) =>
    new S3Client({
      endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: s3.credentials!,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // As the handlers' and the engine's clients: the middleware stack resolved once per command type.
      cacheMiddleware: true,
    });
  const ours = clientOf(s3.endpoint);
  for (let i = 0; i < LISTED; i++)
    await ours.send(new PutObjectCommand({ Bucket: BUCKET, Key: `get/${i}.txt`, Body: BODY, ContentType: "text/plain" }));
  const recorded = await record(s3.endpoint, () => clientOf(s3.endpoint));
  const floor = THREAD ? await serverThread({ kind: "floor", recorded: [...recorded] }) : await floorServer(recorded);
  const floorClient = clientOf(floor.endpoint);
  process.stdout.write(
    `small requests through @aws-sdk/client-s3 (SigV4, keep-alive, ${CONCURRENCY} in flight), ${fmt(REQUESTS)} per run, median of ${RUNS}` +
      `${process.env["BENCH_S3_SERVER"] ? `, server ${process.env["BENCH_S3_SERVER"]}` : ""}` +
      `${THREAD ? ", both servers on worker threads of their own" : ", both servers on the client's thread"}\n` +
      `${"op".padEnd(16)}${"embedded S3".padStart(14)}${"bare floor".padStart(14)}${"ratio".padStart(8)}   targets: >= ${fmt(TARGET_RPS)} req/s, <= ${TARGET_RATIO}x floor\n`,
  );
  let missed = false;
  const results: Array<{ op: Op; perS: number; floorPerS: number }> = [];
  for (const op of OPS) {
    await drive(ours, op, Math.min(500, REQUESTS));
    await drive(floorClient, op, Math.min(500, REQUESTS));
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      a.push(await drive(ours, op, REQUESTS));
      b.push(await drive(floorClient, op, REQUESTS));
    }
    const rps = median(a);
    const floorRps = median(b);
    const ratio = floorRps / rps;
    results.push({ op, perS: rps, floorPerS: floorRps });
    const met = rps >= TARGET_RPS && ratio <= TARGET_RATIO;
    missed ||= !met;
    process.stdout.write(
      `${op.padEnd(16)}${`${fmt(rps)}/s`.padStart(14)}${`${fmt(floorRps)}/s`.padStart(14)}${`${ratio.toFixed(2)}x`.padStart(8)}   ${met ? "MET" : "MISSED"}\n`,
    );
  }
  if (process.env.BENCH_JSON)
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ requests: REQUESTS, runs: RUNS, concurrency: CONCURRENCY, ops: results }));
  floorClient.destroy();
  ours.destroy();
  await floor.close();
  await ("stop" in s3 ? s3.stop() : s3.close());
  if (missed) process.stdout.write("(absolute rates depend on the machine's load; the ratio is taken in the same run)\n");
}

if (isMainThread) void main();
else void threadMain(workerData as ThreadJob);
