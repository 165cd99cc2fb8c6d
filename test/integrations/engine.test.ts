/** Local runs of each integration: real emulators (embedded S3, dynalite), the outbox, nested executions, task tokens, mocks. */
import { strict as assert } from "node:assert";
import { run, MockedTestCase, TaskTokens, type ExecutionResult } from "../../engine";
import type { StateMachineDefinition } from "../../asl/types";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from "../../emulators/dynamodb/server";

const one = (state: Record<string, unknown>, extra: Partial<StateMachineDefinition> = {}): StateMachineDefinition =>
  ({ StartAt: "T", States: { T: { Type: "Task", End: true, ...state } }, ...extra }) as StateMachineDefinition;

describe("integrations: local runs", function () {
  this.timeout(30_000);
  let s3: EmbeddedS3;
  let ddb: EmbeddedDynamoDb;
  before(async () => {
    [s3, ddb] = await Promise.all([
      startEmbeddedS3({ buckets: ["data"] }),
      startEmbeddedDynamoDb({ tables: [{ name: "Results", partitionKey: "id" }] }),
    ]);
  });
  after(async () => Promise.all([s3?.stop(), ddb?.stop()]));
  const opts = () => ({ handlers: {}, s3: s3.client(), integrations: { dynamodb: { endpoint: ddb.endpoint } } });

  it("aws-sdk:s3 putObject, getObject (Body as text), listObjectsV2 against the embedded S3 server", async () => {
    const def: StateMachineDefinition = {
      StartAt: "Put",
      States: {
        Put: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:s3:putObject",
          Parameters: { Bucket: "data", Key: "a/x.json", "Body.$": "States.JsonToString($)" },
          ResultPath: null,
          Next: "Get",
        },
        Get: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:s3:getObject",
          Parameters: { Bucket: "data", Key: "a/x.json" },
          ResultSelector: { "Body.$": "States.StringToJson($.Body)" },
          ResultPath: "$.got",
          Next: "List",
        },
        List: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:s3:listObjectsV2",
          Parameters: { Bucket: "data", Prefix: "a/" },
          ResultSelector: { "Keys.$": "$.Contents[*].Key" },
          ResultPath: "$.listed",
          End: true,
        },
      },
    } as StateMachineDefinition;
    const r = await run(def, { hello: "world" }, opts());
    assert.equal(r.status, "SUCCEEDED", r.cause);
    assert.deepEqual(r.output, { hello: "world", got: { Body: { hello: "world" } }, listed: { Keys: ["a/x.json"] } });
  });

  it("aws-sdk:s3 getObject of a missing key fails with S3.NoSuchKeyException", async () => {
    const r = await run(
      one({ Resource: "arn:aws:states:::aws-sdk:s3:getObject", Parameters: { Bucket: "data", Key: "missing" } }),
      {},
      opts(),
    );
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "S3.NoSuchKeyException");
  });

  it("dynamodb putItem then getItem against dynalite; a missing table is DynamoDB.ResourceNotFoundException", async () => {
    const def: StateMachineDefinition = {
      StartAt: "Put",
      States: {
        Put: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:putItem",
          Parameters: { TableName: "Results", Item: { id: { "S.$": "$.id" }, n: { N: "7" } } },
          ResultPath: null,
          Next: "Get",
        },
        Get: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:getItem",
          Parameters: { TableName: "Results", Key: { id: { "S.$": "$.id" } } },
          OutputPath: "$.Item",
          End: true,
        },
      },
    } as StateMachineDefinition;
    const r = await run(def, { id: "k1" }, opts());
    assert.equal(r.status, "SUCCEEDED", r.cause);
    assert.deepEqual(r.output, { id: { S: "k1" }, n: { N: "7" } });
    const missing = await run(
      one({ Resource: "arn:aws:states:::dynamodb:getItem", Parameters: { TableName: "Nope", Key: { id: { S: "a" } } } }),
      {},
      opts(),
    );
    assert.equal(missing.error, "DynamoDB.ResourceNotFoundException");
  });

  it("aws-sdk:dynamodb:query (JSONata Arguments) reads what putItem wrote", async () => {
    await run(
      one({ Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: "Results", Item: { id: { S: "q1" } } } }),
      {},
      opts(),
    );
    const r = await run(
      one(
        {
          Resource: "arn:aws:states:::aws-sdk:dynamodb:query",
          Arguments: {
            TableName: "Results",
            KeyConditionExpression: "id = :id",
            ExpressionAttributeValues: { ":id": { S: "{% $states.input.id %}" } },
          },
          Output: "{% $states.result.Count %}",
        },
        { QueryLanguage: "JSONata" },
      ),
      { id: "q1" },
      opts(),
    );
    assert.equal(r.status, "SUCCEEDED", r.cause);
    assert.equal(r.output, 1);
  });

  it("SQS, SNS and EventBridge calls go to the outbox and answer with ids", async () => {
    const def: StateMachineDefinition = {
      StartAt: "Q",
      States: {
        Q: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage",
          Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/work", "MessageBody.$": "$" },
          ResultPath: "$.sqs",
          Next: "N",
        },
        N: {
          Type: "Task",
          Resource: "arn:aws:states:::sns:publish",
          Parameters: { TopicArn: "arn:aws:sns:us-east-1:123456789012:done", Message: "hi" },
          ResultPath: "$.sns",
          Next: "E",
        },
        E: {
          Type: "Task",
          Resource: "arn:aws:states:::events:putEvents",
          Parameters: { Entries: [{ Source: "app", DetailType: "Done", Detail: { ok: true } }] },
          ResultPath: "$.events",
          End: true,
        },
      },
    } as StateMachineDefinition;
    const r = await run(def, { job: 1 }, { ...opts(), random: 1 });
    assert.equal(r.status, "SUCCEEDED", r.cause);
    assert.deepEqual(
      r.outbox.map((m) => [m.integration, m.target, m.stateName]),
      [
        ["sqs:sendMessage", "https://sqs.us-east-1.amazonaws.com/123456789012/work", "Q"],
        ["sns:publish", "arn:aws:sns:us-east-1:123456789012:done", "N"],
        ["events:putEvents", "default", "E"],
      ],
    );
    const out = r.output as { sqs: { MessageId: string }; events: { FailedEntryCount: number; Entries: unknown[] } };
    assert.equal(out.sqs.MessageId, r.outbox[0]!.id);
    assert.equal(out.events.FailedEntryCount, 0);
  });

  describe("states:startExecution", () => {
    const child = {
      StartAt: "Double",
      States: { Double: { Type: "Pass", Parameters: { "n.$": "States.MathAdd($.n, $.n)" }, End: true } },
    } as StateMachineDefinition;
    const failing = {
      StartAt: "Boom",
      States: { Boom: { Type: "Fail", Error: "Child.Broke", Cause: "on purpose" } },
    } as StateMachineDefinition;
    const parent = (suffix: string, machine = "Child") =>
      one({
        Resource: `arn:aws:states:::states:startExecution${suffix}`,
        Parameters: { StateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${machine}`, "Input.$": "$" },
      });
    const withChildren = () => ({ ...opts(), integrations: { stateMachines: { Child: child, Failing: failing } } });

    it(".sync:2 returns Output as JSON; .sync as a JSON string; the nested transitions are counted", async () => {
      const r2 = await run(parent(".sync:2"), { n: 4 }, withChildren());
      assert.equal(r2.status, "SUCCEEDED", r2.cause);
      const o2 = r2.output as { Output: unknown; Status: string; Input: unknown };
      assert.deepEqual([o2.Output, o2.Status, o2.Input], [{ n: 8 }, "SUCCEEDED", { n: 4 }]);
      assert.equal(r2.nestedExecutions.length, 1);
      assert.equal(r2.nestedExecutions[0]!.stateTransitions > 0, true);
      const r1 = await run(parent(".sync"), { n: 1 }, withChildren());
      assert.equal((r1.output as { Output: unknown }).Output, '{"n":2}');
    });

    it("request-response answers ExecutionArn and StartDate at once", async () => {
      const r = await run(parent(""), { n: 1 }, withChildren());
      assert.match((r.output as { ExecutionArn: string }).ExecutionArn, /^arn:aws:states:us-east-1:123456789012:execution:Child:/);
    });

    it("a failed child fails the task with States.TaskFailed and the child's Error/Cause in the Cause", async () => {
      const r = await run(parent(".sync:2", "Failing"), {}, withChildren());
      assert.equal(r.error, "States.TaskFailed");
      const cause = JSON.parse(r.cause!) as { Status: string; Error: string; Cause: string };
      assert.deepEqual([cause.Status, cause.Error, cause.Cause], ["FAILED", "Child.Broke", "on purpose"]);
    });
  });

  describe(".waitForTaskToken", () => {
    const waiting = (extra: Record<string, unknown> = {}) =>
      one({
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/approvals", MessageBody: { "token.$": "$$.Task.Token" } },
        ...extra,
      });

    it("the token is in $$.Task.Token; sendTaskSuccess's output is the result", async () => {
      const r = await run(
        waiting(),
        {},
        {
          ...opts(),
          integrations: { onTaskToken: (req, tokens) => setImmediate(() => tokens.sendTaskSuccess(req.token, { approved: true })) },
        },
      );
      assert.equal(r.status, "SUCCEEDED", r.cause);
      assert.deepEqual(r.output, { approved: true });
      assert.equal(typeof (r.outbox[0]!.body as { token: string }).token, "string");
    });

    it("lambda:invoke.waitForTaskToken: the handler answers with the token it was given (before the wait starts)", async () => {
      const tokens = new TaskTokens();
      const def = one({
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: { FunctionName: "Approver", Payload: { "token.$": "$$.Task.Token", "n.$": "$.n" } },
      });
      const handlers = {
        Approver: async (e: unknown) => {
          const { token, n } = e as { token: string; n: number };
          tokens.sendTaskSuccess(token, { doubled: n * 2 });
          return "ignored";
        },
      };
      const r = await run(def, { n: 21 }, { ...opts(), handlers, integrations: { taskTokens: tokens } });
      assert.equal(r.status, "SUCCEEDED", r.cause);
      assert.deepEqual(r.output, { doubled: 42 });
      assert.deepEqual(tokens.open, []);
    });

    it("sns:publish and events:putEvents .waitForTaskToken wait too", async () => {
      for (const [resource, parameters] of [
        [
          "arn:aws:states:::sns:publish.waitForTaskToken",
          { TopicArn: "arn:aws:sns:us-east-1:123456789012:t", Message: { "token.$": "$$.Task.Token" } },
        ],
        [
          "arn:aws:states:::events:putEvents.waitForTaskToken",
          { Entries: [{ Source: "s", DetailType: "d", Detail: { "token.$": "$$.Task.Token" } }] },
        ],
      ] as const) {
        const r = await run(
          one({ Resource: resource, Parameters: parameters }),
          {},
          { ...opts(), integrations: { onTaskToken: (req, tokens) => setImmediate(() => tokens.sendTaskSuccess(req.token, resource)) } },
        );
        assert.equal(r.output, resource);
      }
    });

    it("sendTaskFailure fails the task with its error and cause; an unknown token is refused", async () => {
      const tokens = new TaskTokens();
      const r = await run(
        waiting(),
        {},
        {
          ...opts(),
          integrations: {
            taskTokens: tokens,
            onTaskToken: (req) => setImmediate(() => tokens.sendTaskFailure(req.token, "Rejected", "by a person")),
          },
        },
      );
      assert.deepEqual([r.error, r.cause], ["Rejected", "by a person"]);
      assert.throws(() => tokens.sendTaskSuccess("nope", {}), /TaskDoesNotExist|not found/);
    });

    it("HeartbeatSeconds without a heartbeat → States.HeartbeatTimeout; heartbeats keep it alive until TimeoutSeconds → States.Timeout", async () => {
      const quiet = await run(waiting({ HeartbeatSeconds: 1 }), {}, { ...opts(), clock: "virtual" });
      assert.equal(quiet.error, "States.HeartbeatTimeout");
      let timer: NodeJS.Timeout | undefined;
      const beating = await run(
        waiting({ HeartbeatSeconds: 1, TimeoutSeconds: 2 }),
        {},
        {
          ...opts(),
          integrations: {
            onTaskToken: (req, tokens) =>
              (timer = setInterval(() => {
                try {
                  tokens.sendTaskHeartbeat(req.token);
                } catch {
                  clearInterval(timer);
                }
              }, 200)),
          },
        },
      );
      clearInterval(timer);
      assert.equal(beating.error, "States.Timeout");
    });
  });

  describe("MockConfigFile (AWS Step Functions Local format)", () => {
    const file = {
      StateMachines: { Local: { TestCases: { HappyPath: { Fetch: "FetchOk", Store: "StoreFailsThenOk" } } } },
      MockedResponses: {
        FetchOk: { "0": { Return: { StatusCode: 200, Payload: { value: 42 } } } },
        StoreFailsThenOk: {
          "0": { Throw: { Error: "DynamoDB.ProvisionedThroughputExceededException", Cause: "slow down" } },
          "1-2": { Return: { ok: true } },
        },
      },
    };
    const def = {
      StartAt: "Fetch",
      States: {
        Fetch: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: "NoSuchHandler", "Payload.$": "$" },
          OutputPath: "$.Payload",
          Next: "Store",
        },
        Store: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:ec2:describeInstances",
          Retry: [{ ErrorEquals: ["DynamoDB.ProvisionedThroughputExceededException"], IntervalSeconds: 1 }],
          ResultPath: "$.stored",
          End: true,
        },
      },
    } as StateMachineDefinition;

    it("mocked states need no handler or emulator; per-invocation keys answer each attempt", async () => {
      const r: ExecutionResult = await run(
        def,
        {},
        { handlers: {}, clock: "virtual", integrations: { mocks: MockedTestCase.from(file, "HappyPath") } },
      );
      assert.equal(r.status, "SUCCEEDED", r.cause);
      assert.deepEqual(r.output, { value: 42, stored: { ok: true } });
      assert.equal(r.history.filter((e) => e.type === "TaskFailed").length, 1);
    });

    it("a file without AWS Step Functions Local's shape is a MockConfigError naming the field", () => {
      assert.throws(
        () => MockedTestCase.from({ StateMachines: {}, MockedResponses: { R: { first: { Return: 1 } } } }, "HappyPath"),
        (e: Error) => e.name === "MockConfigError" && /MockedResponses\.R\.first: Invalid key/.test(e.message),
      );
    });

    it("an unknown test case names the known ones", () => {
      assert.throws(() => MockedTestCase.from(file, "Nope"), /Local\/HappyPath/);
    });

    it("glue:startJobRun has no local runner (MOCK_ONLY): unmocked it fails naming the resource; mocked it answers", async () => {
      const glue = one({ Resource: "arn:aws:states:::glue:startJobRun.sync", Parameters: { JobName: "etl" } });
      const bare = await run(glue, {}, { handlers: {} });
      assert.equal(bare.error, "States.Runtime");
      assert.match(bare.cause!, /'arn:aws:states:::glue:startJobRun.sync' of state 'T' has no local emulator: .*MockConfigFile/);
      const mocks = MockedTestCase.from(
        {
          StateMachines: { M: { TestCases: { Ok: { T: "JobDone" } } } },
          MockedResponses: { JobDone: { "0": { Return: { JobName: "etl", JobRunState: "SUCCEEDED" } } } },
        },
        "M/Ok",
      );
      const mocked = await run(glue, {}, { handlers: {}, integrations: { mocks } });
      assert.equal(mocked.status, "SUCCEEDED", mocked.cause);
      assert.deepEqual(mocked.output, { JobName: "etl", JobRunState: "SUCCEEDED" });
    });

    it("an unmocked SDK call without an emulator fails with States.Runtime naming the mock option", async () => {
      const r = await run(one({ Resource: "arn:aws:states:::aws-sdk:ec2:describeInstances" }), {}, { handlers: {} });
      assert.equal(r.error, "States.Runtime");
      assert.match(r.cause!, /MockConfigFile/);
    });
  });
});
