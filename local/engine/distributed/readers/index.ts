/**
 * ItemReader: turns the state's dataset description into a stream of items, each with the
 * `$$.Map.Item.Source` AWS reports for it. Items are streamed (async iterator) so a dataset of
 * millions of JSONL lines or CSV rows is never held in memory at once.
 *
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html — Map.Item.Source:
 * "STATE_DATA" for items from the state input; "For all the other input types, the value will be
 * the Amazon S3 URI. For example: S3://bucket-name/object-key"; a listing reports the bucket URI
 * ("S3://bucket-name").
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { s3Sdk } from "../s3-sdk";
import { z } from "zod";
import { jsonEntries, JsonStreamError } from "../../../../asl/json-stream";
import type { ItemReader, ItemReaderInputType, JsonValue, ReaderConfig } from "../../../../asl/types";
import { S3_GET_OBJECT, S3_LIST_OBJECTS_V2 } from "../../../../asl/types";
import { StatesError, STATES_ERRORS } from "../../errors";
import { CSV_DELIMITERS, parseAwsCsv, rowToItem } from "./csv";
import { readParquetItems } from "./parquet";
import { readerFailed, readObjectText, readWholeObject, s3Uri, splitLines, type S3Location } from "./s3-object";


export const STATE_DATA_SOURCE = "STATE_DATA";

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

const getObjectParams = z.object({
  Bucket: z.string().min(1, "Bucket must be a non-empty string"),
  Key: z.string().min(1, "Key must be a non-empty string"),
  VersionId: z.string().optional(),
}).passthrough();

const listParams = z.object({
  Bucket: z.string().min(1, "Bucket must be a non-empty string"),
  Prefix: z.string().optional(),
}).passthrough();

function paramsError(issues: z.core.$ZodIssue[], field: string): StatesError {
  const first = issues[0];
  const path = first.path.length ? `${field}.${first.path.join(".")}` : field;
  return new StatesError(STATES_ERRORS.Runtime, `ItemReader ${path}: ${first.message}`);
}

export interface ReaderDeps {
  s3: S3Client;
  evaluateTemplate(template: JsonValue, input: JsonValue): JsonValue;
  signal?: AbortSignal;
}

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
const BATCH = 1024;

/**
 * Streams the items an ItemReader describes, in batches. `maxItems` stops reading early
 * (ReaderConfig.MaxItems).
 */
export async function* readItems(
  reader: ItemReader,
  input: JsonValue,
  deps: ReaderDeps,
  maxItems?: number,
): AsyncGenerator<ItemBatch> {
  let left = maxItems ?? Number.POSITIVE_INFINITY;
  if (left <= 0) return;
  for await (const batch of readAll(reader, input, deps)) {
    const total = batch.total === undefined || maxItems === undefined ? batch.total : Math.min(batch.total, maxItems);
    if (batch.values.length >= left) {
      yield { source: batch.source, values: batch.values.slice(0, left), keys: batch.keys?.slice(0, left), total };
      return;
    }
    left -= batch.values.length;
    yield total === batch.total ? batch : { ...batch, total };
  }
}

function evaluateParameters(reader: ItemReader, input: JsonValue, deps: ReaderDeps): JsonValue {
  const template = reader.Parameters ?? reader.Arguments;
  if (template === undefined) {
    throw new StatesError(STATES_ERRORS.Runtime, "ItemReader: Parameters (JSONPath) or Arguments (JSONata) are required");
  }
  return deps.evaluateTemplate(template, input);
}

