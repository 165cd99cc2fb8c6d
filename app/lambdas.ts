/**
 * The one registry of this project's Lambda functions: each function's builder ref (its name and
 * handler) and its deployment settings. Workflows' demos take their refs from here, the stack
 * deploys every entry, the handler bundle exports every handler by name, and the local runner reads
 * their settings: a function is written once.
 *
 * Pulumi-free: the local CLI imports it.
 */
import { lambda, type AnyLambdaRef } from "../asl/builders";
import { captureInput } from "../handlers/capture-input";
import { countWords, reduceCounts } from "../handlers/map-reduce";
import { processData } from "../handlers/process-data";
import { MAP_REDUCE_FOLDER, SEED_FOLDER, type BucketArea } from "./areas";
import type { PayloadFormat } from "./payload-format";

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
  /**
   * `npm start` runs this function on worker threads of its own (tools/runner/lambda-threads.ts):
   * for a function whose invocation does much SDK work (hundreds of S3 reads), which then takes the
   * machine's other cores. Not for one whose invocation takes microseconds: the message to a thread
   * and back would cost more than the call.
   */
  localThreads?: boolean;
}

export interface CatalogLambda {
  ref: AnyLambdaRef;
  settings: LambdaSettings;
}

const ENTRIES = {
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
      // 250 GetObjects an invocation: worth a core of its own locally.
      localThreads: true,
    },
  },
  ReduceCounts: {
    ref: lambda("ReduceCounts", reduceCounts),
    settings: {
      description: "Reduce step of map-reduce: aggregates the Map Run's ResultWriter manifest and result files",
      s3: [{ area: "results", folder: MAP_REDUCE_FOLDER, access: "read" }],
    },
  },
} satisfies Readonly<Record<string, CatalogLambda>>;

export type LambdaName = keyof typeof ENTRIES;

/** Every Lambda function of the project, by name (the name is the builder ref's name; a test checks). */
export const LAMBDAS: Readonly<Record<LambdaName, CatalogLambda>> = ENTRIES;

/** The registry's entry for a function name, if it has one. */
export function catalogLambda(name: string): CatalogLambda | undefined {
  return Object.hasOwn(LAMBDAS, name) ? LAMBDAS[name as LambdaName] : undefined;
}
