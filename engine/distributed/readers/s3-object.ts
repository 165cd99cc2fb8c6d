/**
 * Opening S3 objects for the item readers, with every failure turned into the error AWS raises:
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html — a Map Run
 * that cannot read its dataset fails with `States.ItemReaderFailed`.
 */
import { trackedChunks } from "../../tracked-io";
import type { S3Client } from "@aws-sdk/client-s3";
import { s3Sdk } from "../s3-sdk";
import type { Readable } from "node:stream";
import * as zlib from "node:zlib";
import { createGunzip } from "node:zlib";
import { countReaderBytes } from "./byte-meter";
import { StatesError, STATES_ERRORS } from "../../model/errors";

export interface S3Location {
  bucket: string;
  key: string;
  versionId?: string;
}

/** AWS's `$$.Map.Item.Source` form of an object: "S3://bucket-name/object-key". */
export function s3Uri(loc: { bucket: string; key?: string }): string {
  return loc.key === undefined ? `S3://${loc.bucket}` : `S3://${loc.bucket}/${loc.key}`;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { Code?: string; name?: string }).Code ?? err.name;
    return code && code !== "Error" && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export function readerFailed(loc: { bucket: string; key?: string }, what: string, err?: unknown): StatesError {
  const where = loc.key === undefined ? `bucket ${loc.bucket}` : `s3://${loc.bucket}/${loc.key}`;
  return new StatesError(STATES_ERRORS.ItemReaderFailed, `${what} (${where})${err === undefined ? "" : `: ${describeError(err)}`}`);
}

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html —
 * "Step Functions supports 10 GB as the maximum size of an individual file in Amazon S3."
 */
export const OBJECT_MAX_BYTES = 10 * 1024 ** 3;

type Decompressor = () => NodeJS.ReadWriteStream;

/**
 * Same page: "Input files support the following external compression types: GZIP, ZSTD. Example
 * file names: myObject.jsonl.gz and myObject.csv.zstd." (S3 Inventory data files are .csv.gz.)
 * Node 20's zlib has no Zstandard; such a file fails clearly instead of being read as garbage.
 */
function decompressorFor(loc: S3Location): Decompressor | undefined {
  const key = loc.key.toLowerCase();
  if (key.endsWith(".gz") || key.endsWith(".gzip")) return () => createGunzip();
  if (key.endsWith(".zst") || key.endsWith(".zstd")) {
    const zstd = (zlib as unknown as { createZstdDecompress?: Decompressor }).createZstdDecompress;
    if (!zstd) throw readerFailed(loc, "ZSTD-compressed input needs Node.js 22.15 or later (node:zlib has no Zstandard here)");
    return () => zstd();
  }
  return undefined;
}

/** Streams an object's bytes, decompressing GZIP / ZSTD objects by their file extension. */
export async function* readObjectChunks(s3: S3Client, loc: S3Location, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const decompress = decompressorFor(loc);
  const { GetObjectCommand } = await s3Sdk();
  let body: Readable;
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId }), {
      abortSignal: signal,
    });
    body = res.Body as Readable;
    if (!body) throw new Error("empty response body");
    if ((res.ContentLength ?? 0) > OBJECT_MAX_BYTES) {
      body.destroy();
      throw readerFailed(
        loc,
        `The object is ${res.ContentLength} bytes; Step Functions supports 10 GB as the maximum size of an individual file`,
      );
    }
  } catch (err) {
    if (err instanceof StatesError) throw err;
    throw readerFailed(loc, "Could not get the object", err);
  }
  const stream = (decompress ? body.pipe(decompress()) : body) as AsyncIterable<Buffer>;
  try {
    for await (const chunk of trackedChunks(s3, stream)) {
      countReaderBytes(signal, (chunk as Buffer).length);
      yield chunk as Buffer;
    }
  } catch (err) {
    if (err instanceof StatesError) throw err;
    throw readerFailed(loc, "Could not read the object", err);
  } finally {
    body.destroy();
  }
}

/** Decodes UTF-8 chunk by chunk (multi-byte characters split across chunks stay intact). */
export async function* readObjectText(s3: S3Client, loc: S3Location, signal?: AbortSignal): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of readObjectChunks(s3, loc, signal)) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Splits a text stream into lines (LF or CRLF), a batch of whole lines per chunk read, without
 * holding more than one chunk (plus a partial line) at a time.
 */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let carry = "";
  for await (const chunk of chunks) {
    const text = carry + chunk;
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push(text.slice(start, end));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (lines.length) yield lines;
  }
  if (carry) yield [carry.endsWith("\r") ? carry.slice(0, -1) : carry];
}

export async function readWholeObject(s3: S3Client, loc: S3Location, maxBytes: number, signal?: AbortSignal): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of readObjectChunks(s3, loc, signal)) {
    size += chunk.length;
    if (size > maxBytes) throw readerFailed(loc, `The object is larger than the ${maxBytes}-byte limit for this input type`);
    parts.push(chunk);
  }
  return Buffer.concat(parts, size).toString("utf-8");
}
