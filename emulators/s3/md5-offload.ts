/**
 * The MD5 of a large streamed body (an object's ETag), computed on a worker thread: the embedded S3 runs in
 * the engine's process, and hashing a 55 MB ResultWriter file there took 12 % of a 100,000-child
 * Map Run's main thread (measured with `npm run bench -- profile`, BENCH_PROFILE_CASE=4). Bodies
 * under OFFLOAD_FROM_BYTES are hashed in place: a message costs more than their hash.
 *
 * One worker per process, started on the first large body and unreferenced while no digest is
 * pending, so it never keeps a process alive. Its source is plain JavaScript run with `eval`
 * (no loader, no file to resolve: the same from `tsx` and from the built package).
 */
import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";

/** From this many bytes, a body's remaining chunks are hashed on the worker. */
export const OFFLOAD_FROM_BYTES = 1 << 20;

/** Chunks travel to the worker in batches of about this size (fewer messages than socket chunks). */
const BATCH_BYTES = 1 << 20;

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const hashes = new Map();
parentPort.on("message", (m) => {
  if (m.drop) {
    hashes.delete(m.id);
    return;
  }
  let hash = hashes.get(m.id);
  if (!hash) hashes.set(m.id, (hash = createHash("md5")));
  if (m.chunk) hash.update(m.chunk);
  if (m.end) {
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, hex: hash.digest("hex") });
  }
});
`;

type Reply = { id: number; hex: string };
type Waiting = { resolve(hex: string): void; reject(error: Error): void };

/** The worker new bodies go to (undefined until the first, or after it failed). */
let current: Worker | undefined;
let nextId = 0;
/** Digests each worker still owes. */
const owed = new Map<Worker, Map<number, Waiting>>();

/** Forgets a digest nobody will read; a worker owing none is unreferenced. */
function forget(id: number, on: Worker): void {
  const waiting = owed.get(on);
  waiting?.delete(id);
  if (waiting?.size === 0) on.unref();
}

function hashingWorker(): Worker {
  if (current) return current;
  // execArgv [] : the worker needs no TypeScript loader, and would pay for loading one.
  const started = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
  const waiting = new Map<number, Waiting>();
  owed.set(started, waiting);
  started.on("message", (reply: Reply) => {
    const one = waiting.get(reply.id);
    forget(reply.id, started);
    one?.resolve(reply.hex);
  });
  const fail = (error: Error) => {
    if (current === started) current = undefined;
    owed.delete(started);
    for (const one of waiting.values()) one.reject(error);
    waiting.clear();
  };
  started.on("error", fail);
  started.on("exit", (code) => fail(new Error(`the MD5 worker exited with code ${code}`)));
  started.unref();
  return (current = started);
}

/** An incremental MD5 whose hashing moves to the worker once the body passes OFFLOAD_FROM_BYTES. */
export class Md5Digester {
  /** Chunks seen so far while under the threshold (hashed locally if the body ends there). */
  private head: Buffer[] = [];
  private headBytes = 0;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private id = -1;
  /** The worker this body's chunks went to: a restarted one would not have their hash. */
  private on: Worker | undefined;
  private ended = false;
  private readonly digest: Promise<string>;
  private settle!: Waiting;

  constructor() {
    this.digest = new Promise<string>((resolve, reject) => (this.settle = { resolve, reject }));
    // Read only by hex(); a failure before then must not surface as an unhandled rejection.
    this.digest.catch(() => undefined);
  }

  update(chunk: Buffer): void {
    if (this.id < 0) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < OFFLOAD_FROM_BYTES) return;
      this.start();
      return;
    }
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= BATCH_BYTES) this.send(false);
  }

  /** The hex digest of everything passed to update(). */
  async hex(): Promise<string> {
    if (this.id < 0) {
      const hash = createHash("md5");
      for (const chunk of this.head) hash.update(chunk);
      return hash.digest("hex");
    }
    this.send(true);
    this.ended = true;
    return this.digest;
  }

  /** For a body that will not end (a failed request): the worker drops its hash. */
  abandon(): void {
    if (this.id < 0 || this.ended) return;
    this.ended = true;
    if (owed.has(this.on!)) this.on!.postMessage({ id: this.id, drop: true });
    forget(this.id, this.on!);
  }

  private start(): void {
    this.id = nextId++;
    this.batch = this.head;
    this.batchBytes = this.headBytes;
    this.head = [];
    this.on = hashingWorker();
    this.on.ref();
    owed.get(this.on)!.set(this.id, this.settle);
    this.send(false);
  }

  private send(end: boolean): void {
    // One copy per batch, into memory of its own that is then moved to the worker, not copied
    // again (the socket's chunks may share theirs, and are still being written to disk).
    let chunk: Buffer | undefined;
    if (this.batchBytes > 0) {
      chunk = Buffer.allocUnsafeSlow(this.batchBytes);
      let at = 0;
      for (const piece of this.batch) at += piece.copy(chunk, at);
    }
    this.batch = [];
    this.batchBytes = 0;
    // A worker that failed has rejected this digest already.
    if (owed.has(this.on!)) this.on!.postMessage({ id: this.id, chunk, end }, chunk ? [chunk.buffer as ArrayBuffer] : []);
  }
}
