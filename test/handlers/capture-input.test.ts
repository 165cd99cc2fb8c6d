import assert from "node:assert/strict";
import { S3Client, type UploadPartCommandInput } from "@aws-sdk/client-s3";
import fc from "fast-check";
import { captureInput, createCaptureInput, MAX_NUMBER, paginateInline, ResponseSizeTooLargeError } from "../../handlers/capture-input";
import { paginate, serializedPages } from "../../handlers/capture-input/pages";
import { InvalidInputError, PayloadConfigError, PayloadWriteError } from "../../handlers/shared/errors";
import { startEmbeddedS3 } from "../../emulators/s3/server";
import { BUCKET, emptyBucket, listKeys, pendingUploads, readText, setEnv, useEmbeddedS3 } from "./helpers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("handlers/capture-input: pages", () => {
  it("pages [0, number) with `to` exclusive, like the seed's paginate", () => {
    assert.deepEqual(paginate(12, 5), [
      { from: 0, to: 5 },
      { from: 5, to: 10 },
      { from: 10, to: 12 },
    ]);
    assert.deepEqual(paginate(0, 3), []);
  });

  it("streams exactly the bytes of JSON.stringify(paginate) and of its JSON Lines", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 300 }), (number, chunk) => {
        const pages = paginate(number, chunk);
        const json = Buffer.concat([...serializedPages(number, chunk, "json")]).toString();
        const jsonl = Buffer.concat([...serializedPages(number, chunk, "jsonl")]).toString();
        assert.equal(json, JSON.stringify(pages));
        assert.equal(jsonl, pages.map((p) => JSON.stringify(p) + "\n").join(""));
      }),
      { numRuns: 60 },
    );
  });
});

