/**
 * ReduceCounts: the reduce step of the map-reduce workflow. Receives the Distributed Map's output
 * (`{MapRunArn, ResultWriterDetails: {Bucket, Key}}`), reads the ResultWriter's manifest and every
 * result file it lists, and aggregates the CountWords outputs: totals, the largest objects, the most
 * frequent words, and how many batches failed (tolerated by the Map's failure threshold).
 */
import { z } from "zod";
import { InvalidInputError, issuesOf } from "../shared/errors";
import { payloadS3Client } from "../shared/s3-client";
import { MAX_WORDS, topWords, type ObjectStats } from "./count-words";
import { forEachChildRecord, readManifest, ResultWriterOutputSchema } from "./result-files";

const CountWordsOutputSchema = z.object({
  objects: z.array(z.object({ key: z.string(), bytes: z.number(), lines: z.number(), words: z.number() })),
  wordCounts: z.record(z.string(), z.number()),
  truncated: z.boolean(),
});

export interface ReduceResult {
  readonly mapRunArn: string;
  readonly manifest: string;
  readonly resultFiles: number;
  readonly batches: { readonly succeeded: number; readonly failed: number; readonly pending: number };
  readonly objects: number;
  readonly bytes: number;
  readonly lines: number;
  readonly words: number;
  readonly distinctWords: number;
  /** True when some batch kept only its MAX_WORDS most frequent words: then counts are lower bounds. */
  readonly wordCountsApproximate: boolean;
  readonly topWords: ReadonlyArray<{ readonly word: string; readonly count: number }>;
  readonly largestObjects: ReadonlyArray<{ readonly key: string; readonly bytes: number }>;
  readonly firstFailure?: { readonly error?: string; readonly cause?: string };
}

export async function reduceCounts(event: unknown): Promise<ReduceResult> {
  const parsed = ResultWriterOutputSchema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError("ReduceCounts", issuesOf(parsed.error));
  const { Bucket, Key } = parsed.data.ResultWriterDetails;
  const client = payloadS3Client();
  const manifest = await readManifest(client, Bucket, Key);

  const batches = { succeeded: 0, failed: 0, pending: 0 };
  const words = new Map<string, number>();
  const largest: ObjectStats[] = [];
  let objects = 0;
  let bytes = 0;
  let lines = 0;
  let wordTotal = 0;
  let approximate = false;
  let firstFailure: ReduceResult["firstFailure"];
  const { files } = await forEachChildRecord(client, manifest, (record) => {
    if (record.status !== "SUCCEEDED") {
      batches[record.status === "FAILED" ? "failed" : "pending"]++;
      if (record.status === "FAILED" && !firstFailure) firstFailure = { error: record.error, cause: record.cause };
      return;
    }
    batches.succeeded++;
    const out = CountWordsOutputSchema.safeParse(record.output);
    if (!out.success)
      throw new InvalidInputError(
        "ReduceCounts",
        issuesOf(out.error).map((i) => ({ ...i, path: `result.${i.path}` })),
      );
    approximate ||= out.data.truncated;
    for (const o of out.data.objects) {
      objects++;
      bytes += o.bytes;
      lines += o.lines;
      wordTotal += o.words;
      largest.push(o);
      if (largest.length > 50) {
        largest.sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1));
        largest.length = 5;
      }
    }
    for (const [word, count] of Object.entries(out.data.wordCounts)) words.set(word, (words.get(word) ?? 0) + count);
  });
  largest.sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1));
  return {
    mapRunArn: manifest.MapRunArn,
    manifest: `s3://${Bucket}/${Key}`,
    resultFiles: files,
    batches,
    objects,
    bytes,
    lines,
    words: wordTotal,
    distinctWords: words.size,
    wordCountsApproximate: approximate,
    topWords: topWords(words, 10).map(([word, count]) => ({ word, count })),
    largestObjects: largest.slice(0, 5).map((o) => ({ key: o.key, bytes: o.bytes })),
    ...(firstFailure ? { firstFailure } : {}),
  };
}

export { MAX_WORDS };
