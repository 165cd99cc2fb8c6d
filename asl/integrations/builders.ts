/**
 * Typed builders for the integration table's rows: the parameters are the API's own (PascalCase,
 * as Step Functions passes them), each a literal, `path()` or `jsonata()` value, so one call renders
 * `Parameters` with `"Key.$"` fields in JSONPath and `Arguments` with `{% %}` in JSONata.
 * `.waitForTaskToken` tasks put `path("$$.Task.Token")` (JSONPath) or
 * `jsonata("$states.context.Task.Token")` (JSONata) where the callback will find it.
 */
import { TaskState, type TaskOptions } from "../builders/task";
import type { Template, TemplateValue, ValueOrDynamic } from "../builders/values";
import { BuilderError } from "../builders/errors";
import { findIntegration } from "./index";
import { integrationArn } from "./resource";
import type { IntegrationPattern } from "./types";

type Str = ValueOrDynamic<string>;

export interface IntegrationTaskOptions<P extends IntegrationPattern = IntegrationPattern> extends TaskOptions {
  /** The integration pattern (default request-response). */
  readonly pattern?: P;
}

function build(name: string, service: string, action: string, params: Template, options: IntegrationTaskOptions, sdk = false): TaskState {
  const pattern = options.pattern ?? "request-response";
  const arn = integrationArn(service, action, pattern, sdk);
  const found = findIntegration(arn);
  if (!found || !found.row.patterns.includes(pattern)) {
    throw new BuilderError(
      `state "${name}": ${arn} is not a supported integration${found ? ` (patterns: ${found.row.patterns.join(", ")})` : ""}`,
    );
  }
  const { pattern: _p, ...taskOptions } = options;
  void _p;
  return new TaskState(name, { kind: "integration", arn, params }, taskOptions);
}

/** DynamoDB GetItem/PutItem/UpdateItem/DeleteItem (optimized). https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html */
export type DynamoDbGetItemParams = {
  readonly TableName: Str;
  readonly Key: TemplateValue;
  readonly ConsistentRead?: ValueOrDynamic<boolean>;
  readonly ProjectionExpression?: Str;
  readonly ExpressionAttributeNames?: TemplateValue;
};
export type DynamoDbPutItemParams = {
  readonly TableName: Str;
  readonly Item: TemplateValue;
  readonly ConditionExpression?: Str;
  readonly ExpressionAttributeNames?: TemplateValue;
  readonly ExpressionAttributeValues?: TemplateValue;
  readonly ReturnValues?: Str;
};
export type DynamoDbUpdateItemParams = {
  readonly TableName: Str;
  readonly Key: TemplateValue;
  readonly UpdateExpression: Str;
  readonly ConditionExpression?: Str;
  readonly ExpressionAttributeNames?: TemplateValue;
  readonly ExpressionAttributeValues?: TemplateValue;
  readonly ReturnValues?: Str;
};
export type DynamoDbDeleteItemParams = {
  readonly TableName: Str;
  readonly Key: TemplateValue;
  readonly ConditionExpression?: Str;
  readonly ExpressionAttributeNames?: TemplateValue;
  readonly ExpressionAttributeValues?: TemplateValue;
  readonly ReturnValues?: Str;
};

export const dynamoGetItem = (name: string, params: DynamoDbGetItemParams, options: TaskOptions = {}) =>
  build(name, "dynamodb", "getItem", params, options);
export const dynamoPutItem = (name: string, params: DynamoDbPutItemParams, options: TaskOptions = {}) =>
  build(name, "dynamodb", "putItem", params, options);
export const dynamoUpdateItem = (name: string, params: DynamoDbUpdateItemParams, options: TaskOptions = {}) =>
  build(name, "dynamodb", "updateItem", params, options);
export const dynamoDeleteItem = (name: string, params: DynamoDbDeleteItemParams, options: TaskOptions = {}) =>
  build(name, "dynamodb", "deleteItem", params, options);

/** SQS SendMessage. https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html */
export type SqsSendMessageParams = {
  readonly QueueUrl: Str;
  readonly MessageBody: TemplateValue;
  readonly DelaySeconds?: ValueOrDynamic<number>;
  readonly MessageAttributes?: TemplateValue;
  readonly MessageDeduplicationId?: Str;
  readonly MessageGroupId?: Str;
};
export const sqsSendMessage = (
  name: string,
  params: SqsSendMessageParams,
  options: IntegrationTaskOptions<"request-response" | "waitForTaskToken"> = {},
) => build(name, "sqs", "sendMessage", params, options);

/** SNS Publish. https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html */
export type SnsPublishParams = ({ readonly TopicArn: Str } | { readonly TargetArn: Str }) & {
  readonly Message: TemplateValue;
  readonly Subject?: Str;
  readonly MessageAttributes?: TemplateValue;
  readonly MessageGroupId?: Str;
};
export const snsPublish = (
  name: string,
  params: SnsPublishParams,
  options: IntegrationTaskOptions<"request-response" | "waitForTaskToken"> = {},
) => build(name, "sns", "publish", params, options);

/** EventBridge PutEvents (at most 10 entries). https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html */
export type EventBridgeEntry = {
  readonly Source: Str;
  readonly DetailType: Str;
  readonly Detail: TemplateValue;
  readonly EventBusName?: Str;
  readonly Resources?: TemplateValue;
};
export const eventBridgePutEvents = (
  name: string,
  entries: readonly EventBridgeEntry[],
  options: IntegrationTaskOptions<"request-response" | "waitForTaskToken"> = {},
) => build(name, "events", "putEvents", { Entries: entries as unknown as TemplateValue }, options);

/** Step Functions StartExecution. https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html */
export type StartExecutionParams = { readonly StateMachineArn: Str; readonly Input?: TemplateValue; readonly Name?: Str };
export const startExecution = (
  name: string,
  params: StartExecutionParams,
  options: IntegrationTaskOptions<"request-response" | "sync" | "sync:2" | "waitForTaskToken"> = {},
) => build(name, "states", "startExecution", params, options);

/**
 * Any AWS SDK call: `awsSdk("List", "s3:listObjectsV2", { Bucket: "b" })`. The action is the SDK's
 * camelCase API action; the IAM action is derived (asl/integrations/awsSdk.ts).
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export function awsSdk(
  name: string,
  call: `${string}:${string}`,
  params: Template = {},
  options: IntegrationTaskOptions<"request-response" | "waitForTaskToken"> = {},
): TaskState {
  const [service, action] = call.split(":") as [string, string];
  if (!/^[a-z0-9-]+$/.test(service) || !/^[a-z][A-Za-z0-9]*$/.test(action ?? "")) {
    throw new BuilderError(`awsSdk("${name}"): "${call}" must be <service>:<camelCaseAction>, e.g. "s3:getObject"`);
  }
  return build(name, service, action, params, options, true);
}
