/**
 * The S3 API behaviour the engine (ItemReader, ResultWriter, aws-sdk:s3 tasks), the handlers and the
 * CLIs (`--put`, `--out`, `--keep`) rely on, as AWS documents it: any implementation of the embedded
 * S3 must pass these, through `@aws-sdk/client-s3`. Each rule cites its page.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";

const B = "behaviour";
const md5 = (s: string) => createHash("md5").update(s).digest("hex");
const rejectsWith = (name: string, status?: number) => (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  assert.equal(err.name, name);
  if (status !== undefined) assert.equal(err.$metadata?.httpStatusCode, status);
  return true;
};

// The same rules whether the server shares the caller's thread or runs on its own (offThread, what exec uses).
for (const offThread of [false, true])
  describe(`embedded S3${offThread ? " on its own thread" : ""}: S3 API behaviour (as AWS documents it)`, function () {
    this.timeout(30_000);
    let s3: EmbeddedS3;
    let client: S3Client;
    const put = (Key: string, Body = "x", extra: Record<string, unknown> = {}) =>
      client.send(new PutObjectCommand({ Bucket: B, Key, Body, ...extra }));
    const keysOf = (r: { Contents?: Array<{ Key?: string }> }) => (r.Contents ?? []).map((c) => c.Key);

    before(async () => {
      s3 = await startEmbeddedS3({ buckets: [B], offThread });
      client = s3.client();
    });
    after(() => s3?.stop());

    describe("PutObject / GetObject / HeadObject", () => {
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html: a single-part
      // object's ETag is the MD5 of its body; https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html.
      it("answers the MD5 ETag (quoted), and GET/HEAD give back body, type, length, ETag and user metadata", async () => {
        const out = await put("o/meta.txt", "hello", { ContentType: "text/plain", Metadata: { owner: "me" }, CacheControl: "no-cache" });
        assert.equal(out.ETag, `"${md5("hello")}"`);
        const got = await client.send(new GetObjectCommand({ Bucket: B, Key: "o/meta.txt" }));
        assert.equal(await got.Body!.transformToString(), "hello");
        assert.equal(got.ContentType, "text/plain");
        assert.equal(got.ContentLength, 5);
        assert.equal(got.ETag, `"${md5("hello")}"`);
        assert.deepEqual(got.Metadata, { owner: "me" });
        assert.equal(got.CacheControl, "no-cache");
        assert.ok(got.LastModified instanceof Date);
        const head = await client.send(new HeadObjectCommand({ Bucket: B, Key: "o/meta.txt" }));
        assert.equal(head.ContentLength, 5);
        assert.equal(head.ETag, got.ETag);
      });

      it("an empty body is an object too", async () => {
        await client.send(new PutObjectCommand({ Bucket: B, Key: "o/empty", Body: new Uint8Array(0) }));
        const got = await client.send(new GetObjectCommand({ Bucket: B, Key: "o/empty" }));
        assert.equal(await got.Body!.transformToString(), "");
        assert.equal(got.ETag, `"${md5("")}"`);
        assert.equal(got.ContentLength, 0);
      });

      it("a PUT replaces the object whole", async () => {
        await put("o/replace", "first version, longer");
        await put("o/replace", "second");
        assert.equal(await (await client.send(new GetObjectCommand({ Bucket: B, Key: "o/replace" }))).Body!.transformToString(), "second");
      });

      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_Errors: NoSuchKey (404).
      it("a missing key is NoSuchKey (GET) and NotFound (HEAD, no body); a missing bucket NoSuchBucket", async () => {
        await assert.rejects(client.send(new GetObjectCommand({ Bucket: B, Key: "o/none" })), rejectsWith("NoSuchKey", 404));
        await assert.rejects(client.send(new HeadObjectCommand({ Bucket: B, Key: "o/none" })), rejectsWith("NotFound", 404));
        await assert.rejects(client.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "k" })), rejectsWith("NoSuchBucket", 404));
      });

      // https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2 as S3 serves it (API_GetObject: Range).
      it("serves byte ranges (first-last, open-ended, suffix) with 206 and Content-Range; an unsatisfiable one is InvalidRange", async () => {
        await put("o/range", "0123456789");
        const range = async (Range: string) => {
          const r = await client.send(new GetObjectCommand({ Bucket: B, Key: "o/range", Range }));
          return [await r.Body!.transformToString(), r.ContentRange, r.$metadata.httpStatusCode];
        };
        assert.deepEqual(await range("bytes=2-5"), ["2345", "bytes 2-5/10", 206]);
        assert.deepEqual(await range("bytes=7-"), ["789", "bytes 7-9/10", 206]);
        assert.deepEqual(await range("bytes=-3"), ["789", "bytes 7-9/10", 206]);
        assert.deepEqual(await range("bytes=8-100"), ["89", "bytes 8-9/10", 206]);
        await assert.rejects(
          client.send(new GetObjectCommand({ Bucket: B, Key: "o/range", Range: "bytes=10-" })),
          rejectsWith("InvalidRange", 416),
        );
      });

      // API_GetObject: If-Match → 412 PreconditionFailed; If-None-Match → 304 Not Modified.
      it("honours If-Match and If-None-Match", async () => {
        const { ETag } = await put("o/cond", "v1");
        await client.send(new GetObjectCommand({ Bucket: B, Key: "o/cond", IfMatch: ETag }));
        await assert.rejects(
          client.send(new GetObjectCommand({ Bucket: B, Key: "o/cond", IfMatch: '"0000"' })),
          rejectsWith("PreconditionFailed", 412),
        );
        await assert.rejects(
          client.send(new GetObjectCommand({ Bucket: B, Key: "o/cond", IfNoneMatch: ETag })),
          (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 304,
        );
      });
    });

    describe("ListObjectsV2 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html)", () => {
      before(async () => {
        for (let i = 0; i < 25; i++) await put(`l/p-${String(i).padStart(2, "0")}.txt`, `object ${i}`);
        for (const k of ["l/d/a/1", "l/d/a/2", "l/d/b/1", "l/d/c"]) await put(k);
      });

      it("lists in UTF-8 binary order with Key, Size, ETag, LastModified and StorageClass", async () => {
        const r = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: "l/p-0" }));
        assert.deepEqual(
          keysOf(r),
          Array.from({ length: 10 }, (_, i) => `l/p-0${i}.txt`),
        );
        const first = r.Contents![0]!;
        assert.equal(first.Size, "object 0".length);
        assert.equal(first.ETag, `"${md5("object 0")}"`);
        assert.equal(first.StorageClass, "STANDARD");
        assert.ok(first.LastModified instanceof Date);
        assert.equal(r.KeyCount, 10);
        assert.equal(r.IsTruncated, false);
      });

      it("pages with MaxKeys and NextContinuationToken: every key once, in order", async () => {
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const r = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: "l/p-", MaxKeys: 7, ContinuationToken: token }));
          pages++;
          seen.push(...(keysOf(r) as string[]));
          assert.equal(r.IsTruncated, r.NextContinuationToken !== undefined);
          token = r.NextContinuationToken;
        } while (token);
        assert.equal(pages, 4);
        assert.deepEqual(
          seen,
          Array.from({ length: 25 }, (_, i) => `l/p-${String(i).padStart(2, "0")}.txt`),
        );
      });

      it("StartAfter starts after the given key", async () => {
        const r = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: "l/p-", StartAfter: "l/p-22.txt" }));
        assert.deepEqual(keysOf(r), ["l/p-23.txt", "l/p-24.txt"]);
      });

      it("groups by Delimiter into CommonPrefixes, which count toward MaxKeys and page like keys", async () => {
        const r = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: "l/d/", Delimiter: "/" }));
        assert.deepEqual(keysOf(r), ["l/d/c"]);
        assert.deepEqual(
          r.CommonPrefixes?.map((p) => p.Prefix),
          ["l/d/a/", "l/d/b/"],
        );
        assert.equal(r.KeyCount, 3);
        const first = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: "l/d/", Delimiter: "/", MaxKeys: 1 }));
        assert.deepEqual(
          first.CommonPrefixes?.map((p) => p.Prefix),
          ["l/d/a/"],
        );
        const second = await client.send(
          new ListObjectsV2Command({
            Bucket: B,
            Prefix: "l/d/",
            Delimiter: "/",
            MaxKeys: 1,
            ContinuationToken: first.NextContinuationToken,
          }),
        );
        assert.deepEqual(
          second.CommonPrefixes?.map((p) => p.Prefix),
          ["l/d/b/"],
        );
      });

      it("returns at most 1,000 keys a page whatever MaxKeys asks", async () => {
        const r = await client.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 5000 }));
        assert.equal(r.MaxKeys, 1000);
      });

      it("an empty prefix match is an empty, untruncated page; a missing bucket is NoSuchBucket", async () => {
        const r = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: "nothing/" }));
        assert.deepEqual(r.Contents ?? [], []);
        assert.equal(r.KeyCount, 0);
        await assert.rejects(client.send(new ListObjectsV2Command({ Bucket: "no-such-bucket" })), rejectsWith("NoSuchBucket", 404));
      });

      it("a key deleted or added between pages is listed as S3 lists it now", async () => {
        const first = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: "l/p-", MaxKeys: 10 }));
        await client.send(new DeleteObjectCommand({ Bucket: B, Key: "l/p-12.txt" }));
        await put("l/p-12a.txt");
        const rest = await client.send(
          new ListObjectsV2Command({ Bucket: B, Prefix: "l/p-1", ContinuationToken: first.NextContinuationToken }),
        );
        assert.deepEqual(keysOf(rest), [
          "l/p-10.txt",
          "l/p-11.txt",
          "l/p-12a.txt",
          "l/p-13.txt",
          "l/p-14.txt",
          "l/p-15.txt",
          "l/p-16.txt",
          "l/p-17.txt",
          "l/p-18.txt",
          "l/p-19.txt",
        ]);
        await put("l/p-12.txt", "object 12");
        await client.send(new DeleteObjectCommand({ Bucket: B, Key: "l/p-12a.txt" }));
      });
    });

    describe("DeleteObject, DeleteObjects, CopyObject, ListBuckets", () => {
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html: 204 whether or not the key existed.
      it("DeleteObject removes an object and succeeds for a missing key", async () => {
        await put("d/one");
        await client.send(new DeleteObjectCommand({ Bucket: B, Key: "d/one" }));
        await client.send(new DeleteObjectCommand({ Bucket: B, Key: "d/one" }));
        await assert.rejects(client.send(new HeadObjectCommand({ Bucket: B, Key: "d/one" })), rejectsWith("NotFound"));
      });

      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
      it("DeleteObjects deletes many keys and reports each", async () => {
        await put("d/a");
        await put("d/b");
        const r = await client.send(
          new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: "d/a" }, { Key: "d/b" }, { Key: "d/never" }] } }),
        );
        assert.deepEqual(r.Deleted?.map((d) => d.Key).sort(), ["d/a", "d/b", "d/never"]);
        assert.deepEqual(keysOf(await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: "d/" }))), []);
      });

      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html: same ETag for a single-part copy; metadata copied by default.
      it("CopyObject copies body, ETag and metadata; a missing source is NoSuchKey", async () => {
        const { ETag } = await put("c/src", "copy me", { ContentType: "application/json", Metadata: { a: "1" } });
        const r = await client.send(new CopyObjectCommand({ Bucket: B, Key: "c/dst", CopySource: `${B}/c/src` }));
        assert.equal(r.CopyObjectResult?.ETag, ETag);
        const got = await client.send(new GetObjectCommand({ Bucket: B, Key: "c/dst" }));
        assert.equal(await got.Body!.transformToString(), "copy me");
        assert.equal(got.ContentType, "application/json");
        assert.deepEqual(got.Metadata, { a: "1" });
        await assert.rejects(
          client.send(new CopyObjectCommand({ Bucket: B, Key: "c/dst2", CopySource: `${B}/c/none` })),
          rejectsWith("NoSuchKey", 404),
        );
      });

      it("ListBuckets lists the buckets", async () => {
        const r = await client.send(new ListBucketsCommand({}));
        assert.ok(r.Buckets?.some((b) => b.Name === B));
      });
    });

    describe("on disk (what --keep leaves)", () => {
      it("every object is a plain file at <dataDir>/<bucket>/<key> holding its bytes", async () => {
        await put("disk/sub/file.json", '{"a":1}');
        const file = join(s3.dataDir, B, "disk", "sub", "file.json");
        assert.equal(readFileSync(file, "utf8"), '{"a":1}');
        await client.send(new DeleteObjectCommand({ Bucket: B, Key: "disk/sub/file.json" }));
        assert.equal(existsSync(file), false);
        assert.equal(existsSync(join(s3.dataDir, B, "disk")), false, "folders left empty go too");
      });

      it("a data folder given again comes back with its objects' ETags and types", async () => {
        const { mkdtemp, rm } = await import("node:fs/promises");
        const { tmpdir } = await import("node:os");
        const dir = await mkdtemp(join(tmpdir(), "s3-behaviour-"));
        try {
          const first = await startEmbeddedS3({ dataDir: dir, buckets: ["kept"], offThread });
          await first.client().send(new PutObjectCommand({ Bucket: "kept", Key: "a/b.json", Body: "{}", ContentType: "application/json" }));
          await first.stop();
          const second = await startEmbeddedS3({ dataDir: dir, buckets: ["kept"], offThread });
          try {
            const head = await second.client().send(new HeadObjectCommand({ Bucket: "kept", Key: "a/b.json" }));
            assert.equal(head.ContentType, "application/json");
            assert.equal(head.ETag, `"${md5("{}")}"`);
            const listed = await second.client().send(new ListObjectsV2Command({ Bucket: "kept" }));
            assert.deepEqual(keysOf(listed), ["a/b.json"]);
          } finally {
            await second.stop();
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    });
  });
