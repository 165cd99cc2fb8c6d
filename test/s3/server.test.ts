import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { InvalidBucketNameError, startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";

const text = async (client: S3Client, Bucket: string, Key: string) =>
  (await client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

for (const offThread of [false, true])
  describe(`emulators/s3: the embedded S3 server${offThread ? " on its own thread" : ""}`, () => {
    let s3: EmbeddedS3;
    let client: S3Client;
    beforeEach(async () => {
      s3 = await startEmbeddedS3({ buckets: ["declared"], offThread });
      client = s3.client();
    });
    afterEach(() => s3.stop());

    it("listens on 127.0.0.1 with an ephemeral port and round-trips an object", async () => {
      assert.match(s3.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      await client.send(new PutObjectCommand({ Bucket: "declared", Key: "a/b c.json", Body: '{"x":1}' }));
      assert.equal(await text(client, "declared", "a/b c.json"), '{"x":1}');
    });

    it("serves a plain `new S3Client({})` configured only by its env (no endpoint or path-style in code)", async () => {
      const saved = { ...process.env };
      Object.assign(process.env, s3.env);
      const plain = new S3Client({});
      try {
        await plain.send(new PutObjectCommand({ Bucket: "declared", Key: "k", Body: "v" }));
        assert.equal(await text(plain, "declared", "k"), "v");
      } finally {
        plain.destroy();
        for (const k of Object.keys(s3.env)) {
          if (saved[k] === undefined) delete process.env[k];
          else process.env[k] = saved[k];
        }
      }
    });

    it("completes a lib-storage multipart upload (3 parts) with the SDK's current defaults tamed by env", async () => {
      const part = 5 * 1024 * 1024;
      const body = Buffer.alloc(2 * part + 123, 7);
      await new Upload({ client, params: { Bucket: "declared", Key: "big.bin", Body: body }, partSize: part }).done();
      const got = await client.send(new GetObjectCommand({ Bucket: "declared", Key: "big.bin" }));
      const bytes = await got.Body!.transformToByteArray();
      assert.equal(bytes.length, body.length);
      assert.ok(Buffer.from(bytes).equals(body));
    });

    it("serves byte ranges (what a chunked item reader asks for)", async () => {
      await client.send(new PutObjectCommand({ Bucket: "declared", Key: "r", Body: "0123456789" }));
      const res = await client.send(new GetObjectCommand({ Bucket: "declared", Key: "r", Range: "bytes=2-5" }));
      assert.equal(await res.Body!.transformToString(), "2345");
    });

    it("a declared bucket deleted by DeleteBucket stays deleted, as on AWS (NoSuchBucket), until CreateBucket makes it again", async () => {
      await client.send(new DeleteBucketCommand({ Bucket: "declared" }));
      await assert.rejects(
        client.send(new PutObjectCommand({ Bucket: "declared", Key: "k", Body: "back" })),
        (e: Error) => e.name === "NoSuchBucket",
      );
      await client.send(new CreateBucketCommand({ Bucket: "declared" }));
      await client.send(new PutObjectCommand({ Bucket: "declared", Key: "k", Body: "back" }));
      assert.equal(await text(client, "declared", "k"), "back");
    });

    it("lets CreateBucket create a declared bucket that went missing", async () => {
      await client.send(new DeleteBucketCommand({ Bucket: "declared" }));
      await client.send(new CreateBucketCommand({ Bucket: "declared" }));
      await client.send(new HeadBucketCommand({ Bucket: "declared" }));
    });

    it("answers NoSuchBucket for an undeclared bucket, and serves it once ensureBucket declares it", async () => {
      await assert.rejects(
        client.send(new PutObjectCommand({ Bucket: "other", Key: "k", Body: "v" })),
        (e: Error) => e.name === "NoSuchBucket",
      );
      await s3.ensureBucket("other");
      await s3.ensureBucket("other"); // idempotent
      await client.send(new HeadBucketCommand({ Bucket: "other" }));
      await client.send(new DeleteBucketCommand({ Bucket: "other" }));
      await assert.rejects(
        client.send(new PutObjectCommand({ Bucket: "other", Key: "k", Body: "v" })),
        (e: Error) => e.name === "NoSuchBucket",
      );
      await s3.ensureBucket("other");
      await client.send(new PutObjectCommand({ Bucket: "other", Key: "k", Body: "v" }));
      assert.equal(await text(client, "other", "k"), "v");
    });

    it("rejects bucket names that are not one safe folder name", async () => {
      await assert.rejects(s3.ensureBucket("../escape"), InvalidBucketNameError);
      await assert.rejects(s3.ensureBucket(".."), InvalidBucketNameError);
      await assert.rejects(startEmbeddedS3({ buckets: ["a/b"], offThread }), InvalidBucketNameError);
    });

    it("lists and aborts multipart uploads (which s3rver alone does not)", async () => {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: "declared", Key: "mp/x" }));
      await client.send(new UploadPartCommand({ Bucket: "declared", Key: "mp/x", UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 1) }));
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: "declared" }));
      assert.deepEqual(
        listed.Uploads?.map((u) => [u.Key, u.UploadId]),
        [["mp/x", UploadId]],
      );
      const none = await client.send(new ListMultipartUploadsCommand({ Bucket: "declared", Prefix: "other/" }));
      assert.deepEqual(none.Uploads ?? [], []);
      await client.send(new AbortMultipartUploadCommand({ Bucket: "declared", Key: "mp/x", UploadId }));
      const after = await client.send(new ListMultipartUploadsCommand({ Bucket: "declared" }));
      assert.deepEqual(after.Uploads ?? [], []);
      const objects = await client.send(new ListObjectsV2Command({ Bucket: "declared" }));
      assert.deepEqual(objects.Contents ?? [], []);
      await assert.rejects(
        client.send(new AbortMultipartUploadCommand({ Bucket: "declared", Key: "mp/x", UploadId })),
        (e: Error) => e.name === "NoSuchUpload",
      );
    });

    it("stops idempotently, even when stop is called concurrently, and then refuses connections", async () => {
      await client.send(new PutObjectCommand({ Bucket: "declared", Key: "k", Body: "v" }));
      const dir = s3.dataDir;
      await Promise.all([s3.stop(), s3.stop()]);
      await s3.stop();
      assert.equal(existsSync(dir), false, "a temporary data folder is removed");
      await assert.rejects(s3.ensureBucket("late"), /the embedded S3 has been stopped/);
      const after = new S3Client({
        endpoint: s3.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
        maxAttempts: 1,
      });
      try {
        await assert.rejects(after.send(new HeadBucketCommand({ Bucket: "declared" })), /ECONNREFUSED/);
      } finally {
        after.destroy();
      }
    });
  });

