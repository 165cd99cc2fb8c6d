/**
 * Least privilege of the integration rows, proven by simulation (method: ./simulator.ts): a machine
 * using every integration with static parameters; every request it makes is Allowed and a sweep of
 * every action of dynamodb, sqs, sns, events and states over project and foreign names allows
 * nothing else.
 */
import { strict as assert } from "node:assert";
import { deriveStateMachinePolicy } from "../../asl/permissions";
import type { StateMachineDefinition } from "../../asl/types";
import { decide, sweepService, unexpected, type SimRequest, type Universe } from "./simulator";

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";
const arn = (svc: string, rest: string) => `arn:aws:${svc}:${REGION}:${ACCOUNT}:${rest}`;
const task = (Resource: string, Parameters: Record<string, unknown>, Next?: string) => ({
  Type: "Task",
  Resource,
  Parameters,
  ...(Next ? { Next } : { End: true }),
});

const definition = {
  StartAt: "Put",
  States: {
    Put: task("arn:aws:states:::dynamodb:putItem", { TableName: "Results", Item: {} }, "Get"),
    Get: task("arn:aws:states:::dynamodb:getItem", { TableName: "Results", Key: {} }, "Query"),
    Query: task("arn:aws:states:::aws-sdk:dynamodb:query", { TableName: "Results" }, "Send"),
    Send: task(
      "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      { QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/work`, MessageBody: { "t.$": "$$.Task.Token" } },
      "Publish",
    ),
    Publish: task("arn:aws:states:::sns:publish", { TopicArn: arn("sns", "done"), Message: "x" }, "Emit"),
    Emit: task("arn:aws:states:::events:putEvents", { Entries: [{ Source: "s", DetailType: "d", Detail: {} }] }, "Nested"),
    Nested: task("arn:aws:states:::states:startExecution.sync:2", { StateMachineArn: arn("states", "stateMachine:child") }),
  },
} as unknown as StateMachineDefinition;

const universe: Universe = {
  region: REGION,
  accountId: ACCOUNT,
  foreignAccountId: "999988887777",
  values: {
    TableName: ["Results", "Other"],
    IndexName: ["byDate"],
    QueueName: ["work", "other-queue"],
    TopicName: ["done", "other-topic"],
    EventBusName: ["default", "other-bus"],
    RuleName: ["StepFunctionsGetEventsForStepFunctionsExecutionRule", "other-rule"],
    StateMachineName: ["child", "other-machine"],
    ExecutionId: ["exec-1"],
  },
};

const requests: SimRequest[] = [
  { why: "putItem", action: "dynamodb:PutItem", resource: arn("dynamodb", "table/Results") },
  { why: "getItem", action: "dynamodb:GetItem", resource: arn("dynamodb", "table/Results") },
  { why: "aws-sdk query", action: "dynamodb:Query", resource: arn("dynamodb", "table/Results") },
  { why: "sendMessage", action: "sqs:SendMessage", resource: arn("sqs", "work") },
  { why: "publish", action: "sns:Publish", resource: arn("sns", "done") },
  { why: "putEvents on the default bus", action: "events:PutEvents", resource: arn("events", "event-bus/default") },
  { why: "start the nested execution", action: "states:StartExecution", resource: arn("states", "stateMachine:child") },
  { why: ".sync:2: describe it", action: "states:DescribeExecution", resource: arn("states", "execution:child:exec-1") },
  { why: ".sync:2: stop it", action: "states:StopExecution", resource: arn("states", "execution:child:exec-1") },
  ...["PutTargets", "PutRule", "DescribeRule"].map((a) => ({
    why: ".sync:2: the managed rule",
    action: `events:${a}`,
    resource: arn("events", "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"),
  })),
];

describe("permissions: integration rows under the IAM simulator", function () {
  this.timeout(300_000);
  const policy = deriveStateMachinePolicy(definition, {
    region: REGION,
    accountId: ACCOUNT,
    stateMachineName: "parent",
    logging: false,
    tracing: false,
  });

  it("every request the workflow makes is Allowed", async () => {
    for (const r of requests) assert.equal(await decide(policy, r, universe), "Allowed", `${r.why}: ${r.action} on ${r.resource}`);
  });

  for (const service of ["dynamodb", "sqs", "sns", "events", "states"]) {
    it(`${service}: the sweep allows nothing beyond those requests`, async () => {
      const result = await sweepService(policy, service, universe);
      assert.deepEqual(unexpected(result.allowed, requests), []);
      assert.ok(result.allowed.length > 0);
    });
  }
});
