/**
 * PARQUET item readers (`ReaderConfig.InputType: PARQUET`, and the data files of an Athena
 * MANIFEST): each row is one item, a JSON object keyed by column name.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 *
 * Read with hyparquet (pure JS, maintained by hyparam, no native code) and hyparquet-compressors
 * (SNAPPY is built into hyparquet; this adds GZIP, BROTLI, ZSTD, LZ4). Streaming: the file is never
 * downloaded whole. The footer is fetched with ranged GETs, then one row group at a time (its
 * column chunks, again by ranged GETs), so memory holds one row group, not the file.
 *
 * JSON has no 64-bit integers, dates or bytes: INT64 becomes a number (exact up to 2^53), dates and
 * timestamps ISO-8601 strings, binary an array of bytes (hyparquet's toJson). AWS documents no
 * conversion table; these are the conservative JSON forms.
 */
import { trackedWork } from "../../tracked-io";
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue } from "../../../asl/types";
import { s3Sdk } from "../s3-sdk";
import { countReaderBytes } from "./byte-meter";
import { readerFailed, s3Uri, type S3Location } from "./s3-object";

interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

/** A ranged view of the S3 object, as hyparquet reads files. */
async function s3AsyncBuffer(s3: S3Client, loc: S3Location, signal?: AbortSignal): Promise<AsyncBuffer> {
  const { GetObjectCommand, HeadObjectCommand } = await s3Sdk();
  const head = await s3.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId }), {
    abortSignal: signal,
  });
  const byteLength = head.ContentLength ?? 0;
  return {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      if (end <= start) return new ArrayBuffer(0);
      const res = await s3.send(
        new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId, Range: `bytes=${start}-${end - 1}` }),
        { abortSignal: signal },
      );
      const bytes = await trackedWork(s3, res.Body!.transformToByteArray());
      countReaderBytes(signal, bytes.byteLength);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

/** Items of one Parquet object, one batch per row group. */
export async function* readParquetItems(
  s3: S3Client,
  loc: S3Location,
  signal?: AbortSignal,
): AsyncGenerator<{ source: string; values: JsonValue[] }> {
  // ESM-only packages: loaded on first use (and only by runs that read Parquet).
  const { parquetMetadataAsync, parquetReadObjects, toJson } = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  const source = s3Uri(loc);
  let file: AsyncBuffer;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await s3AsyncBuffer(s3, loc, signal);
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw readerFailed(loc, "The object is not a readable Parquet file", err);
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows);
    const rowEnd = rowStart + rows;
    let values: Record<string, unknown>[];
    try {
      values = await parquetReadObjects({ file, metadata, compressors, rowStart, rowEnd });
    } catch (err) {
      throw readerFailed(loc, `Row group at rows ${rowStart}-${rowEnd - 1} could not be read`, err);
    }
    rowStart = rowEnd;
    if (values.length > 0) yield { source, values: values.map((row) => toJson(row) as JsonValue) };
  }
}
