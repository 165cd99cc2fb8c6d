/**
 * The one list of what this project deploys and runs: its Lambda functions (handler + per-function
 * settings) and its workflows (each a `build(config, resources)` returning the builder machine).
 * index.ts deploys every entry generically (one state machine, derived role and log group per
 * workflow; Lambdas shared by name) and the local CLI runs the same entries, so adding a workflow
 * here is all it takes.
 *
 * Pulumi-free: the local CLI imports it.
 */
import { lambda, type AnyLambdaRef, type StateMachine } from "../asl/builders";
import type { StackConfig } from "../config/schema";
import { captureInput } from "../handlers/capture-input";
import { countWords, reduceCounts } from "../handlers/map-reduce";
import { processData } from "../handlers/process-data";
import { mapReducePrefixes, mapReduceWorkflow } from "../workflows/map-reduce";
import { seedWorkflow } from "../workflows/seed";

/** The bucket areas a function may touch: the payload prefix or the results prefix of the stack. */
export type BucketArea = "payload" | "results";

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

/** The key prefix of an area's folder: `<payloadPrefix|resultsPrefix><folder>`. */
export function areaPrefix(config: Pick<StackConfig, "payloadPrefix" | "resultsPrefix">, area: BucketArea, folder: string): string {
  return `${area === "payload" ? config.payloadPrefix : config.resultsPrefix}${folder}`;
}

/** The seed workflow's folders inside the payload and results areas. */
export const SEED_FOLDER = "seed/";
/** The map-reduce workflow's folders (workflows/map-reduce.ts mapReducePrefixes uses the same; a test checks). */
export const MAP_REDUCE_FOLDER = "map-reduce/";

export interface LambdaSettings {
  description: string;
  /** Overrides the stack's lambdaMemoryMb. */
  memoryMb?: number;
  /** Overrides the stack's lambdaTimeoutSeconds. */
  timeoutSeconds?: number;
  /** What the handler itself does on S3; nothing unless listed (least privilege starts here). */
  s3: ReadonlyArray<LambdaS3Access>;
  /** PAYLOAD_FORMAT: must match the item reader of the workflows that read its payloads. */
  payloadFormat: "json" | "jsonl";
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
      payloadFormat: "json",
      payloadFolder: SEED_FOLDER,
    },
  },
  ProcessData: {
    ref: lambda("ProcessData", processData),
    settings: {
      description: "Processes one {from, to} item (or a batch) of the Distributed Map",
      s3: [],
      payloadFormat: "json",
    },
  },
  CountWords: {
    ref: lambda("CountWords", countWords),
    settings: {
      description: "Map step of map-reduce: bytes, lines and word counts of a batch of listed objects",
      // Reads the job's input objects, which live under the payload prefix (payloadPrefix/map-reduce/).
      s3: [{ area: "payload", folder: MAP_REDUCE_FOLDER, access: "read" }],
      payloadFormat: "json",
    },
  },
  ReduceCounts: {
    ref: lambda("ReduceCounts", reduceCounts),
    settings: {
      description: "Reduce step of map-reduce: aggregates the Map Run's ResultWriter manifest and result files",
      s3: [{ area: "results", folder: MAP_REDUCE_FOLDER, access: "read" }],
      payloadFormat: "json",
    },
  },
};

/** What a workflow needs to know about the deployed (or local) resources when it is built. */
export interface WorkflowResources {
  /** The payload/results bucket. */
  bucket: string;
}

export interface CatalogWorkflow {
  /** Short name; the state machine is named `<project>-<stack>-<name>`. */
  name: string;
  description: string;
  build(config: StackConfig, resources: WorkflowResources): StateMachine;
  /**
   * Where S3 locations chosen at run time (`Bucket.$`, `Key.$`) stay: passed to the permissions
   * derivation as context.dynamicS3. For the seed, the reader reads what CaptureInput wrote, so
   * under the payload prefix.
   */
  dynamicS3(config: StackConfig, resources: WorkflowResources): { bucket: string; prefix: string } | undefined;
}

const seed: CatalogWorkflow = {
  name: "seed",
  description: "The seed article's workflow: CaptureInput writes items to S3, a Distributed Map runs ProcessData on each",
  build: (config, resources) =>
    seedWorkflow(
      { captureInput: LAMBDAS.CaptureInput!.ref, processData: LAMBDAS.ProcessData!.ref },
      {
        maxConcurrency: config.maxConcurrency,
        childExecutionType: config.childExecutionType,
        batchSize: config.batchSize > 0 ? config.batchSize : undefined,
        toleratedFailurePercentage: config.toleratedFailurePercentage > 0 ? config.toleratedFailurePercentage : undefined,
        resultWriter: config.writeResults ? { bucket: resources.bucket, prefix: areaPrefix(config, "results", SEED_FOLDER) } : undefined,
      },
    ),
  // The reader reads what CaptureInput wrote: under the seed's payload folder.
  dynamicS3: (config, resources) => ({ bucket: resources.bucket, prefix: areaPrefix(config, "payload", SEED_FOLDER) }),
};

const mapReduce: CatalogWorkflow = {
  name: "map-reduce",
  description: "Seed 002's map-reduce: a Distributed Map over the objects of a prefix, 250 a batch, then a reduce over the exported results",
  build: (config, resources) =>
    mapReduceWorkflow(
      { countWords: LAMBDAS.CountWords!.ref, reduceCounts: LAMBDAS.ReduceCounts!.ref },
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
};

export const WORKFLOWS: ReadonlyArray<CatalogWorkflow> = [seed, mapReduce];

/**
 * The environment of a Lambda function (deployed, and when the local runner runs its handler):
 * PAYLOAD_BUCKET, PAYLOAD_PREFIX (the stack's payload prefix plus the function's folder),
 * PAYLOAD_FORMAT.
 */
export function lambdaEnvironment(name: string, config: Pick<StackConfig, "payloadPrefix">, bucket: string): Record<"PAYLOAD_BUCKET" | "PAYLOAD_PREFIX" | "PAYLOAD_FORMAT", string> {
  const entry = LAMBDAS[name];
  if (!entry) throw new Error(`unknown Lambda "${name}" (known: ${Object.keys(LAMBDAS).join(", ")})`);
  return {
    PAYLOAD_BUCKET: bucket,
    PAYLOAD_PREFIX: `${config.payloadPrefix}${entry.settings.payloadFolder ?? ""}`,
    PAYLOAD_FORMAT: entry.settings.payloadFormat,
  };
}

/** The catalog entry of a Lambda ref a workflow uses; fails if the workflow uses one not listed in LAMBDAS. */
export function catalogLambdaFor(ref: AnyLambdaRef, workflow: string): CatalogLambda {
  const entry = LAMBDAS[ref.name];
  if (!entry) throw new Error(`workflow ${workflow} invokes Lambda "${ref.name}", which is not in LAMBDAS (app/catalog.ts)`);
  if (entry.ref.handler !== ref.handler) throw new Error(`workflow ${workflow}: Lambda "${ref.name}" has a different handler than LAMBDAS.${ref.name}`);
  return entry;
}

export function workflowByName(name: string): CatalogWorkflow {
  const w = WORKFLOWS.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workflow "${name}" (known: ${WORKFLOWS.map((x) => x.name).join(", ")})`);
  return w;
}
