/**
 * The embedded DynamoDB answers only requests signed (SigV4) with its credentials, as the embedded
 * S3 does: a run's server with the run's random ones, refusing the fixed local key, a wrong
 * secret, another key id and an unsigned request with DynamoDB's error types.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import type { FinalizeHandler, FinalizeHandlerArguments, MetadataBearer } from "@smithy/types";
import { DynamoDBClient, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { startServers, type LocalServers } from "../../emulators/servers";
import { embeddedDynamoDb } from "../../emulators/servers/dynamodb";

describe("emulators/dynamodb gate: signed requests only", function () {
  this.timeout(30_000);
  let servers: LocalServers;
  let endpoint: string;
  before(async () => {
    servers = await startServers({
      s3: {},
      dynamodb: embeddedDynamoDb({ tables: [{ name: "Things", partitionKey: "id" }] }),
      setProcessEnv: false,
    });
    endpoint = servers.env["AWS_ENDPOINT_URL_DYNAMODB"]!;
  });
  after(() => servers?.stop());

  const clientWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new DynamoDBClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });

  it("serves the run's credentials (the S3 server's, in the run's environment)", async () => {
    const client = clientWith({ accessKeyId: servers.env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: servers.env["AWS_SECRET_ACCESS_KEY"]! });
    try {
      assert.equal(servers.env["AWS_ACCESS_KEY_ID"], servers.s3!.credentials.accessKeyId);
      await client.send(new PutItemCommand({ TableName: "Things", Item: { id: { S: "a" } } }));
      assert.deepEqual((await client.send(new ListTablesCommand({}))).TableNames, ["Things"]);
    } finally {
      client.destroy();
    }
  });

  for (const [what, credentials, type] of [
    ["the fixed local key", () => ({ accessKeyId: "local", secretAccessKey: "local" }), "UnrecognizedClientException"],
    [
      "another key id",
      () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: servers.env["AWS_SECRET_ACCESS_KEY"]! }),
      "UnrecognizedClientException",
    ],
    ["a wrong secret", () => ({ accessKeyId: servers.env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: "wrong" }), "InvalidSignatureException"],
  ] as const) {
    it(`refuses ${what} with ${type}`, async () => {
      const client = clientWith(credentials());
      try {
        await assert.rejects(client.send(new PutItemCommand({ TableName: "Things", Item: { id: { S: "forged" } } })), { name: type });
      } finally {
        client.destroy();
      }
    });
  }

  it("refuses an unsigned request with MissingAuthenticationTokenException", async () => {
    const url = new URL(endpoint);
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: "POST",
          path: "/",
          agent: false,
          headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.ListTables" },
        },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end("{}");
    });
    assert.equal(reply.status, 400);
    assert.match(reply.body, /MissingAuthenticationTokenException/);
  });

  it("a signed request whose body was changed after signing is refused", async () => {
    const client = clientWith({ accessKeyId: servers.env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: servers.env["AWS_SECRET_ACCESS_KEY"]! });
    client.middlewareStack.addRelativeTo(
      (next: FinalizeHandler<object, MetadataBearer>) => async (args: FinalizeHandlerArguments<object>) => {
        const req = args.request as { body?: string | Uint8Array };
        // Decoded as bytes: the SDK's JSON body is a Uint8Array that warns on the console when a string
        // method is called on it (Buffer.from(body) calls its valueOf).
        const text = typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body ?? new Uint8Array());
        assert.ok(text.includes('"S":"x"'), text);
        req.body = text.replace('"S":"x"', '"S":"y"');
        return next(args);
      },
      { relation: "after", toMiddleware: "httpSigningMiddleware", name: "tamper" },
    );
    try {
      await assert.rejects(client.send(new PutItemCommand({ TableName: "Things", Item: { id: { S: "x" } } })), {
        name: "InvalidSignatureException",
      });
    } finally {
      client.destroy();
    }
  });
});
