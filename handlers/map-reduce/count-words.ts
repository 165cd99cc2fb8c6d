/**
 * CountWords: the map step of the map-reduce workflow. One child execution receives one ItemBatcher
 * batch of S3 objects as listObjectsV2 lists them, reads each object, and returns per-object byte,
 * line and word counts plus the batch's word frequencies.
 *
 * Input shape: "each batch is passed to the child workflow as an object with an Items array"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html), each item as
 * the S3 reader lists it: `{Etag, Key, LastModified, Size, StorageClass}`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html). The bucket is
 * not in the items, so the workflow passes it in `BatchInput`.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { z } from "zod";
import { issuesOf, s3ErrorNameOf, type InputIssue } from "../shared/errors";
import { payloadS3Client } from "../shared/s3-client";

/** A batch that is not what the workflow sends: named so Retry/Catch and the failure threshold can act on it. */
export class InvalidBatchError extends Error {
  override readonly name = "InvalidBatchError";
  constructor(readonly issues: readonly InputIssue[]) {
    super(`CountWords: invalid batch: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
}

/** Reading an object failed (it vanished, access denied, S3 unreachable). */
export class ObjectReadError extends Error {
  override readonly name = "ObjectReadError";
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly s3ErrorName: string,
  ) {
    super(`CountWords: could not read s3://${bucket}/${key}: ${s3ErrorName}`);
  }
}

export const ListedObjectSchema = z.object({
  Key: z.string().min(1, "must not be empty"),
  Size: z.number().int().nonnegative().optional(),
  Etag: z.string().optional(),
  LastModified: z.unknown().optional(),
  StorageClass: z.string().optional(),
});

export const CountWordsInputSchema = z.object({
  Items: z.array(ListedObjectSchema, { error: "must be an array of listed objects {Key, Size, ...}" }).min(1, "must not be empty"),
  BatchInput: z.object(
    { bucket: z.string({ error: "required: the bucket the objects were listed from" }).min(3) },
    { error: "required: {bucket}" },
  ),
});

export type CountWordsInput = z.input<typeof CountWordsInputSchema>;

export interface ObjectStats {
  readonly key: string;
  readonly bytes: number;
  readonly lines: number;
  readonly words: number;
}

export interface CountWordsResult {
  readonly objects: readonly ObjectStats[];
  /** Word → occurrences in this batch (lower-cased). At most MAX_WORDS entries; see `truncated`. */
  readonly wordCounts: Readonly<Record<string, number>>;
  /** True when the batch had more distinct words than MAX_WORDS and only the most frequent were kept. */
  readonly truncated: boolean;
}

/**
 * Distinct words a batch reports. Keeps each child's output far below the 256 KiB state payload limit
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html) whatever the text.
 */
export const MAX_WORDS = 2_000;

const WORD = /[\p{L}\p{N}']+/gu;

/** Counts lines, words and word frequencies of a text. */
export function countText(text: string, into: Map<string, number>): { lines: number; words: number } {
  let words = 0;
  for (const match of text.matchAll(WORD)) {
    const word = match[0].toLowerCase();
    into.set(word, (into.get(word) ?? 0) + 1);
    words++;
  }
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  if (text.length > 0 && !text.endsWith("\n")) lines++;
  return { lines, words };
}

/** The most frequent `limit` words, ties broken alphabetically so the output is deterministic. */
export function topWords(counts: ReadonlyMap<string, number>, limit: number): Array<[string, number]> {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, limit);
}

/** Objects read at once per batch: enough to hide S3 latency, few enough for a 128 MB function. */
const READ_CONCURRENCY = 16;

export async function countWords(event: unknown): Promise<CountWordsResult> {
  const parsed = CountWordsInputSchema.safeParse(event);
  if (!parsed.success) throw new InvalidBatchError(issuesOf(parsed.error));
  const { Items, BatchInput } = parsed.data;
  const client = payloadS3Client();
  const counts = new Map<string, number>();
  const objects: ObjectStats[] = new Array(Items.length);
  let next = 0;
  const worker = async () => {
    while (next < Items.length) {
      const index = next++;
      const key = Items[index]!.Key;
      let text: string;
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: BatchInput.bucket, Key: key }));
        text = (await response.Body?.transformToString("utf-8")) ?? "";
      } catch (error) {
        throw new ObjectReadError(BatchInput.bucket, key, s3ErrorNameOf(error));
      }
      const { lines, words } = countText(text, counts);
      objects[index] = { key, bytes: Buffer.byteLength(text, "utf8"), lines, words };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, Items.length) }, worker));
  const truncated = counts.size > MAX_WORDS;
  return { objects, wordCounts: Object.fromEntries(truncated ? topWords(counts, MAX_WORDS) : counts), truncated };
}
