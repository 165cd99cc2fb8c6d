/**
 * What every reader yields (item batches, in columns) and the item limits they all check.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue } from "../../../asl/types";
import { readerFailed, type S3Location } from "./s3-object";

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html — "The
 * execution input used to start a child workflow execution can't exceed 256 KiB. However, Step
 * Functions supports reading an item of up to 8 MB from a text delimited file, JSON, or JSON Lines
 * file if you then apply the optional ItemSelector field to reduce the item's size." (The 256 KiB
 * child input limit is enforced where the child starts.)
 */
export const ITEM_MAX_BYTES = 8 * 1024 * 1024;

/**
 * A JSON file read through ReaderConfig.ItemsPointer is parsed whole. AWS accepts files up to
 * 10 GB; one V8 string holds at most 0x1fffffe8 characters (about 512 MiB), so a larger one fails
 * here with a clear local limit (a top-level array, JSONL and CSV stream and have no such limit).
 */
export const JSON_FILE_MAX_BYTES = 0x1fffffe8;

/**
 * "Currently, Step Functions supports CSV headers of up to 10 KiB." (ItemReader page, CSVHeaderLocation)
 */
export const CSV_HEADER_MAX_BYTES = 10 * 1024;

/**
 * Items come in batches (a page, a chunk of a body) so that no per-item promise is paid, and in
 * columns: the items of one batch share their `$$.Map.Item.Source`, so no object is made per item.
 */
export interface ItemBatch {
  /** `$$.Map.Item.Source` of every item in the batch. */
  source: string;
  values: JsonValue[];
  /** For the key-value pairs of a JSON object: each item's key (`$$.Map.Item.Key`). */
  keys?: string[];
  /**
   * The number of items the whole read yields, when the reader knows it before the last batch
   * (a JSON array parsed whole): the tolerated failure percentage can be judged against it at once.
   */
  total?: number;
}

/** How many items of an in-memory array go in one batch. */
export const BATCH = 1024;

export function checkItemSize(bytes: number, loc: S3Location, what: string): void {
  if (bytes > ITEM_MAX_BYTES) {
    throw readerFailed(loc, `${what} is ${bytes} bytes; Step Functions reads items of up to 8 MB`);
  }
}

export function checkHeaderSize(headers: readonly string[], delimiter: string, loc: S3Location): void {
  const bytes = Buffer.byteLength(headers.join(delimiter), "utf-8");
  if (bytes > CSV_HEADER_MAX_BYTES) {
    throw readerFailed(loc, `The CSV header is ${bytes} bytes; Step Functions supports CSV headers of up to 10 KiB`);
  }
}

/** What the readers are given: S3, the template evaluator (Parameters/Arguments), the Map Run's signal. */
export interface ReaderDeps {
  s3: S3Client;
  evaluateTemplate(template: JsonValue, input: JsonValue): JsonValue;
  signal?: AbortSignal;
}
