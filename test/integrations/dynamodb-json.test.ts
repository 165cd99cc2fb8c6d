/**
 * The engine's DynamoDB calls over the JSON protocol (engine/integrations/dynamodb-json.ts, used when
 * the run is given an endpoint) answer exactly what the SDK path (the caller's own DynamoDBClient)
 * answers: the same results for every attribute type, the same error names and causes, the same
 * control-plane answers; and a connection that fails is a States.Runtime naming the state and endpoint.
 */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { run, type ExecutionResult } from "../../engine";
import type { JsonValue, StateMachineDefinition } from "../../asl/types";
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from "../../emulators/dynamodb/server";

const one = (state: Record<string, unknown>): StateMachineDefinition =>
  ({ StartAt: "T", States: { T: { Type: "Task", End: true, ...state } } }) as unknown as StateMachineDefinition;
const optimized = (action: string) => `arn:aws:states:::dynamodb:${action}`;
const sdk = (action: string) => `arn:aws:states:::aws-sdk:dynamodb:${action}`;

/** Every AttributeValue type, as Parameters carry them (N as strings, B as base64). */
const item = (id: string) => ({
  id: { S: id },
  s: { S: "text ✓" },
  n: { N: "12.50" },
  b: { B: Buffer.from([0, 1, 2, 250, 255]).toString("base64") },
  l: { L: [{ S: "a" }, { N: "1" }, { BOOL: false }, { NULL: true }] },
  m: { M: { inner: { M: { deep: { S: "x" } } }, flag: { BOOL: true } } },
  t: { BOOL: true },
  z: { NULL: true },
  ss: { SS: ["x", "y"] },
  ns: { NS: ["1", "2.5", "-3"] },
});
/** The item as DynamoDB answers it: numbers in their canonical form (12.50 is 12.5). */
const stored = (id: string) => ({ ...item(id), n: { N: "12.5" } });
/** A binary set: compared on its own (the SDK path encodes the strings of a BS list once more, see below). */
const BS = [Buffer.from("one").toString("base64"), Buffer.from([9, 8, 7]).toString("base64")];

type Outcome = Pick<ExecutionResult, "status" | "output" | "error" | "cause">;