async function* readAll(reader: ItemReader, input: JsonValue, deps: ReaderDeps): AsyncGenerator<ItemBatch> {
  const cfg = reader.ReaderConfig ?? {};
  const params = evaluateParameters(reader, input, deps);
  if (reader.Resource === S3_GET_OBJECT) {
    const parsed = getObjectParams.safeParse(params);
    if (!parsed.success) throw paramsError(parsed.error.issues, reader.Parameters ? "Parameters" : "Arguments");
    const loc: S3Location = { bucket: parsed.data.Bucket, key: parsed.data.Key, versionId: parsed.data.VersionId };
    if (cfg.InputType === "MANIFEST" || cfg.ManifestType !== undefined) {
      yield* readManifest(deps.s3, loc, cfg, deps.signal);
      return;
    }
    yield* readObjectItems(deps.s3, loc, cfg, cfg.InputType, deps.signal);
    return;
  }
  if (reader.Resource === S3_LIST_OBJECTS_V2) {
    const parsed = listParams.safeParse(params);
    if (!parsed.success) throw paramsError(parsed.error.issues, reader.Parameters ? "Parameters" : "Arguments");
    const { Bucket, Prefix } = parsed.data;
    if (cfg.Transformation === "LOAD_AND_FLATTEN") {
      for await (const page of listObjects(deps.s3, Bucket, Prefix, deps.signal)) {
        for (const obj of page) {
          // A zero-byte "folder" marker has no items to load; the docs are silent, so skip only those.
          if (obj.Key.endsWith("/") && obj.Size === 0) continue;
          yield* readObjectItems(deps.s3, { bucket: Bucket, key: obj.Key }, cfg, cfg.InputType ?? "JSON", deps.signal);
        }
      }
      return;
    }
    const source = s3Uri({ bucket: Bucket });
    for await (const page of listObjects(deps.s3, Bucket, Prefix, deps.signal)) {
      if (page.length) yield { source, values: page };
    }
    return;
  }
  throw new StatesError(
    STATES_ERRORS.Runtime,
    `ItemReader.Resource ${JSON.stringify(reader.Resource)} is not supported: use ${S3_GET_OBJECT} or ${S3_LIST_OBJECTS_V2}`,
  );
}

/** One object's items, by InputType. */
async function* readObjectItems(
  s3: S3Client,
  loc: S3Location,
  cfg: ReaderConfig,
  inputType: ItemReaderInputType | undefined,
  signal?: AbortSignal,
): AsyncGenerator<ItemBatch> {
  const source = s3Uri(loc);
  switch (inputType ?? "JSON") {
    case "JSON": {
      if (cfg.ItemsPointer === undefined) {
        yield* readJsonArrayItems(s3, loc, signal);
        return;
      }
      const values = await readJsonItems(s3, loc, cfg.ItemsPointer, signal);
      for (let i = 0; i < values.length; i += BATCH) yield { source, values: values.slice(i, i + BATCH), total: values.length };
      return;
    }
    case "JSONL": {
      let line = 0;
      for await (const lines of splitLines(readObjectText(s3, loc, signal))) {
        const batch: JsonValue[] = [];
        for (const text of lines) {
          line++;
          if (text.length > ITEM_MAX_BYTES / 4) checkItemSize(Buffer.byteLength(text), loc, `Line ${line}`);
          if (text.trim() === "") continue;
          let value: JsonValue;
          try {
            value = JSON.parse(text) as JsonValue;
          } catch (err) {
            throw readerFailed(loc, `Line ${line} is not valid JSON`, err);
          }
          batch.push(value);
        }
        if (batch.length) yield { source, values: batch };
      }
      return;
    }
    case "CSV":
      yield* readCsvItems(readObjectText(s3, loc, signal), loc, cfg, source);
      return;
    case "PARQUET":
      yield* readParquetItems(s3, loc, signal);
      return;
    case "MANIFEST":
      yield* readManifest(s3, loc, cfg, signal);
      return;
  }
}

async function readJsonItems(s3: S3Client, loc: S3Location, itemsPointer: string | undefined, signal?: AbortSignal): Promise<JsonValue[]> {
  const text = await readWholeObject(s3, loc, JSON_FILE_MAX_BYTES, signal);
  let doc: JsonValue;
  try {
    doc = JSON.parse(text) as JsonValue;
  } catch (err) {
    throw readerFailed(loc, "The object is not valid JSON", err);
  }
  let items: JsonValue[];
  if (itemsPointer !== undefined) {
    const found = resolveJsonPointer(doc, itemsPointer);
    if (!Array.isArray(found)) throw readerFailed(loc, `ItemsPointer ${JSON.stringify(itemsPointer)} does not point to a JSON array`);
    items = found;
  } else if (!Array.isArray(doc)) {
    throw readerFailed(loc, "The object's top-level JSON value is not an array (use ReaderConfig.ItemsPointer to select a nested array)");
  } else {
    items = doc;
  }
  // Only a file bigger than the item limit can hold an item bigger than it.
  if (text.length > ITEM_MAX_BYTES / 4) {
    items.forEach((item, i) => checkItemSize(Buffer.byteLength(JSON.stringify(item)), loc, `Item ${i}`));
  }
  return items;
}

/** Items of a JSON file held before the first is handed out, so the Map Run learns its total (tests lower them). */
export const JSON_READ_AHEAD = { items: 1_000_000, chars: 64 * 1024 * 1024 };

/**
 * A top-level JSON array, parsed entry by entry as its bytes stream in: never one string of the
 * whole file (V8 caps a string at ~512 MiB; AWS reads files of up to 10 GB). A file of up to a
 * million items (and 64 Mi characters) is read whole first, so the Map Run knows its total and
 * judges its tolerated failure percentage against it at once; a bigger one streams with the Map
 * Run's demand (bounded memory, whatever its size), its total known once read.
 */
