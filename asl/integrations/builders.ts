/**
 * Typed builders for the integration modules: the parameters are the API's own (PascalCase, as
 * Step Functions passes them), each a literal, `path()` or `jsonata()` value, so one call renders
 * `Parameters` with `"Key.$"` fields in JSONPath and `Arguments` with `{% %}` in JSONata. Each
 * builder's parameter type is `z.input` of its module's `params` schema, and the builder checks the
 * values with that schema (define.ts): the type and the check are the module's one definition.
 * `.waitForTaskToken` tasks put `path("$$.Task.Token")` (JSONPath) or
 * `jsonata("$states.context.Task.Token")` (JSONata) where the callback will find it.
 */
import type { z } from "zod";
import { TaskState, type TaskOptions } from "../builders/task";
import type { Template } from "../builders/values";
import { BuilderError } from "../builders/errors";
import type { AnyIntegration } from "./define";
import { dynamoDbDeleteItem, dynamoDbGetItem, dynamoDbPutItem, dynamoDbUpdateItem } from "./dynamodb";
import { eventBridgePutEventsIntegration } from "./eventbridge";
import { glueStartJobRunIntegration } from "./glue";
import { findIntegration } from "./index";
import { integrationArn } from "./resource";
import { snsPublishIntegration } from "./sns";
import { sqsSendMessageIntegration } from "./sqs";
import { startExecutionIntegration } from "./states";
import type { IntegrationPattern } from "./types";

export interface IntegrationTaskOptions<P extends IntegrationPattern = IntegrationPattern> extends TaskOptions {
  /** The integration pattern (default request-response). */
  readonly pattern?: P;
}

/** The parameters a builder of `integration` takes: `z.input` of its schema. */
type ParamsOf<I> = I extends { readonly params: infer S extends z.ZodType } ? z.input<S> : never;
/** The patterns an integration supports, as its builder's `pattern` option. */
type PatternsOf<I> = I extends { readonly patterns: readonly (infer P extends IntegrationPattern)[] } ? P : never;

function checked(name: string, integration: AnyIntegration, params: unknown): void {
  const result = integration.params.safeParse(params);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const at = issue.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new BuilderError(`state "${name}": ${integration.id} parameters${at}: ${issue.message} (${integration.docs})`);
}

function build(name: string, service: string, action: string, params: Template, options: IntegrationTaskOptions, sdk = false): TaskState {
  const pattern = options.pattern ?? "request-response";
  const arn = integrationArn(service, action, pattern, sdk);
  const found = findIntegration(arn);
  if (!found || !found.definition.patterns.includes(pattern)) {
    throw new BuilderError(
      `state "${name}": ${arn} is not a supported integration${found ? ` (patterns: ${found.definition.patterns.join(", ")})` : ""}`,
    );
  }
  checked(name, found.definition, params);
  const { pattern: _p, ...taskOptions } = options;
  void _p;
  return new TaskState(name, { kind: "integration", arn, params }, taskOptions);
}

/** The builder of an optimized integration module: `(name, params, options)`, typed from the module. */
function builderOf<I extends AnyIntegration>(integration: I) {
  const [service, action] = integration.id.split(":") as [string, string];
  return (name: string, params: ParamsOf<I>, options: IntegrationTaskOptions<PatternsOf<I>> = {}): TaskState =>
    build(name, service, action, params as Template, options);
}

/** DynamoDB GetItem/PutItem/UpdateItem/DeleteItem (optimized). https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html */
// Each `...Params` type is read off its builder, whose parameter type is `z.input` of the module's
// schema: declared this way, the published .d.ts names no zod type (zod's own declaration files need
// esModuleInterop or skipLibCheck, which Pulumi's aws-typescript template of 2024 sets neither of;
// scripts/public-asl-types.ts says more).
export type DynamoDbGetItemParams = Parameters<typeof dynamoGetItem>[1];
export type DynamoDbPutItemParams = Parameters<typeof dynamoPutItem>[1];
export type DynamoDbUpdateItemParams = Parameters<typeof dynamoUpdateItem>[1];
export type DynamoDbDeleteItemParams = Parameters<typeof dynamoDeleteItem>[1];

export const dynamoGetItem = builderOf(dynamoDbGetItem);
export const dynamoPutItem = builderOf(dynamoDbPutItem);
export const dynamoUpdateItem = builderOf(dynamoDbUpdateItem);
export const dynamoDeleteItem = builderOf(dynamoDbDeleteItem);

/** SQS SendMessage. https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html */
export type SqsSendMessageParams = Parameters<typeof sqsSendMessage>[1];
export const sqsSendMessage = builderOf(sqsSendMessageIntegration);

/** SNS Publish. https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html */
export type SnsPublishParams = Parameters<typeof snsPublish>[1];
export const snsPublish = builderOf(snsPublishIntegration);

/** EventBridge PutEvents (at most 10 entries). https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html */
const putEvents = builderOf(eventBridgePutEventsIntegration);
export type EventBridgeEntry = Parameters<typeof putEvents>[1]["Entries"][number];
export const eventBridgePutEvents = (
  name: string,
  entries: readonly EventBridgeEntry[],
  options: Parameters<typeof putEvents>[2] = {},
): TaskState => putEvents(name, { Entries: entries as EventBridgeEntry[] }, options);

/** Step Functions StartExecution. https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html */
export type StartExecutionParams = Parameters<typeof startExecution>[1];
export const startExecution = builderOf(startExecutionIntegration);

/** AWS Glue StartJobRun (request-response, .sync). https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html */
export type GlueStartJobRunParams = Parameters<typeof glueStartJobRun>[1];
export const glueStartJobRun = builderOf(glueStartJobRunIntegration);

/**
 * Any AWS SDK call: `awsSdk("List", "s3:listObjectsV2", { Bucket: "b" })`. The action is the SDK's
 * camelCase API action; the IAM action is derived (asl/integrations/aws-sdk.ts).
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
