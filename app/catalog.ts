/**
 * The one list of what this project deploys and runs: its Lambda functions (handler + per-function
 * settings) and its workflows. Each workflow is one module in workflows/ that exports its catalog
 * entry (`build(config, resources)` returning the builder machine, its own settings schema, its
 * demo); this file lists them. index.ts deploys every entry generically (one state machine, derived
 * role and log group per workflow; Lambdas shared by name) and the local CLI runs the same entries,
 * so adding a workflow is one file in workflows/ and one line in WORKFLOWS below.
 *
 * Pulumi-free: the local CLI imports it.
 */
import { lambda, type AnyLambdaRef } from "../asl/builders";
import type { StackConfig } from "../config/schema";
import { captureInput } from "../handlers/capture-input";
import { countWords, reduceCounts } from "../handlers/map-reduce";
import { processData } from "../handlers/process-data";
import { areaPrefix, type BucketArea } from "./areas";
import type { CatalogWorkflow } from "./workflow";
import { payloadFormatsReadFrom, type PayloadFormat } from "./payload-format";
import { jsonlRangesEntry } from "../workflows/jsonl-ranges";
import { MAP_REDUCE_FOLDER, mapReduceEntry } from "../workflows/map-reduce";
import { SEED_FOLDER, seedEntry } from "../workflows/seed";

export { areaPrefix, type BucketArea } from "./areas";
export { workflowSettings, WorkflowSettingsError, checkWorkflowSettings, type CatalogWorkflow, type WorkflowResources } from "./workflow";
export { SEED_FOLDER } from "../workflows/seed";
export { MAP_REDUCE_FOLDER } from "../workflows/map-reduce";

export interface LambdaS3Access {
  area: BucketArea;
  /**
   * The workflow's own folder inside the area (e.g. "seed/"). Each workflow keeps to its folders so
   * that one workflow's roles cannot reach another's objects (the least-privilege sweep checks it).
   */
  folder: string;
  /** write: PutObject (+ AbortMultipartUpload); read: GetObject; list: ListBucket limited to the prefix. */
  access: "write" | "read" | "list";
}

export interface LambdaSettings {
  description: string;
  /** Overrides the stack's lambdaMemoryMb. */
  memoryMb?: number;
  /** Overrides the stack's lambdaTimeoutSeconds. */
  timeoutSeconds?: number;
  /** What the handler itself does on S3; nothing unless listed (least privilege starts here). */
  s3: ReadonlyArray<LambdaS3Access>;
  /**
   * PAYLOAD_FORMAT. Default: inferred from the ItemReader of the Distributed Map its Task feeds in
   * the catalog's workflows (app/payload-format.ts), else "json"; when given, it must agree with them.
   */
  payloadFormat?: PayloadFormat;
  /** PAYLOAD_PREFIX is the stack's payloadPrefix plus this folder ("" when omitted). */
  payloadFolder?: string;
}

export interface CatalogLambda {
  ref: AnyLambdaRef;
  settings: LambdaSettings;
}

/** Every Lambda function of the project, by name (the name is the builder ref's name). */
export const LAMBDAS: Readonly<Record<string, CatalogLambda>> = {
  CaptureInput: {
    ref: lambda("CaptureInput", captureInput),
    settings: {
      description: "Pages {number, chunk} into {from, to} items and writes them to the payload prefix",
      // The seed article gave captureInput 1024 MB (it built the whole array in memory); ours streams.
      s3: [{ area: "payload", folder: SEED_FOLDER, access: "write" }],
      // PAYLOAD_FORMAT: inferred from the seed's reader (s3JsonReader → "json").
      payloadFolder: SEED_FOLDER,
    },
  },
  ProcessData: {
    ref: lambda("ProcessData", processData),
    settings: {
      description: "Processes one {from, to} item (or a batch) of the Distributed Map",
      s3: [],
    },
  },
  CountWords: {
    ref: lambda("CountWords", countWords),
    settings: {
      description: "Map step of map-reduce: bytes, lines and word counts of a batch of listed objects",
      // Reads the job's input objects, which live under the payload prefix (payloadPrefix/map-reduce/).
      s3: [{ area: "payload", folder: MAP_REDUCE_FOLDER, access: "read" }],
    },
  },
  ReduceCounts: {
    ref: lambda("ReduceCounts", reduceCounts),
    settings: {
      description: "Reduce step of map-reduce: aggregates the Map Run's ResultWriter manifest and result files",
      s3: [{ area: "results", folder: MAP_REDUCE_FOLDER, access: "read" }],
    },
  },
};

/** Every workflow of the project: one line each (the entry lives with its workflow in workflows/). */
export const WORKFLOWS: ReadonlyArray<CatalogWorkflow> = [seedEntry, mapReduceEntry, jsonlRangesEntry];

/**
 * The environment of a Lambda function (deployed, and when the local runner runs its handler):
 * PAYLOAD_BUCKET, PAYLOAD_PREFIX (the stack's payload prefix plus the function's folder),
 * PAYLOAD_FORMAT.
 */
export function lambdaEnvironment(
  name: string,
  config: StackConfig,
  bucket: string,
): Record<"PAYLOAD_BUCKET" | "PAYLOAD_PREFIX" | "PAYLOAD_FORMAT", string> {
  const entry = LAMBDAS[name];
  if (!entry) throw new Error(`unknown Lambda "${name}" (known: ${Object.keys(LAMBDAS).join(", ")})`);
  return {
    PAYLOAD_BUCKET: bucket,
    PAYLOAD_PREFIX: `${config.payloadPrefix}${entry.settings.payloadFolder ?? ""}`,
    PAYLOAD_FORMAT: payloadFormatOf(name, entry.settings.payloadFormat, config),
  };
}

/** The function's payload format: what the readers of its output expect (one), or the declared one, which must agree. */
export function payloadFormatOf(
  name: string,
  declared: PayloadFormat | undefined,
  config: StackConfig,
  workflows: ReadonlyArray<CatalogWorkflow> = WORKFLOWS,
): PayloadFormat {
  const machines = workflows.map((w) => w.build(config, { bucket: "payload-format-inference" }));
  const read = payloadFormatsReadFrom(name, machines);
  if (read.size > 1)
    throw new Error(
      `Lambda "${name}": its output feeds readers of different formats (${[...read].join(", ")}); one payload cannot be both`,
    );
  const inferred = [...read][0];
  if (declared !== undefined && inferred !== undefined && declared !== inferred) {
    throw new Error(`Lambda "${name}": payloadFormat "${declared}" but the ItemReader that reads its output expects "${inferred}"`);
  }
  return declared ?? inferred ?? "json";
}

/** The catalog entry of a Lambda ref a workflow uses; fails if the workflow uses one not listed in LAMBDAS. */
export function catalogLambdaFor(ref: AnyLambdaRef, workflow: string): CatalogLambda {
  const entry = LAMBDAS[ref.name];
  if (!entry) throw new Error(`workflow ${workflow} invokes Lambda "${ref.name}", which is not in LAMBDAS (app/catalog.ts)`);
  if (entry.ref.handler !== ref.handler)
    throw new Error(`workflow ${workflow}: Lambda "${ref.name}" has a different handler than LAMBDAS.${ref.name}`);
  return entry;
}

export function workflowByName(name: string): CatalogWorkflow {
  const w = WORKFLOWS.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workflow "${name}" (known: ${WORKFLOWS.map((x) => x.name).join(", ")})`);
  return w;
}
