/**
 * The embedded S3-API server: a real S3 HTTP endpoint on 127.0.0.1 with an ephemeral port, backed by
 * a data folder, so the handlers and the engine's item readers/result writers run the same
 * `@aws-sdk/client-s3` code path against it that they run against AWS.
 *
 * Why s3rver (checked 2026-11, npm registry; the alternatives had to run in-process in Node and
 * speak the S3 HTTP API, since the point is to exercise the SDK's real HTTP path):
 * - `s3rver` 3.7.1: ~900k downloads a month, MIT, Koa-based, filesystem store, Node >= 8; last
 *   release 2024-12. Works with the current SDK (PutObject, GetObject with Range, ListObjectsV2,
 *   lib-storage multipart) once the SDK sends checksums only where S3 requires them (the two
 *   AWS_*_CHECKSUM_* settings in `env` below). Lacks AbortMultipartUpload and ListMultipartUploads;
 *   `./multipart.ts` answers those two in front of it. Its CompleteMultipartUpload checks nothing and
 *   writes the whole object again; `./complete-upload.ts` replaces it with S3's checks and ETag.
 * - `@20minutes/s3rver` (a maintained fork, 4.x/5.x 2026): ~1k downloads a month; 5.x needs
 *   Node >= 24 (we run on 20); 4.x would be a lateral move for a hundredth of the users.
 * - `fauxqs` (SNS/SQS/S3 emulator, Fastify): needs Node >= 22.5 and pulls in three AWS SDK
 *   clients; young (2.x, 2026), ~5k downloads a month.
 * - `mock-aws-s3`, `mock-aws-s3-v3`, `aws-sdk-client-mock`: replace the client instead of serving
 *   HTTP, so they would bypass exactly the code path we want to test. MinIO, LocalStack, S3Mock:
 *   separate binaries or containers, not in-process.
 * So s3rver stays, wrapped here so that its gaps and its quirks stay in this folder.
 *
 * The SDK needs no path-style switch: for an endpoint whose host is an IP address it addresses
 * buckets path-style by itself (`http://127.0.0.1:PORT/bucket/key`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { withRunEnvironment } from "../servers/run-env";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import S3Error from "s3rver/lib/models/error";
import { installS3rverDesCompat } from "./des-compat";
import { BUCKET_NAME, checkRequest, keyProblem, S3RequestError, sendS3Error, type Credentials } from "./guard";
import { FAULT_MESSAGES, operationOf, type S3FaultInjector } from "./faults";
import { handleMissingMultipartOperations, parseTarget, uploadsDirOf } from "./multipart";
import { bufferedPuts, type PutObjectStore } from "./put-object";
import { completeUploadsAsS3, type MultipartStore } from "./complete-upload";

export interface EmbeddedS3Options {
  /** Folder for the objects; a fresh temporary folder (removed on stop) when omitted. */
  dataDir?: string;
  /**
   * Buckets this server must have. They are created at start, and created again on the next
   * request that names one if it has gone missing (deleted by a test, a wiped data folder).
   */
  buckets?: readonly string[];
  /**
   * Create ANY bucket on its first request instead of answering NoSuchBucket. Off by default:
   * NoSuchBucket is a behaviour worth reproducing (an ItemReader pointed at the wrong bucket).
   */
  autoCreateBuckets?: boolean;
  /** Region reported to clients; S3 itself ignores it. */
  region?: string;
  /** Tests and benchmarks only: fail or delay chosen requests (see ./faults.ts). */
  faults?: S3FaultInjector;
}

export interface EmbeddedS3 {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly region: string;
  readonly dataDir: string;
  /**
   * The SDK's standard configuration for this server, as environment variables: a process (or a
   * handler) that has them talks to this server without any code of its own knowing it is local.
   */
  readonly env: Readonly<Record<string, string>>;
  /** This server's random credentials: requests must be signed (SigV4) with them. */
  readonly credentials: Credentials;
  /** A client configured for this server (destroyed by `stop()`). */
  client(): S3Client;
  /** Declares a bucket: creates it now if missing, and again whenever a request finds it missing. */
  ensureBucket(name: string): Promise<void>;
  /**
   * Stops listening, drops open connections (keep-alive or in flight) so nothing holds the process
   * open, destroys the clients made by `client()`, and removes the data folder if it was a
   * temporary one. Safe to call twice, or concurrently.
   */
  stop(): Promise<void>;
}

/**
 * Fresh credentials for each server: only a process given them (the run's handlers, the engine)
 * can talk to it; another local user or a stray script cannot (see ./guard.ts).
 */
