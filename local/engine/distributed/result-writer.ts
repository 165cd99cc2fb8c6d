/**
 * ResultWriter: exports the child executions' results to S3 the way Step Functions does.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 *
 * - Files go under `<Prefix>/<MapRunId>/` (the page's example output: `"Key":
 *   "csvProcessJobs/ad9b5f27-090b-3ac6-9beb-243cd77144a7/manifest.json"`): `manifest.json`, and
 *   "Step Functions exports executions with the same status to their respective files":
 *   `SUCCEEDED_n.json`; `FAILED_n.json`, "all failed, timed out, and aborted child workflow
 *   executions"; `PENDING_n.json`, "child workflow executions that weren't started because the
 *   Map Run failed or aborted". A status with no executions gets no file (the manifest lists `[]`).
 * - manifest.json: `{"DestinationBucket", "MapRunArn", "ResultFiles": {"FAILED": [...],
 *   "PENDING": [...], "SUCCEEDED": [{"Key", "Size"}]}}`.
 * - "Step Functions supports individual result files of up to 5 GB. If a file size exceeds 5 GB,
 *   Step Functions creates another file to write the remaining execution results and appends an
 *   index number to the file name."
 * - Records (Transformation NONE, the default when exporting): `ExecutionArn`, `Input` (a JSON
 *   string), `InputDetails`, `Name`, `Output` (a JSON string), `OutputDetails`, `RedriveCount`,
 *   `RedriveStatus`, `RedriveStatusReason`, `StartDate`, `StateMachineArn`, `Status`, `StopDate`;
 *   failed ones carry `Error` and `Cause` instead of `Output`.
 * - COMPACT / FLATTEN: the succeeded entries are the child outputs themselves (FLATTEN spreads an
 *   array output into its elements). "If a child workflow execution fails, Step Functions returns
 *   its execution result unchanged. The results would be equivalent to having set Transformation
 *   to NONE."
 * - OutputType JSON writes a JSON array per file, JSONL one entry per line.
 *
 * Records are spooled to temporary files as children finish (bounded memory for millions of
 * items) and uploaded with s3:putObject when the Map Run ends.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { s3Sdk } from "./s3-sdk";
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync, type ReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonObject, JsonValue, ResultWriterOutputType, ResultWriterTransformation } from "../../../asl/types";
import { StatesError, STATES_ERRORS } from "../errors";
import type { ChildOutcome } from "./contract";
import { describeError } from "./readers/s3-object";

export type ResultStatus = "SUCCEEDED" | "FAILED" | "PENDING";
const STATUSES: readonly ResultStatus[] = ["SUCCEEDED", "FAILED", "PENDING"];

/** "individual result files of up to 5 GB" (ResultWriter page). */
export const RESULT_FILE_MAX_BYTES = 5 * 1024 ** 3;

export interface ResultWriterTarget {
  bucket: string;
  prefix: string;
  outputType: ResultWriterOutputType;
  transformation: ResultWriterTransformation;
}

export interface ResultFileEntry {
  Key: string;
  Size: number;
}

export interface Manifest {
  DestinationBucket: string;
  MapRunArn: string;
  ResultFiles: Record<"FAILED" | "PENDING" | "SUCCEEDED", ResultFileEntry[]>;
}

/** The NONE-transformation record of a finished child execution. */
export function executionRecord(outcome: ChildOutcome, stateMachineArn: string): JsonValue {
  return JSON.parse(executionRecordJson(outcome, stateMachineArn)) as JsonValue;
}

const q = JSON.stringify;

/** The last timestamp formatted: the children of a busy Map Run end many to a millisecond. */
let isoMs = NaN;
let isoText = "";
function iso(date: Date): string {
  const ms = date.getTime();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = date.toISOString();
  }
  return isoText;
}

/** The last state machine ARN quoted: one per Map Run, asked for once per record. */
let quotedArnOf = "";
let quotedArn = "";
function quotedMachine(arn: string): string {
  if (arn !== quotedArnOf) {
    quotedArnOf = arn;
    quotedArn = q(arn);
  }
  return quotedArn;
}

/**
 * The same record, serialized directly: a Map Run with a ResultWriter writes one per child, so
 * this skips building an object only to stringify it (the fields are in AWS's order). The input
 * and output are JSON strings inside the record: the child's own texts are used when it has them.
 */
