/**
 * A Map Run's ResultWriter output as the console lists and serves it: the manifest and the files
 * beside it, read from the run's S3. Nothing else in the buckets is reachable through the console.
 */
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { HttpError, NO_STORE } from "./http";
import type { ConsoleSession } from "./session";

const folderOf = (key: string) => key.slice(0, key.lastIndexOf("/") + 1);

export async function resultFiles(session: ConsoleSession, mapRunArn: string) {
  const where = session.mapRuns.get(mapRunArn)?.resultWriterDetails;
  const s3 = session.s3Client;
  if (!where) return { manifest: null, files: [] };
  if (!s3) return { manifest: null, files: [], note: "the results are on an S3 endpoint the console does not read" };
  const files: Array<{ bucket: string; key: string; size: number }> = [];
  let next: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: where.bucket, Prefix: folderOf(where.key), ContinuationToken: next }));
    for (const o of page.Contents ?? []) if (o.Key) files.push({ bucket: where.bucket, key: o.Key, size: o.Size ?? 0 });
    next = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (next);
  let manifest: unknown = null;
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: where.bucket, Key: where.key }));
    manifest = JSON.parse(await got.Body!.transformToString());
  } catch {
    manifest = null;
  }
  return { bucket: where.bucket, manifestKey: where.key, manifest, files };
}

/** Streams one result file as a download; only a file in one of this run's ResultWriter folders. */
export async function sendResultFile(session: ConsoleSession, bucket: string, key: string, res: ServerResponse): Promise<void> {
  const allowed = [...session.mapRuns.values()].some((r) => {
    const w = r.resultWriterDetails;
    return w !== undefined && w.bucket === bucket && key.startsWith(folderOf(w.key)) && !key.includes("..");
  });
  if (!allowed || !session.s3Client) throw new HttpError(404, "not a result file of this run");
  const got = await session.s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  res.writeHead(200, {
    "Content-Type": "application/octet-stream",
    "Content-Disposition": `attachment; filename="${key.slice(key.lastIndexOf("/") + 1).replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    ...NO_STORE,
  });
  (got.Body as Readable).pipe(res);
}
