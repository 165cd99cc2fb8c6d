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
 *
 * A file per format (json.ts, csv-items.ts, parquet.ts, manifest.ts, listing.ts); items.ts: batches, limits.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import type { ItemReader, ItemReaderInputType, JsonValue, ReaderConfig } from "../../../asl/types";
import { S3_GET_OBJECT, S3_LIST_OBJECTS_V2 } from "../../../asl/types";
import { StatesError, STATES_ERRORS } from "../../model/errors";
import { readCsvItems } from "./csv-items";
import type { ItemBatch, ReaderDeps } from "./items";
import { readJsonLinesItems, readJsonObjectItems } from "./json";
import { listObjects } from "./listing";
import { readManifest } from "./manifest";
import { readParquetItems } from "./parquet";
import { readObjectText, s3Uri, type S3Location } from "./s3-object";
import { formatIssue } from "../../../asl/zod-issues";

export { CSV_HEADER_MAX_BYTES, ITEM_MAX_BYTES, JSON_FILE_MAX_BYTES, type ItemBatch, type ReaderDeps } from "./items";
export { JSON_READ_AHEAD, resolveJsonPointer } from "./json";
export { listObjects, type ListedObjectItem } from "./listing";

export const STATE_DATA_SOURCE = "STATE_DATA";

const getObjectParams = z
  .object({
    Bucket: z.string().min(1, "Bucket must be a non-empty string"),
    Key: z.string().min(1, "Key must be a non-empty string"),
    VersionId: z.string().optional(),
  })
  .passthrough();

const listParams = z
  .object({
    Bucket: z.string().min(1, "Bucket must be a non-empty string"),
    Prefix: z.string().optional(),
  })
  .passthrough();

function paramsError(issues: z.core.$ZodIssue[], field: string): StatesError {
  return new StatesError(
    STATES_ERRORS.Runtime,
    formatIssue(issues[0]!, { pathPrefix: `ItemReader ${field}.`, root: `ItemReader ${field}` }),
  );
}

/**
 * Streams the items an ItemReader describes, in batches. `maxItems` stops reading early
 * (ReaderConfig.MaxItems).
 */
export async function* readItems(reader: ItemReader, input: JsonValue, deps: ReaderDeps, maxItems?: number): AsyncGenerator<ItemBatch> {
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
      yield* readManifest(deps.s3, loc, cfg, readObjectItems, deps.signal);
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
    case "JSON":
      yield* readJsonObjectItems(s3, loc, cfg.ItemsPointer, signal);
      return;
    case "JSONL":
      yield* readJsonLinesItems(s3, loc, signal);
      return;
    case "CSV":
      yield* readCsvItems(readObjectText(s3, loc, signal), loc, cfg, source);
      return;
    case "PARQUET":
      yield* readParquetItems(s3, loc, signal);
      return;
    case "MANIFEST":
      yield* readManifest(s3, loc, cfg, readObjectItems, signal);
      return;
  }
}
