/**
 * The embedded S3 server cannot be escaped and answers only signed requests: probes over raw HTTP
 * (signed and unsigned, encoded and not) and through the SDK, and a fast-check property over keys.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import fc from "fast-check";
import { keyProblem } from "../../emulators/s3/guard";
import { Sha256 } from "../../engine/model/sha256";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";

interface Reply {
  status: number;
  body: string;
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Sends `rawPath` verbatim (no normalization, no encoding), signed for `credentials` unless `sign` is false. */
async function raw(
  s3: EmbeddedS3,
  method: string,
  rawPath: string,
  options: { body?: string; sign?: boolean; headers?: Record<string, string>; secret?: string; date?: Date } = {},
): Promise<Reply> {
  const url = new URL(s3.endpoint);
  const q = rawPath.indexOf("?");
  const query: Record<string, string> = {};
  if (q >= 0) {
    for (const part of rawPath.slice(q + 1).split("&")) {
      const eq = part.indexOf("=");
      query[decodeURIComponent(eq < 0 ? part : part.slice(0, eq))] = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    }
  }
  let headers: Record<string, string> = { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...options.headers };
  if (options.sign !== false) {
    const signer = new SignatureV4({
      credentials: { ...s3.credentials, ...(options.secret ? { secretAccessKey: options.secret } : {}) },
      region: s3.region,
      service: "s3",
      sha256: Sha256,
      uriEscapePath: false,
    });
    const signed = await signer.sign(
      {
        method,
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: q < 0 ? rawPath : rawPath.slice(0, q),
        query,
        headers,
      },
      { signingDate: options.date ?? new Date() },
    );
    headers = signed.headers as Record<string, string>;
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: rawPath, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const code = (reply: Reply) => /<Code>([^<]+)<\/Code>/.exec(reply.body)?.[1];

describe("emulators/s3 guard: nothing outside the data folder, signed requests only", () => {
  let sandbox: string;
  let dataDir: string;
  let s3: EmbeddedS3;
  let client: S3Client;
  /** A bait object next to the data folder: if anything could reach it, a probe would read or delete it. */
  let outsideBefore: string[];

  before(async () => {
    sandbox = await mkdtemp(join(tmpdir(), "s3-guard-"));
    // Deep enough that a key with up to eight ".." segments would still land inside the sandbox.
    dataDir = join(sandbox, "a", "b", "c", "d", "e", "f", "data");
    await mkdir(dataDir, { recursive: true });
    s3 = await startEmbeddedS3({ dataDir, buckets: ["bkt", "other"] });
    client = s3.client();
    await raw(s3, "PUT", "/other/secret.json", { body: "secret" });
    outsideBefore = filesUnder(sandbox).filter((f) => !f.startsWith(relative(sandbox, dataDir) + sep));
  });
  after(async () => {
    await s3.stop();
    await rm(sandbox, { recursive: true, force: true });
  });

  const outside = () => filesUnder(sandbox).filter((f) => !f.startsWith(relative(sandbox, dataDir) + sep));
  afterEach(() => assert.deepEqual(outside(), outsideBefore, "nothing appeared outside the data folder"));

  describe("authentication (SigV4 with the server's random credentials)", () => {
    it("gives every server its own random credentials, also in its env", async () => {
      assert.match(s3.credentials.accessKeyId, /^LOCAL[0-9A-F]{16}$/);
      assert.equal(s3.env["AWS_ACCESS_KEY_ID"], s3.credentials.accessKeyId);
      assert.equal(s3.env["AWS_SECRET_ACCESS_KEY"], s3.credentials.secretAccessKey);
      const other = await startEmbeddedS3();
      try {
        assert.notEqual(other.credentials.secretAccessKey, s3.credentials.secretAccessKey);
      } finally {
        await other.stop();
      }
    });

    for (const [method, path] of [
      ["PUT", "/bkt/unsigned.json"],
      ["GET", "/other/secret.json"],
      ["DELETE", "/other/secret.json"],
      ["GET", "/bkt?list-type=2"],
      ["GET", "/"],
      ["PUT", "/newbucket"],
    ] as const) {
      it(`refuses an unsigned ${method} ${path} with 403 AccessDenied`, async () => {
        const reply = await raw(s3, method, path, { sign: false, body: method === "PUT" ? "x" : undefined });
        assert.equal(reply.status, 403);
        assert.equal(code(reply), "AccessDenied");
      });
    }

    it("answers SignatureDoesNotMatch to a wrong secret (raw HTTP and SDK)", async () => {
      const reply = await raw(s3, "GET", "/other/secret.json", { secret: "wrong" });
      assert.equal(reply.status, 403);
      assert.equal(code(reply), "SignatureDoesNotMatch");
      const wrong = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        credentials: { ...s3.credentials, secretAccessKey: "wrong" },
        maxAttempts: 1,
      });
      try {
        await assert.rejects(wrong.send(new GetObjectCommand({ Bucket: "other", Key: "secret.json" })), { name: "SignatureDoesNotMatch" });
      } finally {
        wrong.destroy();
      }
    });

    it("answers InvalidAccessKeyId to another key id (the old fixed S3RVER one included)", async () => {
      const stranger = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
        maxAttempts: 1,
      });
      try {
        await assert.rejects(stranger.send(new PutObjectCommand({ Bucket: "bkt", Key: "x", Body: "x" })), { name: "InvalidAccessKeyId" });
      } finally {
        stranger.destroy();
      }
    });

    it("answers SignatureDoesNotMatch when a signed part of the request was changed (the path)", async () => {
      const url = new URL(s3.endpoint);
      const signer = new SignatureV4({
        credentials: s3.credentials,
        region: s3.region,
        service: "s3",
        sha256: Sha256,
        uriEscapePath: false,
      });
      const signed = await signer.sign({
        method: "GET",
        protocol: "http:",
        hostname: url.hostname,
        path: "/bkt/public.json",
        headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      });
      const reply = await new Promise<Reply>((resolve, reject) => {
        const req = request(
          { host: url.hostname, port: url.port, path: "/other/secret.json", headers: signed.headers, agent: false },
          (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
      assert.equal(code(reply), "SignatureDoesNotMatch");
    });

    it("answers RequestTimeTooSkewed to a signature more than 15 minutes old", async () => {
      const reply = await raw(s3, "GET", "/other/secret.json", { date: new Date(Date.now() - 16 * 60_000) });
      assert.equal(reply.status, 403);
      assert.equal(code(reply), "RequestTimeTooSkewed");
    });

    it("refuses presigned (query-string) authentication with AccessDenied", async () => {
      const reply = await raw(s3, "GET", "/other/secret.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00", { sign: false });
      assert.equal(code(reply), "AccessDenied");
    });

    it("serves a correctly signed raw request", async () => {
      const reply = await raw(s3, "GET", "/other/secret.json");
      assert.equal(reply.status, 200);
      assert.equal(reply.body, "secret");
    });
  });

  describe("traversal probes, signed with the right credentials", () => {
    const probes: Array<[method: string, path: string, expected: RegExp]> = [
      ["PUT", "/bkt/../../../../../../../../escaped", /^(InvalidArgument)$/],
      ["PUT", "/bkt/%2e%2e/%2e%2e/%2e%2e/escaped", /^InvalidArgument$/],
      ["PUT", "/bkt/%2e%2e%2f%2e%2e%2f%2e%2e%2fescaped", /^InvalidArgument$/],
      ["PUT", "/bkt/%2E%2E%2F%2E%2E%2Fescaped", /^InvalidArgument$/],
      ["PUT", "/bkt//tmp/escaped", /^InvalidArgument$/],
      ["PUT", "/bkt/%2Ftmp%2Fescaped", /^InvalidArgument$/],
      ["PUT", "/bkt/a/./b", /^InvalidArgument$/],
      ["PUT", "/bkt/..\\..\\escaped", /^InvalidArgument$/],
      ["PUT", "/bkt/%5c..%5cescaped", /^InvalidArgument$/],
      ["PUT", "/bkt/x/../../other/planted", /^InvalidArgument$/],
      ["PUT", "/bkt/a%00b", /^InvalidArgument$/],
      ["PUT", "/bkt/%zz", /^InvalidURI$/],
      ["PUT", "/../escaped", /^InvalidBucketName$/],
      ["PUT", "/%2e%2e/escaped", /^InvalidBucketName$/],
      ["PUT", "/%2e%2e%2fa%2fb/escaped", /^InvalidBucketName$/],
      ["PUT", "/b%5cc/escaped", /^InvalidBucketName$/],
      ["PUT", "/./escaped", /^InvalidBucketName$/],
      ["GET", "/..?list-type=2", /^InvalidBucketName$/],
      ["GET", "/%2e%2e?list-type=2", /^InvalidBucketName$/],
      ["GET", "/bkt/../other/secret.json", /^InvalidArgument$/],
      ["DELETE", "/bkt/../other/secret.json", /^InvalidArgument$/],
      ["DELETE", "/%2e%2e", /^InvalidBucketName$/],
      ["PUT", "/bkt/k?partNumber=1&uploadId=..%2F..%2F..%2Fescaped", /^NoSuchUpload$/],
      ["PUT", "/bkt/k?partNumber=..%2Fescaped&uploadId=0123456789abcdef0123456789abcdef", /^InvalidArgument$/],
      ["POST", "/bkt/k?uploadId=..%2F..", /^NoSuchUpload$/],
      ["DELETE", "/bkt/k?uploadId=..%2F..%2F..", /^NoSuchUpload$/],
    ];
    for (const [method, path, expected] of probes) {
      it(`${method} ${path} → 4xx ${expected.source}`, async () => {
        const reply = await raw(s3, method, path, { body: method === "PUT" ? "x" : undefined });
        assert.ok(reply.status >= 400 && reply.status < 500, `status ${reply.status}: ${reply.body}`);
        assert.match(code(reply) ?? "", expected, reply.body);
      });
    }

    it("refuses a copy whose x-amz-copy-source climbs out (raw and encoded)", async () => {
      for (const source of ["/bkt/../../../../../../x", "bkt/%2e%2e/%2e%2e/x", "..%2Fx/y", "/other/..%5Csecret.json"]) {
        const reply = await raw(s3, "PUT", "/bkt/copy", { headers: { "x-amz-copy-source": source } });
        assert.ok(reply.status === 400, `${source}: ${reply.status} ${reply.body}`);
      }
    });

    it("refuses a virtual-hosted style Host (s3rver would take the bucket from it)", async () => {
      const url = new URL(s3.endpoint);
      const reply = await raw(s3, "GET", "/secret.json", { headers: { host: `other.s3.amazonaws.com` } });
      assert.equal(reply.status, 400, reply.body);
      assert.ok(url.host !== "other.s3.amazonaws.com");
    });

    it("the SDK gets InvalidArgument for a key with '..' segments, and the object next door is intact", async () => {
      await assert.rejects(client.send(new PutObjectCommand({ Bucket: "bkt", Key: "../../../../tmp/x", Body: "x" })), {
        name: "InvalidArgument",
      });
      await assert.rejects(client.send(new DeleteObjectCommand({ Bucket: "bkt", Key: "../other/secret.json" })), {
        name: "InvalidArgument",
      });
      assert.equal(
        await (await client.send(new GetObjectCommand({ Bucket: "other", Key: "secret.json" }))).Body!.transformToString(),
        "secret",
      );
    });

    it("lists only the bucket's own keys whatever the prefix", async () => {
      await client.send(new PutObjectCommand({ Bucket: "bkt", Key: "inside/k", Body: "x" }));
      for (const Prefix of ["../", "../other/", "/", "..", "../../../../../../../"]) {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: "bkt", Prefix }));
        assert.deepEqual(listed.Contents ?? [], [], `prefix ${Prefix}`);
      }
    });
  });

  it("property: whatever the key, nothing appears outside the data folder, and an accepted key round-trips", async () => {
    const piece = fc.constantFrom(
      "..",
      ".",
      "/",
      "\\",
      "%2e",
      "%2f",
      "%5c",
      "a",
      "é",
      " ",
      "%",
      "~",
      "",
      "..%2f",
      "\u0000",
      "x".repeat(220),
    );
    const key = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((p) => p.join("")),
      fc.string({ unit: "binary", maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(key, async (k) => {
        if (k === "") return;
        const problem = keyProblem(k);
        const put = await client.send(new PutObjectCommand({ Bucket: "bkt", Key: k, Body: "v" })).then(
          () => undefined,
          (e: Error) => e,
        );
        if (problem === undefined) {
          assert.equal(put, undefined, `key ${JSON.stringify(k)} refused: ${put?.message}`);
          const got = await client.send(new GetObjectCommand({ Bucket: "bkt", Key: k }));
          assert.equal(await got.Body!.transformToString(), "v");
          await client.send(new DeleteObjectCommand({ Bucket: "bkt", Key: k }));
        } else {
          assert.ok(put, `key ${JSON.stringify(k)} accepted though ${problem}`);
        }
        assert.deepEqual(outside(), outsideBefore);
      }),
      { numRuns: 150, seed: 16 },
    );
  });
});
