/**
 * The two multipart-upload operations s3rver 3.7 lacks, answered in front of it:
 * AbortMultipartUpload (`DELETE /bucket/key?uploadId=ID`, s3rver answers 405) and
 * ListMultipartUploads (`GET /bucket?uploads`, s3rver answers NotImplemented). Without the first a
 * failed `@aws-sdk/lib-storage` upload could not clean up its parts locally; without the second a
 * test could not show that none are left.
 *
 * They work on s3rver's own layout: an upload in progress is the folder
 * `<bucket>/._S3rver_uploads/<uploadId>/` holding a `key` file and one file per part.
 * Path-style requests only (what the SDK sends to an IP endpoint); signatures are not checked.
 *
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";

/** Where s3rver keeps the uploads of one bucket. */
export type UploadsDir = (bucket: string) => string;

/** The part of s3rver's filesystem store that names its files (s3rver 3.7 lib/stores/filesystem.js). */
export interface ResourcePaths {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

/** The folder of a bucket's uploads in progress (each in `<uploadId>/`, see this file's header). */
export const uploadsDirOf = (store: ResourcePaths, bucket: string): string => store.getResourcePath(bucket, undefined, "uploads");

/** In an upload's folder, a part is the file `<partNumber>` and its MD5 the file beside it, named by this. */
export const partMd5Name = (partNumber: number | string): string => `${partNumber}.md5`;

export interface S3Target {
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly query: URLSearchParams;
}

/** Bucket, key and query of a path-style request URL. */
export function parseTarget(url: string | undefined): S3Target {
  const parsed = new URL(url ?? "/", "http://local");
  const path = parsed.pathname.replace(/^\//, "");
  const slash = path.indexOf("/");
  const bucket = slash < 0 ? path : path.slice(0, slash);
  const key = slash < 0 ? "" : path.slice(slash + 1);
  return {
    bucket: bucket === "" ? undefined : decodeURIComponent(bucket),
    key: key === "" ? undefined : decodeURIComponent(key),
    query: parsed.searchParams,
  };
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function sendXml(res: ServerResponse, status: number, body: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(xml) });
  res.end(xml);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendXml(res, status, `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

/** An upload id is the hex s3rver makes; anything else cannot name a folder of ours. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** A file of an upload in progress (`key`, `metadata`, a part's `<n>.md5`); undefined when it cannot be read. */
export async function readUploadFile(uploadsDir: string, uploadId: string, name: string): Promise<string | undefined> {
  try {
    return await readFile(join(uploadsDir, uploadId, name), "utf8");
  } catch {
    return undefined;
  }
}

const uploadKey = (uploadsDir: string, uploadId: string) => readUploadFile(uploadsDir, uploadId, "key");

/**
 * Answers the request if it is one of the two operations; returns false (untouched) otherwise.
 * Bucket existence has been settled by the caller: unknown buckets get NoSuchBucket.
 */
export async function handleMissingMultipartOperations(
  req: IncomingMessage,
  res: ServerResponse,
  target: S3Target,
  uploadsDirOf: UploadsDir,
  bucketExists: (bucket: string) => Promise<boolean>,
): Promise<boolean> {
  const { bucket, key, query } = target;
  const isAbort = req.method === "DELETE" && bucket !== undefined && key !== undefined && query.has("uploadId");
  const isList = req.method === "GET" && bucket !== undefined && key === undefined && query.has("uploads");
  if (!isAbort && !isList) return false;
  req.resume(); // neither has a body worth reading
  if (!(await bucketExists(bucket))) {
    sendError(res, 404, "NoSuchBucket", "The specified bucket does not exist");
    return true;
  }
  const uploadsDir = uploadsDirOf(bucket);
  if (isAbort) {
    const uploadId = query.get("uploadId") ?? "";
    if (!UPLOAD_ID.test(uploadId) || (await uploadKey(uploadsDir, uploadId)) !== key) {
      sendError(res, 404, "NoSuchUpload", "The specified multipart upload does not exist.");
      return true;
    }
    await rm(join(uploadsDir, uploadId), { recursive: true, force: true });
    res.writeHead(204);
    res.end();
    return true;
  }
  const prefix = query.get("prefix") ?? "";
  const ids = await readdir(uploadsDir).catch(() => [] as string[]);
  const uploads: string[] = [];
  for (const uploadId of ids.filter((id) => UPLOAD_ID.test(id)).sort()) {
    const uploadKeyName = await uploadKey(uploadsDir, uploadId);
    if (uploadKeyName === undefined || !uploadKeyName.startsWith(prefix)) continue;
    const initiated = (await stat(join(uploadsDir, uploadId))).birthtime.toISOString();
    uploads.push(
      `<Upload><Key>${xmlEscape(uploadKeyName)}</Key><UploadId>${uploadId}</UploadId>` +
        `<Initiated>${initiated}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    );
  }
  sendXml(
    res,
    200,
    `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Bucket>${xmlEscape(bucket)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
      `<Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>` +
      uploads.join("") +
      `</ListMultipartUploadsResult>`,
  );
  return true;
}
