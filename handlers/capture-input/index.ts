/**
 * CaptureInput: turns `{number, chunk}` into the `{from, to}` pages of `[0, number)` and writes them
 * to the payload bucket for a Distributed Map to read (`captureInput`), or returns them inline for an
 * inline Map (`paginateInline`, the seed's original version, kept to show the 256 KiB limit).
 *
 * The object is streamed through a multipart upload, so memory stays constant whatever `number` is.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { AbortMultipartUploadCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { z } from "zod";
import { InvalidInputError, issuesOf, PayloadWriteError, s3ErrorNameOf } from "../shared/errors";
import { readPayloadConfig, type PayloadConfig, type PayloadFormat } from "../shared/payload-config";
import { payloadS3Client } from "../shared/s3-client";
import { pageCount, paginate, serializedPages, type Page } from "./pages";

export type { Page } from "./pages";

/**
 * Upper bound of `number`. Every sum the pipeline computes over `[0, number)` (at most
 * number² / 2 = 5e15) then stays below 2^53, so it is exact in a JS number; at chunk 1 the payload is
 * about 3.4 GB, well inside a multipart upload's 10,000 parts of 5 MiB.
 */
export const MAX_NUMBER = 100_000_000;

/** Execution names: 1-80 characters; we accept the subset that is safe in an S3 key unescaped. */
const EXECUTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

const boundedInteger = (min: number, fallback: number) =>
  z
    .number({
      error: (issue) => (issue.input === undefined ? "required" : `must be a number, got ${JSON.stringify(issue.input)}`),
    })
    .int("must be an integer")
    .min(min, `must be >= ${min}`)
    .max(MAX_NUMBER, `must be <= ${MAX_NUMBER}`)
    .default(fallback);

export const CaptureInputSchema = z.object(
  {
    /** How many numbers to page: `[0, number)`. Default 10, as in the seed. */
    number: boundedInteger(0, 10),
    /** Numbers per page. Default 1, as in the seed. */
    chunk: boundedInteger(1, 1),
    /** Makes the key deterministic per execution (a retried task overwrites its own object). */
    executionName: z
      .string({ error: "must be a string" })
      .regex(EXECUTION_NAME, "must be 1-80 characters of A-Z a-z 0-9 . _ - starting with a letter or digit")
      .optional(),
  },
  { error: 'expected an object like {"number": 100, "chunk": 5}' },
);

export type CaptureInput = z.input<typeof CaptureInputSchema>;
export type CaptureInputParsed = z.output<typeof CaptureInputSchema>;

/** What CaptureInput returns: where the Distributed Map's ItemReader finds the pages, and how many. */
export interface CaptureOutput {
  readonly bucket: string;
  readonly key: string;
  readonly count: number;
}

export function parseCaptureInput(event: unknown, handler = "CaptureInput"): CaptureInputParsed {
  const parsed = CaptureInputSchema.safeParse(event ?? {});
  if (!parsed.success) throw new InvalidInputError(handler, issuesOf(parsed.error));
  return parsed.data;
}

export function payloadKey(config: PayloadConfig, executionName: string | undefined): string {
  const extension = config.format === "jsonl" ? "jsonl" : "json";
  return `${config.prefix}${executionName ?? randomUUID()}.${extension}`;
}

const CONTENT_TYPE: Record<PayloadFormat, string> = {
  json: "application/json",
  jsonl: "application/x-ndjson",
};

const DEFAULT_QUEUE_SIZE = 2;

export interface CaptureInputDeps {
  /** The S3 client; the shared env-configured one by default. */
  readonly s3?: () => S3Client;
  /** Where PAYLOAD_* are read from; `process.env` by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Multipart part size in bytes (S3's minimum, 5 MiB, by default). */
  readonly partSize?: number;
  /**
   * Parts uploaded concurrently; 2 by default. Each in-flight part is a 5 MiB buffer, and V8 lets
   * up to 64 MB of dead buffers pile up before it collects them, so 4 (lib-storage's default)
   * measured 72-88 MB of peak RSS growth against the embedded S3 and 2 measured 54-62 MB, at a
   * small cost in speed (bench/handlers.bench.ts).
   */
  readonly queueSize?: number;
}

