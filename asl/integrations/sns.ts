/**
 * SNS Publish: request-response and .waitForTaskToken.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html
 * IAM (https://docs.aws.amazon.com/step-functions/latest/dg/sns-iam.html): sns:Publish on the topic.
 */
import { z } from "zod";
import { partitionOf, type AwsEnvironment } from "../permissions/policy";
import { defineIntegration, str, template } from "./define";
import { scopedResources } from "./scope";
import { IntegrationIamError } from "./types";

export function snsTopicArn(env: AwsEnvironment, topic: string): string {
  return topic.startsWith("arn:") ? topic : `arn:${partitionOf(env)}:sns:${env.region}:${env.accountId}:${topic}`;
}

const message = {
  Message: template,
  Subject: str.optional(),
  MessageAttributes: template.optional(),
  MessageGroupId: str.optional(),
};

/** https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (a topic or a target; PhoneNumber is never derived, see iam). */
export const snsPublishIntegration = defineIntegration({
  id: "sns:publish",
  docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html",
  patterns: ["request-response", "waitForTaskToken"],
  params: z.union([z.object({ TopicArn: str, ...message }), z.object({ TargetArn: str, ...message })]),
  targets: ["TopicArn"],
  iam: (fields, _r, ctx) => {
    const field =
      fields.get("TopicArn").kind !== "absent" ? "TopicArn" : fields.get("TargetArn").kind !== "absent" ? "TargetArn" : undefined;
    if (!field) {
      // A PhoneNumber publish is authorized on "*" only: refuse rather than grant it silently.
      throw new IntegrationIamError(
        "TopicArn",
        'sns:publish needs TopicArn or TargetArn (a PhoneNumber publish is authorized only on "*", which is never derived)',
      );
    }
    return [
      {
        sid: "PublishToTopics",
        actions: ["sns:Publish"],
        resources: scopedResources(fields, field, "sns:topic", (t) => snsTopicArn(ctx, t), ctx),
      },
    ];
  },
  label: "SNS Publish",
});
