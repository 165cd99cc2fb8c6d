/**
 * The handlers' S3 client: `new S3Client({})`, configured only by the SDK's standard environment
 * (AWS_REGION, credentials, AWS_ENDPOINT_URL_S3, AWS_REQUEST_CHECKSUM_CALCULATION, ...), so the same
 * code runs on Lambda and against the embedded S3 server.
 *
 * Created on first use, never at import: a client built at module load would be captured by
 * closure serializers (Pulumi's CallbackFunction) and would freeze the environment of the moment
 * of import. It is reused across invocations like any Lambda client, one per SDK environment (a
 * test that starts a new server on another port, local runs side by side).
 */
import { S3Client } from "@aws-sdk/client-s3";

const ENV_KEYS = [
  "AWS_ENDPOINT_URL_S3",
  "AWS_ENDPOINT_URL",
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_REQUEST_CHECKSUM_CALCULATION",
  "AWS_RESPONSE_CHECKSUM_VALIDATION",
] as const;

/** Clients by environment: runs side by side in one process each have their own endpoint. */
const cached = new Map<string, S3Client>();
/** More environments than this at once is unusual; the oldest client is closed. */
const MAX_CLIENTS = 16;

function fingerprint(env: NodeJS.ProcessEnv): string {
  return ENV_KEYS.map((k) => env[k] ?? "").join("\u0000");
}

/** The shared client for the current environment. */
export function payloadS3Client(): S3Client {
  const current = fingerprint(process.env);
  let client = cached.get(current);
  if (!client) {
    if (cached.size >= MAX_CLIENTS) {
      const [oldest, old] = cached.entries().next().value as [string, S3Client];
      cached.delete(oldest);
      old.destroy();
    }
    // cacheMiddleware: the SDK resolves the middleware stack once per command type instead of on
    // every send (its documented client option; ~25 % of the client's CPU for a small GetObject
    // here, bench/s3-sdk). Nothing adds middleware to this client after its first request.
    cached.set(current, (client = new S3Client({ cacheMiddleware: true })));
  }
  return client;
}

/**
 * Closes shared clients' sockets (tests and benchmarks call it when they are done): those of the
 * environments naming `endpoint` (a server that stops), or all.
 */
export function disposePayloadS3Client(endpoint?: string): void {
  for (const [key, client] of cached) {
    if (endpoint !== undefined && !key.split("\u0000").includes(endpoint)) continue;
    client.destroy();
    cached.delete(key);
  }
}
