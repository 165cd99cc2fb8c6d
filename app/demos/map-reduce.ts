/**
 * The map-reduce workflow (workflows/map-reduce.ts) in this project: its catalog entry (the
 * definition built with the registry's Lambda refs, its input and results under the stack's areas)
 * and its demo (a generated data set of N objects, the reduce's totals checked against it).
 */
import type { ReduceResult } from "../../handlers/map-reduce/reduce-counts";
import { mapReduceWorkflow } from "../../workflows/map-reduce";
import { areaPrefix, MAP_REDUCE_FOLDER } from "../areas";
import type { WorkflowDemo } from "../demo";
import { LAMBDAS } from "../lambdas";
import type { CatalogWorkflow } from "../workflow";
import { checkMapReduceTotals } from "./checks";
import { uploadDataset, type DatasetTotals } from "./dataset";

/**
 * Where the job reads and writes within the stack's bucket areas: its input under the payload prefix
 * and its results under the results prefix, so the stack's per-area grants and lifecycle rules cover them.
 */
export function mapReducePrefixes(areas: { readonly payloadPrefix: string; readonly resultsPrefix: string }): {
  inputPrefix: string;
  resultsPrefix: string;
} {
  return { inputPrefix: areaPrefix(areas, "payload", MAP_REDUCE_FOLDER), resultsPrefix: areaPrefix(areas, "results", MAP_REDUCE_FOLDER) };
}

/** Objects generated for the demo when --objects is not given: more than one 1,000-key listObjectsV2 page. */
export const DEFAULT_OBJECTS = 1_500;

const refs = { countWords: LAMBDAS.CountWords.ref, reduceCounts: LAMBDAS.ReduceCounts.ref };

/** A count as the summary prints counts (1,500). */
const count = (n: number): string => n.toLocaleString("en-US");

const mapReduceDemo: WorkflowDemo<DatasetTotals> = {
  input: () => ({}),
  sizeFlag: {
    description: "how many objects to generate under the input prefix (default 1,500: two listObjectsV2 pages)",
    default: DEFAULT_OBJECTS,
    max: 1_000_000,
  },
  dataset: async ({ s3, bucket, config, size, signal, putObjects, onProgress, seededRandom }) => {
    const prefix = mapReducePrefixes(config).inputPrefix;
    const totals = await uploadDataset(s3, bucket, prefix, size ?? DEFAULT_OBJECTS, { seededRandom, signal, putObjects, onProgress });
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
          .map((w) => `${w.word} ${count(w.count)}`)
          .join(", "),
      ]);
    if (o.batches) lines.push(["Batches", `${count(o.batches.succeeded)} succeeded, ${count(o.batches.failed)} failed`]);
    return lines;
  },
};

export const mapReduceEntry: CatalogWorkflow = {
  name: "map-reduce",
  description:
    "Seed 002's map-reduce: a Distributed Map over the objects of a prefix, 250 a batch, then a reduce over the exported results",
  build: (config, resources) =>
    mapReduceWorkflow(refs, {
      bucket: resources.bucket,
      ...mapReducePrefixes(config),
      batchSize: 250,
      maxConcurrency: config.maxConcurrency,
      childExecutionType: config.childExecutionType,
      toleratedFailurePercentage: config.toleratedFailurePercentage,
    }),
  // Every S3 location is static in this definition.
  dynamicS3: () => undefined,
  demo: mapReduceDemo,
  runtimeAccess: (config) => ({
    invokes: [refs.countWords.name, refs.reduceCounts.name],
    reads: [],
    lists: [mapReducePrefixes(config).inputPrefix],
    resultWriterKey: `${mapReducePrefixes(config).resultsPrefix}run-1/SUCCEEDED_0.json`,
    distributedMap: true,
  }),
};
