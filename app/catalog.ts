/**
 * The one list of what this project deploys and runs: its Lambda functions (./lambdas.ts, the one
 * registry) and its workflows. A workflow is its definition in workflows/ (asl only, a function of
 * its Lambda refs and config) plus its entry in app/demos/ (`build(config, resources)` calling the
 * definition with the registry's refs and the stack's settings, its own settings schema, its demo);
 * this file lists the entries. index.ts deploys every entry generically (one state machine, derived
 * role and log group per workflow; Lambdas shared by name) and the local CLI runs the same entries,
 * so adding a workflow is its definition, its entry and one line in WORKFLOWS below.
 *
 * Pulumi-free: the local CLI imports it.
 */
import type { StackConfig } from "../config/schema";
import type { CatalogWorkflow } from "./workflow";
import { payloadFormatsReadFrom, type PayloadFormat } from "./payload-format";
import { catalogLambda, LAMBDAS } from "./lambdas";
import { jsonlRangesEntry } from "./demos/jsonl-ranges";
import { mapReduceEntry } from "./demos/map-reduce";
import { seedEntry } from "./demos/seed";

export { areaPrefix, SEED_FOLDER, MAP_REDUCE_FOLDER, JSONL_RANGES_FOLDER, type BucketArea } from "./areas";
export { workflowSettings, WorkflowSettingsError, checkWorkflowSettings, type CatalogWorkflow, type WorkflowResources } from "./workflow";
export { LAMBDAS, catalogLambda, type LambdaName, type CatalogLambda, type LambdaSettings, type LambdaS3Access } from "./lambdas";

/** Every workflow of the project: one line each (its definition in workflows/, its entry and demo in app/demos/). */
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
  const entry = catalogLambda(name);
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

export function workflowByName(name: string): CatalogWorkflow {
  const w = WORKFLOWS.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workflow "${name}" (known: ${WORKFLOWS.map((x) => x.name).join(", ")})`);
  return w;
}