async function* readJsonArrayItems(s3: S3Client, loc: S3Location, signal?: AbortSignal): AsyncGenerator<ItemBatch> {
  const where = s3Uri(loc);
  let held: JsonValue[] = [];
  let heldChars = 0;
  let streaming = false;
  let index = 0;
  try {
    for await (const text of jsonEntries(readObjectText(s3, loc, signal), where, "json")) {
      if (text.length > ITEM_MAX_BYTES / 4) checkItemSize(Buffer.byteLength(text), loc, `Item ${index}`);
      index++;
      held.push(JSON.parse(text) as JsonValue);
      heldChars += text.length;
      if (streaming ? held.length >= BATCH : held.length >= JSON_READ_AHEAD.items || heldChars >= JSON_READ_AHEAD.chars) {
        streaming = true;
        const out = held;
        held = [];
        heldChars = 0;
        for (let i = 0; i < out.length; i += BATCH) yield { source: where, values: out.slice(i, i + BATCH) };
      }
    }
  } catch (err) {
    if (err instanceof StatesError) throw err;
    if (err instanceof JsonStreamError && /must start with/.test(err.message)) {
      throw readerFailed(loc, "The object's top-level JSON value is not an array (use ReaderConfig.ItemsPointer to select a nested array)");
    }
    throw readerFailed(loc, "The object is not valid JSON", err);
  }
  const total = streaming ? undefined : held.length;
  for (let i = 0; i < held.length; i += BATCH) yield { source: where, values: held.slice(i, i + BATCH), ...(total !== undefined ? { total } : {}) };
}

