/**
 * The handlers' S3 client: `new S3Client({})`, configured only by the SDK's standard environment
 * (AWS_REGION, credentials, AWS_ENDPOINT_URL_S3, AWS_REQUEST_CHECKSUM_CALCULATION, ...), so the same
 * code runs on Lambda and against the embedded S3 server.
 *
 * Created on first use, never at import: a client built at module load would be captured by
 * closure serializers (Pulumi's CallbackFunction) and would freeze the environment of the moment
 * of import. It is reused across invocations like any Lambda client, and rebuilt when the SDK's
 * environment changes (a test that starts a new server on another port).
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

let cached: { fingerprint: string; client: S3Client } | undefined;

function fingerprint(env: NodeJS.ProcessEnv): string {
  return ENV_KEYS.map((k) => env[k] ?? "").join("\u0000");
}

/** The shared client for the current environment. */
export function payloadS3Client(): S3Client {
  const current = fingerprint(process.env);
  if (cached?.fingerprint !== current) {
    cached?.client.destroy();
    cached = { fingerprint: current, client: new S3Client({}) };
  }
  return cached.client;
}

/** Closes the shared client's sockets (tests and benchmarks call it when they are done). */
export function disposePayloadS3Client(): void {
  cached?.client.destroy();
  cached = undefined;
}
