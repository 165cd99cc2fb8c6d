/**
 * A Distributed Map whose ItemReader reads `{from, to}` ranges from a JSON Lines object, runs
 * ProcessData on each range (or batch) and exports the results with a ResultWriter.
 *
 * The definition only (asl): its stack settings, deployment and demo are app/demos/jsonl-ranges.ts.
 */
import { z } from "zod";
import { distributedMap, machine, s3JsonlReader, s3ResultWriter, type AnyLambdaRef, type StateMachine } from "../asl/builders";
import { parseWorkflowConfig, processEachItem } from "./fragments";

export interface JsonlRangesRefs {
  /** `{from, to}` (or a batch of them) → its result. */
  readonly processData: AnyLambdaRef;
}

export const JsonlRangesWorkflowConfigSchema = z
  .object({
    bucket: z.string().min(1, "must not be empty"),
    /** The JSON Lines object's key. */
    key: z.string().min(1, "must not be empty"),
    /** Where the ResultWriter writes. */
    resultsPrefix: z.string(),
    /** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html — MaxItemsPerBatch; omitted = no ItemBatcher. */
    batchSize: z.number().int("must be an integer").min(1, "must be ≥ 1").optional(),
    /** 0 = as many as AWS allows (10,000). */
    maxConcurrency: z.number().int("must be an integer").min(0, "must be ≥ 0").max(10_000, "must be ≤ 10000 (Distributed Map limit)"),
    childExecutionType: z.enum(["STANDARD", "EXPRESS"]),
    toleratedFailurePercentage: z.number().min(0, "must be ≥ 0").max(100, "must be ≤ 100").optional(),
  })
  .strict();

export type JsonlRangesWorkflowConfig = z.input<typeof JsonlRangesWorkflowConfigSchema>;

export function jsonlRangesWorkflow(refs: JsonlRangesRefs, config: JsonlRangesWorkflowConfig): StateMachine {
  const cfg = parseWorkflowConfig(JsonlRangesWorkflowConfigSchema, config, "jsonlRangesWorkflow");
  return machine(
    distributedMap("MapRanges", {
      reader: s3JsonlReader({ bucket: cfg.bucket, key: cfg.key }),
      batcher: cfg.batchSize !== undefined ? { maxItemsPerBatch: cfg.batchSize } : undefined,
      maxConcurrency: cfg.maxConcurrency,
      childExecution: cfg.childExecutionType,
      toleratedFailurePercentage: cfg.toleratedFailurePercentage,
      resultWriter: s3ResultWriter({ bucket: cfg.bucket, prefix: cfg.resultsPrefix }),
      processor: processEachItem(refs.processData),
    }),
    { type: "STANDARD", comment: "ProcessData over {from, to} ranges read from a JSON Lines object" },
  );
}
