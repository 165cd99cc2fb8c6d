/**
 * The embedded S3 on a worker thread of its own (`startEmbeddedS3({ offThread: true })`).
 *
 * In a local run one thread does everything: the engine, the handlers (their SDK clients' signing
 * and parsing) and the S3 server answering them. On a 2-core machine the second core sat idle while
 * the server's work (SigV4 check, name checks, the file read, the response) took its share of the
 * one thread. Here the server runs in a worker thread with the same code, the same data folder and
 * the same HTTP endpoint; the caller's thread keeps only the clients. Measured (bench/s3.bench.ts):
 * small GetObjects through the SDK at the SDK's own floor, ~2,480/s against ~1,890/s with the server
 * on the client's thread. It costs ~0.1 s to start (more under tsx): worth it for a run of many
 * requests (exec; npm start when its functions run on threads), not for a test's few.
 *
 * What the caller holds is the same `EmbeddedS3`: `endpoint`, `credentials`, `env`, `client()` are
 * local; `ensureBucket`, `putObjects` and `stop` are messages to the thread. The thread ends with
 * `stop()` (the server closed, a temporary data folder removed), or when its server fails, which
 * the next call reports. A fault injector (`faults`, functions) cannot cross to a thread: such a
 * server stays on the caller's thread.
 */
import { startModuleWorker } from "../../engine/model/worker-module";
import {
  callerSide,
  InvalidBucketNameError,
  type EmbeddedS3,
  type EmbeddedS3Options,
  type ObjectToStore,
  type ServerAddress,
} from "./embedded";
import { S3RequestError } from "./guard";

/** What the thread answers once its server listens. */
export interface ThreadListening extends ServerAddress {
  kind: "listening";
}

/** A call to the thread, and its answer. */
export type ThreadCall =
  | { id: number; op: "putObjects"; bucket: string; objects: ObjectToStore[] }
  | { id: number; op: "ensureBucket"; name: string }
  | { id: number; op: "stop" };

/** An error as it crosses back: enough to throw the same class on this side. */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  status?: number;
  bucket?: string;
}

export type ThreadAnswer =
  | ThreadListening
  | { kind: "failed"; error: ThreadError }
  | { kind: "answer"; id: number; value?: number }
  | { kind: "answer"; id: number; error: ThreadError };

/** The options that cross to the thread (functions do not). */
export type ThreadOptions = Omit<EmbeddedS3Options, "faults" | "offThread">;

/** A call as the caller writes it (the id is added on sending). */
type CallBody = ThreadCall extends infer C ? (C extends { id: number } ? Omit<C, "id"> : never) : never;

function rebuild(e: ThreadError): Error {
  if (e.name === "S3RequestError" && e.code !== undefined && e.status !== undefined) return new S3RequestError(e.code, e.status, e.message);
  if (e.name === "InvalidBucketNameError" && e.bucket !== undefined) return new InvalidBucketNameError(e.bucket);
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

export async function startEmbeddedS3OnThread(options: ThreadOptions): Promise<EmbeddedS3> {
  const worker = startModuleWorker(__dirname, "thread-entry", __filename, { workerData: options });
  const pending = new Map<number, { resolve(value: number | undefined): void; reject(error: Error): void }>();
  let nextId = 0;
  /** Why the thread cannot answer any more (it failed or ended); every later call rejects with it. */
  let gone: Error | undefined;
  const end = (why: Error) => {
    gone ??= why;
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
  };
  let started: ThreadListening | undefined;
  const listening = await new Promise<ThreadListening>((resolve, reject) => {
    worker.on("message", (m: ThreadAnswer) => {
      if (m.kind === "listening") resolve((started = m));
      else if (m.kind === "failed") reject(rebuild(m.error));
      else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if ("error" in m) p?.reject(rebuild(m.error));
        else p?.resolve(m.value);
      }
    });
    worker.once("error", (error) => {
      end(new Error(`the embedded S3's thread failed: ${error.message}`));
      // Its requests now fail to connect; say why once, as an uncaught error on the caller's thread would.
      if (started)
        process.stderr.write(
          `the embedded S3's thread failed, its endpoint ${started.endpoint} is gone: ${error.stack ?? error.message}\n`,
        );
      reject(error);
    });
    worker.once("exit", (code) => {
      end(new Error(`the embedded S3's thread has ended (exit code ${code})`));
      reject(gone);
    });
  });
  const call = (message: CallBody): Promise<number | undefined> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  };
  const { endpoint, region, dataDir, credentials } = listening;
  const caller = callerSide({ endpoint, region, dataDir, credentials });
  let stopping: Promise<void> | undefined;
  return {
    ...caller.fields,
    async putObjects(bucket, objects) {
      return (await call({ op: "putObjects", bucket, objects: [...objects] })) ?? 0;
    },
    async ensureBucket(name) {
      await call({ op: "ensureBucket", name });
    },
    stop() {
      stopping ??= (async () => {
        const exited = new Promise<void>((resolve) => (worker.threadId === -1 ? resolve() : worker.once("exit", () => resolve())));
        // A thread that failed has nothing to stop; one that answers closes its server first.
        const stopped = call({ op: "stop" });
        gone = new Error("the embedded S3 has been stopped");
        await stopped.catch(() => worker.terminate());
        await exited;
        caller.destroyClients();
      })();
      return stopping;
    },
  };
}