function randomCredentials(): Credentials {
  return {
    accessKeyId: `LOCAL${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
  };
}

/**
 * s3rver's store turns (bucket, key) into file paths with path.join. Whatever reaches it has been
 * checked by ./guard.ts; this second check, on the paths themselves, makes a missed case an error
 * instead of a file outside the data folder.
 */
function confineStore(store: S3rver["store"] & { getBucketPath?: (bucket: string) => string }, dataDir: string): void {
  const root = resolve(dataDir) + sep;
  const inside = (path: string, what: string) => {
    if (!resolve(path).startsWith(root)) throw new S3Error("InvalidArgument", `${what} would name a file outside the data folder`);
    return path;
  };
  const checkBucket = (bucket: string) => {
    if (!BUCKET_NAME.test(bucket)) throw new S3Error("InvalidBucketName", `The specified bucket is not valid: ${JSON.stringify(bucket)}`);
  };
  const getResourcePath = store.getResourcePath.bind(store);
  store.getResourcePath = (bucket, key, resource) => {
    checkBucket(bucket);
    const problem = key === undefined || key === "" ? undefined : keyProblem(key);
    if (problem) throw new S3Error("InvalidArgument", `The local S3 server refuses key ${JSON.stringify(key)}: ${problem}`);
    return inside(getResourcePath(bucket, key, resource), `bucket ${JSON.stringify(bucket)}, key ${JSON.stringify(key)}`);
  };
  const getBucketPath = store.getBucketPath?.bind(store);
  if (getBucketPath) {
    store.getBucketPath = (bucket) => {
      checkBucket(bucket);
      return inside(getBucketPath(bucket), `bucket ${JSON.stringify(bucket)}`);
    };
  }
}

export class InvalidBucketNameError extends Error {
  override readonly name = "InvalidBucketNameError";
  constructor(readonly bucket: string) {
    super(`invalid bucket name ${JSON.stringify(bucket)}: letters, digits, dots, hyphens and underscores only`);
  }
}

/** The buckets a server must have, their names checked before anything starts. */
function declaredBuckets(names: readonly string[] = []): Set<string> {
  for (const name of names) if (!BUCKET_NAME.test(name)) throw new InvalidBucketNameError(name);
  return new Set(names);
}

/** s3rver over the data folder, its store confined to it, the declared buckets created. */
async function startStore(dataDir: string, declared: ReadonlySet<string>, ownsDir: boolean): Promise<S3rver> {
  // Listings past one page need s3rver's DES continuation tokens (see des-compat.ts).
  installS3rverDesCompat();
  const s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory: dataDir,
    silent: true,
    // Path-style only: s3rver would otherwise read a bucket name out of the Host header.
    vhostBuckets: false,
    configureBuckets: [...declared].map((name) => ({ name, configs: [] })),
  });
  confineStore(s3rver.store, dataDir);
  bufferedPuts(s3rver.store as unknown as PutObjectStore);
  completeUploadsAsS3(s3rver.store as unknown as MultipartStore);
  await s3rver.configureBuckets().catch((error: unknown) => abandon(s3rver, dataDir, ownsDir, error));
  return s3rver;
}

/** A start that fails half-way leaves nothing behind: no logger, no temporary folder. */
async function abandon(s3rver: S3rver, dataDir: string, ownsDir: boolean, error: unknown): Promise<never> {
  closeLogger(s3rver);
  if (ownsDir) await rm(dataDir, { recursive: true, force: true });
  throw error;
}

/**
 * A request still finishing logs through the logger: silenced first, so closing it does not print
 * winston's "[winston] Attempt to write logs with no transports" line.
 */
function closeLogger(s3rver: S3rver): void {
  s3rver.logger.silent = true;
  s3rver.logger.close();
}

interface RouteContext {
  s3rver: S3rver;
  declared: Set<string>;
  options: EmbeddedS3Options;
  credentials: Credentials;
  /** `127.0.0.1:PORT`, known once listening (requests arrive only after). */
  host: () => string;
}

const pathOf = (req: IncomingMessage) => (req.url ?? "").split("?")[0] ?? "";

/**
 * One request: authenticated and its names checked (./guard.ts), faults injected, a declared
 * bucket re-created if its folder went missing (never one deleted by DeleteBucket), the two multipart operations s3rver lacks answered, the
 * rest handed to s3rver.
 */
function router(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { s3rver, declared, options, credentials } = ctx;
  const store = s3rver.store;
  const bucketExists = async (name: string) => (await store.getBucket(name)) !== null;
  const uploadsDir = (bucket: string) => uploadsDirOf(store, bucket);
  const koa = s3rver.callback();
  return async (req, res) => {
    try {
      // Authenticated, names checked, and rewritten to the canonical URL s3rver will read.
      req.url = (await checkRequest(req, ctx.host(), credentials)).url;
      delete req.headers.authorization;
    } catch (error) {
      if (!(error instanceof S3RequestError)) throw error;
      req.resume();
      sendS3Error(res, error, pathOf(req));
      return;
    }
    const target = parseTarget(req.url);
    const bucket = target.bucket;
    const fault = options.faults?.({ operation: operationOf(req.method, target.key, target.query), bucket, key: target.key });
    if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
    else if (fault?.kind === "error") {
      req.resume();
      sendS3Error(res, new S3RequestError(fault.code, fault.status, FAULT_MESSAGES[fault.code] ?? fault.code), pathOf(req));
      return;
    }
    // CreateBucket itself must find the bucket missing (the SDK may add an `x-id` marker).
    const isCreateBucket =
      req.method === "PUT" && target.key === undefined && [...target.query.keys()].every((k) => k === "x-id");
    // A bucket deleted through the API stays deleted, as on AWS: a ResultWriter writing to it then
    // fails its Map Run (NoSuchBucket), it is not made again behind the user's back.
    if (req.method === "DELETE" && bucket !== undefined && target.key === undefined && [...target.query.keys()].every((k) => k === "x-id")) {
      declared.delete(bucket);
    }
    if (
      bucket !== undefined &&
      !isCreateBucket &&
      (declared.has(bucket) || (options.autoCreateBuckets === true && BUCKET_NAME.test(bucket))) &&
      !(await bucketExists(bucket))
    ) {
      await store.putBucket(bucket);
    }
    if (await handleMissingMultipartOperations(req, res, target, uploadsDir, bucketExists)) return;
    koa(req, res);
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
      sendS3Error(res, error instanceof S3RequestError ? error : new S3RequestError("InternalError", 500, message), pathOf(req));
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

/** The SDK's standard environment for this server (endpoint, region, its credentials, checksum settings). */
function sdkEnvironment(endpoint: string, region: string, credentials: Credentials): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // s3rver predates the SDK's default CRC32 trailing checksums (aws-chunked bodies); ask for
    // checksums only where S3 requires them. Both are the SDK's documented environment settings.
    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
  };
}

export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  const region = options.region ?? "us-east-1";
  const declared = declaredBuckets(options.buckets);
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "embedded-s3-")));
  // The SDK's notice that releases after January 2027 need Node 22 is switched off by the run's
  // environment (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, servers/run-env.ts), not here:
  // a local run writes nothing to the process's environment.
  const credentials = randomCredentials();
  const s3rver = await startStore(dataDir, declared, ownsDir);
  let host = "";
  const route = router({ s3rver, declared, options, credentials, host: () => host });
  const http = await listen(route).catch((error: unknown) => abandon(s3rver, dataDir, ownsDir, error));
  host = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  const endpoint = `http://${host}`;
  return handle({ endpoint, region, dataDir, ownsDir, credentials, declared, s3rver, http });
}

interface Running {
  endpoint: string;
  region: string;
  dataDir: string;
  ownsDir: boolean;
  credentials: Credentials;
  declared: Set<string>;
  s3rver: S3rver;
  http: Server;
}

/** What a caller holds: the endpoint, clients, buckets, and a stop that is safe to call twice. */
function handle(running: Running): EmbeddedS3 {
  const { endpoint, region, dataDir, ownsDir, credentials, declared, s3rver, http } = running;
  const store = s3rver.store;
  const clients: S3Client[] = [];
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    region,
    dataDir,
    env: sdkEnvironment(endpoint, region, credentials),
    credentials,
    client() {
      // Made inside a run's environment (its endpoint, region and keys are explicit here): the
      // SDK's one-time Node version notice reads its switch there (servers/run-env.ts).
      const client = withRunEnvironment({}, () => new S3Client({
        endpoint,
        region,
        forcePathStyle: true,
        credentials,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }));
      clients.push(client);
      return client;
    },
    async ensureBucket(name) {
      if (!BUCKET_NAME.test(name)) throw new InvalidBucketNameError(name);
      declared.add(name);
      if ((await store.getBucket(name)) === null) await store.putBucket(name);
    },
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          // close() waits for open connections; keep-alive and in-flight ones are ours to end.
          http.closeAllConnections();
        });
        for (const client of clients.splice(0)) client.destroy();
        closeLogger(s3rver);
        if (ownsDir) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
