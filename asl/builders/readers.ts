/**
 * Distributed Map data sources (ItemReader) and result sinks (ResultWriter).
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 *
 * Bucket and key are literals, path() or jsonata() values; they render as `Parameters` in a JSONPath
 * state and as `Arguments` in a JSONata state (rendering the right one per query language is the
 * lesson of aws-cdk #35403, where ResultWriter came out in the wrong one).
 */
import {
  S3_GET_OBJECT,
  S3_LIST_OBJECTS_V2,
  S3_PUT_OBJECT,
  type CsvDelimiter,
  type ItemReader as ItemReaderJson,
  type ItemReaderInputType,
  type JsonObject,
  type ReaderConfig,
  type ResultWriter as ResultWriterJson,
  type ResultWriterOutputType,
  type ResultWriterTransformation,
} from "../types";
import { BuilderError } from "./errors";
import { compact } from "./state";
import { renderTemplate, renderTwin, type RenderSite, type Template, type ValueOrDynamic } from "./values";

export interface S3ObjectLocation {
  readonly bucket: ValueOrDynamic<string>;
  readonly key: ValueOrDynamic<string>;
  /** For versioned buckets. */
  readonly versionId?: ValueOrDynamic<string>;
}

export interface ReaderLimitOptions {
  /** Reads at most this many items (ReaderConfig MaxItems / MaxItemsPath). */
  readonly maxItems?: ValueOrDynamic<number>;
}

/** What a reader reads, for the permissions derivation and the engine (no rendering needed). */
export type ItemReaderSource =
  | { readonly action: "s3:getObject"; readonly inputType: ItemReaderInputType; readonly location: S3ObjectLocation }
  | { readonly action: "s3:listObjectsV2"; readonly bucket: ValueOrDynamic<string>; readonly prefix?: ValueOrDynamic<string> };

/** An ItemReader ready to place in a distributedMap. Make one with the s3...Reader functions. */
export class ItemReaderSpec {
  readonly kind = "itemReader" as const;
  constructor(
    readonly source: ItemReaderSource,
    private readonly config: Omit<ReaderConfig, "MaxItems" | "MaxItemsPath">,
    private readonly maxItems: ValueOrDynamic<number> | undefined,
  ) {}

  render(site: RenderSite): ItemReaderJson {
    const readerSite = { ...site, field: "ItemReader" };
    const location: Template =
      this.source.action === "s3:getObject"
        ? compact({ Bucket: this.source.location.bucket, Key: this.source.location.key, VersionId: this.source.location.versionId })
        : compact({ Bucket: this.source.bucket, Prefix: this.source.prefix });
    const readerConfig = compact({
      ...this.config,
      ...renderTwin("MaxItems", this.maxItems, { ...readerSite, field: "ItemReader.ReaderConfig.MaxItems" }),
    }) as ReaderConfig;
    const args = renderTemplate(location, {
      ...readerSite,
      field: site.queryLanguage === "JSONPath" ? "ItemReader.Parameters" : "ItemReader.Arguments",
    });
    return compact({
      Resource: this.source.action === "s3:getObject" ? S3_GET_OBJECT : S3_LIST_OBJECTS_V2,
      ReaderConfig: Object.keys(readerConfig).length ? readerConfig : undefined,
      Parameters: site.queryLanguage === "JSONPath" ? args : undefined,
      Arguments: site.queryLanguage === "JSONata" ? args : undefined,
    });
  }
}

function getObject(
  inputType: ItemReaderInputType,
  location: S3ObjectLocation,
  config: Omit<ReaderConfig, "InputType">,
  maxItems?: ValueOrDynamic<number>,
): ItemReaderSpec {
  if (location.bucket === undefined || location.key === undefined) {
    throw new BuilderError(`${inputType} reader: bucket and key are required`);
  }
  return new ItemReaderSpec({ action: "s3:getObject", inputType, location }, { InputType: inputType, ...config }, maxItems);
}

export interface S3JsonReaderOptions extends S3ObjectLocation, ReaderLimitOptions {
  /**
   * When the file holds a JSON object rather than an array: a JSON pointer to the array inside it
   * (e.g. "/data/items").
   */
  readonly itemsPointer?: string;
}

