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
import { jsonEntryBatches, utf8Chunks } from "../../asl/json-stream";
import { formatIssues } from "../../asl/zod-issues";

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
  ResultWriterDetails: z.object(
    { Bucket: z.string().min(1), Key: z.string().min(1) },
    { error: "required: the Map's ResultWriterDetails {Bucket, Key}" },
  ),
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

/** "NoSuchKey: The specified key does not exist.": the error's name and what it says, never a bare "Error". */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const name = error.name === "Error" && typeof code === "string" ? code : error.name;
  return error.message && error.message !== name ? `${name}: ${error.message}` : name;
}

async function getText(client: S3Client, bucket: string, key: string): Promise<string> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await response.Body?.transformToString("utf-8")) ?? "";
  } catch (error) {
    throw new ResultFilesError(`could not read s3://${bucket}/${key}: ${describe(error)}`);
  }
}

/** The object's bytes as a stream: a result file can be gigabytes, more than one string holds. */
async function* getChunks(client: S3Client, bucket: string, key: string): AsyncGenerator<Uint8Array> {
  let body: AsyncIterable<Uint8Array>;
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    body = (response.Body ?? []) as AsyncIterable<Uint8Array>;
  } catch (error) {
    throw new ResultFilesError(`could not read s3://${bucket}/${key}: ${describe(error)}`);
  }
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw new ResultFilesError(`could not read s3://${bucket}/${key} (failed mid-way): ${describe(error)}`);
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
  if (!parsed.success)
    throw new ResultFilesError(`${where} is not a ResultWriter manifest: ${formatIssues(parsed.error, { root: "(manifest)" })}`);
  return parsed.data;
}

/** One entry of a result file as a record; a NONE-transformation record is unwrapped. */
function toChildRecord(entry: unknown, status: ResultStatus, where: string): ChildRecord {
  if (entry !== null && typeof entry === "object" && "ExecutionArn" in entry) {
    const r = entry as { Output?: unknown; Error?: unknown; Cause?: unknown };
    const output = status === "SUCCEEDED" && typeof r.Output === "string" ? parseJson(r.Output, `${where} Output`) : r.Output;
    return {
      status,
      output: status === "SUCCEEDED" ? output : undefined,
      error: typeof r.Error === "string" ? r.Error : undefined,
      cause: typeof r.Cause === "string" ? r.Cause : undefined,
    };
  }
  return { status, output: status === "SUCCEEDED" ? entry : undefined };
}

/** Parses one result file (JSON array or JSON Lines) into records; NONE-transformation records are unwrapped. */
export function parseResultFile(text: string, status: ResultStatus, where: string): ChildRecord[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const entries: unknown[] = trimmed.startsWith("[")
    ? (parseJson(trimmed, where) as unknown[])
    : trimmed
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l, i) => parseJson(l, `${where} line ${i + 1}`));
  return entries.map((entry) => toChildRecord(entry, status, where));
}

/**
 * Calls `onRecord` for every child record of every result file the manifest lists, streaming each
 * file entry by entry: memory is bounded by the largest record, whatever the files' sizes (AWS
 * writes files of up to 5 GB).
 */
export async function forEachChildRecord(
  client: S3Client,
  manifest: ResultManifest,
  onRecord: (record: ChildRecord) => void,
): Promise<{ files: number }> {
  let files = 0;
  for (const status of ["SUCCEEDED", "FAILED", "PENDING"] as const) {
    for (const file of manifest.ResultFiles[status] ?? []) {
      files++;
      const where = `s3://${manifest.DestinationBucket}/${file.Key}`;
      const format = file.Key.endsWith(".jsonl") ? "jsonl" : "auto";
      let n = 0;
      try {
        // A batch per chunk: one await per chunk, not per record (a ResultWriter file holds up to millions).
        for await (const texts of jsonEntryBatches(utf8Chunks(getChunks(client, manifest.DestinationBucket, file.Key)), where, format)) {
          for (const text of texts) {
            n++;
            onRecord(toChildRecord(parseJson(text, `${where} entry ${n}`), status, where));
          }
        }
      } catch (error) {
        if (error instanceof ResultFilesError) throw error;
        throw new ResultFilesError(`${where}: ${describe(error)}`);
      }
    }
  }
  return { files };
}
