/**
 * Reads what a Distributed Map's ResultWriter exported: `manifest.json` and the result files it lists.
 *
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html — the manifest
 * names the destination bucket, the Map Run ARN and, per status (SUCCEEDED, FAILED, PENDING), the
 * result files `{Key, Size}`; each result file holds the child executions' records (`ExecutionArn`,
 * `Input`, `Output` as JSON strings, `Status`, ...) as a JSON array or JSON Lines, or, with the
 * COMPACT/FLATTEN transformations, the children's outputs themselves.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";

const ResultFileSchema = z.object({ Key: z.string(), Size: z.number().optional() });

export const ResultManifestSchema = z.object({
  DestinationBucket: z.string(),
  MapRunArn: z.string(),
  ResultFiles: z
    .object({
      SUCCEEDED: z.array(ResultFileSchema).default([]),
      FAILED: z.array(ResultFileSchema).default([]),
      PENDING: z.array(ResultFileSchema).default([]),
    })
    .partial()
    .default({}),
});

export type ResultManifest = z.output<typeof ResultManifestSchema>;

/** The Map state's output when it has a ResultWriter that exports to S3. */
export const ResultWriterOutputSchema = z.object({
  MapRunArn: z.string().optional(),
  ResultWriterDetails: z.object({ Bucket: z.string().min(1), Key: z.string().min(1) }, { error: "required: the Map's ResultWriterDetails {Bucket, Key}" }),
});

export type ResultStatus = "SUCCEEDED" | "FAILED" | "PENDING";

export interface ChildRecord {
  status: ResultStatus;
  /** The child's output, parsed; undefined for failed/pending children. */
  output: unknown;
  error?: string;
  cause?: string;
}

export class ResultFilesError extends Error {
  override readonly name = "ResultFilesError";
}

async function getText(client: S3Client, bucket: string, key: string): Promise<string> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await response.Body?.transformToString("utf-8")) ?? "";
  } catch (error) {
    const name = error instanceof Error ? error.name : String(error);
    throw new ResultFilesError(`could not read s3://${bucket}/${key}: ${name}`);
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ResultFilesError(`${where} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function readManifest(client: S3Client, bucket: string, manifestKey: string): Promise<ResultManifest> {
  const where = `s3://${bucket}/${manifestKey}`;
  const parsed = ResultManifestSchema.safeParse(parseJson(await getText(client, bucket, manifestKey), where));
  if (!parsed.success) throw new ResultFilesError(`${where} is not a ResultWriter manifest: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** Parses one result file (JSON array or JSON Lines) into records; NONE-transformation records are unwrapped. */
export function parseResultFile(text: string, status: ResultStatus, where: string): ChildRecord[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const entries: unknown[] = trimmed.startsWith("[")
    ? (parseJson(trimmed, where) as unknown[])
    : trimmed.split("\n").filter((l) => l.trim() !== "").map((l, i) => parseJson(l, `${where} line ${i + 1}`));
  return entries.map((entry) => {
    if (entry !== null && typeof entry === "object" && "ExecutionArn" in entry) {
      const r = entry as { Output?: unknown; Error?: unknown; Cause?: unknown };
      const output = typeof r.Output === "string" ? parseJson(r.Output, `${where} Output`) : r.Output;
      return {
        status,
        output: status === "SUCCEEDED" ? output : undefined,
        error: typeof r.Error === "string" ? r.Error : undefined,
        cause: typeof r.Cause === "string" ? r.Cause : undefined,
      };
    }
    return { status, output: status === "SUCCEEDED" ? entry : undefined };
  });
}

/** Calls `onRecord` for every child record of every result file the manifest lists, file by file (bounded memory). */
export async function forEachChildRecord(
  client: S3Client,
  manifest: ResultManifest,
  onRecord: (record: ChildRecord) => void,
): Promise<{ files: number }> {
  let files = 0;
  for (const status of ["SUCCEEDED", "FAILED", "PENDING"] as const) {
    for (const file of manifest.ResultFiles[status] ?? []) {
      files++;
      const text = await getText(client, manifest.DestinationBucket, file.Key);
      for (const record of parseResultFile(text, status, `s3://${manifest.DestinationBucket}/${file.Key}`)) onRecord(record);
    }
  }
  return { files };
}
