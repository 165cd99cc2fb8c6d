/**
 * The one place a local run starts the embedded servers it needs: the S3 API (ours, ../s3) and the
 * DynamoDB API (dynalite behind a SigV4 gate, ../dynamodb), both on 127.0.0.1 with an ephemeral port. It also
 *   - gives the run's handlers the SDK's standard environment for them (AWS_ENDPOINT_URL_S3,
 *     AWS_ENDPOINT_URL_DYNAMODB, the S3 server's own random credentials) inside `servers.run(body)`
 *     only, never in the process's environment (./run-env.ts): runs side by side each see their
 *     own servers, and no run sees the user's own AWS credentials;
 *   - stops everything on `stop()`, when the caller's signal is aborted (the CLIs abort theirs on
 *     SIGINT/SIGTERM), or when a start fails half-way.
 * Endpoint variables: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EmbeddedDynamoDb } from "../dynamodb/server";
import type { Credentials } from "../s3/guard";
import { randomCredentials, startEmbeddedS3, type EmbeddedS3, type EmbeddedS3Options } from "../s3/server";
import { withRunEnvironment } from "./run-env";

const nothing = (): void => undefined;
const SILENT_SDK_LOGGER = { trace: nothing, debug: nothing, info: nothing, warn: nothing, error: nothing };

export type { EmbeddedS3, EmbeddedS3Options } from "../s3/server";
export type { EmbeddedDynamoDb, TableSpec } from "../dynamodb/server";

export interface ServersRequest {
  /** Start the embedded S3 with these options (omitted or false: no S3 server). */
  s3?: EmbeddedS3Options | false;
  /**
   * Start an embedded DynamoDB (`embeddedDynamoDb(...)` from ./dynamodb); `lazy`: on the first
   * `dynamodb()` call only (most definitions have no DynamoDB task). Passed in rather than imported
   * here: dynalite is a development dependency, and the published testing API reaches this module.
   */
  dynamodb?: DynamoDbStarter | false;
  /** More variables for the run's handlers (PAYLOAD_*), set with the servers' own. */
  env?: Readonly<Record<string, string>>;
  /** Ignored: the environment is never set process-wide (see `LocalServers.run`). Kept for callers that passed false. */
  setProcessEnv?: boolean;
  /** Aborting it stops the servers. */
  signal?: AbortSignal;
  /**
   * Called once as the servers stop, with the S3 endpoint that goes away: a caller that runs handlers
   * caching SDK clients per endpoint drops theirs here (the runner closes this repo's handlers' S3
   * clients). A hook rather than an import: the emulators know nothing of any handler.
   */
  onStop?: (stopping: { s3Endpoint?: string }) => void;
}

export interface DynamoDbStarter {
  /** Starts the server; every request must be signed with `credentials` (the run's). */
  start(credentials: Credentials): Promise<EmbeddedDynamoDb>;
  lazy?: boolean;
}

export interface LocalServers {
  readonly s3?: EmbeddedS3;
  /** A client of the embedded S3 (destroyed by `stop()`). */
  readonly s3Client?: S3Client;
  /** A client of the embedded DynamoDB, starting it first if it is lazy; rejects when none was requested. */
  dynamodb(): Promise<DynamoDBClient>;
  /**
   * The embedded DynamoDB's endpoint and keys, starting it first if it is lazy: what the engine's
   * `integrations.dynamodb` takes to call it over DynamoDB's JSON protocol, without an SDK client.
   */
  dynamodbEndpoint(): Promise<{ endpoint: string; credentials: Credentials }>;
  /** The SDK environment the run's handlers get inside `run` (with ./run-env's base: no real AWS). */
  readonly env: Readonly<Record<string, string>>;
  /** Runs `body` with `process.env` showing this run's environment to everything it starts (handlers). */
  run<T>(body: () => T): T;
  /** Stops every server and destroys their clients. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startServers(request: ServersRequest = {}): Promise<LocalServers> {
  let s3: EmbeddedS3 | undefined;
  let db: EmbeddedDynamoDb | undefined;
  let starting: Promise<EmbeddedDynamoDb> | undefined;
  let stopping: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let credentials: Credentials | undefined;
  const closeServers = () =>
    (closing ??= (async () => {
      await Promise.all([s3?.stop(), (db ?? (starting && (await starting.catch(() => undefined))))?.stop()]);
    })());
  // An abort closes the servers at once; a handler still finishing keeps the run's environment
  // (a dead local endpoint), never the user's AWS account.
  const onAbort = () => void closeServers();
  function stop(): Promise<void> {
    stopping ??= (async () => {
      request.signal?.removeEventListener("abort", onAbort);
      request.onStop?.({ s3Endpoint: s3?.endpoint });
      await closeServers();
    })();
    return stopping;
  }
  try {
    request.signal?.throwIfAborted();
    const dynamo = request.dynamodb || undefined;
    // One after the other: if the second fails, the first is already held here and stopped below.
    if (request.s3) s3 = await startEmbeddedS3(request.s3);
    // One set of credentials per run: the S3 server's, which the DynamoDB server requires too.
    credentials = s3?.credentials ?? randomCredentials();
    if (dynamo && !dynamo.lazy) db = await dynamo.start(credentials);
    request.signal?.throwIfAborted();
  } catch (error) {
    await stop();
    throw error;
  }
  const dynamoEnv: Record<string, string> = request.dynamodb
    ? { AWS_ACCESS_KEY_ID: credentials!.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials!.secretAccessKey }
    : {};
  const env = { ...dynamoEnv, ...s3?.env, ...(db ? { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint } : {}), ...request.env };
  request.signal?.addEventListener("abort", onAbort, { once: true });
  async function embeddedDb(): Promise<EmbeddedDynamoDb> {
    const dynamo = request.dynamodb || undefined;
    if (!dynamo) throw new Error("this run started no embedded DynamoDB");
    if (closing) throw new Error("the embedded DynamoDB has been stopped");
    return (db ??= await (starting ??= dynamo.start(credentials!)));
  }
  return {
    s3,
    // A silent SDK logger: the SDK's default one logs nothing either, except one line it writes to the
    // console itself ("An error was encountered in a non-retryable streaming request.", @smithy/core's
    // retryMiddleware, its only such line) for each failed streaming upload. The run reports that
    // failure already, with S3's error (a ResultWriter writing to a deleted bucket fails its Map Run).
    s3Client: s3?.client({ logger: SILENT_SDK_LOGGER }),
    env,
    run: (body) => withRunEnvironment(env, body),
    async dynamodb() {
      return (await embeddedDb()).client();
    },
    async dynamodbEndpoint() {
      const started = await embeddedDb();
      return { endpoint: started.endpoint, credentials: started.credentials };
    },
    stop,
  };
}

/** Runs `body` with the servers started (inside their environment), and stops them afterwards, whatever happens. */
export async function withServers<T>(request: ServersRequest, body: (servers: LocalServers) => Promise<T>): Promise<T> {
  const servers = await startServers(request);
  try {
    return await servers.run(() => body(servers));
  } finally {
    await servers.stop();
  }
}
