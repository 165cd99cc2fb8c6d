/**
 * EventBridge PutEvents: request-response and .waitForTaskToken.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
 * IAM (https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-iam.html): events:PutEvents
 * on each event bus the entries name (the account's `default` bus when none).
 */
import { z } from "zod";
import { partitionOf, type AwsEnvironment } from "../permissions/policy";
import { defineIntegration, str, template } from "./define";
import { declaredResources } from "./scope";
import { IntegrationIamError } from "./types";

/** An EventBusName (a name or an ARN; absent means the account's `default` bus). */
export function eventBusArn(env: AwsEnvironment, bus: string): string {
  return bus.startsWith("arn:") ? bus : `arn:${partitionOf(env)}:events:${env.region}:${env.accountId}:event-bus/${bus}`;
}

/** One entry of PutEvents (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html). */
export const eventBridgeEntry = z.object({
  Source: str,
  DetailType: str,
  Detail: template,
  EventBusName: str.optional(),
  Resources: template.optional(),
});

export const eventBridgePutEventsIntegration = defineIntegration({
  id: "events:putEvents",
  docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html",
  patterns: ["request-response", "waitForTaskToken"],
  // The builder takes the entries; the engine refuses more than 10, as PutEvents does.
  params: z.object({ Entries: z.array(eventBridgeEntry) }),
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
  label: "EventBridge PutEvents",
});
