/**
 * s3rver's PutObject and UploadPart, for a streamed body, with a write buffer of 1 MiB instead of
 * Node's 16 KiB: s3rver pipes the request through its MD5 into `fs.createWriteStream(path)`, whose
 * 16 KiB buffer is full after every 64 KiB socket chunk, so the request is paused until each chunk
 * reaches the disk (measured: a 55 MB ResultWriter file spent a third of its PUT idle). Here the
 * socket keeps being read while earlier chunks are written, and the object (or part) is complete
 * on disk before the request is answered (s3rver answers once its MD5 has seen the last byte).
 * Same files, same metadata, same ETag (the MD5 of the body, hashed on a worker thread for a large
 * body: ./md5-offload.ts).
 */
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Md5Digester } from "./md5-offload";
import { partMd5Name, uploadsDirOf, type ResourcePaths } from "./multipart";

const WRITE_BUFFER_BYTES = 1 << 20;

/** The part of s3rver's filesystem store this replaces and uses (s3rver 3.7 lib/stores/filesystem.js). */
export interface PutObjectStore extends ResourcePaths {
  putObject(object: { bucket: string; key: string; metadata: Record<string, string>; content: Readable | Buffer }): Promise<{ size: number; md5: string }>;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  putPart(bucket: string, uploadId: string, partNumber: number | string, content: Readable): Promise<{ size: number; md5: string }>;
}

/** Writes a streamed body to `path` (its folder made first); its size and MD5. */
async function writeStreamed(content: Readable, path: string): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(path), { recursive: true });
  const md5 = new Md5Digester();
  let size = 0;
  try {
    await pipeline(
      content,
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      createWriteStream(path, { highWaterMark: WRITE_BUFFER_BYTES }),
    );
  } catch (error) {
    md5.abandon();
    throw error;
  }
  return { size, md5: await md5.hex() };
}

export function bufferedPuts(store: PutObjectStore): void {
  const original = store.putObject.bind(store);
  store.putObject = async (object) => {
    if (Buffer.isBuffer(object.content)) return original(object);
    const written = await writeStreamed(object.content, store.getResourcePath(object.bucket, object.key, "object"));
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const uploadDir = join(uploadsDirOf(store, bucket), uploadId);
    const written = await writeStreamed(content, join(uploadDir, String(partNumber)));
    await writeFile(join(uploadDir, partMd5Name(partNumber)), written.md5);
    return written;
  };
}
