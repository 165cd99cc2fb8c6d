/**
 * The service integrations: one module per integration (define.ts; a file per service), read by the
 * validator (which resources and patterns exist), the permission derivation (what each needs), the
 * graph (labels) and the local engine (its runners are keyed by the ids). Adding an integration is
 * one module and one line in INTEGRATIONS below (and its runner in engine/integrations/runners.ts).
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-services.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 */
import { awsSdkIntegration } from "./aws-sdk";
import type { AnyIntegration } from "./define";
import { DYNAMODB_INTEGRATIONS } from "./dynamodb";
import { eventBridgePutEventsIntegration } from "./eventbridge";
import { glueStartJobRunIntegration } from "./glue";
import { lambdaFunction, lambdaInvoke } from "./lambda";
import { OPTIMIZED_WITHOUT_ROW } from "./optimized";
import { closest, SDK_DATA_SOURCES, sdkActionUnsupported, sdkService, sdkServiceNames } from "./sdkIam";
import { integrationArn, parseResource } from "./resource";
import { snsPublishIntegration } from "./sns";
import { sqsSendMessageIntegration } from "./sqs";
import { startExecutionIntegration } from "./states";
import { PATTERN_SUFFIX, type IntegrationResource, type ParsedResource } from "./types";

export * from "./types";
export * from "./resource";
export { defineIntegration, type Integration, type AnyIntegration, type IntegrationSpec, type ResourceOf } from "./define";
export { iamActionsOf } from "./aws-sdk";
export {
  IAM_ACTION_EXCEPTIONS,
  IAM_PREFIX_EXCEPTIONS,
  sdkIamActions,
  sdkService,
  sdkServiceNames,
  listedSdkServices,
  sdkActionUnsupported,
  closest,
  SDK_DATA_SOURCES,
  type SdkService,
  type SdkIamActions,
} from "./sdkIam";
export { unqualifiedFunctionArn } from "./lambda";
export { DYNAMODB_ACTIONS, dynamoTableArn } from "./dynamodb";
export { sqsQueueArn } from "./sqs";
export { snsTopicArn } from "./sns";
export { eventBusArn } from "./eventbridge";
export { SYNC_EXECUTION_RULE, stateMachineArnOf, stateMachineNameOf } from "./states";
export { OPTIMIZED_WITHOUT_ROW, type OptimizedService } from "./optimized";

/**
 * Every integration module, once: the only list of them. The validator, the IAM derivation, the
 * graph and the builders find a resource's module here; the engine's runners are keyed by these ids
 * (IntegrationId), so a module without a runner does not compile.
 */
export const INTEGRATIONS = [
  lambdaFunction,
  lambdaInvoke,
  ...DYNAMODB_INTEGRATIONS,
  sqsSendMessageIntegration,
  snsPublishIntegration,
  eventBridgePutEventsIntegration,
  startExecutionIntegration,
  glueStartJobRunIntegration,
  awsSdkIntegration,
] as const satisfies readonly AnyIntegration[];

/** The id of every integration module (`sqs:sendMessage`, `lambda:function`, `aws-sdk:*` ...). */
export type IntegrationId = (typeof INTEGRATIONS)[number]["id"];

export interface ResolvedIntegration {
  /** The integration module of the resource. */
  definition: AnyIntegration & { readonly id: IntegrationId };
  resource: IntegrationResource;
}

/** The integration of a Task resource, or undefined (activities, unknown ARNs, services without a module). */
export function findIntegration(resource: string | ParsedResource): ResolvedIntegration | undefined {
  const parsed = typeof resource === "string" ? parseResource(resource) : resource;
  if (parsed.kind === "activity" || parsed.kind === "unknown") return undefined;
  const definition = (INTEGRATIONS as readonly AnyIntegration[]).find((r) => r.matches(parsed)) as
    ResolvedIntegration["definition"] | undefined;
  return definition ? { definition, resource: parsed } : undefined;
}

export type { IamActionCatalog } from "./types";
import type { IamActionCatalog } from "./types";

export interface ResourceProblem {
  severity: "ERROR" | "WARNING";
  message: string;
}

/** Any `arn:<partition>:states:::` resource, however misspelt: the parts the checks below name. */
const STATES_INTEGRATION = /^arn:(aws[a-z-]*):states:::(aws-sdk:)?([^:.]*):?([^.]*)(\..*)?$/;

