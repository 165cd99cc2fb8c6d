/**
 * emulators/servers: the one module that starts a run's embedded servers, gives its handlers their SDK
 * environment (inside the run only), and takes everything down again (stop, abort, a failed start).
 */
import { strict as assert } from "node:assert";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { startServers, withServers } from "../../emulators/servers";
import { embeddedDynamoDb } from "../../emulators/servers/dynamodb";

const refused = async (endpoint: string) => {
  try {
    await fetch(endpoint);
    return false;
  } catch {
    return true;
  }
};

describe("emulators/servers: starting and stopping what a run needs", function () {
  this.timeout(30_000);
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("starts S3 on 127.0.0.1; the SDK environment (and PAYLOAD_* given) is the run's inside servers.run only, never the process's", async () => {
    process.env.AWS_SESSION_TOKEN = "a-real-session-token";
    process.env.AWS_PROFILE = "my-real-profile";
    delete process.env.AWS_ENDPOINT_URL_S3;
    const before = { ...process.env };
    const servers = await startServers({ s3: { buckets: ["in"] }, env: { PAYLOAD_BUCKET: "in" } });
    assert.match(servers.s3!.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual({ ...process.env }, before, "nothing set in the process");
    await servers.s3Client!.send(new PutObjectCommand({ Bucket: "in", Key: "a.txt", Body: "hello" }));
    await servers.run(async () => {
      assert.equal(process.env.AWS_ENDPOINT_URL_S3, servers.s3!.endpoint);
      assert.equal(process.env.AWS_ACCESS_KEY_ID, servers.s3!.credentials.accessKeyId);
      assert.equal(process.env.PAYLOAD_BUCKET, "in");
      // The user's own session token and profile would reach AWS: not part of the run.
      assert.equal(process.env.AWS_SESSION_TOKEN, undefined);
      assert.equal(process.env.AWS_PROFILE, undefined);
      // A client that knows nothing but the environment reaches the server (as a handler does).
      const fromEnv = new S3Client({});
      const got = await fromEnv.send(new GetObjectCommand({ Bucket: "in", Key: "a.txt" }));
      assert.equal(await got.Body!.transformToString(), "hello");
      fromEnv.destroy();
    });
    await servers.stop();
    await servers.stop();
    assert.deepEqual({ ...process.env }, before);
    assert.ok(await refused(servers.s3!.endpoint));
  });

  it("inside a run, a client of a service with no local server goes nowhere (a closed local port), never to AWS", async () => {
    await withServers({ s3: {} }, async () => {
      const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
      const client = new DynamoDBClient({ maxAttempts: 1 });
      await assert.rejects(client.send(new ListTablesCommand({})), /ECONNREFUSED/);
      client.destroy();
    });
  });

  it("aborting the run's signal closes the servers at once; the run's environment still points at them (a dead local port)", async () => {
    const controller = new AbortController();
    const servers = await startServers({ s3: {}, signal: controller.signal });
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(await refused(servers.s3!.endpoint));
    servers.run(() => assert.equal(process.env.AWS_ENDPOINT_URL_S3, servers.s3!.endpoint));
    await servers.stop();
    assert.equal(process.env.AWS_ENDPOINT_URL_S3, saved.AWS_ENDPOINT_URL_S3);
  });

  it("an already aborted signal starts nothing; a failed start leaves no environment behind", async () => {
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    await assert.rejects(startServers({ s3: {}, signal: controller.signal }), /interrupted/);
    await assert.rejects(startServers({ s3: { buckets: ["Bad Name!"] } }), /invalid bucket name/);
    assert.equal(process.env.AWS_ENDPOINT_URL_S3, saved.AWS_ENDPOINT_URL_S3);
  });

  it("DynamoDB: eager (its endpoint in the environment, tables created) or lazy (started on the first dynamodb() call)", async () => {
    await withServers({ dynamodb: embeddedDynamoDb({ tables: [{ name: "Things", partitionKey: "id" }] }) }, async (servers) => {
      // withServers runs its body inside the run's environment.
      assert.match(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
      const tables = await (await servers.dynamodb()).send(new ListTablesCommand({}));
      assert.deepEqual(tables.TableNames, ["Things"]);
    });
    const lazy = await startServers({
      dynamodb: embeddedDynamoDb({ tables: [{ name: "Lazy", partitionKey: "id" }], lazy: true }),
      setProcessEnv: false,
    });
    assert.equal(lazy.env.AWS_ENDPOINT_URL_DYNAMODB, undefined);
    const [a, b] = await Promise.all([lazy.dynamodb(), lazy.dynamodb()]);
    assert.deepEqual((await a.send(new ListTablesCommand({}))).TableNames, ["Lazy"]);
    assert.deepEqual((await b.send(new ListTablesCommand({}))).TableNames, ["Lazy"]);
    await lazy.stop();
    await assert.rejects(lazy.dynamodb(), /stopped/);
    await assert.rejects((await startServers({ setProcessEnv: false })).dynamodb(), /no embedded DynamoDB/);
    // A table that cannot be created fails the start and leaves nothing listening (mocha would hang on it).
    await assert.rejects(startServers({ dynamodb: embeddedDynamoDb({ tables: [{ name: "T", partitionKey: "id" }] }) }), /TableName/);
  });
});
