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
 * - "Step Functions supports individual result files of up to 5 GB. If a file size exceeds 5 GB,
 *   Step Functions creates another file to write the remaining execution results and appends an
 *   index number to the file name."
 * - OutputType JSON writes a JSON array per file, JSONL one entry per line.
 *
 * Records are spooled to temporary files as children finish (bounded memory for millions of
 * items) and uploaded with s3:putObject when the Map Run ends.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonValue, ResultWriterOutputType, ResultWriterTransformation } from "../../../asl/types";
import { uploadResults, type Manifest } from "./result-upload";

export type ResultStatus = "SUCCEEDED" | "FAILED" | "PENDING";

/** "individual result files of up to 5 GB" (ResultWriter page). */
export const RESULT_FILE_MAX_BYTES = 5 * 1024 ** 3;

export interface ResultWriterTarget {
  bucket: string;
  prefix: string;
  outputType: ResultWriterOutputType;
  transformation: ResultWriterTransformation;
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
    for (const [status, list] of this.files) for (const file of list) if (file.fd >= 0) this.closeFile(status, file);
    return uploadResults(this.s3, this.target, this.mapRunArn, this.keyPrefix, this.files);
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
