/**
 * EmbeddedS3.putObjects, the direct path a generated data set takes: the objects are then exactly
 * what PutObject would have stored (bytes, MD5 ETag, type, listing), and a key PutObject would
 * refuse is refused too.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";

for (const offThread of [false, true])
  describe(`embedded S3${offThread ? " on its own thread" : ""}: putObjects (a data set without one request per object)`, () => {
    let s3: EmbeddedS3;
    before(async () => {
      s3 = await startEmbeddedS3({ buckets: ["direct"], offThread });
    });
    after(() => s3?.stop());

    it("stores objects as PutObject would: bytes, MD5 ETag, content type, listed in order", async () => {
      const n = await s3.putObjects(
        "direct",
        (function* () {
          for (let i = 2; i >= 0; i--) yield { key: `set/part-${i}.txt`, body: `text ${i}\n`, contentType: "text/plain" };
        })(),
      );
      assert.equal(n, 3);
      const client = s3.client();
      const listed = await client.send(new ListObjectsV2Command({ Bucket: "direct", Prefix: "set/" }));
      assert.deepEqual(
        listed.Contents?.map((c) => [c.Key, c.Size, c.ETag]),
        [0, 1, 2].map((i) => [`set/part-${i}.txt`, `text ${i}\n`.length, `"${createHash("md5").update(`text ${i}\n`).digest("hex")}"`]),
      );
      const got = await client.send(new GetObjectCommand({ Bucket: "direct", Key: "set/part-1.txt" }));
      assert.equal(await got.Body!.transformToString(), "text 1\n");
      assert.equal(got.ContentType, "text/plain");
    });

    it("refuses what PutObject refuses: a key with '..', a missing bucket", async () => {
      await assert.rejects(s3.putObjects("direct", [{ key: "../escape", body: "x" }]), /refuses key/);
      await assert.rejects(s3.putObjects("nope", [{ key: "k", body: "x" }]), /does not exist/);
    });
  });
