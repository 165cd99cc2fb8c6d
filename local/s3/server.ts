/**
 * The embedded S3-API server: a real S3 HTTP endpoint on 127.0.0.1 with an ephemeral port, backed by
 * a data folder, so the handlers and the engine's item readers/result writers run the same
 * `@aws-sdk/client-s3` code path against it that they run against AWS.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

export interface EmbeddedS3Options {
  /** Folder for the objects; a fresh temporary folder (removed on stop) when omitted. */
  dataDir?: string;
  /** Buckets to create before the first request. */
  buckets?: readonly string[];
  /** Region reported to clients; S3 itself ignores it. */
  region?: string;
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
  /** A client configured for this server. */
  client(): S3Client;
  /** Creates the bucket if it does not exist yet. */
  ensureBucket(name: string): Promise<void>;
  /** Stops the server; removes the data folder if it was a temporary one. Safe to call twice. */
  stop(): Promise<void>;
}

/** Dummy credentials: s3rver checks the signature's shape, not the secret. */
const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  const region = options.region ?? "us-east-1";
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "embedded-s3-")));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory: dataDir,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const env = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    // s3rver predates the SDK's default CRC32 trailing checksums; ask for checksums only where S3
    // requires them. Both are the SDK's documented environment settings.
    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
  };
  let stopped = false;
  const created = new Set(options.buckets ?? []);
  const s3: EmbeddedS3 = {
    endpoint,
    region,
    dataDir,
    env,
    client: () =>
      new S3Client({
        endpoint,
        region,
        forcePathStyle: true,
        credentials: LOCAL_CREDENTIALS,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
    async ensureBucket(name) {
      if (created.has(name)) return;
      await server.store.putBucket(name);
      created.add(name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return s3;
}
