/**
 * A Distributed Map whose children write each result to DynamoDB, then a nested report workflow
 * run to completion (`.sync:2`), then a wait for a person's approval (`.waitForTaskToken` over SQS):
 * the service integrations real Distributed Map workflows use around and inside the map.
 */
import {
  distributedMap,
  dynamoPutItem,
  intrinsic,
  machine,
  path,
  s3JsonReader,
  sqsSendMessage,
  startExecution,
  task,
  type AnyLambdaRef,
  type StateMachine,
} from "../asl/builders";

export interface StoreAndApproveConfig {
  /** The DynamoDB table the children write to (partition key `id`, a string). */
  readonly table: string;
  /** The report state machine's ARN (started with `.sync:2`). */
  readonly reportStateMachineArn: string;
  /** The SQS queue the approval request (with its task token) goes to. */
  readonly approvalQueueUrl: string;
  readonly maxConcurrency?: number;
  /** How long a person has to answer (States.Timeout after it). */
  readonly approvalTimeoutSeconds?: number;
}

/** `score` must return `{ id: string, score: number }` for each item. */
export function storeAndApproveWorkflow(score: AnyLambdaRef, cfg: StoreAndApproveConfig): StateMachine {
  return machine(
    distributedMap("ScoreAndStore", {
      reader: s3JsonReader({ bucket: path("$.bucket"), key: path("$.key") }),
      childExecution: "EXPRESS",
      maxConcurrency: cfg.maxConcurrency ?? 10,
      processor: task("Score", score).next(
        dynamoPutItem(
          "StoreScore",
          { TableName: cfg.table, Item: { id: { S: path("$.id") }, score: { N: intrinsic("States.Format('{}', $.score)") } } },
          { resultPath: null },
        ),
      ),
      resultPath: "$.scores",
    })
      .next(
        startExecution(
          "Report",
          { StateMachineArn: cfg.reportStateMachineArn, Input: { scores: path("$.scores") } },
          { pattern: "sync:2", resultSelector: { report: path("$.Output") }, resultPath: "$.report" },
        ),
      )
      .next(
        sqsSendMessage(
          "AwaitApproval",
          { QueueUrl: cfg.approvalQueueUrl, MessageBody: { taskToken: path("$$.Task.Token"), report: path("$.report.report") } },
          { pattern: "waitForTaskToken", timeoutSeconds: cfg.approvalTimeoutSeconds ?? 86_400, resultPath: "$.approval" },
        ),
      ),
    { type: "STANDARD" },
  );
}
