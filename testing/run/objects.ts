/**
 * Objects in and out of the embedded S3: `--put s3://bucket/key=./file` and
 * `--put s3://bucket/prefix/=./dir/` (every file under the folder, recursively), and `--out DIR`
 * (every object the run created or changed, downloaded to DIR/<bucket>/<key>).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { assertRegularFile } from "../../config/bounded-read";
import { mkdir, readdir, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

export interface PutSpec {
  bucket: string;
  /** The key, or a prefix ending with "/" when the source is a folder. */
  key: string;
  source: string;
}

/** An object to seed from memory (the testing API). */
export interface SeedObject {
  bucket: string;
  key: string;
  body: string | Uint8Array;
  contentType?: string;
}

/** Parses `s3://bucket/key=./path`; throws a message naming the rule. */
export function parsePut(spec: string): PutSpec {
  const m = /^s3:\/\/([^/=]+)\/([^=]*)=(.+)$/.exec(spec);
  if (!m) throw new Error(`--put ${JSON.stringify(spec)}: expected s3://bucket/key=./file or s3://bucket/prefix/=./dir/`);
  const [, bucket, key, source] = m as unknown as [string, string, string, string];
  const problem = bucketNameProblem(bucket);
  if (problem) throw new Error(`--put ${JSON.stringify(spec)}: ${problem}`);
  return { bucket, key, source };
}

/**
 * Why `bucket` is not a name AWS would accept, or undefined. `exec --put` and `runWorkflow`'s
 * `s3Objects` both check it, with this one message, so a test cannot pass locally with a bucket
 * (`in`) no real one could have. The rule: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function bucketNameProblem(bucket: string): string | undefined {
  if (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return undefined;
  return `"${bucket}" is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens; https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)`;
}

/** Throws the `bucketNameProblem` message for the first seeded object whose bucket is not a valid name. */
export function checkSeedBuckets(objects: ReadonlyArray<SeedObject> | undefined, what: string): void {
  (objects ?? []).forEach((o, i) => {
    const problem = bucketNameProblem(o.bucket);
    if (problem) throw new Error(`${what}[${i}]: ${problem}`);
  });
}

/** The files a put uploads, each with its key: checked before any server starts, so a typo costs nothing. */
export async function expandPut(put: PutSpec): Promise<Array<{ bucket: string; key: string; file: string }>> {
  const path = resolve(put.source);
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new Error(`--put s3://${put.bucket}/${put.key}: no such file or folder: ${put.source}`);
  }
  if (info.isFile()) {
    if (put.key === "" || put.key.endsWith("/")) return [{ bucket: put.bucket, key: `${put.key}${path.split(sep).pop()}`, file: path }];
    return [{ bucket: put.bucket, key: put.key, file: path }];
  }
  if (!put.key.endsWith("/") && put.key !== "")
    throw new Error(`--put s3://${put.bucket}/${put.key}: ${put.source} is a folder; the key must be a prefix ending with "/"`);
  const files = (await readdir(path, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return files
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((file) => ({ bucket: put.bucket, key: `${put.key}${relative(path, file).split(sep).join("/")}`, file }));
}

export async function uploadFile(s3: S3Client, bucket: string, key: string, file: string): Promise<void> {
  // Streamed (multipart above 5 MiB), so a large data set never sits in memory; a FIFO or a device
  // (/dev/zero) would never end: refused.
  assertRegularFile(file, `--put s3://${bucket}/${key}:`);
  await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: createReadStream(file) } }).done();
}

export async function putObject(s3: S3Client, o: SeedObject): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: o.key, Body: o.body, ContentType: o.contentType }));
}

/** Every object of the buckets with its ETag: a run's writes are what differs afterwards. */
export async function listAll(s3: S3Client, buckets: ReadonlyArray<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const bucket of buckets) {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      } catch (e) {
        // A bucket the run deleted (DeleteBucket) has no objects to list, and stays deleted.
        if ((e as { name?: string }).name === "NoSuchBucket") break;
        throw e;
      }
      for (const o of page.Contents ?? []) if (o.Key) out.set(`${bucket}/${o.Key}`, o.ETag ?? "");
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return out;
}

/** Downloads every object that is new or changed since `before` to `dir/<bucket>/<key>`; returns the local paths. */
export async function downloadChanged(
  s3: S3Client,
  buckets: ReadonlyArray<string>,
  before: ReadonlyMap<string, string>,
  dir: string,
): Promise<string[]> {
  const after = await listAll(s3, buckets);
  const written: string[] = [];
  for (const [path, etag] of after) {
    if (before.get(path) === etag) continue;
    const slash = path.indexOf("/");
    const bucket = path.slice(0, slash);
    const key = path.slice(slash + 1);
    const target = resolve(dir, bucket, ...key.split("/"));
    if (!target.startsWith(resolve(dir) + sep)) continue; // a key with ".." never escapes --out
    await mkdir(dirname(target), { recursive: true });
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(object.Body as Readable, createWriteStream(target));
    written.push(target);
  }
  return written;
}

/** Every object of the buckets, read into memory (a redrive in the testing API starts from what a failed run left). */
export async function snapshotObjects(s3: S3Client, buckets: ReadonlyArray<string>): Promise<SeedObject[]> {
  const out: SeedObject[] = [];
  for (const path of (await listAll(s3, buckets)).keys()) {
    const slash = path.indexOf("/");
    const bucket = path.slice(0, slash);
    const key = path.slice(slash + 1);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    out.push({
      bucket,
      key,
      body: await object.Body!.transformToByteArray(),
      ...(object.ContentType ? { contentType: object.ContentType } : {}),
    });
  }
  return out;
}