/** Every resource (after `arn:aws:states:::`) an optimized integration accepts, for "did you mean". */
function optimizedResources(): string[] {
  const out: string[] = [];
  for (const integration of INTEGRATIONS as readonly AnyIntegration[]) {
    if (integration.id === "aws-sdk:*" || integration.id === "lambda:function") continue;
    for (const p of integration.patterns) out.push(`${integration.id}${PATTERN_SUFFIX[p]}`);
  }
  for (const [service, { actions }] of Object.entries(OPTIMIZED_WITHOUT_ROW))
    for (const [action, ps] of Object.entries(actions)) for (const p of ps) out.push(`${service}:${action}${PATTERN_SUFFIX[p]}`);
  return out;
}

const didYouMean = (partition: string, tail: string | undefined) => (tail ? `; did you mean arn:${partition}:states:::${tail}?` : "");
const pascalOf = (a: string) => a[0]!.toUpperCase() + a.slice(1);

/** The AWS SDK resources of one service and action, for "did you mean" (request-response and callback). */
const sdkTails = (service: string, actions: Iterable<string>) =>
  [...actions].flatMap((a) => [`aws-sdk:${service}:${a}`, `aws-sdk:${service}:${a}.waitForTaskToken`]);

/**
 * What is wrong with a Task resource: every `arn:aws:states:::` resource is an optimized integration
 * with a pattern AWS supports for it, or an AWS SDK call whose service and action exist (AWS's list
 * of SDK integrations and the SDK's models; the action only when `catalog` carries the operations),
 * or an ERROR naming the closest valid resource. AWS refuses the others at CreateStateMachine ("The
 * resource provided ... is not recognized", https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html).
 * An optimized integration without a module here is a WARNING: valid, but its IAM is not derived and
 * the local engine runs it only with a MockConfigFile response.
 */
