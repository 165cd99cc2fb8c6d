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
import { RuntimeError, TaskFailedError } from "../model/errors";

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

/** Records the call and returns the service's response. `id()` makes a UUID (seeded runs: deterministic). */
export function sendToOutbox(
  integration: string,
  params: JsonObject,
  outbox: OutboxMessage[],
  where: { executionArn: string; stateName: string },
  id: () => string,
): JsonObject {
  const record = (target: string, body: JsonValue): string => {
    const messageId = id();
    outbox.push({ integration, target, body, ...where, id: messageId });
    return messageId;
  };
  switch (integration) {
    case "sqs:sendMessage": {
      const queue = params.QueueUrl;
      if (typeof queue !== "string")
        throw new TaskFailedError("SQS.MissingParameterException", "The request must contain the parameter QueueUrl.");
      if (params.MessageBody === undefined)
        throw new TaskFailedError("SQS.MissingParameterException", "The request must contain the parameter MessageBody.");
      // Step Functions serializes a JSON MessageBody to text (connect-sqs: "MessageBody ... JSON").
      const text = typeof params.MessageBody === "string" ? params.MessageBody : JSON.stringify(params.MessageBody);
      const messageId = record(queue, params.MessageBody);
      return { MD5OfMessageBody: md5(text), MessageId: messageId };
    }
    case "sns:publish": {
      const target = params.TopicArn ?? params.TargetArn ?? params.PhoneNumber;
      if (typeof target !== "string")
        throw new TaskFailedError(
          "SNS.InvalidParameterException",
          "Invalid parameter: TopicArn or TargetArn or PhoneNumber must be specified",
        );
      if (params.Message === undefined) throw new TaskFailedError("SNS.InvalidParameterException", "Invalid parameter: Message");
      return { MessageId: record(target, params.Message) };
    }
    case "events:putEvents": {
      const entries = params.Entries;
      if (!Array.isArray(entries) || entries.length === 0)
        throw new TaskFailedError("EventBridge.ValidationException", "Entries must contain at least 1 entry");
      // "You can include up to 10 entries in a single request."
      if (entries.length > 10) throw new TaskFailedError("EventBridge.ValidationException", "Entries must contain at most 10 entries");
      const out = entries.map((e) => {
        const entry = (e ?? {}) as JsonObject;
        return { EventId: record(typeof entry.EventBusName === "string" ? entry.EventBusName : "default", entry) };
      });
      return { Entries: out, FailedEntryCount: 0 };
    }
    default:
      throw new RuntimeError(`no outbox behaviour for ${integration}`);
  }
}
