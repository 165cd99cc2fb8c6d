/**
 * SQS, SNS and EventBridge calls made locally: nothing leaves the machine; each call is recorded
 * here (the run's summary and `--json` show them) and answered as the service would, with the
 * response fields a workflow reads (MessageId, SequenceNumber, Entries[].EventId).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
import { createHash } from "node:crypto";
import type { JsonObject, JsonValue } from "../../asl/types";
import { TaskFailedError } from "../model/errors";

export interface OutboxMessage {
  /** `sqs:sendMessage`, `sns:publish`, `events:putEvents`. */
  integration: string;
  /** The queue URL, topic ARN or event bus name. */
  target: string;
  /** What was sent: the message body, the SNS message, or one event entry. */
  body: JsonValue;
  executionArn: string;
  stateName: string;
  /** The id the service answered with. */
  id: string;
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** Where a call is made from, and how it records what it sends (one id per message or event). */
export interface OutboxSite {
  outbox: OutboxMessage[];
  executionArn: string;
  stateName: string;
  /** Makes a UUID (seeded runs: deterministic). */
  id: () => string;
}

function recorder(integration: "sqs:sendMessage" | "sns:publish" | "events:putEvents", site: OutboxSite) {
  return (target: string, body: JsonValue): string => {
    const messageId = site.id();
    site.outbox.push({ integration, target, body, executionArn: site.executionArn, stateName: site.stateName, id: messageId });
    return messageId;
  };
}

/** SQS SendMessage: recorded, answered with MD5OfMessageBody and MessageId. */
export function sqsSendMessage(params: JsonObject, site: OutboxSite): JsonObject {
  const queue = params.QueueUrl;
  if (typeof queue !== "string")
    throw new TaskFailedError("SQS.MissingParameterException", "The request must contain the parameter QueueUrl.");
  if (params.MessageBody === undefined)
    throw new TaskFailedError("SQS.MissingParameterException", "The request must contain the parameter MessageBody.");
  // Step Functions serializes a JSON MessageBody to text (connect-sqs: "MessageBody ... JSON").
  const text = typeof params.MessageBody === "string" ? params.MessageBody : JSON.stringify(params.MessageBody);
  const messageId = recorder("sqs:sendMessage", site)(queue, params.MessageBody);
  return { MD5OfMessageBody: md5(text), MessageId: messageId };
}

/** SNS Publish: recorded, answered with MessageId. */
export function snsPublish(params: JsonObject, site: OutboxSite): JsonObject {
  const target = params.TopicArn ?? params.TargetArn ?? params.PhoneNumber;
  if (typeof target !== "string")
    throw new TaskFailedError("SNS.InvalidParameterException", "Invalid parameter: TopicArn or TargetArn or PhoneNumber must be specified");
  if (params.Message === undefined) throw new TaskFailedError("SNS.InvalidParameterException", "Invalid parameter: Message");
  return { MessageId: recorder("sns:publish", site)(target, params.Message) };
}

/** EventBridge PutEvents: each entry recorded, answered with its EventId. */
export function eventBridgePutEvents(params: JsonObject, site: OutboxSite): JsonObject {
  const entries = params.Entries;
  if (!Array.isArray(entries) || entries.length === 0)
    throw new TaskFailedError("EventBridge.ValidationException", "Entries must contain at least 1 entry");
  // "You can include up to 10 entries in a single request."
  if (entries.length > 10) throw new TaskFailedError("EventBridge.ValidationException", "Entries must contain at most 10 entries");
  const record = recorder("events:putEvents", site);
  const out = entries.map((e) => {
    const entry = (e ?? {}) as JsonObject;
    return { EventId: record(typeof entry.EventBusName === "string" ? entry.EventBusName : "default", entry) };
  });
  return { Entries: out, FailedEntryCount: 0 };
}