/** Items from a JSON file in S3: an array, or an array inside an object (itemsPointer). */
export function s3JsonReader(options: S3JsonReaderOptions): ItemReaderSpec {
  if (options.itemsPointer !== undefined && !/^(\/[^/]*)*$/.test(options.itemsPointer)) {
    throw new BuilderError(
      `s3JsonReader: itemsPointer must be a JSON pointer like "/data/items" (got ${JSON.stringify(options.itemsPointer)})`,
    );
  }
  return getObject("JSON", options, compact({ ItemsPointer: options.itemsPointer }), options.maxItems);
}

/** Items from a JSON Lines file in S3: one item per line. */
export function s3JsonlReader(options: S3ObjectLocation & ReaderLimitOptions): ItemReaderSpec {
  return getObject("JSONL", options, {}, options.maxItems);
}

export interface CsvOptions {
  /**
   * Column names. Given: the file has no header row and these names are used (CSVHeaderLocation GIVEN).
   * Omitted: the first row is the header (CSVHeaderLocation FIRST_ROW).
   */
  readonly headers?: readonly string[];
  /** Defaults to COMMA on AWS. */
  readonly delimiter?: CsvDelimiter;
}

function csvConfig(options: CsvOptions, who: string): Pick<ReaderConfig, "CSVHeaderLocation" | "CSVHeaders" | "CSVDelimiter"> {
  if (options.headers !== undefined && options.headers.length === 0) {
    throw new BuilderError(`${who}: headers must name at least one column (omit it to read the header from the first row)`);
  }
  return compact({
    CSVHeaderLocation: options.headers ? ("GIVEN" as const) : ("FIRST_ROW" as const),
    CSVHeaders: options.headers ? [...options.headers] : undefined,
    CSVDelimiter: options.delimiter,
  });
}

/** Items from a CSV (or other delimited) file in S3: one item per row, keyed by column name. */
export function s3CsvReader(options: S3ObjectLocation & ReaderLimitOptions & CsvOptions): ItemReaderSpec {
  return getObject("CSV", options, csvConfig(options, "s3CsvReader"), options.maxItems);
}

/**
 * Items from a Parquet file in S3: one item per row. Parquet readers take no VersionId
 * (input-output-itemreader.html: "Parquet ... does not support VersionId").
 */
export function s3ParquetReader(
  options: Omit<S3ObjectLocation, "versionId"> & ReaderLimitOptions & { readonly versionId?: never },
): ItemReaderSpec {
  return getObject("PARQUET", options, {}, options.maxItems);
}

/**
 * A manifest that lists the objects to read.
 * - `{ manifest: "S3_INVENTORY_MANIFEST_JSON" }` (default): an S3 Inventory `manifest.json` (InputType MANIFEST);
 *   each item is one object of the inventory.
 * - `{ manifest: "S3_INVENTORY" }`: ManifestType S3_INVENTORY; AWS says not to give an InputType (CSV is assumed).
 * - `{ manifest: "ATHENA_DATA", dataInputType }`: the manifest of an Athena UNLOAD; each item is a row of the
 *   data files, whose format is dataInputType. Athena's CSV files have no header row, so give `headers`.
 */
export type S3ManifestReaderOptions = S3ObjectLocation &
  ReaderLimitOptions &
  (
    | { readonly manifest?: "S3_INVENTORY_MANIFEST_JSON" | "S3_INVENTORY"; readonly dataInputType?: never }
    | { readonly manifest: "ATHENA_DATA"; readonly dataInputType: "JSONL" | "PARQUET" }
    | ({ readonly manifest: "ATHENA_DATA"; readonly dataInputType: "CSV" } & CsvOptions)
  );

export function s3ManifestReader(options: S3ManifestReaderOptions): ItemReaderSpec {
  if (options.manifest === "ATHENA_DATA") {
    if (!options.dataInputType) throw new BuilderError(`s3ManifestReader: ATHENA_DATA needs dataInputType (CSV, JSONL or PARQUET)`);
    // AWS's Athena example gives no CSVHeaderLocation (UNLOAD's CSV has no header row), so only what was asked for is rendered.
    const csv =
      options.dataInputType === "CSV" && (options.headers !== undefined || options.delimiter !== undefined)
        ? csvConfig(options, "s3ManifestReader")
        : {};
    return getObject(options.dataInputType, options, { ManifestType: "ATHENA_DATA", ...csv }, options.maxItems);
  }
  if (options.dataInputType) throw new BuilderError(`s3ManifestReader: dataInputType applies only to manifest ATHENA_DATA`);
  if (options.manifest === "S3_INVENTORY") {
    if (options.bucket === undefined || options.key === undefined)
      throw new BuilderError(`S3_INVENTORY reader: bucket and key are required`);
    return new ItemReaderSpec(
      { action: "s3:getObject", inputType: "MANIFEST", location: options },
      { ManifestType: "S3_INVENTORY" },
      options.maxItems,
    );
  }
  return getObject("MANIFEST", options, {}, options.maxItems);
}

