/**
 * A request body as the embedded S3 stores it (PutObject, UploadPart): a small body (what the
 * handlers and data sets send: a few hundred bytes) is gathered in memory and written in one call;
 * a large one (a ResultWriter file, a multipart part) is streamed to a scratch file through a 1 MiB
 * write buffer, so the socket keeps being read while earlier chunks reach the disk, its MD5 (the
 * ETag) hashed on a worker thread past 1 MiB (./md5-offload.ts), and moved into place by the caller
 * once whole: a GET sees the old object or the new one, never half of one.
 *
 * Bodies must be plain (a Content-Length, or HTTP chunked): the SDK's `aws-chunked` trailing
 * checksums are off for this server (AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED, ./server.ts);
 * a body that still arrives so is refused rather than stored with its chunk framing.
 * Content-MD5, when sent, is checked as S3 does (400 BadDigest;
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html).
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { S3RequestError } from "./guard";
import { Md5Digester } from "./md5-offload";

const WRITE_BUFFER_BYTES = 1 << 20;
/** Bodies up to this size (by Content-Length) are gathered in memory. */
export const IN_MEMORY_BODY_BYTES = 1 << 20;
/** https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html: "upload a single object of up to 5 GB" in one PUT. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;

export type ReceivedBody =
  | { readonly kind: "memory"; readonly body: Buffer; readonly md5: string }
  | { readonly kind: "file"; readonly path: string; readonly size: number; readonly md5: string };

function checkFraming(req: IncomingMessage): number | undefined {
  const sha = req.headers["x-amz-content-sha256"];
  const encoding = req.headers["content-encoding"];
  if ((typeof sha === "string" && sha.startsWith("STREAMING-")) || (typeof encoding === "string" && encoding.includes("aws-chunked"))) {
    throw new S3RequestError(
      "NotImplemented",
      501,
      "aws-chunked bodies (streaming signatures, trailing checksums) are not supported by the local S3 server; set AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED",
    );
  }
  const length = req.headers["content-length"];
  if (length === undefined) return undefined;
  const n = Number(length);
  if (!Number.isSafeInteger(n) || n < 0) throw new S3RequestError("InvalidArgument", 400, "Content-Length must be a non-negative integer");
  if (n > MAX_PUT_BYTES) throw new S3RequestError("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size.");
  return n;
}

function checkContentMd5(req: IncomingMessage, md5Hex: string): void {
  const sent = req.headers["content-md5"];
  if (typeof sent !== "string") return;
  if (Buffer.from(md5Hex, "hex").toString("base64") !== sent) {
    throw new S3RequestError("BadDigest", 400, "The Content-MD5 you specified did not match what we received.");
  }
}

/** Reads a body whole into memory (small bodies, and the XML of CompleteMultipartUpload/DeleteObjects). */
export function readSmall(req: IncomingMessage, limit = IN_MEMORY_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new S3RequestError("MaxMessageLengthExceeded", 400, "Your request was too big."));
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
}

/** Receives a PUT body: in memory when small, else into `scratch` (removed again on failure). */
export async function receiveBody(req: IncomingMessage, scratch: () => string): Promise<ReceivedBody> {
  const length = checkFraming(req);
  if (length !== undefined && length <= IN_MEMORY_BODY_BYTES) {
    const body = await readSmall(req);
    if (body.length !== length)
      throw new S3RequestError(
        "IncompleteBody",
        400,
        "You did not provide the number of bytes specified by the Content-Length HTTP header.",
      );
    const md5 = createHash("md5").update(body).digest("hex");
    checkContentMd5(req, md5);
    return { kind: "memory", body, md5 };
  }
  const path = scratch();
  const md5 = new Md5Digester();
  let size = 0;
  try {
    await pipeline(
      req,
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          if (size > MAX_PUT_BYTES)
            callback(new S3RequestError("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size."));
          else callback(null, chunk);
        },
      }),
      createWriteStream(path, { highWaterMark: WRITE_BUFFER_BYTES }),
    );
    if (length !== undefined && size !== length)
      throw new S3RequestError(
        "IncompleteBody",
        400,
        "You did not provide the number of bytes specified by the Content-Length HTTP header.",
      );
    const hex = await md5.hex();
    checkContentMd5(req, hex);
    return { kind: "file", path, size, md5: hex };
  } catch (error) {
    md5.abandon();
    await rm(path, { force: true });
    throw error;
  }
}

/** A fresh scratch file name. */
export const scratchName = (): string => randomBytes(12).toString("hex");
