/**
 * tools/runner/lambda-threads.ts: the registry's functions on worker threads answer as they do on
 * the engine's thread (same result, the thrown error's name and message), each thread with the
 * environment it was given, and nothing is left running after stop().
 */
import { strict as assert } from "node:assert";
import { LAMBDAS } from "../../app/lambdas";
import { countWords } from "../../handlers/map-reduce";
import { disposePayloadS3Client } from "../../handlers/shared/s3-client";
import { withRunEnvironment } from "../../emulators/servers/run-env";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";
import { startLambdaThreads, type LambdaThreads } from "../../tools/runner/lambda-threads";
import type { LambdaContext } from "../../engine/types";

const BUCKET = "threads-test";
const context = (name: string): LambdaContext => ({
  functionName: name,
  functionVersion: "$LATEST",
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  memoryLimitInMB: "128",
  awsRequestId: "00000000-0000-0000-0000-000000000000",
  logGroupName: `/aws/lambda/${name}`,
  logStreamName: "local",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
});

/** The objects (and the words) come in the order their reads finished: compare them by key. */
const byKey = (r: unknown) => {
  const { objects, ...rest } = r as { objects: Array<{ key: string }> };
  return { ...rest, objects: [...objects].sort((a, b) => a.key.localeCompare(b.key)) };
};

describe("runner: the registry's functions on Lambda threads", function () {
  this.timeout(30_000);
  let s3: EmbeddedS3;
  let threads: LambdaThreads;
  /** What `process.env` shows inside a run of this server: what the runner gives its threads. */
  const runEnv = () => withRunEnvironment(s3.env, () => ({ ...process.env }) as Record<string, string>);
  const batch = { Items: [{ Key: "in/a.txt" }, { Key: "in/b.txt" }], BatchInput: { bucket: BUCKET } };

  before(async () => {
    s3 = await startEmbeddedS3({ buckets: [BUCKET] });
    await s3.putObjects(BUCKET, [
      { key: "in/a.txt", body: "the map state\n" },
      { key: "in/b.txt", body: "runs the steps\nfor each item\n" },
    ]);
    threads = startLambdaThreads(["CountWords"]);
    await threads.configure(runEnv());
  });
  after(async () => {
    await threads?.stop();
    disposePayloadS3Client();
    await s3?.stop();
  });

  it("only the functions that ask for it are marked, each of them a registry entry", () => {
    const marked = Object.entries(LAMBDAS)
      .filter(([, entry]) => entry.settings.localThreads)
      .map(([name]) => name);
    assert.deepEqual(marked, ["CountWords"]);
  });

  it("answers what the handler answers on the engine's thread, reading S3 with the environment it was given", async () => {
    assert.ok(threads.threads >= 1);
    const onThread = await threads.handlers["CountWords"]!(batch, context("CountWords"));
    const here = await withRunEnvironment(s3.env, () => countWords(batch));
    assert.deepEqual(byKey(onThread), byKey(JSON.parse(JSON.stringify(here))));
    assert.equal((onThread as { objects: unknown[] }).objects.length, 2);
  });

  it("a thrown error comes back with its name (Lambda's errorType) and message", async () => {
    await assert.rejects(threads.handlers["CountWords"]!({ Items: [] }, context("CountWords")), (e: Error) => {
      assert.equal(e.name, "InvalidBatchError");
      assert.match(e.message, /CountWords: invalid batch: Items/);
      return true;
    });
    await assert.rejects(
      threads.handlers["CountWords"]!({ Items: [{ Key: "in/missing.txt" }], BatchInput: { bucket: BUCKET } }, context("CountWords")),
      (e: Error) => e.name === "ObjectReadError" && /NoSuchKey/.test(e.message),
    );
  });

  it("calls in flight at once are spread over the threads and all answered", async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => threads.handlers["CountWords"]!(batch, context("CountWords"))));
    for (const r of results) assert.deepEqual(byKey(r), byKey(results[0]));
  });

  it("stop() fails a call still in flight, and a call after it is refused, saying why", async () => {
    const more = startLambdaThreads(["CountWords"]);
    await more.configure(runEnv());
    const inFlight = more.handlers["CountWords"]!(batch, context("CountWords"));
    await more.stop();
    await more.stop();
    await assert.rejects(inFlight, /the local Lambda threads have stopped/);
    await assert.rejects(
      more.handlers["CountWords"]!(batch, context("CountWords")),
      /the local Lambda threads have stopped \(CountWords\)/,
    );
  });
});
