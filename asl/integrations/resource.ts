/**
 * Task resource ARNs taken apart: `arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`
 * (optimized), `arn:aws:states:::aws-sdk:<service>:<action>[...]` (AWS SDK), a Lambda function ARN,
 * an activity ARN. https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
 */
import { partitionOf, type AwsEnvironment } from "../permissions/policy";
import { PATTERN_SUFFIX, type IntegrationPattern, type ParsedResource } from "./types";

const LAMBDA_FUNCTION = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/;
const ACTIVITY = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:.+$/;
const INTEGRATION = /^arn:(aws[a-z-]*):states:::(aws-sdk:)?([a-z0-9-]+):([A-Za-z0-9]+)(\.sync(?::2)?|\.waitForTaskToken)?$/;

export function parseResource(arn: string): ParsedResource {
  const fn = LAMBDA_FUNCTION.exec(arn);
  if (fn) return { kind: "lambda-function", arn, functionName: fn[1]! };
  if (ACTIVITY.test(arn)) return { kind: "activity", arn };
  const m = INTEGRATION.exec(arn);
  if (!m) return { kind: "unknown", arn };
  const suffix = m[5] ?? "";
  const pattern = (Object.keys(PATTERN_SUFFIX) as IntegrationPattern[]).find((p) => PATTERN_SUFFIX[p] === suffix)!;
  return { kind: m[2] ? "aws-sdk" : "optimized", arn, partition: m[1]!, service: m[3]!, action: m[4]!, pattern };
}

/** The resource ARN of an integration: `integrationArn("dynamodb", "putItem")`. */
export function integrationArn(service: string, action: string, pattern: IntegrationPattern = "request-response", sdk = false): string {
  return `arn:aws:states:::${sdk ? "aws-sdk:" : ""}${service}:${action}${PATTERN_SUFFIX[pattern]}`;
}

/** A DynamoDB TableName (a name or a table ARN) as the table's ARN. */
export function dynamoTableArn(env: AwsEnvironment, table: string): string {
  if (table.startsWith("arn:")) return table;
  return `arn:${partitionOf(env)}:dynamodb:${env.region}:${env.accountId}:table/${table}`;
}

/**
 * An SQS QueueUrl (`https://sqs.<region>.amazonaws.com/<account>/<name>`, or the legacy
 * `https://<region>.queue.amazonaws.com/...`) as the queue ARN; a bare name is in this account and region.
 */
export function sqsQueueArn(env: AwsEnvironment, queue: string): string {
  if (queue.startsWith("arn:")) return queue;
  const url =
    /^https?:\/\/(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?|[^/]+)\/(\d{12})\/([^/?]+)$/.exec(
      queue,
    );
  if (url) return `arn:${partitionOf(env)}:sqs:${url[1] ?? url[2] ?? env.region}:${url[3]}:${url[4]}`;
  return `arn:${partitionOf(env)}:sqs:${env.region}:${env.accountId}:${queue}`;
}

export function snsTopicArn(env: AwsEnvironment, topic: string): string {
  return topic.startsWith("arn:") ? topic : `arn:${partitionOf(env)}:sns:${env.region}:${env.accountId}:${topic}`;
}

/** An EventBusName (a name or an ARN; absent means the account's `default` bus). */
export function eventBusArn(env: AwsEnvironment, bus: string): string {
  return bus.startsWith("arn:") ? bus : `arn:${partitionOf(env)}:events:${env.region}:${env.accountId}:event-bus/${bus}`;
}

/** A state machine name or ARN (an alias or version ARN kept as given). */
export function stateMachineArnOf(env: AwsEnvironment, machine: string): string {
  return machine.startsWith("arn:") ? machine : `arn:${partitionOf(env)}:states:${env.region}:${env.accountId}:stateMachine:${machine}`;
}

/** `arn:...:stateMachine:<name>[:<alias or version>]` → `<name>`. */
export function stateMachineNameOf(arn: string): string {
  const m = /:stateMachine:([^:]+)/.exec(arn);
  return m ? m[1]! : arn.slice(arn.lastIndexOf(":") + 1);
}
