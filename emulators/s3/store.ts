/**
 * The embedded S3's object store: every object a plain file at `<dataDir>/<bucket>/<key>` (open it,
 * `cat` it, `--keep` leaves exactly that), with an in-memory index of every object's metadata
 * (size, ETag, Last-Modified, Content-Type, user metadata) and, per bucket, its keys in sorted order
 * for ListObjects. The index is what makes a GET, HEAD or listing page cost no directory walk and
 * no metadata file read (s3rver read a JSON and an MD5 file per GET, and walked the whole bucket
 * for every listing page: quadratic in the number of objects).
 *
 * What only the index knows (an ETag that is not the body's MD5, a Content-Type, user metadata) is
 * appended to `<dataDir>/+index.jsonl` (the `+` keeps it out of the bucket names ./guard.ts accepts),
 * so a data folder given again (`dataDir`) comes back as it was; a file found there with no entry,
 * or a changed one, is indexed from its bytes (ETag = MD5).
 *
 * Keys: ./guard.ts has refused every key that is not one file under its bucket (`..`, `.`, empty
 * segments, backslash, NUL); `objectPath` checks again, so a missed case is an error, not a file
 * elsewhere. A key cannot also be a "folder" of another key (`a` and `a/b`): files cannot be both;
 * such a PUT is refused with InvalidArgument, the way those other keys are.
 *
 * Listing order: S3 lists "in UTF-8 binary order"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). JavaScript's `<` on
 * strings is UTF-16 order, the same except between supplementary characters (emoji) and
 * U+E000-U+FFFF; `compareKeys` orders those as UTF-8 does.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  type Stats,
} from "node:fs";
import { join, resolve, sep } from "node:path";
import { createInterface } from "node:readline";
import { BUCKET_NAME, keyProblem, S3RequestError } from "./guard";

export interface ObjectMeta {
  readonly size: number;
  /** Without quotes: the MD5 hex of the body, or `<md5 of md5s>-<parts>` for a multipart upload. */
  readonly etag: string;
  /** Milliseconds since the epoch (S3's Last-Modified has second precision; kept whole here). */
  readonly mtime: number;
  readonly contentType?: string;
  /** Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires, as sent. */
  readonly headers?: Readonly<Record<string, string>>;
  /** `x-amz-meta-*` values by their lower-case name without the prefix. */
  readonly userMetadata?: Readonly<Record<string, string>>;
}

/** One listing page, before it is written as XML. */
export interface ListPage {
  readonly contents: ReadonlyArray<{ readonly key: string; readonly meta: ObjectMeta }>;
  readonly commonPrefixes: readonly string[];
  readonly truncated: boolean;
  /** The key or common prefix the page ended on, when truncated: where the next page resumes. */
  readonly last?: { readonly value: string; readonly isPrefix: boolean };
}

export interface ListOptions {
  readonly prefix: string;
  readonly delimiter?: string;
  readonly maxKeys: number;
  /** List keys after this one (StartAfter, marker, a continuation token's key). */
  readonly after?: string;
  /** Also skip every key under this common prefix (a page that ended on it). */
  readonly afterPrefix?: string;
}

