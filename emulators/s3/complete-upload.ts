/**
 * CompleteMultipartUpload as S3 does it
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html):
 * - the parts listed must be in ascending order (InvalidPartOrder), each one uploaded with the
 *   ETag given (InvalidPart), and each but the last at least 5 MiB (EntityTooSmall);
 * - an unknown upload id is NoSuchUpload;
 * - the object's ETag is the MD5 of the parts' binary MD5s, a dash and the number of parts
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 * The parts are checked first (a refused completion leaves the upload as it was), then joined on
 * disk (the first part renamed, the others appended) and moved into place in one rename, so a GET
 * sees the old object or the new one.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { S3RequestError } from "./guard";
import type { Part, Upload, Uploads } from "./multipart";
import type { ObjectMeta, ObjectStore } from "./store";

/** "Each part must be at least 5 MB in size, except the last part." */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

const APPEND_BUFFER_BYTES = 8 << 20;

/** The parts a CompleteMultipartUpload body lists, in its order. */
export type RequestedParts = ReadonlyArray<{ readonly number: number; readonly etag: string }>;

/** The ETag as a client sends it back: quotes optional. */
const unquote = (etag: string) => etag.replace(/^"|"$/g, "");

export function checkParts(upload: Upload, requested: RequestedParts): Part[] {
  if (requested.length === 0)
    throw new S3RequestError(
      "MalformedXML",
      400,
      "The XML you provided was not well-formed or did not validate against our published schema.",
    );
  const found: Part[] = [];
  for (let i = 0; i < requested.length; i++) {
    const want = requested[i]!;
    if (i > 0 && want.number <= requested[i - 1]!.number) {
      throw new S3RequestError(
        "InvalidPartOrder",
        400,
        "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
      );
    }
    const part = upload.parts.get(want.number);
    if (!part || part.etag !== unquote(want.etag)) {
      throw new S3RequestError(
        "InvalidPart",
        400,
        "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.",
      );
    }
    found.push(part);
  }
  for (let i = 0; i < found.length - 1; i++) {
    if (found[i]!.size < MIN_PART_BYTES)
      throw new S3RequestError("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.");
  }
  return found;
}

export async function completeUpload(store: ObjectStore, uploads: Uploads, upload: Upload, requested: RequestedParts): Promise<ObjectMeta> {
  const parts = checkParts(upload, requested);
  const assembled = join(upload.dir, "assembled");
  await rename(parts[0]!.path, assembled);
  for (const part of parts.slice(1)) {
    await pipeline(
      createReadStream(part.path, { highWaterMark: APPEND_BUFFER_BYTES }),
      createWriteStream(assembled, { flags: "a", highWaterMark: APPEND_BUFFER_BYTES }),
    );
  }
  const etag = `${createHash("md5")
    .update(Buffer.concat(parts.map((p) => Buffer.from(p.etag, "hex"))))
    .digest("hex")}-${parts.length}`;
  const size = parts.reduce((n, p) => n + p.size, 0);
  const meta = store.putFile(upload.bucket, upload.key, assembled, size, etag, upload.meta);
  uploads.remove(upload);
  return meta;
}
