/**
 * The embedded S3-API server: a real S3 HTTP endpoint on 127.0.0.1 with an ephemeral port, backed by
 * a data folder, so the handlers and the engine's item readers/result writers run the same
 * `@aws-sdk/client-s3` code path against it that they run against AWS.
 *
 * Ours (./api.ts over ./store.ts, behind ./guard.ts), no longer s3rver: see ./README.md for the
 * decision and its figures. The SDK needs no path-style switch: for an endpoint whose host is an IP
 * address it addresses buckets path-style by itself (`http://127.0.0.1:PORT/bucket/key`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { handle as answer, sendError, type ApiContext } from "./api";
import { BUCKET_NAME, checkRequest, keyProblem, S3RequestError, type Credentials } from "./guard";
import { FAULT_MESSAGES, operationOf } from "./faults";
import { Uploads } from "./multipart";
import { ObjectStore } from "./store";
import { callerSide, InvalidBucketNameError, randomCredentials, type EmbeddedS3, type EmbeddedS3Options } from "./embedded";
import { startEmbeddedS3OnThread } from "./thread";

export { InvalidBucketNameError, randomCredentials } from "./embedded";
export type { EmbeddedS3, EmbeddedS3Options, ObjectToStore } from "./embedded";

/** The buckets a server must have, their names checked before anything starts. */
function declaredBuckets(names: readonly string[] = []): Set<string> {
  for (const name of names) if (!BUCKET_NAME.test(name)) throw new InvalidBucketNameError(name);
  return new Set(names);
}

/** The store over the data folder, the declared buckets created; a failed start removes a temporary folder. */
async function startStore(dataDir: string, declared: ReadonlySet<string>, ownsDir: boolean): Promise<ObjectStore> {
  try {
    const store = await ObjectStore.open(dataDir);
    for (const name of declared) if (!store.hasBucket(name)) store.createBucket(name);
    return store;
  } catch (error) {
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

interface RouteContext {
  api: ApiContext;
  declared: Set<string>;
  options: EmbeddedS3Options;
  credentials: Credentials;
  /** `127.0.0.1:PORT`, known once listening (requests arrive only after). */
  host: () => string;
}

const pathOf = (req: IncomingMessage) => (req.url ?? "").split("?")[0] ?? "";

/** A request without a body to drain can keep its connection after an error. */
const bodiless = (req: IncomingMessage) => req.method === "GET" || req.method === "HEAD" || req.method === "DELETE";

/**
 * One request: authenticated and its names checked (./guard.ts), faults injected, a declared
 * bucket re-created if its folder went missing (never one deleted by DeleteBucket), then answered
 * (./api.ts).
 */
function router(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { api, declared, options, credentials } = ctx;
  const store = api.store;
  return async (req, res) => {
    const resource = pathOf(req);
    const head = req.method === "HEAD";
    let target;
    try {
      // Authenticated, names checked, the path decoded once.
      target = await checkRequest(req, ctx.host(), credentials);
    } catch (error) {
      if (!(error instanceof S3RequestError)) throw error;
      req.resume();
      sendError(res, error, resource, head, false);
      return;
    }
    const { bucket, key } = target;
    try {
      if (options.faults) {
        const fault = options.faults({ operation: operationOf(req.method, key, new URLSearchParams([...target.params])), bucket, key });
        if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
        else if (fault?.kind === "error") throw new S3RequestError(fault.code, fault.status, FAULT_MESSAGES[fault.code] ?? fault.code);
      }
      // CreateBucket itself must find the bucket missing (the SDK may add an `x-id` marker).
      const isCreateBucket = req.method === "PUT" && key === undefined && [...target.params.keys()].every((k) => k === "x-id");
      // A bucket deleted through the API stays deleted, as on AWS: a ResultWriter writing to it then
      // fails its Map Run (NoSuchBucket), it is not made again behind the user's back.
      if (req.method === "DELETE" && bucket !== undefined && key === undefined && [...target.params.keys()].every((k) => k === "x-id")) {
        declared.delete(bucket);
      }
      if (
        bucket !== undefined &&
        !isCreateBucket &&
        !store.hasBucket(bucket) &&
        (declared.has(bucket) || (options.autoCreateBuckets === true && BUCKET_NAME.test(bucket)))
      ) {
        store.createBucket(bucket);
      }
      await answer(api, req, res, target);
    } catch (error) {
      if (!(error instanceof S3RequestError) || res.headersSent) throw error;
      const keepAlive = bodiless(req) || req.readableEnded;
      if (!req.readableEnded) req.resume();
      sendError(res, error, resource, head, keepAlive);
    }
  };
}

/** The HTTP server on 127.0.0.1 and an ephemeral port; an error the router throws becomes an S3 error response. */
async function listen(route: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  const http: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      req.resume();
      sendError(
        res,
        error instanceof S3RequestError ? error : new S3RequestError("InternalError", 500, message),
        pathOf(req),
        req.method === "HEAD",
        false,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, "127.0.0.1", () => {
      http.off("error", reject);
      resolve();
    });
  });
  return http;
}

