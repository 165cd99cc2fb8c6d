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
 *
 * The definition only (asl): its deployment and demo are app/demos/map-reduce.ts.
 */
import { z } from "zod";
import { distributedMap, machine, s3ListReader, s3ResultWriter, task, type AnyLambdaRef, type StateMachine } from "../asl/builders";
import { parseWorkflowConfig, processEachItem } from "./fragments";

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

export function mapReduceWorkflow(refs: MapReduceRefs, config: MapReduceWorkflowConfig): StateMachine {
  const cfg = parseWorkflowConfig(MapReduceWorkflowConfigSchema, config, "mapReduceWorkflow");
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
