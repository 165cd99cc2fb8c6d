/**
 * SQS SendMessage: request-response and .waitForTaskToken.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html
 * IAM (https://docs.aws.amazon.com/step-functions/latest/dg/sqs-iam.html): sqs:SendMessage on the queue.
 * The QueueUrl → queue ARN rule lives here once; the AWS SDK integration's SQS calls use it too (aws-sdk.ts).
 */
import { z } from "zod";
import { partitionOf, type AwsEnvironment } from "../permissions/policy";
import { defineIntegration, num, str, template } from "./define";
import { scopedResources } from "./scope";

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

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html */
export const sqsSendMessageIntegration = defineIntegration({
  id: "sqs:sendMessage",
  docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html",
  patterns: ["request-response", "waitForTaskToken"],
  params: z.object({
    QueueUrl: str,
    MessageBody: template,
    DelaySeconds: num.optional(),
    MessageAttributes: template.optional(),
    MessageDeduplicationId: str.optional(),
    MessageGroupId: str.optional(),
  }),
  targets: ["QueueUrl"],
  iam: (fields, _r, ctx) => [
    {
      sid: "SendToQueues",
      actions: ["sqs:SendMessage"],
      resources: scopedResources(fields, "QueueUrl", "sqs:queue", (q) => sqsQueueArn(ctx, q), ctx),
    },
  ],
  label: "SQS SendMessage",
});
