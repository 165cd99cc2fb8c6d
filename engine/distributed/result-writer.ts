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
 * Records are spooled as children finish, in memory up to SPOOL_MEMORY_BYTES and then to temporary
 * files (bounded memory for millions of items), and uploaded with s3:putObject when the Map Run ends.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { JsonValue, ResultWriterOutputType, ResultWriterTransformation } from "../../asl/types";
import { CHUNK_BYTES, giveBackChunk, takeChunk } from "./chunk-pool";
import { uploadResults, type Manifest, type ResultStatus } from "./result-upload";

export type { ResultStatus } from "./result-upload";

/** "individual result files of up to 5 GB" (ResultWriter page). */
export const RESULT_FILE_MAX_BYTES = 5 * 1024 ** 3;

/**
 * Result bytes the spools of this process hold in memory, together, before the one that passes it
 * writes its results to temporary files: most Map Runs' results fit, and go to S3 without a round
 * trip through the disk; a run of millions of children spills and stays bounded, and so do many
 * Map Runs at once (nested ones).
 */
export const SPOOL_MEMORY_BYTES = 64 * 1024 * 1024;

/** Bytes held in memory by every spool of the process (see SPOOL_MEMORY_BYTES). */
let heldInMemory = 0;

const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const CLOSE_BRACKET = 0x5d;
const EMPTY = Buffer.alloc(0);

export interface ResultWriterTarget {
  bucket: string;
  prefix: string;
  outputType: ResultWriterOutputType;
  transformation: ResultWriterTransformation;
}

/** An entry that writes its JSON bytes itself (record-bytes.ts), instead of being given as a string. */
export interface EntryEncoder {
  /** An upper bound of the bytes writeInto writes. */
  maxBytes(): number;
  /** Writes the entry at `at` (with maxBytes() of room); returns where it ends. */
  writeInto(buf: Buffer, at: number): number;
}

/** One result file: in memory (`chunks`) until the spool spills it to a temporary file (`path`). */
class SpoolFile {
  /** Full chunks held in memory; undefined once spilled. */
  chunks: Buffer[] | undefined = [];
  path: string | undefined = undefined;
  fd = -1;
  /** The chunk being filled (made on the first entry), and how much of it is. */
  current: Buffer = EMPTY;
  used = 0;
  bytes = 0;
  entries = 0;
  closed = false;
  constructor(readonly name: string) {}

  /** The file's content, for one upload attempt (a fresh stream each time: a failed PUT is retried). */
  body(): Readable {
    return this.chunks ? Readable.from(this.chunks, { objectMode: false }) : createReadStream(this.path!);
  }
}