describe("integrations: DynamoDB over its JSON protocol, next to the SDK path", function () {
  this.timeout(30_000);
  let ddb: EmbeddedDynamoDb;
  let client: DynamoDBClient;
  before(async () => {
    ddb = await startEmbeddedDynamoDb({
      tables: [
        { name: "Items", partitionKey: "id" },
        { name: "Pairs", partitionKey: "pk", sortKey: { name: "sk", type: "N" } },
      ],
    });
    client = await ddb.client();
  });
  after(async () => ddb?.stop());

  const paths = {
    json: () => ({ endpoint: ddb.endpoint, credentials: ddb.credentials }),
    sdk: () => client,
  };
  async function both(state: (tag: string) => Record<string, unknown>, validate = true): Promise<{ json: Outcome; sdk: Outcome }> {
    const out = {} as { json: Outcome; sdk: Outcome };
    for (const [tag, dynamodb] of Object.entries(paths) as ["json" | "sdk", () => DynamoDBClient | { endpoint: string }][]) {
      const r = await run(one(state(tag)), {}, { handlers: {}, validate, integrations: { dynamodb: dynamodb() } });
      // The tag (which path wrote the item) is the one difference the two runs may show.
      out[tag] = JSON.parse(
        JSON.stringify({ status: r.status, output: r.output, error: r.error, cause: r.cause }).replaceAll(`${tag}-`, "*-"),
      );
    }
    return out;
  }
  async function same(state: (tag: string) => Record<string, unknown>): Promise<Outcome> {
    const { json, sdk: viaSdk } = await both(state);
    assert.deepEqual(json, viaSdk);
    return json;
  }

  it("putItem (ReturnValues ALL_OLD), getItem, updateItem (UPDATED_NEW), query, scan and deleteItem answer alike for every attribute type", async () => {
    const put = (tag: string) => ({
      Resource: optimized("putItem"),
      Parameters: { TableName: "Items", Item: item(`${tag}-1`), ReturnValues: "ALL_OLD" },
    });
    assert.deepEqual((await same(put)).output, {}); // a new item: no old attributes
    const again = await same(put);
    assert.equal(again.status, "SUCCEEDED", again.cause);
    assert.deepEqual(again.output, { Attributes: stored("*-1") });

    for (const resource of [optimized("getItem"), sdk("getItem")]) {
      const got = await same((tag) => ({ Resource: resource, Parameters: { TableName: "Items", Key: { id: { S: `${tag}-1` } } } }));
      assert.deepEqual(got.output, { Item: stored("*-1") });
    }

    const updated = await same((tag) => ({
      Resource: optimized("updateItem"),
      Parameters: {
        TableName: "Items",
        Key: { id: { S: `${tag}-1` } },
        UpdateExpression: "SET n = n + :one, b = :b ADD ns :more",
        ExpressionAttributeValues: { ":one": { N: "1" }, ":b": { B: "AAEC" }, ":more": { NS: ["7"] } },
        ReturnValues: "UPDATED_NEW",
      },
    }));
    assert.deepEqual(updated.output, { Attributes: { n: { N: "13.5" }, b: { B: "AAEC" }, ns: { NS: ["1", "2.5", "-3", "7"] } } });

    for (const i of [1, 2, 3])
      await same((tag) => ({
        Resource: optimized("putItem"),
        Parameters: {
          TableName: "Pairs",
          Item: { pk: { S: `${tag}-p` }, sk: { N: String(i) }, b: { B: "AP8=" }, m: { M: { i: { N: String(i) } } } },
        },
      }));
    const queried = await same((tag) => ({
      Resource: sdk("query"),
      Parameters: {
        TableName: "Pairs",
        KeyConditionExpression: "pk = :pk AND sk >= :from",
        ExpressionAttributeValues: { ":pk": { S: `${tag}-p` }, ":from": { N: "2" } },
        ReturnConsumedCapacity: "TOTAL",
      },
    }));
    assert.equal((queried.output as { Count: number }).Count, 2);
    assert.deepEqual((queried.output as { Items: JsonValue[] }).Items[0], {
      pk: { S: "*-p" },
      sk: { N: "2" },
      b: { B: "AP8=" },
      m: { M: { i: { N: "2" } } },
    });

    const scanned = await same((tag) => ({
      Resource: sdk("scan"),
      Parameters: { TableName: "Items", FilterExpression: "id = :id", ExpressionAttributeValues: { ":id": { S: `${tag}-1` } } },
    }));
    assert.deepEqual((scanned.output as { Items: JsonValue[] }).Items, [
      { ...stored("*-1"), n: { N: "13.5" }, b: { B: "AAEC" }, ns: { NS: ["1", "2.5", "-3", "7"] } },
    ]);

    const deleted = await same((tag) => ({
      Resource: optimized("deleteItem"),
      Parameters: { TableName: "Items", Key: { id: { S: `${tag}-1` } }, ReturnValues: "ALL_OLD" },
    }));
    assert.equal((deleted.output as { Attributes: { s: { S: string } } }).Attributes.s.S, "text ✓");
  });

  it("a binary set (BS) is stored as the base64 it is given says, as on AWS (the SDK path encodes its strings once more)", async () => {
    const put = (dynamodb: DynamoDBClient | { endpoint: string }, id: string) =>
      run(
        one({ Resource: optimized("putItem"), Parameters: { TableName: "Items", Item: { id: { S: id }, bs: { BS } } } }),
        {},
        {
          handlers: {},
          integrations: { dynamodb },
        },
      );
    const get = async (dynamodb: DynamoDBClient | { endpoint: string }, id: string) =>
      (
        await run(
          one({ Resource: optimized("getItem"), Parameters: { TableName: "Items", Key: { id: { S: id } } } }),
          {},
          { handlers: {}, integrations: { dynamodb } },
        )
      ).output as { Item: { bs: { BS: string[] } } };
    await put(paths.json(), "bs-json");
    assert.deepEqual((await get(paths.json(), "bs-json")).Item.bs.BS, BS);
    // The bytes stored are the ones the base64 names ("one", 9 8 7), read back by another client.
    const stored = await client.send(new GetItemCommand({ TableName: "Items", Key: { id: { S: "bs-json" } } }));
    assert.deepEqual(
      stored.Item!.bs!.BS!.map((b) => Buffer.from(b).toString("base64")),
      BS,
    );
    // The SDK's schema serializer takes a BS member's strings as text and base64-encodes them, so
    // its round trip answers other strings than it was given (a caller's own client keeps this).
    await put(paths.sdk(), "bs-sdk");
    assert.deepEqual(
      (await get(paths.sdk(), "bs-sdk")).Item.bs.BS,
      BS.map((b) => Buffer.from(b).toString("base64")),
    );
  });

  it("DynamoDB's errors: the same names and causes (DynamoDB.* optimized, DynamoDb.* SDK integration)", async () => {
    await same((tag) => ({ Resource: optimized("putItem"), Parameters: { TableName: "Items", Item: { id: { S: `${tag}-c` } } } }));
    const conditional = (resource: string) => (tag: string) => ({
      Resource: resource,
      Parameters: { TableName: "Items", Item: { id: { S: `${tag}-c` } }, ConditionExpression: "attribute_not_exists(id)" },
    });
    const opt = await same(conditional(optimized("putItem")));
    assert.equal(opt.error, "DynamoDB.ConditionalCheckFailedException");
    assert.equal(opt.cause, "The conditional request failed (Service: DynamoDb, Error Code: ConditionalCheckFailedException)");
    const viaSdk = await same(conditional(sdk("putItem")));
    assert.equal(viaSdk.error, "DynamoDb.ConditionalCheckFailedException");

    const missing = await same(() => ({ Resource: optimized("getItem"), Parameters: { TableName: "Nope", Key: { id: { S: "a" } } } }));
    assert.equal(missing.error, "DynamoDB.ResourceNotFoundException");
    assert.match(missing.cause!, /\(Service: DynamoDb, Error Code: ResourceNotFoundException\)$/);
    const invalid = await same(() => ({
      Resource: sdk("query"),
      Parameters: { TableName: "Pairs", KeyConditionExpression: "pk = = :x", ExpressionAttributeValues: { ":x": { S: "a" } } },
    }));
    assert.equal(invalid.error, "DynamoDb.ValidationException");
    const notNumber = await same(() => ({
      Resource: optimized("putItem"),
      Parameters: { TableName: "Items", Item: { id: { S: "n" }, n: { N: "seven" } } },
    }));
    assert.equal(notNumber.error, "DynamoDB.ValidationException");
  });

  it("the same reading of any error body: __type or code or the x-amzn-errortype header, message or Message", async () => {
    const bodies: { headers?: Record<string, string>; body: string }[] = [
      { body: '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"lower"}' },
      { body: '{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"upper"}' },
      {
        body: '{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."}',
      },
      { body: '{"code":"ThrottlingException:http://internal","message":"slow"}' },
      { headers: { "x-amzn-errortype": "RequestLimitExceeded" }, body: "{}" },
      { body: '{"__type":"NoMessageException"}' },
    ];
    let answer = bodies[0]!;
    const fake: Server = createServer((req, res) => {
      req.resume();
      req.once("end", () => res.writeHead(400, { "content-type": "application/x-amz-json-1.0", ...answer.headers }).end(answer.body));
    });
    await new Promise<void>((ok) => fake.listen(0, "127.0.0.1", ok));
    const endpoint = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const fakeClient = new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "k", secretAccessKey: "s" },
      maxAttempts: 1,
    });
    try {
      for (const a of bodies) {
        answer = a;
        const outcomes: Outcome[] = [];
        for (const dynamodb of [{ endpoint, credentials: { accessKeyId: "k", secretAccessKey: "s" } }, fakeClient]) {
          const r = await run(
            one({ Resource: optimized("getItem"), Parameters: { TableName: "Items", Key: { id: { S: "a" } } } }),
            {},
            {
              handlers: {},
              integrations: { dynamodb },
            },
          );
          outcomes.push({ status: r.status, error: r.error, cause: r.cause });
        }
        assert.deepEqual(outcomes[0], outcomes[1], a.body);
        assert.match(outcomes[0]!.error!, /^DynamoDB\.\w+Exception$/);
      }
    } finally {
      fakeClient.destroy();
      fake.closeAllConnections();
      fake.close();
    }
  });

  it("actions the JSON path does not take: control-plane answers (dates) and an unknown action, as the SDK path has them", async () => {
    const described = await same(() => ({ Resource: sdk("describeTable"), Parameters: { TableName: "Items" } }));
    assert.match((described.output as { Table: { CreationDateTime: string } }).Table.CreationDateTime, /^\d{4}-\d\d-\d\dT/);
    // The validator refuses an unknown SDK action before a run; the runner's own check stays for the
    // runs that skip validation.
    const frobnicate = () => ({ Resource: sdk("frobnicateItem"), Parameters: { TableName: "Items" } });
    await assert.rejects(
      run(one(frobnicate()), {}, { handlers: {}, integrations: { dynamodb: paths.json() } }),
      /'frobnicateItem' is not an API action of dynamodb/,
    );
    const unknown = await both(frobnicate, false);
    assert.deepEqual(unknown.json, unknown.sdk);
    assert.equal(unknown.json.error, "States.Runtime");
    assert.equal(unknown.json.cause, "the local DynamoDb client has no FrobnicateItem API action");
  });

  it("an endpoint that refuses the connection fails the task with States.Runtime naming the state and the endpoint", async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const r = await run(
      one({ Resource: optimized("putItem"), Parameters: { TableName: "Items", Item: { id: { S: "x" } } } }),
      {},
      {
        handlers: {},
        integrations: { dynamodb: { endpoint } },
      },
    );
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "States.Runtime");
    assert.match(r.cause!, new RegExp(`State 'T'.*${endpoint.replaceAll(".", "\\.")}.*ECONNREFUSED`));
  });

  it("an answer over the size bound fails the task with States.Runtime instead of being read", async () => {
    const huge = createServer((req, res) => {
      req.resume();
      req.once("end", () => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": String(64 << 20) });
        res.write("{");
      });
    });
    await new Promise<void>((ok) => huge.listen(0, "127.0.0.1", ok));
    const endpoint = `http://127.0.0.1:${(huge.address() as AddressInfo).port}`;
    try {
      const r = await run(
        one({ Resource: sdk("scan"), Parameters: { TableName: "Items" } }),
        {},
        { handlers: {}, integrations: { dynamodb: { endpoint } } },
      );
      assert.equal(r.error, "States.Runtime");
      assert.match(r.cause!, /over 33554432/);
    } finally {
      huge.closeAllConnections();
      huge.close();
    }
  });
});
