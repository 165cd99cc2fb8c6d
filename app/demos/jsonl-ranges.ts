/**
 * The jsonl-ranges workflow (workflows/jsonl-ranges.ts) in this project: its own stack settings
 * (`<project>:workflows: { jsonl-ranges: {...} }`, checked by the schema below), its catalog entry
 * and its demo, which writes the JSONL file and proves every number was processed exactly once.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { z } from "zod";
import { isPathSegment } from "../../config/names";
import type { StackConfig } from "../../config/schema";
import { jsonlRangesWorkflow } from "../../workflows/jsonl-ranges";
import { areaPrefix, JSONL_RANGES_FOLDER as FOLDER } from "../areas";
import type { WorkflowDemo } from "../demo";
import { LAMBDAS } from "../lambdas";
import { workflowSettings, type CatalogWorkflow } from "../workflow";
import { checkSeedExactlyOnce } from "./checks";

export const JsonlRangesSettingsSchema = z
  .object({
    /** The JSONL object's name inside the workflow's payload folder. */
    key: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()-]+$/, "must be a file name (S3 safe characters, no /)")
      // "." and ".." are S3 keys on AWS, but a local S3 store keeps each key segment as a folder name.
      .refine(isPathSegment, `must be a file name, not "." or ".."`)
      .default("ranges.jsonl"),
    /** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html — MaxItemsPerBatch; 0 = no ItemBatcher. */
    batchSize: z.number().int("must be an integer").min(0, "must be ≥ 0").default(0),
    /** The demo's data: numbers [0, numbers) in ranges of `chunk`. */
    numbers: z.number().int("must be an integer").min(1, "must be ≥ 1").max(10_000_000, "must be ≤ 10000000").default(10_000),
    chunk: z.number().int("must be an integer").min(1, "must be ≥ 1").default(5),
  })
  .strict();

export type JsonlRangesSettings = z.output<typeof JsonlRangesSettingsSchema>;

const NAME = "jsonl-ranges";
const settingsOf = (config: StackConfig): JsonlRangesSettings =>
  workflowSettings({ name: NAME, settings: JsonlRangesSettingsSchema }, config);

const demo: WorkflowDemo<number> = {
  input: () => ({}),
  dataset: async ({ s3, bucket, config }) => {
    const { key, numbers, chunk } = settingsOf(config);
    const lines: string[] = [];
    for (let from = 0; from < numbers; from += chunk) lines.push(JSON.stringify({ from, to: Math.min(from + chunk, numbers) }));
    const body = lines.join("\n") + "\n";
    const objectKey = `${areaPrefix(config, "payload", FOLDER)}${key}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: body, ContentType: "application/jsonl" }));
    return { summary: { objects: 1, bytes: Buffer.byteLength(body), prefix: `s3://${bucket}/${objectKey}` }, expected: numbers };
  },
  check: async ({ s3, output, expected }) => (expected === undefined ? undefined : checkSeedExactlyOnce(s3, output, expected)),
};

export const jsonlRangesEntry: CatalogWorkflow = {
  name: NAME,
  description: "ProcessData over {from, to} ranges read from a JSON Lines object in the payload area, results exported",
  settings: JsonlRangesSettingsSchema,
  build: (config, resources) => {
    const settings = settingsOf(config);
    return jsonlRangesWorkflow(
      { processData: LAMBDAS.ProcessData.ref },
      {
        bucket: resources.bucket,
        key: `${areaPrefix(config, "payload", FOLDER)}${settings.key}`,
        resultsPrefix: areaPrefix(config, "results", FOLDER),
        batchSize: settings.batchSize > 0 ? settings.batchSize : undefined,
        maxConcurrency: config.maxConcurrency,
        childExecutionType: config.childExecutionType,
        toleratedFailurePercentage: config.toleratedFailurePercentage > 0 ? config.toleratedFailurePercentage : undefined,
      },
    );
  },
  // Every S3 location is static in this definition.
  dynamicS3: () => undefined,
  demo: demo as WorkflowDemo,
  runtimeAccess: (config) => ({
    invokes: [LAMBDAS.ProcessData.ref.name],
    reads: [`${areaPrefix(config, "payload", FOLDER)}${settingsOf(config).key}`],
    lists: [],
    resultWriterKey: `${areaPrefix(config, "results", FOLDER)}run-1/manifest.json`,
    distributedMap: true,
  }),
};
