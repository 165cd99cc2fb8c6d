/**
 * Uploads a Map Run's spooled result files, then the manifest, each with s3:putObject, retried the
 * way the SDK's standard retry strategy would if it could replay a file stream. Any failure is
 * `States.ResultWriterFailed`. https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 * - manifest.json: `{"DestinationBucket", "MapRunArn", "ResultFiles": {"FAILED": [...],
 *   "PENDING": [...], "SUCCEEDED": [{"Key", "Size"}]}}`.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { ResultWriterOutputType } from "../../asl/types";
import { StatesError, STATES_ERRORS } from "../model/errors";
import { describeError } from "./readers/s3-object";
import { s3Sdk } from "./s3-sdk";

export interface ResultFileEntry {
  Key: string;
  Size: number;
}

export interface Manifest {
  DestinationBucket: string;
  MapRunArn: string;
  ResultFiles: Record<"FAILED" | "PENDING" | "SUCCEEDED", ResultFileEntry[]>;
}

/** The ResultWriter's file groups (SUCCEEDED_n.json, FAILED_n.json, PENDING_n.json). */
export type ResultStatus = "SUCCEEDED" | "FAILED" | "PENDING";

const STATUSES: readonly ResultStatus[] = ["SUCCEEDED", "FAILED", "PENDING"];

/** Puts every file (`<keyPrefix><STATUS>_<n>.<ext>`, closed), then the manifest; returns its key. */
export async function uploadResults(
  s3: S3Client,
  target: { bucket: string; outputType: ResultWriterOutputType },
  mapRunArn: string,
  keyPrefix: string,
  files: ReadonlyMap<ResultStatus, ReadonlyArray<{ body(): Readable; bytes: number }>>,
): Promise<{ manifestKey: string; manifest: Manifest }> {
  const ext = target.outputType === "JSONL" ? "jsonl" : "json";
  const manifest: Manifest = {
    DestinationBucket: target.bucket,
    MapRunArn: mapRunArn,
    ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [] },
  };
  for (const status of STATUSES) {
    const list = files.get(status) ?? [];
    for (let n = 0; n < list.length; n++) {
      const file = list[n];
      const key = `${keyPrefix}${status}_${n}.${ext}`;
      await putResultObject(s3, target.bucket, key, () => file.body(), file.bytes);
      manifest.ResultFiles[status].push({ Key: key, Size: file.bytes });
    }
  }
  const manifestKey = `${keyPrefix}manifest.json`;
  const body = JSON.stringify(manifest);
  await putResultObject(s3, target.bucket, manifestKey, () => body, Buffer.byteLength(body));
  return { manifestKey, manifest };
}

/** The SDK's default `max_attempts` (standard retry mode). */
const STREAM_PUT_MAX_ATTEMPTS = 3;

const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "TimeoutError", "RequestTimeout", "InternalError"]);

/** What the SDK's standard retry strategy treats as retryable: throttling, 5xx, connection errors. */
function retryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = e.$metadata?.httpStatusCode;
  return (
    e.$retryable !== undefined ||
    THROTTLING.has(e.name) ||
    TRANSIENT_CODES.has(e.name) ||
    (e.code !== undefined && TRANSIENT_CODES.has(e.code)) ||
    (status !== undefined && [500, 502, 503, 504].includes(status))
  );
}

async function putResultObject(s3: S3Client, bucket: string, key: string, body: () => string | Readable, length: number): Promise<void> {
  const { PutObjectCommand } = await s3Sdk();
  // The SDK retries a request whose body it can replay (a string); a stream it cannot
  // ("non-retryable streaming request"), so those are retried here, with a fresh stream, by the
  // SDK's standard retry rules: at most 3 attempts (AWS_MAX_ATTEMPTS's default), transient and
  // throttling errors only, full-jitter backoff from 100 ms
  // (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
  for (let attempt = 1; ; attempt++) {
    const content = body();
    // A stream opened for a PUT that fails before reading it must not surface later as an
    // unhandled error (its file is removed by dispose()). A stream, not a string or a Buffer,
    // also keeps the SDK from hashing the whole body to sign it (UNSIGNED-PAYLOAD).
    if (typeof content !== "string") content.on("error", () => undefined);
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: content,
          ContentLength: length,
          ContentType: "application/json",
        }),
      );
      return;
    } catch (err) {
      if (typeof content !== "string" && attempt < STREAM_PUT_MAX_ATTEMPTS && retryable(err)) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20_000, 100 * 2 ** attempt)));
        continue;
      }
      throw new StatesError(STATES_ERRORS.ResultWriterFailed, `Could not write s3://${bucket}/${key}: ${describeError(err)}`);
    } finally {
      if (typeof content !== "string") content.destroy();
    }
  }
}
