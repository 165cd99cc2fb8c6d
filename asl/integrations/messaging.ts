/**
 * SQS SendMessage, SNS Publish, EventBridge PutEvents: request-response and .waitForTaskToken.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
 * IAM (https://docs.aws.amazon.com/step-functions/latest/dg/sqs-iam.html, sns-iam.html,
 * eventbridge-iam.html): sqs:SendMessage on the queue, sns:Publish on the topic, events:PutEvents
 * on each event bus the entries name (the account's `default` bus when none).
 */
import { eventBusArn, snsTopicArn, sqsQueueArn } from "./resource";
import { declaredResources, scopedResources } from "./scope";
import { IntegrationIamError, type IntegrationRow } from "./types";

export const messagingRows: IntegrationRow[] = [
  {
    id: "sqs:sendMessage",
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html",
    matches: (r) => r.kind === "optimized" && r.service === "sqs" && r.action === "sendMessage",
    patterns: ["request-response", "waitForTaskToken"],
    iam: (fields, _r, ctx) => [
      {
        sid: "SendToQueues",
        actions: ["sqs:SendMessage"],
        resources: scopedResources(fields, "QueueUrl", "sqs:queue", (q) => sqsQueueArn(ctx, q), ctx),
      },
    ],
    local: () => "outbox",
    label: () => "SQS SendMessage",
  },
  {
    id: "sns:publish",
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html",
    matches: (r) => r.kind === "optimized" && r.service === "sns" && r.action === "publish",
    patterns: ["request-response", "waitForTaskToken"],
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
    local: () => "outbox",
    label: () => "SNS Publish",
  },
  {
    id: "events:putEvents",
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html",
    matches: (r) => r.kind === "optimized" && r.service === "events" && r.action === "putEvents",
    patterns: ["request-response", "waitForTaskToken"],
    iam: (fields, _r, ctx) => {
      const entries = fields.get("Entries");
      const toArn = (b: string) => eventBusArn(ctx, b);
      if (entries.kind === "absent") throw new IntegrationIamError("Entries", "events:putEvents needs Entries");
      if (entries.kind === "dynamic")
        return [
          {
            sid: "PutEventsOnBuses",
            actions: ["events:PutEvents"],
            resources: declaredResources("events:event-bus", "Entries", entries.expression, toArn, ctx),
          },
        ];
      if (!Array.isArray(entries.value)) throw new IntegrationIamError("Entries", "Entries must be an array");
      const buses = new Set<string>();
      entries.value.forEach((entry, i) => {
        if (entry === null || typeof entry !== "object" || Array.isArray(entry))
          throw new IntegrationIamError(`Entries/${i}`, "each entry must be an object");
        const dyn =
          entry["EventBusName.$"] ??
          (typeof entry.EventBusName === "string" && entry.EventBusName.startsWith("{%") ? entry.EventBusName : undefined);
        if (typeof dyn === "string")
          for (const b of declaredResources("events:event-bus", `Entries/${i}/EventBusName`, dyn, toArn, ctx)) buses.add(b);
        else buses.add(toArn(typeof entry.EventBusName === "string" ? entry.EventBusName : "default"));
      });
      return [{ sid: "PutEventsOnBuses", actions: ["events:PutEvents"], resources: [...buses] }];
    },
    local: () => "outbox",
    label: () => "EventBridge PutEvents",
  },
];
