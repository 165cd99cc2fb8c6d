/**
 * What a caller of the embedded S3 holds (`EmbeddedS3`) and what both of its homes share: the server
 * on the caller's thread (./server.ts) and on a thread of its own (./thread.ts).
 */
import { randomBytes } from "node:crypto";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { withRunEnvironment } from "../servers/run-env";
import type { Credentials } from "./guard";
import type { S3FaultInjector } from "./faults";

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
  /**
   * Serve requests on a worker thread of its own (./thread.ts), so that the S3 server's work does
   * not share a thread with the engine and the handlers' SDK clients. Not with `faults`.
   */
  offThread?: boolean;
}

/** An object for `EmbeddedS3.putObjects`. */
export interface ObjectToStore {
  key: string;
  body: string | Buffer;
  contentType?: string;
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
  /**
   * A client configured for this server (destroyed by `stop()`). `logger` replaces the SDK's: a test
   * that fails streaming uploads on purpose passes a silent one, since the SDK's default writes "An
   * error was encountered in a non-retryable streaming request." to the console for each.
   */
  client(options?: Pick<S3ClientConfig, "logger">): S3Client;
  /** Declares a bucket: creates it now if missing, and again whenever a request finds it missing. */
  ensureBucket(name: string): Promise<void>;
  /**
   * Stores objects straight into the data folder, as PutObject would (same key checks, ETags,
   * index), without one HTTP request each: for generating a local data set of many objects, where
   * the SDK's per-request cost would dwarf the run being demonstrated. Returns how many were stored.
   */
  putObjects(bucket: string, objects: Iterable<ObjectToStore>): Promise<number>;
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
export function randomCredentials(): Credentials {
  return {
    accessKeyId: `LOCAL${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
  };
}

export class InvalidBucketNameError extends Error {
  override readonly name = "InvalidBucketNameError";
  constructor(readonly bucket: string) {
    super(`invalid bucket name ${JSON.stringify(bucket)}: letters, digits, dots, hyphens and underscores only`);
  }
}

/** The SDK's standard environment for this server (endpoint, region, its credentials, checksum settings). */
function sdkEnvironment(endpoint: string, region: string, credentials: Credentials): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // The server stores plain bodies, not the SDK's default aws-chunked ones with CRC32 trailing
    // checksums (./put-object.ts); ask for checksums only where S3 requires them. Both are the SDK's documented environment settings.
    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
  };
}

/** Where a server listens, as its caller learns it (from the server, or from its thread). */
export interface ServerAddress {
  endpoint: string;
  region: string;
  dataDir: string;
  credentials: Credentials;
}

/**
 * The part of an `EmbeddedS3` that lives on the caller's side, whichever thread the server runs on:
 * where it listens, the SDK environment for it, and the clients made for it (destroyed together
 * when it stops).
 */
export function callerSide(address: ServerAddress): {
  fields: Pick<EmbeddedS3, "endpoint" | "region" | "dataDir" | "credentials" | "env" | "client">;
  destroyClients(): void;
} {
  const { endpoint, region, credentials } = address;
  const clients: S3Client[] = [];
  return {
    fields: {
      ...address,
      env: sdkEnvironment(endpoint, region, credentials),
      client(options) {
        // Loaded on the first client, not with this module: the server's own thread never makes one,
        // and the SDK's S3 client is the largest module it would load.
        const { S3Client } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
        // Made inside a run's environment (its endpoint, region and keys are explicit here): the
        // SDK's one-time Node version notice reads its switch there (servers/run-env.ts).
        const client = withRunEnvironment(
          {},
          () =>
            new S3Client({
              endpoint,
              region,
              forcePathStyle: true,
              credentials,
              requestChecksumCalculation: "WHEN_REQUIRED",
              responseChecksumValidation: "WHEN_REQUIRED",
              ...(options?.logger ? { logger: options.logger } : {}),
            }),
        );
        clients.push(client);
        return client;
      },
    },
    destroyClients() {
      for (const client of clients.splice(0)) client.destroy();
    },
  };
}