export function executionRecordJson(outcome: ChildOutcome, stateMachineArn: string): string {
  const failure = outcome.status === "FAILED" ? `"Cause":${q(outcome.cause)},"Error":${q(outcome.error)},` : "";
  const head =
    `{${failure}"ExecutionArn":${q(outcome.executionArn)},"Input":${q(outcome.inputText ?? q(outcome.input))},` +
    `"InputDetails":{"Included":true},"Name":${q(outcome.name)},`;
  const tail =
    `"StartDate":"${iso(outcome.startDate)}","StateMachineArn":${quotedMachine(stateMachineArn)},` +
    `"Status":"${outcome.status}","StopDate":"${iso(outcome.stopDate)}"}`;
  if (outcome.status === "SUCCEEDED") {
    return (
      `${head}"Output":${q(outcome.outputText ?? q(outcome.output))},"OutputDetails":{"Included":true},"RedriveCount":0,` +
      `"RedriveStatus":"NOT_REDRIVABLE","RedriveStatusReason":"Execution is SUCCEEDED and cannot be redriven",${tail}`
    );
  }
  return `${head}"RedriveCount":0,"RedriveStatus":"REDRIVABLE_BY_MAP_RUN",${tail}`;
}

/** The record of an item whose child execution never started (the Map Run ended first). */
export function pendingRecord(input: JsonValue): JsonValue {
  return { Input: JSON.stringify(input), InputDetails: { Included: true }, Status: "PENDING" };
}

/** Entries a finished child contributes under `transformation` (FLATTEN may give several). */
export function transformedEntries(
  outcome: ChildOutcome,
  transformation: ResultWriterTransformation,
  stateMachineArn: string,
): JsonValue[] {
  if (outcome.status !== "SUCCEEDED" || transformation === "NONE") return [executionRecord(outcome, stateMachineArn)];
  if (transformation === "FLATTEN" && Array.isArray(outcome.output)) return outcome.output;
  return [outcome.output];
}

/** The same entries as JSON text, for the spool. */
export function transformedEntriesJson(
  outcome: ChildOutcome,
  transformation: ResultWriterTransformation,
  stateMachineArn: string,
): string[] {
  if (outcome.status !== "SUCCEEDED" || transformation === "NONE") return [executionRecordJson(outcome, stateMachineArn)];
  if (transformation === "FLATTEN" && Array.isArray(outcome.output)) return outcome.output.map((e) => q(e));
  return [outcome.outputText ?? q(outcome.output)];
}

/** The SDK's default `max_attempts` (standard retry mode). */
const STREAM_PUT_MAX_ATTEMPTS = 3;

const THROTTLING = new Set(["SlowDown", "Throttling", "ThrottlingException", "RequestThrottled", "TooManyRequestsException", "RequestLimitExceeded"]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "TimeoutError", "RequestTimeout", "InternalError"]);

/** What the SDK's standard retry strategy treats as retryable: throttling, 5xx, connection errors. */
function retryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = e.$metadata?.httpStatusCode;
  return e.$retryable !== undefined || THROTTLING.has(e.name) || TRANSIENT_CODES.has(e.name) || (e.code !== undefined && TRANSIENT_CODES.has(e.code)) || (status !== undefined && [500, 502, 503, 504].includes(status));
}

interface SpoolFile {
  path: string;
  fd: number;
  bytes: number;
  entries: number;
}

