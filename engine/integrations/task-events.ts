/** The resource fields of a Task's history events, and its TaskSubmitted event. */
import type { JsonValue } from "../../asl/types";
import type { IntegrationResource } from "../../asl/integrations";
import type { Frame } from "../execution";

export function eventResource(r: IntegrationResource): { resourceType: string; resource: string } {
  if (r.kind === "lambda-function") return { resourceType: "lambda", resource: "invoke" };
  const suffix = r.pattern === "request-response" ? "" : `.${r.pattern}`;
  return { resourceType: r.kind === "aws-sdk" ? `aws-sdk:${r.service}` : r.service, resource: `${r.action}${suffix}` };
}

/** The TaskSubmitted event of a callback or `.sync` task. */
export function submitted(frame: Frame, ids: { resourceType: string; resource: string }, response: JsonValue): void {
  frame.event(
    "TaskSubmitted",
    frame.recording ? { ...ids, output: JSON.stringify(response), outputDetails: { truncated: false } } : undefined,
  );
}
