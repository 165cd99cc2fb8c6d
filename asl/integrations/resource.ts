/**
 * Task resource ARNs taken apart: `arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`
 * (optimized), `arn:aws:states:::aws-sdk:<service>:<action>[...]` (AWS SDK), a Lambda function ARN,
 * an activity ARN. https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
 * (What a service's own fields name — a queue URL, a topic, a table — is its integration module's.)
 */
import { PATTERN_SUFFIX, type IntegrationPattern, type ParsedResource } from "./types";

const LAMBDA_FUNCTION = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/;
const ACTIVITY = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:.+$/;
const INTEGRATION = /^arn:(aws[a-z-]*):states:::(aws-sdk:)?([a-z0-9-]+):([A-Za-z0-9]+)(\.sync(?::2)?|\.waitForTaskToken)?$/;

export function parseResource(arn: string): ParsedResource {
  const fn = LAMBDA_FUNCTION.exec(arn);
  if (fn) return { kind: "lambda-function", arn, functionName: fn[1]! };
  if (ACTIVITY.test(arn)) return { kind: "activity", arn };
  const m = INTEGRATION.exec(arn);
  if (!m) return { kind: "unknown", arn };
  const suffix = m[5] ?? "";
  const pattern = (Object.keys(PATTERN_SUFFIX) as IntegrationPattern[]).find((p) => PATTERN_SUFFIX[p] === suffix)!;
  return { kind: m[2] ? "aws-sdk" : "optimized", arn, partition: m[1]!, service: m[3]!, action: m[4]!, pattern };
}

/** The resource ARN of an integration: `integrationArn("dynamodb", "putItem")`. */
export function integrationArn(service: string, action: string, pattern: IntegrationPattern = "request-response", sdk = false): string {
  return `arn:aws:states:::${sdk ? "aws-sdk:" : ""}${service}:${action}${PATTERN_SUFFIX[pattern]}`;
}
