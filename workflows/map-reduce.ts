/**
 * A map-reduce job over many S3 objects (seed 002_f623376d726fa9d5: "a Distributed Map over the
 * objects of a prefix, batched 250 objects a batch, then a step that processes the exported results").
 *
 *   MapObjects  Distributed Map over s3:listObjectsV2 of `inputPrefix` (every page), ItemBatcher of
 *               `batchSize` objects (250 as in the seed's demo), each batch a child execution running
 *               CountWords; failures tolerated up to `toleratedFailurePercentage`; results exported by
 *               a ResultWriter under `resultsPrefix`.
 *   ReduceCounts reads the ResultWriter's manifest and result files and aggregates them.
 *
 * The bucket and prefixes are static so the derived role can be narrowed to them (s3:ListBucket with
 * an s3:prefix condition, s3:PutObject under the results prefix).
 */
import { z } from "zod";
import { distributedMap, machine, s3ListReader, s3ResultWriter, task, type AnyLambdaRef, type StateMachine } from "../asl/builders";
import { processEachItem } from "./fragments";
import { lambda } from "../asl/builders";
import type { WorkflowDemo } from "../app/demo";
import type { CatalogWorkflow } from "../app/workflow";
import { countWords, reduceCounts } from "../handlers/map-reduce";
import type { ReduceResult } from "../handlers/map-reduce/reduce-counts";
import { checkMapReduceTotals } from "../app/demos/checks";
import { uploadDataset, type DatasetTotals } from "../app/demos/dataset";
import { formatCount } from "../tools/progress/format";

export interface MapReduceRefs {
  /** Map: `{Items: [listed objects], BatchInput: {bucket}}` → per-object counts and word frequencies. */
  readonly countWords: AnyLambdaRef;
  /** Reduce: the Map's `{MapRunArn, ResultWriterDetails}` → the aggregate. */
  readonly reduceCounts: AnyLambdaRef;
}

const s3Prefix = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[^/].*\/$/, "must end with '/' and not start with '/', e.g. \"datasets/words/\"");

export const MapReduceWorkflowConfigSchema = z
  .object({
    bucket: z.string().min(3, "must be a bucket name"),
    inputPrefix: s3Prefix,
    resultsPrefix: s3Prefix,
    /** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html — MaxItemsPerBatch. The seed's demo used 250. */
    batchSize: z.number().int("must be an integer").min(1, "must be ≥ 1").default(250),
    /** 0 = as many as AWS allows (10,000). */
    maxConcurrency: z.number().int("must be an integer").min(0, "must be ≥ 0").max(10_000, "must be ≤ 10000 (Distributed Map limit)"),
    childExecutionType: z.enum(["STANDARD", "EXPRESS"]),
    toleratedFailurePercentage: z.number().min(0, "must be ≥ 0").max(100, "must be ≤ 100"),
  })
  .strict();

export type MapReduceWorkflowConfig = z.input<typeof MapReduceWorkflowConfigSchema>;

/**
 * Where the job reads and writes within the stack's bucket areas: its input under the payload prefix
 * and its results under the results prefix, so the stack's per-area grants and lifecycle rules cover them.
 */
export function mapReducePrefixes(areas: { readonly payloadPrefix: string; readonly resultsPrefix: string }): {
  inputPrefix: string;
  resultsPrefix: string;
} {
  return { inputPrefix: `${areas.payloadPrefix}map-reduce/`, resultsPrefix: `${areas.resultsPrefix}map-reduce/` };
}

