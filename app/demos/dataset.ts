/**
 * The map-reduce demo's data set: N small text objects under a prefix, generated deterministically
 * (same N and seed, same bytes), with the totals known up front so a run can check the reduce step's
 * aggregate against them.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SeededRandom } from "../demo";

/** A vocabulary with a skewed (Zipf-like) draw, so the top words are stable and meaningful. */
const VOCABULARY = (
  "the map state runs a set of steps for each item in a dataset distributed mode starts child " +
  "workflow executions that read objects from amazon s3 and write results batch concurrency " +
  "limit payload history event lambda function step functions reduce count word bucket prefix " +
  "manifest export tolerated failure percentage label item reader writer json csv lines"
).split(" ");

export interface DatasetTotals {
  objects: number;
  bytes: number;
  lines: number;
  words: number;
  wordCounts: Map<string, number>;
}

export function objectKey(prefix: string, index: number): string {
  return `${prefix}part-${String(index).padStart(6, "0")}.txt`;
}

/** The text of object `index`: 1-8 lines of 3-15 words, drawn from `seededRandom` (DemoContext.seededRandom). */
export function objectText(index: number, seededRandom: SeededRandom, seed = 42): string {
  const random = seededRandom(seed * 1_000_003 + index);
  const lineCount = 1 + Math.floor(random() * 8);
  const lines: string[] = [];
  for (let l = 0; l < lineCount; l++) {
    const n = 3 + Math.floor(random() * 13);
    const words: string[] = [];
    for (let w = 0; w < n; w++) words.push(VOCABULARY[Math.floor(Math.pow(random(), 2) * VOCABULARY.length)]!);
    lines.push(words.join(" "));
  }
  return lines.join("\n") + "\n";
}

export function datasetTotals(objects: number, seededRandom: SeededRandom, seed = 42): DatasetTotals {
  const totals: DatasetTotals = { objects, bytes: 0, lines: 0, words: 0, wordCounts: new Map() };
  for (let i = 0; i < objects; i++) {
    const text = objectText(i, seededRandom, seed);
    totals.bytes += Buffer.byteLength(text);
    for (const line of text.split("\n")) {
      if (line === "") continue;
      totals.lines++;
      for (const w of line.split(" ")) {
        totals.words++;
        totals.wordCounts.set(w, (totals.wordCounts.get(w) ?? 0) + 1);
      }
    }
  }
  return totals;
}

/** Uploads the data set with bounded concurrency; resolves to its totals. */
export async function uploadDataset(
  client: S3Client,
  bucket: string,
  prefix: string,
  objects: number,
  options: {
    /** The random source the text is drawn from (DemoContext.seededRandom). */
    seededRandom: SeededRandom;
    seed?: number;
    concurrency?: number;
    signal?: AbortSignal;
    /**
     * The embedded S3's direct store (DemoContext.putObjects): the objects written in batches
     * without one SDK request each (a 500,000-object data set in seconds rather than minutes).
     */
    putObjects?: (bucket: string, objects: Iterable<{ key: string; body: string; contentType?: string }>) => Promise<number>;
    onProgress?: (written: number, total: number) => void;
  },
): Promise<DatasetTotals> {
  const seed = options.seed ?? 42;
  const direct = options.putObjects;
  if (direct) {
    const BATCH = 2_000;
    for (let from = 0; from < objects; from += BATCH) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
      const to = Math.min(objects, from + BATCH);
      await direct(
        bucket,
        (function* () {
          for (let i = from; i < to; i++)
            yield { key: objectKey(prefix, i), body: objectText(i, options.seededRandom, seed), contentType: "text/plain" };
        })(),
      );
      options.onProgress?.(to, objects);
      // Between batches the event loop turns: progress, signals.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return datasetTotals(objects, options.seededRandom, seed);
  }
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < objects) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
      const i = next++;
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: objectKey(prefix, i),
          Body: objectText(i, options.seededRandom, seed),
          ContentType: "text/plain",
        }),
      );
      options.onProgress?.(++written, objects);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 32, objects) }, worker));
  return datasetTotals(objects, options.seededRandom, seed);
}