/** Spools entries per status into size-bounded files, then uploads them and the manifest. */
export class ResultSpool {
  private dir: string | undefined;
  private readonly files = new Map<ResultStatus, SpoolFile[]>();
  /** Bytes this spool holds in memory (its files not spilled). */
  private memoryBytes = 0;
  private disposed = false;
  /** An upload is reading the chunks: they are not given back to the pool until it ends. */
  private uploading = false;
  /** Entries accepted so far (all statuses). */
  entries = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly target: ResultWriterTarget,
    private readonly mapRunArn: string,
    private readonly maxFileBytes: number = RESULT_FILE_MAX_BYTES,
    private readonly memoryLimitBytes: number = SPOOL_MEMORY_BYTES,
  ) {}

  /** Folder of this Map Run's results: `<Prefix>/<MapRunId>/` (no leading slash for an empty prefix). */
  get keyPrefix(): string {
    const id = this.mapRunArn.slice(this.mapRunArn.lastIndexOf(":") + 1);
    const p = this.target.prefix;
    return p === "" ? `${id}/` : `${p.endsWith("/") ? p : `${p}/`}${id}/`;
  }

  /** True once results went to temporary files (they outgrew the memory budget). */
  get spilled(): boolean {
    return this.dir !== undefined;
  }

  add(status: ResultStatus, entry: JsonValue): void {
    this.addJson(status, JSON.stringify(entry));
  }

  /** Adds an entry already serialized as JSON. */
  addJson(status: ResultStatus, text: string): void {
    this.addEntry(status, text);
  }

  /** Adds an entry that writes itself (read at once: the encoder may be reused after this). */
  addEncoded(status: ResultStatus, entry: EntryEncoder): void {
    this.addEntry(status, entry);
  }

  private addEntry(status: ResultStatus, entry: string | EntryEncoder): void {
    let list = this.files.get(status);
    if (!list) this.files.set(status, (list = []));
    let file = list[list.length - 1] ?? this.newFile(status, list);
    let bytes = this.encode(file, entry);
    // +1 leaves room for the closing bracket of a JSON array.
    if (file.entries > 0 && file.bytes + bytes + 1 > this.maxFileBytes) {
      file.used -= bytes; // the entry goes to the next file instead
      this.closeFile(file);
      file = this.newFile(status, list);
      bytes = this.encode(file, entry);
    }
    file.bytes += bytes;
    file.entries++;
    this.entries++;
  }

  private newFile(status: ResultStatus, list: SpoolFile[]): SpoolFile {
    const file = new SpoolFile(`${status}_${list.length}`);
    list.push(file);
    return file;
  }

  /** Writes the entry and its separator (`[` or `,` before it, or a newline after it) into the file's chunk; returns the bytes. */
  private encode(file: SpoolFile, entry: string | EntryEncoder): number {
    const text = typeof entry === "string";
    // A UTF-16 unit takes at most 3 UTF-8 bytes; +1 for the separator.
    const buf = this.reserve(file, (text ? entry.length * 3 : entry.maxBytes()) + 1);
    const start = file.used;
    let at = start;
    if (this.target.outputType !== "JSONL") buf[at++] = file.entries === 0 ? OPEN_BRACKET : COMMA;
    at = text ? at + buf.write(entry, at) : entry.writeInto(buf, at);
    if (this.target.outputType === "JSONL") buf[at++] = NEWLINE;
    file.used = at;
    return at - start;
  }

  /** The file's chunk, with room for `bytes` more (a new chunk when there is none or it is short of room). */
  private reserve(file: SpoolFile, bytes: number): Buffer {
    if (file.used + bytes > file.current.length) {
      this.finishChunk(file);
      // Entries are encoded straight into chunks (one write, or one held chunk): a string per
      // chunk, joined from the entries, cost as much again as making the entries (measured).
      file.current = bytes <= CHUNK_BYTES ? takeChunk() : Buffer.allocUnsafe(bytes);
    }
    return file.current;
  }

  /** Moves the filled part of the file's chunk to memory or to its temporary file (the next entry starts a new chunk). */
  private finishChunk(file: SpoolFile): void {
    if (file.used === 0) return;
    const full = file.current.subarray(0, file.used);
    file.current = EMPTY;
    file.used = 0;
    if (!file.chunks) {
      writeSync(file.fd, full);
      giveBackChunk(full);
      return;
    }
    file.chunks.push(full);
    this.memoryBytes += full.length;
    heldInMemory += full.length;
    if (heldInMemory > this.memoryLimitBytes) this.spill();
  }

  /** Moves every file still in memory to a temporary file; later chunks are written there. */
  private spill(): void {
    this.dir ??= mkdtempSync(join(tmpdir(), "map-run-results-"));
    for (const list of this.files.values()) {
      for (const file of list) {
        if (!file.chunks) continue;
        file.path = join(this.dir, file.name);
        const fd = openSync(file.path, "w");
        for (const chunk of file.chunks) {
          writeSync(fd, chunk);
          this.memoryBytes -= chunk.length;
          heldInMemory -= chunk.length;
          giveBackChunk(chunk);
        }
        file.chunks = undefined;
        if (file.closed) closeSync(fd);
        else file.fd = fd;
      }
    }
  }

  private closeFile(file: SpoolFile): void {
    if (this.target.outputType === "JSON") {
      this.reserve(file, 1)[file.used++] = CLOSE_BRACKET;
      file.bytes += 1;
    }
    this.finishChunk(file);
    if (file.current !== EMPTY) giveBackChunk(file.current); // made, never written to
    file.current = EMPTY;
    file.closed = true;
    if (file.fd >= 0) {
      closeSync(file.fd);
      file.fd = -1;
    }
  }

  /**
   * Uploads every result file and then the manifest. Returns the manifest's key.
   * Any S3 failure is `States.ResultWriterFailed`, naming the bucket and key.
   */
  async upload(): Promise<{ manifestKey: string; manifest: Manifest }> {
    for (const list of this.files.values()) for (const file of list) if (!file.closed) this.closeFile(file);
    this.uploading = true;
    try {
      return await uploadResults(this.s3, this.target, this.mapRunArn, this.keyPrefix, this.files);
    } finally {
      this.uploading = false;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    heldInMemory -= this.memoryBytes;
    this.memoryBytes = 0;
    for (const list of this.files.values()) {
      for (const f of list) {
        if (f.fd >= 0) closeSync(f.fd);
        f.fd = -1;
        if (!this.uploading) {
          for (const chunk of f.chunks ?? []) giveBackChunk(chunk);
          if (f.current !== EMPTY) giveBackChunk(f.current);
        }
        f.chunks = undefined;
        f.current = EMPTY;
      }
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