export function resourceProblem(resource: string, catalog?: IamActionCatalog): ResourceProblem | undefined {
  const parsed = parseResource(resource);
  if (parsed.kind === "activity" || parsed.kind === "lambda-function") return undefined;
  if (parsed.kind === "unknown") {
    const m = STATES_INTEGRATION.exec(resource);
    if (!m) return undefined; // not a Step Functions integration ARN: the ARN rules report it
    const [, partition, sdk, service, action, suffix] = m as unknown as [
      string,
      string,
      string | undefined,
      string,
      string,
      string | undefined,
    ];
    const tail = resource.slice(resource.indexOf(":::") + 3);
    if (suffix !== undefined && !Object.values(PATTERN_SUFFIX).includes(suffix)) {
      const candidates = sdk ? sdkTails(service, [action]) : optimizedResources();
      return {
        severity: "ERROR",
        message: `'${suffix}' is not an integration pattern (those are .sync, .sync:2 and .waitForTaskToken, each where the integration supports it)${didYouMean(partition, closest(tail, candidates))}`,
      };
    }
    const guess = closest(tail, sdk ? [...sdkServiceNames().map((s) => `aws-sdk:${s}:${action}`)] : optimizedResources());
    return {
      severity: "ERROR",
      message: `'${resource}' is not a Step Functions integration resource (arn:aws:states:::<service>:<action>[.pattern] or arn:aws:states:::aws-sdk:<service>:<action>)${didYouMean(partition, guess)}`,
    };
  }
  const found = findIntegration(parsed);
  const suffix = PATTERN_SUFFIX[parsed.pattern];
  if (parsed.kind === "aws-sdk") {
    if (!/^[a-z][A-Za-z0-9]*$/.test(parsed.action)) {
      return {
        severity: "ERROR",
        message: `AWS SDK action '${parsed.action}' must be camelCase, as in arn:aws:states:::aws-sdk:s3:listObjectsV2`,
      };
    }
    if (!found!.definition.patterns.includes(parsed.pattern)) {
      return {
        severity: "ERROR",
        message: `AWS SDK integrations support ${found!.definition.patterns.map((p) => integrationArn(parsed.service, parsed.action, p, true)).join(", ")}; '${suffix}' is not one of them`,
      };
    }
    const service = sdkService(parsed.service);
    if (!service) {
      const guess = closest(parsed.service, sdkServiceNames());
      return {
        severity: "ERROR",
        message: `'${parsed.service}' is not an AWS SDK service Step Functions integrates with (AWS's list of supported AWS SDK service integrations, and the AWS SDK's service models)${guess ? `; did you mean ${integrationArn(guess, parsed.action, parsed.pattern, true)}?` : ""}`,
      };
    }
    if (sdkActionUnsupported(parsed.service, parsed.action)) {
      return {
        severity: "ERROR",
        message: `AWS lists ${parsed.service}:${parsed.action} among the API actions its AWS SDK integrations do not support (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html)`,
      };
    }
    const ops = catalog?.sdkOperations?.(parsed.service);
    if (ops && !ops.includes(parsed.action)) {
      // An operation newer than the SDK models may already be in IAM's (more recent) action list.
      const inIam = service.iamPrefix !== undefined && catalog!.hasAction(service.iamPrefix, pascalOf(parsed.action)) === true;
      if (!inIam) {
        const guess = closest(parsed.action, ops);
        return {
          severity: "ERROR",
          message: `'${parsed.action}' is not an API action of ${parsed.service} (the AWS SDK's model of the service has no such operation)${guess ? `; did you mean ${integrationArn(parsed.service, guess, parsed.pattern, true)}?` : ""}`,
        };
      }
    }
    if (!service.listed) {
      // An SDK service the stored list (its date in SDK_DATA_SOURCES) does not name: AWS may have
      // added it since, or may not integrate it at all ("The resource provided
      // arn:aws:states:::aws-sdk:apigatewaymanagementapi:postToConnection is not recognized",
      // https://github.com/sam-goodwin/functionless/issues/443). Not refused: a warning.
      return {
        severity: "WARNING",
        message: `'${parsed.service}' is an AWS SDK service but not on AWS's list of supported AWS SDK service integrations as stored here (${SDK_DATA_SOURCES.list.retrieved}, from the page's source of ${/\(([\d-]+)\)/.exec(SDK_DATA_SOURCES.list.text ?? "")?.[1] ?? "its last published source"}): AWS may refuse it at CreateStateMachine if it is not supported (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html)`,
      };
    }
    return undefined;
  }
  if (!found) {
    const known = OPTIMIZED_WITHOUT_ROW[parsed.service]?.actions[parsed.action];
    const tail = resource.slice(resource.indexOf(":::") + 3);
    if (known) {
      if (!known.includes(parsed.pattern)) {
        return {
          severity: "ERROR",
          message: `${parsed.service}:${parsed.action} does not support the ${parsed.pattern} pattern; supported: ${known.map((p) => integrationArn(parsed.service, parsed.action, p)).join(", ")}`,
        };
      }
      return {
        severity: "WARNING",
        message: `${parsed.service}:${parsed.action} is not in this project's integration table: its IAM is not derived and the local engine runs it only with a MockConfigFile response`,
      };
    }
    // An optimized-looking resource that is really an SDK call (dynamodb:query, lambda:listFunctions):
    // AWS refuses it ("Invalid State Machine Definition"); the SDK integration is the one that exists.
    const sdk = sdkService(parsed.service === "states" ? "sfn" : parsed.service);
    const sdkOps = sdk ? catalog?.sdkOperations?.(sdk.name) : undefined;
    const asSdk =
      sdk && (!sdkOps || sdkOps.includes(parsed.action)) && parsed.pattern !== "sync" && parsed.pattern !== "sync:2"
        ? integrationArn(sdk.name, parsed.action, parsed.pattern, true)
        : undefined;
    const optimized = optimizedResources().filter((r) => r.startsWith(`${parsed.service}:`));
    return {
      severity: "ERROR",
      message:
        `${parsed.service}:${parsed.action}${suffix} is not an optimized integration` +
        (optimized.length
          ? ` (those of ${parsed.service}: ${optimized.map((r) => `arn:${parsed.partition}:states:::${r}`).join(", ")})`
          : "") +
        (asSdk
          ? `; for the API call use the AWS SDK integration ${asSdk}`
          : didYouMean(parsed.partition, closest(tail, optimizedResources()))),
    };
  }
  if (!found.definition.patterns.includes(parsed.pattern)) {
    const [service, action] = found.definition.id.split(":") as [string, string];
    return {
      severity: "ERROR",
      message: `${found.definition.id} does not support the ${parsed.pattern} pattern; supported: ${found.definition.patterns.map((p) => integrationArn(service, action, p)).join(", ")}`,
    };
  }
  return undefined;
}
