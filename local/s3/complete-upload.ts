/**
 * CompleteMultipartUpload as S3 does it, in place of s3rver 3.7's: s3rver streams every part back
 * through PutObject (reading, hashing and writing the whole object again) and gives the object the
 * MD5 of its bytes, and checks nothing. S3 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html):
 * - the parts listed must be in ascending order (InvalidPartOrder), each one uploaded with the
 *   ETag given (InvalidPart), and each but the last at least 5 MiB (EntityTooSmall);
 * - an unknown upload id is NoSuchUpload;
 * - the object's ETag is the MD5 of the parts' binary MD5s, a dash and the number of parts
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 * s3rver's layout is the one ./multipart.ts reads. Here the parts are checked first, then joined on disk (the first part renamed, the others
 * appended), and the object moved into place in one rename, so a GET sees the old object or the
 * new one.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import S3Error from "s3rver/lib/models/error";
import { partMd5Name, readUploadFile, uploadsDirOf, type ResourcePaths } from "./multipart";

/** "Each part must be at least 5 MB in size, except the last part." */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

const APPEND_BUFFER_BYTES = 8 << 20;

export interface MultipartStore extends ResourcePaths {
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  putObjectMultipart(bucket: string, uploadId: string, parts: ReadonlyArray<{ number: number; etag: string }>): Promise<{ size: number; md5: string }>;
}

export function completeUploadsAsS3(store: MultipartStore): void {
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const uploadsDir = uploadsDirOf(store, bucket);
    const uploadDir = join(uploadsDir, uploadId);
    const key = await readUploadFile(uploadsDir, uploadId, "key");
    if (key === undefined) {
      throw new S3Error("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", { UploadId: uploadId });
    }
    const metadata = JSON.parse((await readUploadFile(uploadsDir, uploadId, "metadata")) ?? "{}") as Record<string, string>;
    const found: Array<{ path: string; size: number; md5: string }> = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i > 0 && part.number <= parts[i - 1].number) {
        throw new S3Error("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.", { UploadId: uploadId });
      }
      const path = join(uploadDir, String(part.number));
      const md5 = await readUploadFile(uploadsDir, uploadId, partMd5Name(part.number));
      if (md5 === undefined || md5 !== part.etag) {
        throw new S3Error("InvalidPart", "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.", { UploadId: uploadId, PartNumber: String(part.number), ETag: part.etag });
      }
      const { size } = await stat(path);
      found.push({ path, size, md5 });
    }
    for (let i = 0; i < found.length - 1; i++) {
      if (found[i].size < MIN_PART_BYTES) {
        throw new S3Error("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", { ProposedSize: String(found[i].size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(parts[i].number) });
      }
    }
    const assembled = join(uploadDir, "assembled");
    await rename(found[0].path, assembled);
    for (const part of found.slice(1)) {
      await pipeline(createReadStream(part.path, { highWaterMark: APPEND_BUFFER_BYTES }), createWriteStream(assembled, { flags: "a", highWaterMark: APPEND_BUFFER_BYTES }));
    }
    const objectPath = store.getResourcePath(bucket, key, "object");
    await mkdir(dirname(objectPath), { recursive: true });
    await rename(assembled, objectPath);
    const etag = `${createHash("md5").update(Buffer.concat(found.map((p) => Buffer.from(p.md5, "hex")))).digest("hex")}-${found.length}`;
    await store.putMetadata(bucket, key, metadata, etag);
    await rm(uploadDir, { recursive: true, force: true });
    return { size: found.reduce((n, p) => n + p.size, 0), md5: etag };
  };
}