/** UTF-8 binary order (see the header). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // A surrogate (U+D800-U+DFFF, a 4-byte UTF-8 sequence) sorts after U+E000-U+FFFF in UTF-8.
      const sx = x >= 0xd800 && x <= 0xdfff;
      const sy = y >= 0xd800 && y <= 0xdfff;
      if (sx !== sy && (x >= 0xe000 || y >= 0xe000)) return sx ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

const hasSurrogates = /[\ud800-\udfff]/;

class Bucket {
  readonly objects = new Map<string, ObjectMeta>();
  /** Keys in listing order; may still hold deleted keys (skipped, compacted on the next list). */
  private sorted: string[] = [];
  /** Keys added since the last sort. */
  private added: string[] = [];
  private deletions = 0;
  private surrogates = false;
  /** Folders known to exist under the bucket's folder (relative, "" for itself). */
  readonly dirs = new Set<string>([""]);

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly created: number,
  ) {}

  set(key: string, meta: ObjectMeta): void {
    if (!this.objects.has(key)) {
      this.added.push(key);
      if (!this.surrogates && hasSurrogates.test(key)) this.surrogates = true;
    }
    this.objects.set(key, meta);
  }

  delete(key: string): boolean {
    if (!this.objects.delete(key)) return false;
    this.deletions++;
    return true;
  }

  /** The keys in order, new ones merged in and deleted ones dropped. */
  private keys(): string[] {
    const cmp = this.surrogates ? compareKeys : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    if (this.added.length > 0) {
      const added = this.added.sort(cmp);
      this.added = [];
      const old = this.sorted;
      const merged: string[] = new Array(old.length + added.length);
      let i = 0;
      let j = 0;
      let n = 0;
      while (i < old.length || j < added.length) {
        const next = j >= added.length || (i < old.length && cmp(old[i]!, added[j]!) <= 0) ? old[i++]! : added[j++]!;
        if (n === 0 || merged[n - 1] !== next) merged[n++] = next;
      }
      merged.length = n;
      this.sorted = merged;
    }
    if (this.deletions > 0 && this.deletions * 4 > this.sorted.length) {
      this.sorted = this.sorted.filter((k) => this.objects.has(k));
      this.deletions = 0;
    }
    return this.sorted;
  }

  list(options: ListOptions): ListPage {
    const keys = this.keys();
    const cmp = this.surrogates ? compareKeys : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const { prefix, delimiter, maxKeys, after, afterPrefix } = options;
    const from = after !== undefined && cmp(after, prefix) > 0 ? after : prefix;
    // First index whose key is >= from.
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(keys[mid]!, from) < 0) lo = mid + 1;
      else hi = mid;
    }
    const contents: Array<{ key: string; meta: ObjectMeta }> = [];
    const commonPrefixes: string[] = [];
    let last: ListPage["last"];
    let lastPrefix: string | undefined;
    for (let i = lo; i < keys.length; i++) {
      const key = keys[i]!;
      if (!key.startsWith(prefix)) break;
      if (after !== undefined && key === after) continue;
      if (afterPrefix !== undefined && key.startsWith(afterPrefix)) continue;
      const meta = this.objects.get(key);
      if (meta === undefined) continue;
      let common: string | undefined;
      if (delimiter) {
        const at = key.indexOf(delimiter, prefix.length);
        if (at >= 0) common = key.slice(0, at + delimiter.length);
      }
      if (common !== undefined && common === lastPrefix) continue;
      if (contents.length + commonPrefixes.length >= maxKeys) return { contents, commonPrefixes, truncated: true, last };
      if (common !== undefined) {
        commonPrefixes.push(common);
        lastPrefix = common;
        last = { value: common, isPrefix: true };
      } else {
        contents.push({ key, meta });
        last = { value: key, isPrefix: false };
      }
    }
    return { contents, commonPrefixes, truncated: false, last };
  }
}

const md5Hex = (data: Buffer) => createHash("md5").update(data).digest("hex");

const noSuchBucket = (bucket: string) => new S3RequestError("NoSuchBucket", 404, `The specified bucket does not exist: ${bucket}`);

/** A line of the index journal: an object's metadata, or its deletion. */
type JournalLine = { b: string; k: string; m?: ObjectMeta } | { b: string; k: string; d: 1 } | { b: string; bucket: "delete" };

/** Reads from the index file at most this much per line: a longer one is not ours. */
const JOURNAL = "+index.jsonl";

