/** Hand-written ASL definitions for the graph tests (independent of the builders). */
import type { StateMachineDefinition } from "../../asl/types";
import { seedDistributedAsl } from "../fixtures/seed-asl";

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** The seed's Distributed Map workflow, as the seed article deploys it. */
export const seedDistributed = seedDistributedAsl({
  captureInputArn: fn("captureInput"),
  processDataArn: fn("processOutput"),
  keyPath: "$.path",
});

/** Every kind of edge and nesting: Choice, Catch, Parallel branches, an inline Map inside a branch. */
export const everything: StateMachineDefinition = {
  StartAt: "Check",
  States: {
    Check: {
      Type: "Choice",
      Choices: [
        { Variable: "$.count", NumericGreaterThan: 10, Next: "FanOut" },
        {
          And: [
            { Variable: "$.mode", StringEquals: "skip" },
            { Variable: "$.force", BooleanEquals: false },
          ],
          Next: "Done",
        },
      ],
      Default: "Wait5",
    },
    Wait5: { Type: "Wait", Seconds: 5, Next: "Check" },
    FanOut: {
      Type: "Parallel",
      Branches: [
        {
          StartAt: "Left <A>",
          States: { "Left <A>": { Type: "Pass", End: true } },
        },
        {
          StartAt: "Items",
          States: {
            Items: {
              Type: "Map",
              ItemsPath: "$.items",
              ItemProcessor: {
                StartAt: "Square",
                States: {
                  Square: {
                    Type: "Task",
                    Resource: "arn:aws:states:::lambda:invoke",
                    Parameters: { FunctionName: fn("square"), "Payload.$": "$" },
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        },
      ],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Broken" }],
      Next: "Done",
    },
    Broken: { Type: "Fail", Error: "FanOutFailed", Cause: "a branch failed" },
    Done: { Type: "Succeed" },
  },
};

/**
 * Retry and the waiting integration patterns, and a Choice with four rules whose targets sit at
 * different depths (the layout that put a rule's label beside a neighbouring edge).
 */
export const patterns: StateMachineDefinition = {
  StartAt: "Route",
  States: {
    Route: {
      Type: "Choice",
      Choices: [
        { Variable: "$.kind", StringEquals: "approval", Next: "AskApproval" },
        { Variable: "$.kind", StringEquals: "job", Next: "RunJob" },
        { Variable: "$.kind", StringEquals: "nested", Next: "RunNested" },
        { Variable: "$.retries", NumericGreaterThan: 3, Next: "GiveUp" },
      ],
      Default: "Call",
    },
    AskApproval: {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/approvals", MessageBody: { "token.$": "$$.Task.Token" } },
      HeartbeatSeconds: 3600,
      Next: "Call",
    },
    RunJob: {
      Type: "Task",
      Resource: "arn:aws:states:::ecs:runTask.sync",
      Parameters: { Cluster: "c", TaskDefinition: "t" },
      Next: "Call",
    },
    RunNested: {
      Type: "Task",
      Resource: "arn:aws:states:::states:startExecution.sync:2",
      Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:child", Input: {} },
      End: true,
    },
    Call: {
      Type: "Task",
      Resource: fn("call"),
      Retry: [
        { ErrorEquals: ["Lambda.ServiceException", "Lambda.TooManyRequestsException"], MaxAttempts: 6, BackoffRate: 2 },
        { ErrorEquals: ["States.Timeout"] },
        { ErrorEquals: ["States.ALL"], MaxAttempts: 0 },
      ],
      End: true,
    },
    GiveUp: { Type: "Fail", Error: "TooManyRetries" },
  },
};