export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  if (options.offThread) {
    if (options.faults)
      throw new Error("the embedded S3's fault injector runs on the caller's thread: offThread cannot be used with faults");
    const { faults: _none, offThread: _thread, ...threadOptions } = options;
    return startEmbeddedS3OnThread(threadOptions);
  }
  const region = options.region ?? "us-east-1";
  const declared = declaredBuckets(options.buckets);
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "embedded-s3-")));
  // The SDK's notice that releases after January 2027 need Node 22 is switched off by the run's
  // environment (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, servers/run-env.ts), not here:
  // a local run writes nothing to the process's environment.
  const credentials = randomCredentials();
  const store = await startStore(dataDir, declared, ownsDir);
  let host = "";
  const api: ApiContext = { store, uploads: new Uploads(dataDir), region };
  const route = router({ api, declared, options, credentials, host: () => host });
  const http = await listen(route).catch(async (error: unknown) => {
    store.close();
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  host = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  const endpoint = `http://${host}`;
  return handle({ endpoint, region, dataDir, ownsDir, credentials, declared, store, http });
}

interface Running {
  endpoint: string;
  region: string;
  dataDir: string;
  ownsDir: boolean;
  credentials: Credentials;
  declared: Set<string>;
  store: ObjectStore;
  http: Server;
}

const stoppedError = () => new Error("the embedded S3 has been stopped");

/** What a caller holds: the endpoint, clients, buckets, and a stop that is safe to call twice. */
function handle(running: Running): EmbeddedS3 {
  const { endpoint, region, dataDir, ownsDir, credentials, declared, store, http } = running;
  const caller = callerSide({ endpoint, region, dataDir, credentials });
  let stopping: Promise<void> | undefined;
  return {
    ...caller.fields,
    async putObjects(bucket, objects) {
      if (stopping) throw stoppedError();
      let n = 0;
      for (const o of objects) {
        const problem = keyProblem(o.key);
        if (problem)
          throw new S3RequestError("InvalidArgument", 400, `The local S3 server refuses key ${JSON.stringify(o.key)}: ${problem}`);
        store.putBuffer(bucket, o.key, typeof o.body === "string" ? Buffer.from(o.body) : o.body, {
          contentType: o.contentType ?? "binary/octet-stream",
        });
        n++;
      }
      return n;
    },
    async ensureBucket(name) {
      if (stopping) throw stoppedError();
      if (!BUCKET_NAME.test(name)) throw new InvalidBucketNameError(name);
      declared.add(name);
      if (!store.hasBucket(name)) store.createBucket(name);
    },
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          // close() waits for open connections; keep-alive and in-flight ones are ours to end.
          http.closeAllConnections();
        });
        caller.destroyClients();
        store.close();
        if (ownsDir) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