export interface S3ListReaderOptions extends ReaderLimitOptions {
  readonly bucket: ValueOrDynamic<string>;
  readonly prefix?: ValueOrDynamic<string>;
  /**
   * Load each listed object and iterate over the items inside them instead of over the object list
   * (ReaderConfig Transformation LOAD_AND_FLATTEN with the objects' InputType).
   */
  readonly loadAndFlatten?: { readonly inputType: "JSON" | "JSONL" | "PARQUET" } | ({ readonly inputType: "CSV" } & CsvOptions);
}

/** Items are the objects under a bucket/prefix (one `s3:listObjectsV2` item per object, every page). */
export function s3ListReader(options: S3ListReaderOptions): ItemReaderSpec {
  if (options.bucket === undefined) throw new BuilderError(`s3ListReader: bucket is required`);
  const flatten = options.loadAndFlatten;
  const config: Omit<ReaderConfig, "MaxItems" | "MaxItemsPath"> = flatten
    ? compact({
        Transformation: "LOAD_AND_FLATTEN" as const,
        InputType: flatten.inputType,
        ...(flatten.inputType === "CSV" ? csvConfig(flatten, "s3ListReader") : {}),
      })
    : {};
  return new ItemReaderSpec({ action: "s3:listObjectsV2", bucket: options.bucket, prefix: options.prefix }, config, options.maxItems);
}

export interface WriterConfigOptions {
  readonly outputType: ResultWriterOutputType;
  readonly transformation?: ResultWriterTransformation;
}

/** Where a Distributed Map writes its results, and in what shape. */
export class ResultWriterSpec {
  readonly kind = "resultWriter" as const;
  constructor(
    readonly destination: { readonly bucket: ValueOrDynamic<string>; readonly prefix?: ValueOrDynamic<string> } | undefined,
    private readonly writerConfig: WriterConfigOptions | undefined,
  ) {}

  render(site: RenderSite): ResultWriterJson {
    const writer =
      this.writerConfig && compact({ OutputType: this.writerConfig.outputType, Transformation: this.writerConfig.transformation });
    if (!this.destination) return { WriterConfig: writer };
    const field = site.queryLanguage === "JSONPath" ? "ResultWriter.Parameters" : "ResultWriter.Arguments";
    const args: JsonObject = renderTemplate(compact({ Bucket: this.destination.bucket, Prefix: this.destination.prefix }), {
      ...site,
      field,
    });
    return compact({
      Resource: S3_PUT_OBJECT,
      Parameters: site.queryLanguage === "JSONPath" ? args : undefined,
      Arguments: site.queryLanguage === "JSONata" ? args : undefined,
      WriterConfig: writer,
    });
  }
}

/**
 * Writes the Map Run's results to S3 (manifest.json plus SUCCEEDED/FAILED/PENDING files under
 * `prefix`), optionally reshaped by WriterConfig.
 */
export function s3ResultWriter(options: {
  readonly bucket: ValueOrDynamic<string>;
  readonly prefix?: ValueOrDynamic<string>;
  readonly writerConfig?: WriterConfigOptions;
}): ResultWriterSpec {
  if (options.bucket === undefined) throw new BuilderError(`s3ResultWriter: bucket is required`);
  return new ResultWriterSpec({ bucket: options.bucket, prefix: options.prefix }, options.writerConfig);
}

/**
 * A ResultWriter with only WriterConfig: the results are not exported to S3 but returned in the
 * state output, reshaped (AWS accepts this form).
 */
export function resultWriterConfig(writerConfig: WriterConfigOptions): ResultWriterSpec {
  return new ResultWriterSpec(undefined, writerConfig);
}
