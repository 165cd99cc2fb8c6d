/**
 * The embedded S3's PutObject for streamed bodies (emulators/s3/put-object.ts): the object is whole on
 * disk when the PUT is answered, its ETag is the MD5 of the body, its metadata kept, and a
 * multipart upload (its parts streamed the same way, completed by ../../emulators/s3/complete-upload.ts)
 * still assembles.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";

describe("embedded S3: streamed PutObject", function () {
  this.timeout(30_000);
  let s3: EmbeddedS3;
  before(async () => {
    s3 = await startEmbeddedS3({ buckets: ["puts"] });
  });
  after(() => s3?.stop());

  it("a body streamed in many chunks reads back whole at once, with the MD5 ETag and its content type", async () => {
    const client = s3.client();
    const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(64 * 1024 + i));
    const body = Buffer.concat(chunks);
    const md5 = createHash("md5").update(body).digest("hex");
    const put = await client.send(
      new PutObjectCommand({
        Bucket: "puts",
        Key: "a/b.json",
        Body: Readable.from(chunks),
        ContentLength: body.length,
        ContentType: "application/json",
      }),
    );
    assert.equal(put.ETag, `"${md5}"`);
    const got = await client.send(new GetObjectCommand({ Bucket: "puts", Key: "a/b.json" }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
    const head = await client.send(new HeadObjectCommand({ Bucket: "puts", Key: "a/b.json" }));
    assert.equal(head.ContentType, "application/json");
    assert.equal(head.ContentLength, body.length);
  });

  it("a multipart upload (lib-storage, 5 MiB parts) completes to the same bytes", async () => {
    const client = s3.client();
    const body = randomBytes(11 * 1024 * 1024);
    await new Upload({
      client,
      params: { Bucket: "puts", Key: "multi.bin", Body: Readable.from([body]) },
      partSize: 5 * 1024 * 1024,
    }).done();
    const got = await client.send(new GetObjectCommand({ Bucket: "puts", Key: "multi.bin" }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
  });
});
