/**
 * The seeds' workflow (seed 000_33fb1a599b3e122d): CaptureInput writes the work items to S3 and
 * returns where they are; MapData, a Distributed Map, reads that JSON array and runs ProcessData once
 * per item (or per batch) as child executions.
 * The definition only (asl): its deployment and demo are app/demos/seed.ts.
 *
 * `seedInlineWorkflow` is the article's original Inline Map version, kept to show (and test) why it
 * fails: the whole item array travels through the state payload, which is capped at 256 KiB.
 */
import { z } from "zod";
import {
  distributedMap,
  inlineMap,
  machine,
  path,
  s3JsonReader,
  s3ResultWriter,
  type AnyLambdaRef,
  type StateMachine,
} from "../asl/builders";
import { captureInputStep, parseWorkflowConfig, processEachItem } from "./fragments";

export interface SeedWorkflowRefs {
  readonly captureInput: AnyLambdaRef;
  readonly processData: AnyLambdaRef;
}

/** The stack settings the seed workflow depends on. Checked with zod: a bad value names its field. */
export const SeedWorkflowConfigSchema = z
  .object({
    /** https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — "up to 10,000 parallel child workflow executions"; 0 means as many as possible. */
    maxConcurrency: z.number().int("must be an integer").min(0, "must be ≥ 0").max(10_000, "must be ≤ 10000 (Distributed Map limit)"),
    childExecutionType: z.enum(["STANDARD", "EXPRESS"]),
    batchSize: z.number().int("must be an integer").min(1, "must be ≥ 1").optional(),
    /** Decimals are valid on AWS (e.g. 0.5). */
    toleratedFailurePercentage: z.number().min(0, "must be ≥ 0").max(100, "must be ≤ 100").optional(),
    resultWriter: z
      .object({
        bucket: z.string().min(1, "must not be empty"),
        prefix: z.string(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SeedWorkflowConfig = z.input<typeof SeedWorkflowConfigSchema>;

/** The seed's Distributed Map workflow, from its Lambda references and the stack's settings. */
export function seedWorkflow(refs: SeedWorkflowRefs, config: SeedWorkflowConfig): StateMachine {
  const cfg = parseWorkflowConfig(SeedWorkflowConfigSchema, config, "seedWorkflow");
  return machine(
    captureInputStep(refs.captureInput).next(
      distributedMap("MapData", {
        maxConcurrency: cfg.maxConcurrency,
        // CaptureInput returns { bucket, key, count }; the seed's own handler returned { bucket, path }.
        reader: s3JsonReader({ bucket: path("$.bucket"), key: path("$.key") }),
        batcher: cfg.batchSize !== undefined ? { maxItemsPerBatch: cfg.batchSize } : undefined,
        toleratedFailurePercentage: cfg.toleratedFailurePercentage,
        resultWriter: cfg.resultWriter && s3ResultWriter({ bucket: cfg.resultWriter.bucket, prefix: cfg.resultWriter.prefix }),
        childExecution: cfg.childExecutionType,
        processor: processEachItem(refs.processData),
      }),
    ),
    { type: "STANDARD" },
  );
}

export const SeedInlineWorkflowConfigSchema = z
  .object({
    maxConcurrency: z.number().int("must be an integer").min(0, "must be ≥ 0"),
    /** "Iterator" (default) renders exactly as the seed did; "ItemProcessor" is the current name of the same field. */
    processorField: z.enum(["Iterator", "ItemProcessor"]).optional(),
  })
  .strict();

export type SeedInlineWorkflowConfig = z.input<typeof SeedInlineWorkflowConfigSchema>;

/**
 * The seed's original Inline Map workflow, rendered as the article's serverless.yml wrote it
 * (`InputPath: $`, the processor under the legacy name `Iterator`). CaptureInput must return the
 * item array itself here.
 */
export function seedInlineWorkflow(refs: SeedWorkflowRefs, config: SeedInlineWorkflowConfig): StateMachine {
  const cfg = parseWorkflowConfig(SeedInlineWorkflowConfigSchema, config, "seedInlineWorkflow");
  return machine(
    captureInputStep(refs.captureInput).next(
      inlineMap("MapData", {
        maxConcurrency: cfg.maxConcurrency,
        inputPath: "$",
        legacyIterator: (cfg.processorField ?? "Iterator") === "Iterator",
        processor: processEachItem(refs.processData),
      }),
    ),
    { type: "STANDARD" },
  );
}
