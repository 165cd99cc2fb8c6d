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
import { processData } from "../handlers/process-data";
import { seedWorkflow } from "../workflows/seed";

/** The bucket areas a function may touch: the payload prefix or the results prefix of the stack. */
export type BucketArea = "payload" | "results";

export interface LambdaS3Access {
  area: BucketArea;
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
  /** PAYLOAD_FORMAT: must match the item reader of the workflows that read its payloads. */
  payloadFormat: "json" | "jsonl";
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
      s3: [{ area: "payload", access: "write" }],
      payloadFormat: "json",
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
        resultWriter: config.writeResults ? { bucket: resources.bucket, prefix: config.resultsPrefix } : undefined,
      },
    ),
  dynamicS3: (config, resources) => ({ bucket: resources.bucket, prefix: config.payloadPrefix }),
};

export const WORKFLOWS: ReadonlyArray<CatalogWorkflow> = [seed];

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