describe("handlers/capture-input against the embedded S3", () => {
  const fx = useEmbeddedS3();
  afterEach(() => emptyBucket(fx));

  it("writes the pages as a JSON array under the payload prefix and returns {bucket, key, count}", async () => {
    const out = await captureInput({ number: 12, chunk: 5 });
    assert.equal(out.bucket, BUCKET);
    assert.equal(out.count, 3);
    assert.match(out.key, /^payloads\//);
    assert.match(out.key.slice("payloads/".length, -".json".length), UUID);
    assert.ok(out.key.endsWith(".json"));
    assert.deepEqual(Object.keys(out).sort(), ["bucket", "count", "key"]);
    assert.equal(await readText(fx.client, out.key), '[{"from":0,"to":5},{"from":5,"to":10},{"from":10,"to":12}]');
    assert.deepEqual(await listKeys(fx.client), [out.key]);
  });

  it("defaults to the seed's {number: 10, chunk: 1}", async () => {
    const out = await captureInput({});
    assert.equal(out.count, 10);
    assert.deepEqual(JSON.parse(await readText(fx.client, out.key)), paginate(10, 1));
  });

  it("writes an empty array for number 0", async () => {
    const out = await captureInput({ number: 0, chunk: 4 });
    assert.equal(out.count, 0);
    assert.equal(await readText(fx.client, out.key), "[]");
  });

  it("makes the key deterministic when the execution name is passed (a retry overwrites its own object)", async () => {
    const a = await captureInput({ number: 4, chunk: 2, executionName: "run-42" });
    const b = await captureInput({ number: 6, chunk: 2, executionName: "run-42" });
    assert.equal(a.key, "payloads/run-42.json");
    assert.equal(b.key, a.key);
    assert.deepEqual(await listKeys(fx.client), [a.key]);
    assert.deepEqual(JSON.parse(await readText(fx.client, a.key)), paginate(6, 2));
  });

  it("gives 100 concurrent calls 100 distinct keys and 100 objects", async () => {
    const outs = await Promise.all(Array.from({ length: 100 }, (_, i) => captureInput({ number: i + 1, chunk: 1 })));
    assert.equal(new Set(outs.map((o) => o.key)).size, 100);
    assert.deepEqual(await listKeys(fx.client), outs.map((o) => o.key).sort());
    // each object holds its own call's pages, not a neighbour's
    for (const i of [0, 49, 99]) {
      assert.deepEqual(JSON.parse(await readText(fx.client, outs[i]!.key)), paginate(i + 1, 1));
    }
  });

  it("honours PAYLOAD_PREFIX", async () => {
    const restore = setEnv({ PAYLOAD_PREFIX: "runs/2026/" });
    try {
      const out = await captureInput({ number: 3, chunk: 1, executionName: "x" });
      assert.equal(out.key, "runs/2026/x.json");
    } finally {
      restore();
    }
  });

  it("writes JSON Lines when PAYLOAD_FORMAT=jsonl", async () => {
    const restore = setEnv({ PAYLOAD_FORMAT: "jsonl" });
    try {
      const out = await captureInput({ number: 7, chunk: 3 });
      assert.ok(out.key.endsWith(".jsonl"));
      assert.equal(out.count, 3);
      assert.equal(await readText(fx.client, out.key), '{"from":0,"to":3}\n{"from":3,"to":6}\n{"from":6,"to":7}\n');
    } finally {
      restore();
    }
  });

  it("writes an empty object for number 0 in JSONL mode", async () => {
    const restore = setEnv({ PAYLOAD_FORMAT: "jsonl" });
    try {
      const out = await captureInput({ number: 0, chunk: 1, executionName: "empty" });
      assert.deepEqual(out, { bucket: BUCKET, key: "payloads/empty.jsonl", count: 0 });
      assert.equal(await readText(fx.client, out.key), "");
    } finally {
      restore();
    }
  });

  it("streams a multi-part object (3+ parts of 5 MiB) whose bytes are the whole array", async () => {
    const number = 600_000;
    const parts: number[] = [];
    const client = fx.s3.client();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "UploadPartCommand") parts.push((args.input as UploadPartCommandInput).PartNumber!);
        return next(args);
      },
      { step: "initialize" },
    );
    const out = await createCaptureInput({ s3: () => client })({ number, chunk: 1 });
    assert.ok(parts.length >= 3, `expected a multipart upload, saw parts ${parts.join(",")}`);
    assert.equal(out.count, number);
    const text = await readText(fx.client, out.key);
    assert.equal(text, JSON.stringify(paginate(number, 1)));
  });

  describe("rejects bad input, naming the field, and writes nothing", () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["chunk 0 (the seed loops forever on it)", { number: 10, chunk: 0 }, /chunk: must be >= 1/],
      ["negative chunk", { number: 10, chunk: -2 }, /chunk: must be >= 1/],
      ["fractional chunk", { number: 10, chunk: 1.5 }, /chunk: must be an integer/],
      ["chunk as a string", { number: 10, chunk: "5" }, /chunk: must be a number, got "5"/],
      ["number as a string", { number: "10", chunk: 1 }, /number: must be a number, got "10"/],
      ["negative number", { number: -1, chunk: 1 }, /number: must be >= 0/],
      ["fractional number", { number: 2.5, chunk: 1 }, /number: must be an integer/],
      ["number above the bound", { number: MAX_NUMBER + 1, chunk: 1 }, /number: must be <= 100000000/],
      ["number null", { number: null, chunk: 1 }, /number: must be a number, got null/],
      ["infinite number", { number: Infinity, chunk: 1 }, /number:/],
      ["NaN chunk", { number: 1, chunk: NaN }, /chunk:/],
      ["an array instead of an object", [1, 2], /\(input\): expected an object/],
      ["a string instead of an object", "10", /\(input\): expected an object/],
      ["execution name with a slash", { number: 1, executionName: "../escape" }, /executionName: must be 1-80/],
      ["empty execution name", { number: 1, executionName: "" }, /executionName: must be 1-80/],
      ["execution name too long", { number: 1, executionName: "a".repeat(81) }, /executionName: must be 1-80/],
      ["execution name not a string", { number: 1, executionName: 7 }, /executionName: must be a string/],
    ];
    for (const [title, input, message] of cases) {
      it(title, async () => {
        await assert.rejects(captureInput(input), (error: unknown) => {
          assert.ok(error instanceof InvalidInputError);
          assert.equal(error.name, "InvalidInputError");
          assert.match(error.message, message);
          return true;
        });
        assert.deepEqual(await listKeys(fx.client), []);
        assert.deepEqual(await pendingUploads(fx.client), []);
      });
    }
  });

  it("names the missing or malformed environment variable", async () => {
    for (const [vars, message] of [
      [{ PAYLOAD_BUCKET: undefined }, /PAYLOAD_BUCKET: required/],
      [{ PAYLOAD_BUCKET: "Bad_Bucket" }, /PAYLOAD_BUCKET: must be an S3 bucket name/],
      [{ PAYLOAD_FORMAT: "csv" }, /PAYLOAD_FORMAT: must be one of json, jsonl/],
      [{ PAYLOAD_PREFIX: "/abs/" }, /PAYLOAD_PREFIX: must not start with '\/'/],
    ] as const) {
      const restore = setEnv(vars);
      try {
        await assert.rejects(captureInput({ number: 1 }), (error: unknown) => {
          assert.ok(error instanceof PayloadConfigError);
          assert.match(error.message, message);
          return true;
        });
      } finally {
        restore();
      }
    }
    assert.deepEqual(await listKeys(fx.client), []);
  });

  it("surfaces a missing bucket as PayloadWriteError with bucket, key and NoSuchBucket", async () => {
    const restore = setEnv({ PAYLOAD_BUCKET: "no-such-bucket" });
    try {
      await assert.rejects(captureInput({ number: 3, executionName: "e1" }), (error: unknown) => {
        assert.ok(error instanceof PayloadWriteError);
        assert.equal(error.name, "PayloadWriteError");
        assert.equal(error.bucket, "no-such-bucket");
        assert.equal(error.key, "payloads/e1.json");
        assert.equal(error.s3ErrorName, "NoSuchBucket");
        return true;
      });
    } finally {
      restore();
    }
  });

  it("aborts the multipart upload when a part fails: no object and no parts remain", async () => {
    const client = fx.s3.client();
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName!);
        const input = args.input as UploadPartCommandInput;
        if (context.commandName === "UploadPartCommand" && input.PartNumber === 2) {
          throw Object.assign(new Error("We encountered an internal error. Please try again."), {
            name: "InternalError",
            $fault: "server",
          });
        }
        return next(args);
      },
      { step: "initialize" },
    );
    await assert.rejects(
      createCaptureInput({ s3: () => client, queueSize: 1 })({ number: 600_000, chunk: 1, executionName: "fails" }),
      (error: unknown) => {
        assert.ok(error instanceof PayloadWriteError);
        assert.equal(error.s3ErrorName, "InternalError");
        assert.equal(error.key, "payloads/fails.json");
        assert.equal(error.aborted, true);
        return true;
      },
    );
    assert.ok(sent.includes("CreateMultipartUploadCommand"));
    assert.ok(sent.includes("AbortMultipartUploadCommand"));
    assert.deepEqual(await listKeys(fx.client), []);
    assert.deepEqual(await pendingUploads(fx.client), []);
  });

  it("surfaces an S3 outage (server stopped) as PayloadWriteError naming the connection error", async () => {
    const down = await startEmbeddedS3({ buckets: [BUCKET] });
    await down.stop();
    const client = new S3Client({
      endpoint: down.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      maxAttempts: 1,
    });
    try {
      await assert.rejects(createCaptureInput({ s3: () => client })({ number: 5, executionName: "outage" }), (error: unknown) => {
        assert.ok(error instanceof PayloadWriteError);
        assert.equal(error.bucket, BUCKET);
        assert.equal(error.key, "payloads/outage.json");
        assert.equal(error.s3ErrorName, "ECONNREFUSED");
        assert.match(error.message, /could not write s3:\/\/payloads-test\/payloads\/outage\.json: ECONNREFUSED/);
        return true;
      });
    } finally {
      client.destroy();
    }
  });

  it("surfaces an outage through the default, environment-configured client too", async () => {
    const down = await startEmbeddedS3({ buckets: [BUCKET] });
    const restore = setEnv(down.env);
    try {
      await down.stop();
      await assert.rejects(captureInput({ number: 2 }), (error: unknown) => {
        assert.ok(error instanceof PayloadWriteError);
        assert.equal(error.s3ErrorName, "ECONNREFUSED");
        return true;
      });
    } finally {
      restore();
    }
  });
});

describe("handlers/capture-input: paginateInline (the seed's inline version)", () => {
  it("returns the pages instead of writing them", async () => {
    assert.deepEqual(await paginateInline({ number: 5, chunk: 2 }), paginate(5, 2));
  });

  it("validates like captureInput", async () => {
    await assert.rejects(paginateInline({ number: 10, chunk: 0 }), /PaginateInline: invalid input: chunk: must be >= 1/);
  });

  it("refuses what Lambda could not return (6 MB response limit) before building it", async () => {
    await assert.rejects(paginateInline({ number: MAX_NUMBER, chunk: 1 }), (error: unknown) => {
      assert.ok(error instanceof ResponseSizeTooLargeError);
      assert.equal(error.name, "Function.ResponseSizeTooLarge");
      return true;
    });
    // 100,000 × 5 is 515,562 bytes: over Step Functions' 256 KiB but under Lambda's 6 MB, so it is
    // returned (the 256 KiB limit is the engine's to enforce)
    const pages = await paginateInline({ number: 100_000, chunk: 5 });
    assert.equal(pages.length, 20_000);
    assert.equal(Buffer.byteLength(JSON.stringify(pages)), 515_562);
  });
});
