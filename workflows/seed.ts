/**
 * The seeds' workflow (seed 000_33fb1a599b3e122d): CaptureInput writes the work items to S3 and
 * returns where they are; MapData, a Distributed Map, reads that JSON array and runs ProcessData once
 * per item (or per batch) as child executions.
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
import { captureInputStep, processEachItem } from "./fragments";
import { lambda } from "../asl/builders";
import { areaPrefix } from "../app/areas";
import type { WorkflowDemo } from "../app/demo";
import type { CatalogWorkflow } from "../app/workflow";
import { captureInput, paginateInline } from "../handlers/capture-input";
import { pageCount, paginate } from "../handlers/capture-input/pages";
import { processData } from "../handlers/process-data";
import { checkExactlyOnceBySize, ObservedProcessData } from "../app/demos/checks";
import { explainFailure } from "../tools/runner/explain";

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

function parseConfig<T>(schema: z.ZodType<T>, config: unknown, who: string): T {
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ");
    throw new Error(`${who}: invalid config: ${issues}`);
  }
  return parsed.data;
}

/** The seed's Distributed Map workflow, from its Lambda references and the stack's settings. */
export function seedWorkflow(refs: SeedWorkflowRefs, config: SeedWorkflowConfig): StateMachine {
  const cfg = parseConfig(SeedWorkflowConfigSchema, config, "seedWorkflow");
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
  const cfg = parseConfig(SeedInlineWorkflowConfigSchema, config, "seedInlineWorkflow");
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

// ---------- the catalog entry: deployment and demo ----------

/** The seed workflow's folder inside the payload and results areas. */
export const SEED_FOLDER = "seed/";

/** The seed article's demo input: 100,000 numbers in chunks of 5 → 20,000 items. */
export const SEED_DEMO_INPUT = { number: 100_000, chunk: 5 } as const;

const refs = { captureInput: lambda("CaptureInput", captureInput), processData: lambda("ProcessData", processData) };

/** The inline variant's item list size, to say by how much it exceeds the limit (computed only when reasonably small). */
function inlineItemsOf(input: Record<string, unknown>): { count: number; bytes: number } | undefined {
  const number = typeof input["number"] === "number" ? input["number"] : 10;
  const chunk = typeof input["chunk"] === "number" ? input["chunk"] : 1;
  if (!Number.isInteger(number) || !Number.isInteger(chunk) || chunk < 1 || number < 0 || pageCount(number, chunk) > 1_000_000)
    return undefined;
  return { count: pageCount(number, chunk), bytes: Buffer.byteLength(JSON.stringify(paginate(number, chunk))) };
}

const seedDemo: WorkflowDemo = {
  input: () => ({ ...SEED_DEMO_INPUT }),
  // Every number of [0, number) processed exactly once, proven from ProcessData's results as the
  // ResultWriter exported them (or from the Map's output when there is no writer).
  observe: { functions: ["ProcessData"], start: () => new ObservedProcessData() },
  check: async ({ s3, output, input, observed }) =>
    checkExactlyOnceBySize(
      s3,
      output,
      typeof input["number"] === "number" ? input["number"] : 10,
      observed instanceof ObservedProcessData ? observed : undefined,
    ),
  variants: {
    inline: {
      description: "the seed's original Inline Map variant (fails at 256 KiB, as on AWS)",
      // CaptureInput returns the items inline to an Inline Map.
      build: (config) =>
        seedInlineWorkflow(
          { captureInput: lambda("CaptureInput", paginateInline), processData: refs.processData },
          { maxConcurrency: config.maxConcurrency },
        ),
      explain: (error, cause, input) =>
        explainFailure(error, cause, { state: "CaptureInput", variant: "inline", inlineItems: inlineItemsOf(input) }),
    },
  },
};

export const seedEntry: CatalogWorkflow = {
  name: "seed",
  description: "The seed article's workflow: CaptureInput writes items to S3, a Distributed Map runs ProcessData on each",
  build: (config, resources) =>
    seedWorkflow(refs, {
      maxConcurrency: config.maxConcurrency,
      childExecutionType: config.childExecutionType,
      batchSize: config.batchSize > 0 ? config.batchSize : undefined,
      toleratedFailurePercentage: config.toleratedFailurePercentage > 0 ? config.toleratedFailurePercentage : undefined,
      resultWriter: config.writeResults ? { bucket: resources.bucket, prefix: areaPrefix(config, "results", SEED_FOLDER) } : undefined,
    }),
  // The reader reads what CaptureInput wrote: under the seed's payload folder.
  dynamicS3: (config, resources) => ({ bucket: resources.bucket, prefix: areaPrefix(config, "payload", SEED_FOLDER) }),
  demo: seedDemo,
  runtimeAccess: (config) => ({
    invokes: ["CaptureInput", "ProcessData"],
    // The ItemReader reads the payload CaptureInput wrote.
    reads: [`${areaPrefix(config, "payload", SEED_FOLDER)}exec-1.json`],
    lists: [],
    resultWriterKey: config.writeResults ? `${areaPrefix(config, "results", SEED_FOLDER)}run-1/manifest.json` : undefined,
    distributedMap: true,
  }),
};
