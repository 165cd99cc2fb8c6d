/**
 * MANIFEST datasets (S3 Inventory, Athena). The data files an Athena manifest lists are read by
 * InputType through `readObject`, given by readers/index.ts (so this file does not import it back).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import type { ItemReaderInputType, ReaderConfig } from "../../../asl/types";
import { readCsvItems } from "./csv-items";
import { ITEM_MAX_BYTES, type ItemBatch } from "./items";
import { readerFailed, readObjectText, readWholeObject, s3Uri, splitLines, type S3Location } from "./s3-object";

/** Reads one object's items by InputType (readers/index.ts's readObjectItems). */
export type ReadObjectItems = (
  s3: S3Client,
  loc: S3Location,
  cfg: ReaderConfig,
  inputType: ItemReaderInputType | undefined,
  signal?: AbortSignal,
) => AsyncGenerator<ItemBatch>;

const inventoryManifest = z
  .object({
    sourceBucket: z.string().optional(),
    destinationBucket: z.string().min(1),
    fileFormat: z.string(),
    fileSchema: z.string().min(1),
    files: z.array(z.object({ key: z.string().min(1) }).passthrough()),
  })
  .passthrough();

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
export async function* readManifest(
  s3: S3Client,
  loc: S3Location,
  cfg: ReaderConfig,
  readObjectItems: ReadObjectItems,
  signal?: AbortSignal,
): AsyncGenerator<ItemBatch> {
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