describe("emulators/s3: options", () => {
  it("creates any bucket on first use with autoCreateBuckets", async () => {
    const s3 = await startEmbeddedS3({ autoCreateBuckets: true });
    try {
      const client = s3.client();
      await client.send(new PutObjectCommand({ Bucket: "made-on-demand", Key: "k", Body: "v" }));
      assert.equal(await text(client, "made-on-demand", "k"), "v");
    } finally {
      await s3.stop();
    }
  });

  it("keeps a given data folder, so objects survive a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "s3-test-"));
    try {
      const first = await startEmbeddedS3({ dataDir: dir, buckets: ["keep"] });
      await first.client().send(new PutObjectCommand({ Bucket: "keep", Key: "k", Body: "still here" }));
      await first.stop();
      assert.ok(existsSync(dir));
      const second = await startEmbeddedS3({ dataDir: dir, buckets: ["keep"] });
      try {
        assert.equal(await text(second.client(), "keep", "k"), "still here");
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  for (const offThread of [false, true])
    it(`leaves no handle behind${offThread ? " (on its own thread)" : ""}: a process that starts, uses (keep-alive) and stops it exits on its own`, function () {
      this.timeout(60_000);
      const script = `
      const { startEmbeddedS3 } = require("./emulators/s3/server");
      const { captureInput } = require("./handlers/capture-input");
      const { PutObjectCommand } = require("@aws-sdk/client-s3");
      (async () => {
        const s3 = await startEmbeddedS3({ buckets: ["exit-test"], offThread: ${offThread} });
        Object.assign(process.env, s3.env, { PAYLOAD_BUCKET: "exit-test" });
        await s3.client().send(new PutObjectCommand({ Bucket: "exit-test", Key: "k", Body: "v" }));
        await captureInput({ number: 100, chunk: 3 });
        await s3.stop();
        console.log("stopped");
      })().catch((e) => { console.error(e); process.exitCode = 2; });
    `;
      // No process.exit in the script: if a socket or a server were left open, the child would hang
      // and spawnSync's timeout would kill it (status null).
      const res = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", script], {
        cwd: join(__dirname, "..", ".."),
        encoding: "utf8",
        timeout: 45_000,
      });
      assert.equal(res.signal, null, `the child did not exit on its own:\n${res.stderr}`);
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stdout, /stopped/);
    });

  it("offThread: refuses a fault injector (functions stay on the caller's thread)", async () => {
    await assert.rejects(startEmbeddedS3({ offThread: true, faults: () => undefined }), /offThread cannot be used with faults/);
  });

  it("offThread: a data folder it cannot use fails the start with the server's own error", async () => {
    const dir = await mkdtemp(join(tmpdir(), "s3-test-"));
    try {
      const file = join(dir, "not-a-folder");
      await import("node:fs/promises").then((fs) => fs.writeFile(file, "x"));
      const onThread = await startEmbeddedS3({ dataDir: file, offThread: true }).then(
        () => "started",
        (e: Error) => e.message,
      );
      const here = await startEmbeddedS3({ dataDir: file }).then(
        () => "started",
        (e: Error) => e.message,
      );
      assert.notEqual(onThread, "started");
      assert.equal(onThread, here);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
