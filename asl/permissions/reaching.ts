/**
 * Which validator warnings would end up in the derived IAM policy. A NO_DOLLAR warning (a path
 * written without `.$`) is harmless in most payloads, but in a field that names an AWS resource
 * (`Bucket: "$.bucket"` in an ItemReader, `FunctionName: "$.fn"`) the literal text is what the
 * state calls, so the role would be granted on a bucket or function that cannot exist and the run
 * fails with AccessDenied or ResourceNotFound. Deployers treat these as errors.
 */
import type { Diagnostic } from "../diagnostics";

/** Parameter fields that name the resource a call (and so the grant) addresses. */
const RESOURCE_FIELDS = new Set([
  "Bucket",
  "Key",
  "Prefix",
  "CopySource",
  "FunctionName",
  "TableName",
  "QueueUrl",
  "TopicArn",
  "TargetArn",
  "StateMachineArn",
  "EventBusName",
  "RoleArn",
]);

export function diagnosticsReachingIam(diagnostics: ReadonlyArray<Diagnostic>): Diagnostic[] {
  return diagnostics
    .filter((d) => d.code === "NO_DOLLAR" && reachesIam(d.location))
    .map((d) => ({
      ...d,
      severity: "ERROR" as const,
      message: `${d.message} (this field names the resource the state calls: the derived IAM policy would grant the literal text)`,
    }));
}

function reachesIam(location: string): boolean {
  const parts = location.split("/");
  const field = parts[parts.length - 1] ?? "";
  const holder = parts[parts.length - 2];
  if (holder !== "Parameters" && holder !== "Arguments") return false;
  // ItemReader / ResultWriter parameters all address S3; a Task's only where the field names a resource.
  const owner = parts[parts.length - 3];
  return owner === "ItemReader" || owner === "ResultWriter" || RESOURCE_FIELDS.has(field);
}
