/**
 * The integrations workflow end to end, locally: a Distributed Map over an S3 object (embedded S3)
 * whose children putItem to DynamoDB (dynalite), a nested `.sync:2` report execution, and a task
 * token the test answers. Then its derived role policy (Pulumi-free: infra/ is being reworked).
 */
import { strict as assert } from "node:assert";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { lambda } from "../../asl/builders";
import { deriveStateMachinePolicy } from "../../asl/permissions";
import type { StateMachineDefinition } from "../../asl/types";
import { run } from "../../engine";
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from "../../emulators/dynamodb/server";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";
import { storeAndApproveWorkflow } from "../../workflows/store-and-approve";

const score = lambda("Score", async (item: { id: string; text: string }) => ({ id: item.id, score: item.text.length }));
const cfg = {
  table: "Scores",
  reportStateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:Report",
  approvalQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
};
const report = {
  StartAt: "Sum",
  States: { Sum: { Type: "Pass", Parameters: { "total.$": "States.MathAdd(States.ArrayLength($.scores), 0)" }, End: true } },
} as unknown as StateMachineDefinition;

describe("workflows: store-and-approve (Distributed Map → DynamoDB, nested .sync:2, task token)", function () {
  this.timeout(60_000);
  let s3: EmbeddedS3;
  let ddb: EmbeddedDynamoDb;
  before(async () => {
    [s3, ddb] = await Promise.all([
      startEmbeddedS3({ buckets: ["in"] }),
      startEmbeddedDynamoDb({ tables: [{ name: "Scores", partitionKey: "id" }] }),
    ]);
    const items = Array.from({ length: 25 }, (_, i) => ({ id: `item-${i}`, text: "x".repeat(i) }));
    await s3.client().send(new PutObjectCommand({ Bucket: "in", Key: "items.json", Body: JSON.stringify(items) }));
  });
  after(async () => Promise.all([s3?.stop(), ddb?.stop()]));

  it("runs locally: 25 rows in DynamoDB, the report's JSON output, the approval the test sent", async () => {
    const workflow = storeAndApproveWorkflow(score, cfg);
    const sent: string[] = [];
    const r = await run(
      workflow.renderLocal(),
      { bucket: "in", key: "items.json" },
      {
        handlers: Object.fromEntries(workflow.handlersByName()),
        s3: s3.client(),
        integrations: {
          dynamodb: { endpoint: ddb.endpoint },
          stateMachines: { Report: report },
          onTaskToken: (request, tokens) => {
            sent.push(request.stateName);
            setImmediate(() => tokens.sendTaskSuccess(request.token, { approvedBy: "test" }));
          },
        },
      },
    );
    assert.equal(
      r.status,
      "SUCCEEDED",
      `${r.cause} ${JSON.stringify(r.mapRuns.map((m) => (m as { firstFailures?: unknown }).firstFailures))}`,
    );
    const out = r.output as { report: { report: { total: number } }; approval: unknown };
    assert.deepEqual(out.report.report, { total: 25 });
    assert.deepEqual(out.approval, { approvedBy: "test" });
    assert.deepEqual(sent, ["AwaitApproval"]);
    assert.equal(r.outbox.length, 1);
    assert.equal(typeof (r.outbox[0]!.body as { taskToken: unknown }).taskToken, "string");
    const rows = await (await ddb.client()).send(new ScanCommand({ TableName: "Scores" }));
    assert.equal(rows.Count, 25);
    assert.deepEqual(
      rows.Items!.find((i) => i.id!.S === "item-3"),
      { id: { S: "item-3" }, score: { N: "3" } },
    );
    assert.equal(r.nestedExecutions.length, 1);
    assert.equal(r.nestedExecutions[0]!.status, "SUCCEEDED");
  });

  it("its derived role: PutItem on the table only, the nested machine with its .sync grants, SendMessage on the queue, the map's own rights", () => {
    const def = storeAndApproveWorkflow(score, {
      ...cfg,
      reportStateMachineArn: "arn:aws:states:eu-west-1:111122223333:stateMachine:dev-report",
      approvalQueueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-approvals",
    }).render((ref) => `arn:aws:lambda:eu-west-1:111122223333:function:dev-${ref.name}`);
    const doc = deriveStateMachinePolicy(def, {
      region: "eu-west-1",
      accountId: "111122223333",
      stateMachineName: "dev-store",
      logging: false,
      tracing: false,
      dynamicS3: { bucket: "dev-in", prefix: "inputs/" },
    });
    const by = Object.fromEntries(doc.Statement.map((s) => [s.Sid, { Action: s.Action, Resource: s.Resource }]));
    assert.deepEqual(by.DynamoDbItems, {
      Action: ["dynamodb:PutItem"],
      Resource: ["arn:aws:dynamodb:eu-west-1:111122223333:table/Scores"],
    });
    assert.deepEqual(by.StartNestedExecutions, {
      Action: ["states:StartExecution"],
      Resource: ["arn:aws:states:eu-west-1:111122223333:stateMachine:dev-report"],
    });
    assert.deepEqual(by.WatchNestedExecutions!.Resource, ["arn:aws:states:eu-west-1:111122223333:execution:dev-report:*"]);
    assert.deepEqual(by.NestedExecutionEventsRule!.Resource, [
      "arn:aws:events:eu-west-1:111122223333:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule",
    ]);
    assert.deepEqual(by.SendToQueues, { Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:eu-west-1:111122223333:dev-approvals"] });
    assert.deepEqual(by.InvokeWorkflowFunctions!.Resource, [
      "arn:aws:lambda:eu-west-1:111122223333:function:dev-Score",
      "arn:aws:lambda:eu-west-1:111122223333:function:dev-Score:*",
    ]);
    assert.deepEqual(by.ReadItems!.Resource, ["arn:aws:s3:::dev-in/inputs/*"]);
    assert.ok(by.StartMapRunChildren);
    for (const s of doc.Statement) for (const res of s.Resource) assert.notEqual(res, "*", s.Sid);
  });
});
