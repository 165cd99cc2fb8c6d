/**
 * Multipart uploads in progress: CreateMultipartUpload, UploadPart, ListParts, ListMultipartUploads
 * and AbortMultipartUpload (CompleteMultipartUpload is ./complete-upload.ts). An upload is held in
 * memory (its key, metadata and parts' ETags and sizes); its parts are files in
 * `<dataDir>/+uploads/<uploadId>/<partNumber>`, removed on completion or abort. Uploads in
 * progress do not survive a restart of the server (the folder is cleared on start).
 *
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { S3RequestError } from "./guard";
import type { ReceivedBody } from "./put-object";
import type { ObjectMeta } from "./store";

export interface Part {
  readonly number: number;
  /** MD5 hex, no quotes. */
  readonly etag: string;
  readonly size: number;
  readonly mtime: number;
  readonly path: string;
}

export interface Upload {
  readonly id: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: number;
  readonly meta: Omit<ObjectMeta, "size" | "etag" | "mtime">;
  readonly dir: string;
  readonly parts: Map<number, Part>;
}

export const noSuchUpload = () =>
  new S3RequestError(
    "NoSuchUpload",
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  );

export class Uploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly dataDir: string) {}

  create(bucket: string, key: string, meta: Upload["meta"]): Upload {
    // 32 hex digits: the shape ./guard.ts accepts for `uploadId`.
    const id = randomBytes(16).toString("hex");
    const dir = join(this.dataDir, "+uploads", id);
    mkdirSync(dir, { recursive: true });
    const upload: Upload = { id, bucket, key, initiated: Date.now(), meta, dir, parts: new Map() };
    this.uploads.set(id, upload);
    return upload;
  }

  /** The upload `id` of this bucket and key, or NoSuchUpload. */
  get(bucket: string, key: string, id: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload();
    return upload;
  }

  putPart(upload: Upload, number: number, body: ReceivedBody): Part {
    if (!this.uploads.has(upload.id)) throw noSuchUpload();
    const path = join(upload.dir, String(number));
    if (body.kind === "memory") writeFileSync(path, body.body);
    else renameSync(body.path, path);
    const part: Part = { number, etag: body.md5, size: body.kind === "memory" ? body.body.length : body.size, mtime: Date.now(), path };
    upload.parts.set(number, part);
    return part;
  }

  /** Removes an upload and its part files (abort, or after completion). */
  remove(upload: Upload): void {
    this.uploads.delete(upload.id);
    rmSync(upload.dir, { recursive: true, force: true });
  }

  /** Uploads of a bucket in progress, by key then initiation time (ListMultipartUploads' order). */
  of(bucket: string, prefix = ""): Upload[] {
    return [...this.uploads.values()]
      .filter((u) => u.bucket === bucket && u.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated - b.initiated));
  }

  has(bucket: string): boolean {
    for (const u of this.uploads.values()) if (u.bucket === bucket) return true;
    return false;
  }
}