/** Spools entries per status into size-bounded files, then uploads them and the manifest. */
export class ResultSpool {
  private readonly dir = mkdtempSync(join(tmpdir(), "map-run-results-"));
  private readonly files = new Map<ResultStatus, SpoolFile[]>();
  private readonly buffers = new Map<ResultStatus, string[]>();
  private readonly bufferedBytes = new Map<ResultStatus, number>();
  private disposed = false;
  /** Entries accepted so far (all statuses). */
  entries = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly target: ResultWriterTarget,
    private readonly mapRunArn: string,
    private readonly maxFileBytes: number = RESULT_FILE_MAX_BYTES,
  ) {}

  /** Folder of this Map Run's results: `<Prefix>/<MapRunId>/` (no leading slash for an empty prefix). */
  get keyPrefix(): string {
    const id = this.mapRunArn.slice(this.mapRunArn.lastIndexOf(":") + 1);
    const p = this.target.prefix;
    return p === "" ? `${id}/` : `${p.endsWith("/") ? p : `${p}/`}${id}/`;
  }

  add(status: ResultStatus, entry: JsonValue): void {
    this.addJson(status, JSON.stringify(entry));
  }

  /** Adds an entry already serialized as JSON. */
  addJson(status: ResultStatus, text: string): void {
    const bytes = Buffer.byteLength(text, "utf-8");
    const jsonl = this.target.outputType === "JSONL";
    let list = this.files.get(status);
    if (!list) this.files.set(status, (list = []));
    let file = list[list.length - 1];
    // +2 leaves room for the separator and the closing bracket of a JSON array.
    if (!file || (file.entries > 0 && file.bytes + bytes + 2 > this.maxFileBytes)) {
      if (file) this.closeFile(status, file);
      file = this.openFile(status, list.length);
      list.push(file);
    }
    const piece = jsonl ? `${text}\n` : `${file.entries === 0 ? "[" : ","}${text}`;
    file.bytes += bytes + 1; // the newline, or the "[" / "," before the entry
    file.entries++;
    this.entries++;
    this.buffer(status, piece, file);
  }

  private openFile(status: ResultStatus, n: number): SpoolFile {
    const path = join(this.dir, `${status}_${n}`);
    return { path, fd: openSync(path, "w"), bytes: 0, entries: 0 };
  }

  private buffer(status: ResultStatus, piece: string, file: SpoolFile): void {
    let buf = this.buffers.get(status);
    if (!buf) this.buffers.set(status, (buf = []));
    buf.push(piece);
    const size = (this.bufferedBytes.get(status) ?? 0) + piece.length;
    this.bufferedBytes.set(status, size);
    if (size > 1 << 20) this.flush(status, file);
  }

  private flush(status: ResultStatus, file: SpoolFile): void {
    const buf = this.buffers.get(status);
    if (buf && buf.length) writeSync(file.fd, buf.join(""));
    this.buffers.set(status, []);
    this.bufferedBytes.set(status, 0);
  }

  private closeFile(status: ResultStatus, file: SpoolFile): void {
    this.flush(status, file);
    if (this.target.outputType === "JSON") {
      writeSync(file.fd, "]");
      file.bytes += 1;
    }
    closeSync(file.fd);
    file.fd = -1;
  }

  /**
   * Uploads every result file and then the manifest. Returns the manifest's key.
   * Any S3 failure is `States.ResultWriterFailed`, naming the bucket and key.
   */
  async upload(): Promise<{ manifestKey: string; manifest: Manifest }> {
    const ext = this.target.outputType === "JSONL" ? "jsonl" : "json";
    const manifest: Manifest = {
      DestinationBucket: this.target.bucket,
      MapRunArn: this.mapRunArn,
      ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [] },
    };
    for (const status of STATUSES) {
      const list = this.files.get(status) ?? [];
      for (let n = 0; n < list.length; n++) {
        const file = list[n];
        if (file.fd >= 0) this.closeFile(status, file);
        const key = `${this.keyPrefix}${status}_${n}.${ext}`;
        await this.put(key, () => createReadStream(file.path), file.bytes);
        manifest.ResultFiles[status].push({ Key: key, Size: file.bytes });
      }
    }
    const manifestKey = `${this.keyPrefix}manifest.json`;
    const body = JSON.stringify(manifest);
    await this.put(manifestKey, () => body, Buffer.byteLength(body));
    return { manifestKey, manifest };
  }

  private async put(key: string, body: () => string | ReadStream, length: number): Promise<void> {
    const { PutObjectCommand } = await s3Sdk();
    // The SDK retries a request whose body it can replay (a string); a file stream it cannot
    // ("non-retryable streaming request"), so those are retried here, re-opening the file, by the
    // SDK's standard retry rules: at most 3 attempts (AWS_MAX_ATTEMPTS's default), transient and
    // throttling errors only, full-jitter backoff from 100 ms
    // (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
    for (let attempt = 1; ; attempt++) {
      const content = body();
      // A stream opened for a PUT that fails before reading it must not surface later as an
      // unhandled error (its file is removed by dispose()).
      if (typeof content !== "string") content.on("error", () => undefined);
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.target.bucket,
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
        throw new StatesError(
          STATES_ERRORS.ResultWriterFailed,
          `Could not write s3://${this.target.bucket}/${key}: ${describeError(err)}`,
        );
      } finally {
        if (typeof content !== "string") content.destroy();
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const list of this.files.values()) {
      for (const f of list) if (f.fd >= 0) closeSync(f.fd);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