/**
 * Builds a CaptureInput handler. `captureInput` is this with the defaults; the factory exists for
 * tests (a client that fails on cue) and for deployers that build the handler at cold start.
 */
export function createCaptureInput(deps: CaptureInputDeps = {}): (event: unknown) => Promise<CaptureOutput> {
  return async (event) => {
    const input = parseCaptureInput(event);
    const config = readPayloadConfig(deps.env ?? process.env);
    const key = payloadKey(config, input.executionName);
    const client = (deps.s3 ?? payloadS3Client)();
    await uploadPages(client, config, key, input, deps);
    return { bucket: config.bucket, key, count: pageCount(input.number, input.chunk) };
  };
}

async function uploadPages(
  client: S3Client,
  config: PayloadConfig,
  key: string,
  input: CaptureInputParsed,
  deps: CaptureInputDeps,
): Promise<void> {
  const body = Readable.from(serializedPages(input.number, input.chunk, config.format), { objectMode: false });
  const upload = new Upload({
    client,
    params: { Bucket: config.bucket, Key: key, Body: body, ContentType: CONTENT_TYPE[config.format] },
    partSize: deps.partSize,
    queueSize: deps.queueSize ?? DEFAULT_QUEUE_SIZE,
    // We abort ourselves: lib-storage's own abort replaces the upload's error with the abort's error
    // when both fail, and the caller needs the first one.
    leavePartsOnError: true,
  });
  try {
    await upload.done();
  } catch (error) {
    body.destroy();
    let aborted: boolean | "not-started" = "not-started";
    if (upload.uploadId !== undefined) {
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: config.bucket, Key: key, UploadId: upload.uploadId }));
        aborted = true;
      } catch {
        aborted = false;
      }
    }
    throw new PayloadWriteError(config.bucket, key, s3ErrorNameOf(error), aborted, { cause: error });
  }
}

/** The default CaptureInput handler (S3 client and bucket from the environment). */
export const captureInput: (event: unknown) => Promise<CaptureOutput> = (event) => createCaptureInput()(event);

/**
 * Lambda's synchronous response limit, in bytes: "6 MB each for request and response"
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); the exact figure is
 * the one Lambda's own error message reports.
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6_291_556;

/** Lambda's answer when a function returns more than the response limit. */
export class ResponseSizeTooLargeError extends Error {
  override readonly name = "Function.ResponseSizeTooLarge";
  constructor(readonly bytes: number) {
    super(`Response payload size exceeded maximum allowed payload size (${LAMBDA_RESPONSE_LIMIT_BYTES} bytes).`);
  }
}

/** The shortest serialized page, `{"from":0,"to":1}`, plus its comma. */
const MIN_PAGE_BYTES = 18;

/**
 * The seed's inline version: the same validation, but the pages are RETURNED, for an inline Map.
 * Step Functions rejects a result over 256 KiB (States.DataLimitExceeded); that is the engine's job to
 * enforce. Here we only refuse what Lambda itself could not return, before building it in memory.
 */
export async function paginateInline(event: unknown): Promise<Page[]> {
  const input = parseCaptureInput(event, "PaginateInline");
  const pages = pageCount(input.number, input.chunk);
  if (pages * MIN_PAGE_BYTES > LAMBDA_RESPONSE_LIMIT_BYTES) {
    throw new ResponseSizeTooLargeError(pages * MIN_PAGE_BYTES);
  }
  const result = paginate(input.number, input.chunk);
  const bytes = Buffer.byteLength(JSON.stringify(result));
  if (bytes > LAMBDA_RESPONSE_LIMIT_BYTES) throw new ResponseSizeTooLargeError(bytes);
  return result;
}
