/**
 * The seed workflow (workflows/seed.ts) in this project: its catalog entry (the definition built
 * with the registry's Lambda refs and the stack's settings, the S3 locations it reaches, what its
 * role must allow) and its demo (the article's input, the exactly-once check, the Inline Map variant
 * that fails at 256 KiB as on AWS).
 */
import { lambda } from "../../asl/builders";
import { paginateInline } from "../../handlers/capture-input";
import { pageCount, paginate } from "../../handlers/capture-input/pages";
import { seedInlineWorkflow, seedWorkflow } from "../../workflows/seed";
import { areaPrefix, SEED_FOLDER } from "../areas";
import type { WorkflowDemo } from "../demo";
import { LAMBDAS } from "../lambdas";
import type { CatalogWorkflow } from "../workflow";
import { checkExactlyOnceBySize, ObservedProcessData } from "./checks";

/** The seed article's demo input: 100,000 numbers in chunks of 5 → 20,000 items. */
export const SEED_DEMO_INPUT = { number: 100_000, chunk: 5 } as const;

const refs = { captureInput: LAMBDAS.CaptureInput.ref, processData: LAMBDAS.ProcessData.ref };

/** The inline variant's item list size, to say by how much it exceeds the limit (computed only when reasonably small). */
function inlineItemsOf(input: Record<string, unknown>): { count: number; bytes: number } | undefined {
  const number = typeof input["number"] === "number" ? input["number"] : 10;
  const chunk = typeof input["chunk"] === "number" ? input["chunk"] : 1;
  if (!Number.isInteger(number) || !Number.isInteger(chunk) || chunk < 1 || number < 0 || pageCount(number, chunk) > 1_000_000)
    return undefined;
  return { count: pageCount(number, chunk), bytes: Buffer.byteLength(JSON.stringify(paginate(number, chunk))) };
}

/** What to do when the Inline Map's payload is too large: why this variant must fail, and the way out. */
function inlineAdvice(error: string | undefined, input: Record<string, unknown>): string | undefined {
  if (error !== "States.DataLimitExceeded") return undefined;
  const items = inlineItemsOf(input);
  return (
    `An Inline Map must receive its whole item array in its input, so CaptureInput's list of {from, to} pages has to fit in 256 KiB: ` +
    (items ? `this input makes ${items.count.toLocaleString("en-US")} pages, ${items.bytes.toLocaleString("en-US")} bytes of JSON. ` : "") +
    `The Distributed Map variant (run without --inline) writes the pages to S3 ` +
    `and its ItemReader reads them from there, so no payload carries the whole list.`
  );
}

const seedDemo: WorkflowDemo = {
  input: () => ({ ...SEED_DEMO_INPUT }),
  // Every number of [0, number) processed exactly once, proven from ProcessData's results as the
  // ResultWriter exported them (or from the Map's output when there is no writer).
  observe: { functions: [refs.processData.name], start: () => new ObservedProcessData() },
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
      // The same function name with the handler that returns the items inline to an Inline Map
      // (a local variant only: the stack deploys the registry's handler).
      build: (config) =>
        seedInlineWorkflow(
          { captureInput: lambda(refs.captureInput.name, paginateInline), processData: refs.processData },
          { maxConcurrency: config.maxConcurrency },
        ),
      advice: inlineAdvice,
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
    invokes: [refs.captureInput.name, refs.processData.name],
    // The ItemReader reads the payload CaptureInput wrote.
    reads: [`${areaPrefix(config, "payload", SEED_FOLDER)}exec-1.json`],
    lists: [],
    resultWriterKey: config.writeResults ? `${areaPrefix(config, "results", SEED_FOLDER)}run-1/manifest.json` : undefined,
    distributedMap: true,
  }),
};