/** RFC 6901 JSON pointer ("" is the whole document; "~1" is "/", "~0" is "~"). */
export function resolveJsonPointer(doc: JsonValue, pointer: string): JsonValue | undefined {
  if (pointer === "") return doc;
  if (!pointer.startsWith("/")) return undefined;
  let cur: JsonValue | undefined = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      cur = cur[Number(token)];
    } else if (cur !== null && typeof cur === "object") {
      cur = Object.prototype.hasOwnProperty.call(cur, token) ? cur[token] : undefined;
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

async function* readCsvItems(
  text: AsyncIterable<string>,
  loc: S3Location,
  cfg: ReaderConfig,
  source: string,
  givenHeaders?: readonly string[],
): AsyncGenerator<ItemBatch> {
  const delimiter = CSV_DELIMITERS[cfg.CSVDelimiter ?? "COMMA"];
  if (delimiter === undefined) throw readerFailed(loc, `Unknown CSVDelimiter ${JSON.stringify(cfg.CSVDelimiter)}`);
  let headers: readonly string[] | undefined = givenHeaders;
  if (!headers && cfg.CSVHeaderLocation === "GIVEN") {
    if (!cfg.CSVHeaders || cfg.CSVHeaders.length === 0) {
      throw new StatesError(STATES_ERRORS.Runtime, "ReaderConfig.CSVHeaders is required when CSVHeaderLocation is GIVEN");
    }
    headers = cfg.CSVHeaders;
  }
  if (headers) checkHeaderSize(headers, delimiter, loc);
  for await (const rows of parseAwsCsv(text, delimiter)) {
    const batch: JsonValue[] = [];
    for (const row of rows) {
      if (!headers) {
        checkHeaderSize(row, delimiter, loc);
        headers = row;
        continue;
      }
      const item = rowToItem(headers, row);
      let chars = 0;
      for (const field of row) chars += field.length;
      if (chars > ITEM_MAX_BYTES / 4) checkItemSize(Buffer.byteLength(JSON.stringify(item)), loc, "A row");
      batch.push(item);
    }
    if (batch.length) yield { source, values: batch };
  }
}

function checkItemSize(bytes: number, loc: S3Location, what: string): void {
  if (bytes > ITEM_MAX_BYTES) {
    throw readerFailed(loc, `${what} is ${bytes} bytes; Step Functions reads items of up to 8 MB`);
  }
}

function checkHeaderSize(headers: readonly string[], delimiter: string, loc: S3Location): void {
  const bytes = Buffer.byteLength(headers.join(delimiter), "utf-8");
  if (bytes > CSV_HEADER_MAX_BYTES) {
    throw readerFailed(loc, `The CSV header is ${bytes} bytes; Step Functions supports CSV headers of up to 10 KiB`);
  }
}

/** The item shape AWS passes for each listed object. */
export interface ListedObjectItem {
  [key: string]: JsonValue;
  Etag: string;
  Key: string;
  LastModified: number;
  Size: number;
  StorageClass: string;
}

/**
 * Every page of the listing (ContinuationToken), one item per object, in AWS's shape:
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html (S3 objects):
 * `{"Etag": "\"05704fbdccb224cb01c59005bebbad28\"", "Key": "processData/images/n02085620_1073.jpg",
 *   "LastModified": 1668699881, "Size": 34910, "StorageClass": "STANDARD"}` —
 * the ETag keeps its quotes and LastModified is epoch seconds.
 */
export async function* listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string | undefined,
  signal?: AbortSignal,
): AsyncGenerator<ListedObjectItem[]> {
  const { ListObjectsV2Command } = await s3Sdk();
  let token: string | undefined;
  do {
    let page;
    try {
      page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw readerFailed({ bucket, key: prefix ? `${prefix}*` : undefined }, "Could not list the objects", err);
    }
    const items: ListedObjectItem[] = [];
    for (const obj of page.Contents ?? []) {
      if (obj.Key === undefined) continue;
      items.push({
        Etag: obj.ETag ?? "",
        Key: obj.Key,
        LastModified: obj.LastModified ? Math.floor(obj.LastModified.getTime() / 1000) : 0,
        Size: obj.Size ?? 0,
        StorageClass: obj.StorageClass ?? "STANDARD",
      });
    }
    yield items;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

const inventoryManifest = z.object({
  sourceBucket: z.string().optional(),
  destinationBucket: z.string().min(1),
  fileFormat: z.string(),
  fileSchema: z.string().min(1),
  files: z.array(z.object({ key: z.string().min(1) }).passthrough()),
}).passthrough();

/**
 * MANIFEST datasets. https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * - S3 Inventory (`manifest.json`): the data files are CSV (gzip) in the destination bucket, no
 *   header row; the columns are the manifest's `fileSchema`; each row becomes an item whose values
 *   are strings, e.g. `{"LastModifiedDate":"...","Bucket":"...","Size":"3399671","Key":"..."}`.
 *   Only the CSV inventory format is supported by Step Functions.
 * - Athena (`ManifestType: ATHENA_DATA`): the manifest is a CSV listing of the `s3://` URIs of the
 *   data files, each read with `InputType` (CSV, JSONL or PARQUET). Athena's UNLOAD CSV has no
 *   header row, so CSV needs `CSVHeaderLocation: GIVEN`.
 */
async function* readManifest(s3: S3Client, loc: S3Location, cfg: ReaderConfig, signal?: AbortSignal): AsyncGenerator<ItemBatch> {
  if (cfg.ManifestType === "ATHENA_DATA") {
    const dataType = cfg.InputType === "MANIFEST" || cfg.InputType === undefined ? "CSV" : cfg.InputType;
    const uris: string[] = [];
    for await (const lines of splitLines(readObjectText(s3, loc, signal))) {
      for (const line of lines) {
        const uri = line.trim().replace(/^"|"$/g, "");
        if (uri) uris.push(uri);
      }
    }
    for (const uri of uris) {
      const m = /^s3:\/\/([^/]+)\/(.+)$/i.exec(uri);
      if (!m) throw readerFailed(loc, `The Athena manifest lists ${JSON.stringify(uri)}, which is not an s3:// URI`);
      yield* readObjectItems(s3, { bucket: m[1], key: m[2] }, cfg, dataType, signal);
    }
    return;
  }
  // A manifest.json lists file keys: small; the item limit is a generous bound for it.
  const text = await readWholeObject(s3, loc, ITEM_MAX_BYTES, signal);
  let manifest: z.infer<typeof inventoryManifest>;
  try {
    manifest = inventoryManifest.parse(JSON.parse(text));
  } catch (err) {
    throw readerFailed(loc, "The object is not an S3 Inventory manifest.json", err);
  }
  if (manifest.fileFormat.toUpperCase() !== "CSV") {
    throw readerFailed(loc, `S3 Inventory fileFormat ${manifest.fileFormat} is not supported: Step Functions reads CSV inventories`);
  }
  const bucket = manifest.destinationBucket.replace(/^arn:aws[a-z-]*:s3:::/, "");
  const headers = manifest.fileSchema.split(",").map((h) => h.trim());
  for (const file of manifest.files) {
    const dataLoc = { bucket, key: file.key };
    yield* readCsvItems(readObjectText(s3, dataLoc, signal), dataLoc, { CSVDelimiter: "COMMA" }, s3Uri(dataLoc), headers);
  }
}