export function mapReduceWorkflow(refs: MapReduceRefs, config: MapReduceWorkflowConfig): StateMachine {
  const parsed = MapReduceWorkflowConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new Error(
      `mapReduceWorkflow: invalid config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ")}`,
    );
  }
  const cfg = parsed.data;
  return machine(
    distributedMap("MapObjects", {
      reader: s3ListReader({ bucket: cfg.bucket, prefix: cfg.inputPrefix }),
      // listObjectsV2 items carry no bucket name; every batch gets it next to its Items.
      batcher: { maxItemsPerBatch: cfg.batchSize, batchInput: { bucket: cfg.bucket } },
      maxConcurrency: cfg.maxConcurrency,
      toleratedFailurePercentage: cfg.toleratedFailurePercentage,
      childExecution: cfg.childExecutionType,
      resultWriter: s3ResultWriter({ bucket: cfg.bucket, prefix: cfg.resultsPrefix }),
      label: "CountWords",
      // The seed's item processor fragment, with this job's function.
      processor: processEachItem(refs.countWords, { name: "CountWords" }),
    }).next(task("ReduceCounts", refs.reduceCounts)),
    {
      type: "STANDARD",
      comment: "Map-reduce over the objects of a prefix: count words per batch of 250 objects, then aggregate the exported results.",
    },
  );
}

// ---------- the catalog entry: deployment and demo ----------

/** The map-reduce workflow's folder inside the payload and results areas (mapReducePrefixes uses the same; a test checks). */
export const MAP_REDUCE_FOLDER = "map-reduce/";

/** Objects generated for the demo when --objects is not given: more than one 1,000-key listObjectsV2 page. */
export const DEFAULT_OBJECTS = 1_500;

const mapReduceDemo: WorkflowDemo<DatasetTotals> = {
  input: () => ({}),
  sizeFlag: {
    description: "how many objects to generate under the input prefix (default 1,500: two listObjectsV2 pages)",
    default: DEFAULT_OBJECTS,
    max: 1_000_000,
  },
  dataset: async ({ s3, bucket, config, size, signal, putObjects, onProgress }) => {
    const prefix = mapReducePrefixes(config).inputPrefix;
    const totals = await uploadDataset(s3, bucket, prefix, size ?? DEFAULT_OBJECTS, { signal, putObjects, onProgress });
    return { summary: { objects: totals.objects, bytes: totals.bytes, prefix: `s3://${bucket}/${prefix}` }, expected: totals };
  },
  // The reduce step's totals equal the generated data set's.
  check: async ({ output, expected }) => (expected ? checkMapReduceTotals(output as ReduceResult, expected) : undefined),
  describeOutput: (output) => {
    const lines: Array<[string, string]> = [];
    const o = (output ?? {}) as { topWords?: Array<{ word: string; count: number }>; batches?: { succeeded: number; failed: number } };
    if (o.topWords)
      lines.push([
        "Top words",
        o.topWords
          .slice(0, 5)
          .map((w) => `${w.word} ${formatCount(w.count)}`)
          .join(", "),
      ]);
    if (o.batches) lines.push(["Batches", `${formatCount(o.batches.succeeded)} succeeded, ${formatCount(o.batches.failed)} failed`]);
    return lines;
  },
};

export const mapReduceEntry: CatalogWorkflow = {
  name: "map-reduce",
  description:
    "Seed 002's map-reduce: a Distributed Map over the objects of a prefix, 250 a batch, then a reduce over the exported results",
  build: (config, resources) =>
    mapReduceWorkflow(
      { countWords: lambda("CountWords", countWords), reduceCounts: lambda("ReduceCounts", reduceCounts) },
      {
        bucket: resources.bucket,
        ...mapReducePrefixes(config),
        batchSize: 250,
        maxConcurrency: config.maxConcurrency,
        childExecutionType: config.childExecutionType,
        toleratedFailurePercentage: config.toleratedFailurePercentage,
      },
    ),
  // Every S3 location is static in this definition.
  dynamicS3: () => undefined,
  demo: mapReduceDemo,
  runtimeAccess: (config) => ({
    invokes: ["CountWords", "ReduceCounts"],
    reads: [],
    lists: [mapReducePrefixes(config).inputPrefix],
    resultWriterKey: `${mapReducePrefixes(config).resultsPrefix}run-1/SUCCEEDED_0.json`,
    distributedMap: true,
  }),
};