export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly root: string;
  private journalFd: number | undefined;
  private journalBuffer: string[] = [];
  private journalBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  private constructor(readonly dataDir: string) {
    this.root = resolve(dataDir) + sep;
  }

  /** The store over `dataDir`: its buckets (one folder each) and objects indexed from what is there. */
  static async open(dataDir: string): Promise<ObjectStore> {
    const store = new ObjectStore(dataDir);
    mkdirSync(dataDir, { recursive: true });
    // Uploads in progress and half-written bodies do not survive a restart.
    for (const scratch of ["+uploads", "+tmp"]) rmSync(join(dataDir, scratch), { recursive: true, force: true });
    const known = await store.readJournal();
    for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !BUCKET_NAME.test(entry.name)) continue;
      const bucket = new Bucket(entry.name, join(dataDir, entry.name), statSync(join(dataDir, entry.name)).mtimeMs);
      store.buckets.set(entry.name, bucket);
      store.indexFolder(bucket, "", known.get(entry.name));
    }
    // The index is rewritten whole: what was found, nothing stale.
    store.journalFd = openSync(join(dataDir, JOURNAL), "w");
    for (const bucket of store.buckets.values()) for (const [k, m] of bucket.objects) store.journal({ b: bucket.name, k, m });
    store.flush();
    return store;
  }

  private async readJournal(): Promise<Map<string, Map<string, ObjectMeta>>> {
    const known = new Map<string, Map<string, ObjectMeta>>();
    let lines;
    try {
      lines = createInterface({ input: createReadStream(join(this.dataDir, JOURNAL), "utf8"), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line === "") continue;
        let parsed: JournalLine;
        try {
          parsed = JSON.parse(line) as JournalLine;
        } catch {
          continue; // a line cut short by a crash
        }
        if ("bucket" in parsed) {
          known.delete(parsed.b);
          continue;
        }
        let b = known.get(parsed.b);
        if (!b) known.set(parsed.b, (b = new Map()));
        if ("m" in parsed && parsed.m) b.set(parsed.k, parsed.m);
        else b.delete(parsed.k);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    } finally {
      lines?.close();
    }
    return known;
  }

  private indexFolder(bucket: Bucket, rel: string, known: Map<string, ObjectMeta> | undefined): void {
    const dir = rel === "" ? bucket.dir : join(bucket.dir, rel);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const key = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        bucket.dirs.add(key);
        this.indexFolder(bucket, key, known);
      } else if (entry.isFile() && keyProblem(key) === undefined) {
        const st = statSync(join(dir, entry.name));
        const meta = known?.get(key);
        bucket.set(
          key,
          meta && meta.size === st.size && this.unchanged(meta, join(dir, entry.name), st)
            ? meta
            : { size: st.size, etag: md5Hex(readFileSync(join(dir, entry.name))), mtime: st.mtimeMs },
        );
      }
    }
  }

  /**
   * Whether a file is still what the journal says: its MD5 is the ETag (a single-part object), or,
   * for a multipart ETag (not an MD5 of the bytes), it was not written after the journal's entry.
   */
  private unchanged(meta: ObjectMeta, path: string, st: Stats): boolean {
    if (meta.etag.includes("-")) return st.mtimeMs <= meta.mtime + 1000;
    return md5Hex(readFileSync(path)) === meta.etag;
  }

  private journal(line: JournalLine): void {
    if (this.journalFd === undefined) return;
    const text = JSON.stringify(line) + "\n";
    this.journalBuffer.push(text);
    this.journalBytes += text.length;
    // Written in batches: one write per 64 KiB or per event-loop turn, not one per object.
    if (this.journalBytes >= 1 << 16) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), 0);
  }

  /** Writes the journal's pending lines. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.journalFd === undefined || this.journalBuffer.length === 0) return;
    const text = this.journalBuffer.join("");
    this.journalBuffer = [];
    this.journalBytes = 0;
    writeSync(this.journalFd, text);
  }

  close(): void {
    this.flush();
    if (this.journalFd !== undefined) closeSync(this.journalFd);
    this.journalFd = undefined;
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  bucketNames(): Array<{ name: string; created: number }> {
    return [...this.buckets.values()].map((b) => ({ name: b.name, created: b.created })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  createBucket(name: string): void {
    if (!BUCKET_NAME.test(name))
      throw new S3RequestError("InvalidBucketName", 400, `The specified bucket is not valid: ${JSON.stringify(name)}`);
    if (this.buckets.has(name))
      throw new S3RequestError("BucketAlreadyOwnedByYou", 409, "The bucket you tried to create already exists, and you own it.");
    const dir = this.inside(join(this.dataDir, name), name);
    mkdirSync(dir, { recursive: true });
    this.buckets.set(name, new Bucket(name, dir, Date.now()));
  }

  /** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html: "All objects ... must be deleted before the bucket itself can be deleted." */
  deleteBucket(name: string, hasUploads: boolean): void {
    const bucket = this.bucket(name);
    if (bucket.objects.size > 0 || hasUploads)
      throw new S3RequestError("BucketNotEmpty", 409, "The bucket you tried to delete is not empty");
    rmSync(bucket.dir, { recursive: true, force: true });
    this.buckets.delete(name);
    this.journal({ b: name, bucket: "delete" });
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }

  head(bucket: string, key: string): ObjectMeta | undefined {
    return this.bucket(bucket).objects.get(key);
  }

  /** The file of an object; throws unless it lies inside the data folder. */
  objectPath(bucket: string, key: string): string {
    const problem = keyProblem(key);
    if (problem) throw new S3RequestError("InvalidArgument", 400, `The local S3 server refuses key ${JSON.stringify(key)}: ${problem}`);
    return this.inside(`${this.bucket(bucket).dir}/${key}`, `bucket ${JSON.stringify(bucket)}, key ${JSON.stringify(key)}`);
  }

  private inside(path: string, what: string): string {
    if (!resolve(path).startsWith(this.root))
      throw new S3RequestError("InvalidArgument", 400, `${what} would name a file outside the data folder`);
    return path;
  }

  /** Makes the folders a key's file needs. */
  private prepare(bucket: Bucket, key: string): void {
    const slash = key.lastIndexOf("/");
    if (slash < 0) return;
    const rel = key.slice(0, slash);
    if (bucket.dirs.has(rel)) return;
    try {
      mkdirSync(join(bucket.dir, rel), { recursive: true });
    } catch (error) {
      throw this.conflict(error, key);
    }
    for (let at = slash; at > 0; at = key.lastIndexOf("/", at - 1)) bucket.dirs.add(key.slice(0, at));
  }

  private conflict(error: unknown, key: string): unknown {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR" || code === "EEXIST" || code === "EISDIR") {
      return new S3RequestError(
        "InvalidArgument",
        400,
        `The local S3 server cannot store key ${JSON.stringify(key)}: one file per key, and another key is a folder of it (or it of another) here; S3 itself would allow both`,
      );
    }
    return error;
  }

  /** Stores a body held in memory (written before this returns). */
  putBuffer(bucketName: string, key: string, body: Buffer, meta: Omit<ObjectMeta, "size" | "etag" | "mtime">, md5?: string): ObjectMeta {
    const bucket = this.bucket(bucketName);
    const path = this.objectPath(bucketName, key);
    this.prepare(bucket, key);
    try {
      writeFileSync(path, body);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        // A folder removed behind the index's back: made again.
        bucket.dirs.clear();
        bucket.dirs.add("");
        this.prepare(bucket, key);
        writeFileSync(path, body);
      } else throw this.conflict(error, key);
    }
    return this.index(bucket, key, { ...meta, size: body.length, etag: md5 ?? md5Hex(body), mtime: Date.now() });
  }

  /** Moves a body already written to a scratch file into place. */
  putFile(
    bucketName: string,
    key: string,
    file: string,
    size: number,
    etag: string,
    meta: Omit<ObjectMeta, "size" | "etag" | "mtime">,
  ): ObjectMeta {
    const bucket = this.bucket(bucketName);
    const path = this.objectPath(bucketName, key);
    this.prepare(bucket, key);
    try {
      renameSync(file, path);
    } catch (error) {
      rmSync(file, { force: true });
      throw this.conflict(error, key);
    }
    return this.index(bucket, key, { ...meta, size, etag, mtime: Date.now() });
  }

  private index(bucket: Bucket, key: string, meta: ObjectMeta): ObjectMeta {
    const clean = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)) as unknown as ObjectMeta;
    bucket.set(key, clean);
    this.journal({ b: bucket.name, k: key, m: clean });
    return clean;
  }

  /** Reads a whole object into memory (small objects). */
  read(bucket: string, key: string): Buffer {
    return readFileSync(this.objectPath(bucket, key));
  }

  /** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html: deleting a key that does not exist succeeds. */
  deleteObject(bucketName: string, key: string): void {
    const bucket = this.bucket(bucketName);
    const path = this.objectPath(bucketName, key);
    if (!bucket.delete(key)) return;
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    this.journal({ b: bucketName, k: key, d: 1 });
    // Folders left empty go too, so the key can later be a file where they were.
    for (let at = key.lastIndexOf("/"); at > 0; at = key.lastIndexOf("/", at - 1)) {
      const rel = key.slice(0, at);
      try {
        rmdirSync(join(bucket.dir, rel));
        bucket.dirs.delete(rel);
      } catch {
        break;
      }
    }
  }

  list(bucket: string, options: ListOptions): ListPage {
    return this.bucket(bucket).list(options);
  }

  /** A scratch file name for a body being received (moved into place when whole). */
  scratch(name: string): string {
    const dir = join(this.dataDir, "+tmp");
    mkdirSync(dir, { recursive: true });
    return join(dir, name);
  }

  stat(path: string): Stats {
    return statSync(path);
  }
}
