/**
 * local/servers: the one module that starts a run's embedded servers, sets the SDK environment for
 * its handlers, and takes everything down again (stop, abort, a failed start).
 */
import { strict as assert } from "node:assert";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { startServers, withServers } from "../../local/servers";
import { embeddedDynamoDb } from "../../local/servers/dynamodb";

const refused = async (endpoint: string) => {
  try {
    await fetch(endpoint);
    return false;
  } catch {
    return true;
  }
};

describe("local/servers: starting and stopping what a run needs", function () {
  this.timeout(30_000);
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("starts S3 on 127.0.0.1, sets the SDK environment (and PAYLOAD_* given) for the run, puts it back on stop", async () => {
    process.env.AWS_SESSION_TOKEN = "a-real-session-token";
    delete process.env.AWS_ENDPOINT_URL_S3;
    const servers = await startServers({ s3: { buckets: ["in"] }, env: { PAYLOAD_BUCKET: "in" } });
    assert.match(servers.s3!.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(process.env.AWS_ENDPOINT_URL_S3, servers.s3!.endpoint);
    assert.equal(process.env.AWS_ACCESS_KEY_ID, servers.s3!.credentials.accessKeyId);
    assert.equal(process.env.PAYLOAD_BUCKET, "in");
    // A real session token would be sent along with the local keys: hidden for the run.
    assert.equal(process.env.AWS_SESSION_TOKEN, undefined);
    await servers.s3Client!.send(new PutObjectCommand({ Bucket: "in", Key: "a.txt", Body: "hello" }));
    // A client that knows nothing but the environment reaches the server (as a handler does).
    const fromEnv = new S3Client({});
    const got = await fromEnv.send(new GetObjectCommand({ Bucket: "in", Key: "a.txt" }));
    assert.equal(await got.Body!.transformToString(), "hello");
    fromEnv.destroy();
    await servers.stop();
    await servers.stop();
    assert.equal(process.env.AWS_ENDPOINT_URL_S3, undefined);
    assert.equal(process.env.PAYLOAD_BUCKET, saved.PAYLOAD_BUCKET);
    assert.equal(process.env.AWS_SESSION_TOKEN, "a-real-session-token");
    assert.ok(await refused(servers.s3!.endpoint));
  });

  it("setProcessEnv: false leaves process.env alone and still reports the environment", async () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    await withServers({ s3: {}, setProcessEnv: false }, async (servers) => {
      assert.equal(process.env.AWS_ENDPOINT_URL_S3, undefined);
      assert.equal(servers.env.AWS_ENDPOINT_URL_S3, servers.s3!.endpoint);
    });
  });

  it("aborting the run's signal closes the servers at once; the environment stays (pointing at a dead local port) until stop()", async () => {
    const controller = new AbortController();
    const servers = await startServers({ s3: {}, signal: controller.signal });
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(await refused(servers.s3!.endpoint));
    assert.equal(process.env.AWS_ENDPOINT_URL_S3, servers.s3!.endpoint);
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
      assert.match(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
      const tables = await (await servers.dynamodb()).send(new ListTablesCommand({}));
      assert.deepEqual(tables.TableNames, ["Things"]);
    });
    const lazy = await startServers({ dynamodb: embeddedDynamoDb({ tables: [{ name: "Lazy", partitionKey: "id" }], lazy: true }), setProcessEnv: false });
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
