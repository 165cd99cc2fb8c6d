/**
 * The embedded S3's CompleteMultipartUpload (emulators/s3/complete-upload.ts): the parts joined in
 * order, S3's multipart ETag (MD5 of the parts' MD5s, "-N"), and S3's refusals: parts out of
 * order, a part with another ETag or never uploaded, a part other than the last under 5 MiB, an
 * unknown upload id. A refused completion leaves the upload in place (it can be completed after).
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { MIN_PART_BYTES } from "../../emulators/s3/complete-upload";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";

const BUCKET = "parts";

async function upload(client: S3Client, key: string, bodies: Buffer[]): Promise<{ uploadId: string; etags: string[] }> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: "application/json" }));
  const etags: string[] = [];
  for (let i = 0; i < bodies.length; i++) {
    const part = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: bodies[i] }));
    etags.push(part.ETag!);
  }
  return { uploadId: UploadId!, etags };
}

const complete = (client: S3Client, key: string, uploadId: string, parts: Array<{ PartNumber: number; ETag: string }>) =>
  client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));

const refusedWith = (code: string) => (e: unknown) => (e as { name?: string }).name === code;

describe("embedded S3: CompleteMultipartUpload as S3 does it", function () {
  this.timeout(30_000);
  let s3: EmbeddedS3;
  before(async () => {
    s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  });
  after(() => s3?.stop());

  it("joins the parts in order, with the multipart ETag and the upload's content type", async () => {
    const client = s3.client();
    const bodies = [randomBytes(MIN_PART_BYTES), randomBytes(MIN_PART_BYTES + 17), randomBytes(1000)];
    const { uploadId, etags } = await upload(client, "a/whole.json", bodies);
    const done = await complete(
      client,
      "a/whole.json",
      uploadId,
      etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })),
    );
    const md5s = Buffer.concat(bodies.map((b) => createHash("md5").update(b).digest()));
    const expected = `"${createHash("md5").update(md5s).digest("hex")}-3"`;
    assert.equal(done.ETag, expected);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "a/whole.json" }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(bodies)));
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "a/whole.json" }));
    assert.equal(head.ETag, expected);
    assert.equal(head.ContentType, "application/json");
    await assert.rejects(complete(client, "a/whole.json", uploadId, [{ PartNumber: 1, ETag: etags[0] }]), refusedWith("NoSuchUpload"));
  });

  it("refuses parts out of order, an unknown or changed part, and a small part before the last; the upload stays", async () => {
    const client = s3.client();
    const bodies = [randomBytes(MIN_PART_BYTES - 1), randomBytes(MIN_PART_BYTES), randomBytes(10)];
    const { uploadId, etags } = await upload(client, "refused.bin", bodies);
    const list = etags.map((ETag, i) => ({ PartNumber: i + 1, ETag }));
    await assert.rejects(complete(client, "refused.bin", uploadId, [list[1], list[0]]), refusedWith("InvalidPartOrder"));
    await assert.rejects(complete(client, "refused.bin", uploadId, [{ PartNumber: 1, ETag: etags[1] }]), refusedWith("InvalidPart"));
    await assert.rejects(
      complete(client, "refused.bin", uploadId, [...list, { PartNumber: 4, ETag: etags[0] }]),
      refusedWith("InvalidPart"),
    );
    await assert.rejects(complete(client, "refused.bin", uploadId, list), refusedWith("EntityTooSmall"));
    // The small first part alone is the last part: allowed, and the upload was still there to complete.
    await complete(client, "refused.bin", uploadId, [list[0]]);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "refused.bin" }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(bodies[0]));
  });

  it("an unknown upload id is NoSuchUpload", async () => {
    await assert.rejects(
      complete(s3.client(), "x", "0123456789abcdef0123456789abcdef", [{ PartNumber: 1, ETag: '"0"' }]),
      refusedWith("NoSuchUpload"),
    );
  });
});
