/**
 * `sfn-local iam DEF.json|MODULE [options]`: prints the state machine role's policy derived from the
 * definition, by the same derivation the StepFunctionsWorkflow component deploys
 * (asl/permissions deriveStateMachinePolicy). Exit 0 printed, 1 the definition is invalid or the
 * policy cannot be derived (e.g. a run-time S3 location not declared with --dynamic), 2 bad usage.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { InvalidDefinitionError } from "../../asl/diagnostics";
import { deriveStateMachinePolicy, lambdaFunctionArn, PermissionDerivationError, type AwsEnvironment } from "../../asl/permissions";
import type { StateMachineDefinition } from "../../asl/types";
import { DefinitionSourceError, loadDefinitionSource } from "./definition-source";
import { UsageError } from "./usage";
import { UserModuleError } from "./user-module";
import { formatIssues } from "../../asl/zod-issues";

export const IAM_USAGE = `usage: sfn-local iam DEF.json|MODULE [options]

Prints the state machine role's policy (JSON) derived from the definition: exactly the functions it
invokes, the S3 locations it reads and writes, its own child executions, logging and X-Ray when on.
The same derivation the StepFunctionsWorkflow component deploys.
  --dynamic s3://BUCKET[/PREFIX]  where a bucket/key chosen at run time may point (repeatable; the component's s3.dynamic)
  --resource KIND=NAME            what a path-addressed integration field may name, e.g. dynamodb:table=Orders (repeatable)
  --function REF=NAME|ARN         the function a Lambda reference of a module's machine is (default: the reference's name)
  --name NAME                     the state machine's name (default: the file's name)
  --region REGION                 default us-east-1
  --account ID                    default: the placeholder \${AWS::AccountId}
  --partition aws|aws-cn|aws-us-gov
  --no-logging                    the machine logs nothing (default: CloudWatch Logs delivery is granted)
  --tracing                       X-Ray tracing is on
  --kms-key ARN                   the buckets are encrypted with this customer managed key (SSE-KMS)
Exit status: 0 printed, 1 invalid definition or underivable policy, 2 bad usage.`;

const SENTINEL_ACCOUNT = "000000000000";
const ACCOUNT_PLACEHOLDER = "${AWS::AccountId}";

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

const Flags = z
  .object({
    file: z.string({ error: "a definition file (DEF.json) or workflow module is required" }).min(1),
    dynamic: z.array(z.string().regex(S3_URL, { error: "--dynamic must be s3://BUCKET or s3://BUCKET/PREFIX" })).default([]),
    resource: z
      .array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9:-]+=.+$/, { error: "--resource must be KIND=NAME, e.g. dynamodb:table=Orders" }))
      .default([]),
    function: z.array(z.string().regex(/^[^=]+=.+$/, { error: "--function must be REF=NAME or REF=ARN" })).default([]),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,80}$/, { error: "--name must be a state machine name (1-80 letters, digits, - or _)" })
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "--region must be a region name, e.g. eu-west-1" })
      .default("us-east-1"),
    account: z
      .string()
      .regex(/^\d{12}$/, { error: "--account must be a 12-digit account id" })
      .optional(),
    partition: z.enum(["aws", "aws-cn", "aws-us-gov"], { error: "--partition must be aws, aws-cn or aws-us-gov" }).default("aws"),
    logging: z.boolean().default(true),
    tracing: z.boolean().default(false),
    "kms-key": z.string().startsWith("arn:", { error: "--kms-key must be a key ARN" }).optional(),
  })
  .strict();

function parseFlags(argv: string[]): z.infer<typeof Flags> | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      options: {
        dynamic: { type: "string", multiple: true },
        resource: { type: "string", multiple: true },
        function: { type: "string", multiple: true },
        name: { type: "string" },
        region: { type: "string" },
        account: { type: "string" },
        partition: { type: "string" },
        logging: { type: "boolean" },
        tracing: { type: "boolean" },
        "kms-key": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { help, ...values } = parsed.values;
  if (help) return "help";
  if (parsed.positionals.length > 1)
    throw new UsageError(`expected one definition file, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`);
  const r = Flags.safeParse({ ...values, file: parsed.positionals[0] });
  if (!r.success) throw new UsageError(formatIssues(r.error, { messagesOnly: true, separator: "\n" }));
  return r.data;
}

export async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`iam: ${e.message}\n${IAM_USAGE}\n`);
    return 2;
  }
  if (flags === "help") {
    process.stdout.write(IAM_USAGE + "\n");
    return 0;
  }
  const env: AwsEnvironment = { region: flags.region, accountId: flags.account ?? SENTINEL_ACCOUNT, partition: flags.partition };
  const functions = new Map(flags.function.map((f) => [f.slice(0, f.indexOf("=")), f.slice(f.indexOf("=") + 1)]));
  try {
    const source = await loadDefinitionSource(flags.file);
    let definition: StateMachineDefinition;
    if (source.kind === "module") {
      const unknown = [...functions.keys()].filter((ref) => !source.machine.lambdas.some((l) => l.name === ref));
      if (unknown.length > 0) {
        process.stderr.write(
          `iam: --function ${unknown[0]}: the machine has no Lambda reference of that name (it has: ${source.machine.lambdas.map((l) => l.name).join(", ") || "none"})\n`,
        );
        return 2;
      }
      definition = source.machine.render((ref) => {
        const fn = functions.get(ref.name) ?? ref.name;
        return fn.startsWith("arn:") ? fn : lambdaFunctionArn(env, fn);
      });
    } else {
      if (functions.size > 0) {
        process.stderr.write("iam: --function applies to a module's Lambda references; a JSON definition names its functions itself\n");
        return 2;
      }
      definition = source.definition;
    }
    const resources: Record<string, string[]> = {};
    for (const r of flags.resource) (resources[r.slice(0, r.indexOf("="))] ??= []).push(r.slice(r.indexOf("=") + 1));
    const policy = deriveStateMachinePolicy(definition, {
      ...env,
      stateMachineName: flags.name ?? source.name.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 80),
      logging: flags.logging,
      tracing: flags.tracing,
      kms: flags["kms-key"] ? { keyArn: flags["kms-key"] } : undefined,
      dynamicS3: flags.dynamic.map((url) => {
        const [, bucket, prefix] = S3_URL.exec(url)!;
        return prefix ? { bucket: bucket!, prefix } : { bucket: bucket! };
      }),
      dynamicResources: resources,
    });
    let text = JSON.stringify(policy, null, 2);
    // The ARN makers want a 12-digit account; without --account the printed policy shows the placeholder.
    if (flags.account === undefined) text = text.split(`:${SENTINEL_ACCOUNT}:`).join(`:${ACCOUNT_PLACEHOLDER}:`);
    process.stdout.write(text + "\n");
    return 0;
  } catch (e) {
    if (e instanceof DefinitionSourceError) {
      process.stderr.write(
        `iam: ${e.message}\n${e.diagnostics.map((d) => `  ${d.severity} ${d.code} at ${d.location || "/"}: ${d.message}\n`).join("")}`,
      );
      return 1;
    }
    if (e instanceof UserModuleError || e instanceof InvalidDefinitionError || e instanceof PermissionDerivationError) {
      const hint =
        e instanceof PermissionDerivationError && /dynamicS3/.test(e.message)
          ? "\n  declare them with --dynamic s3://BUCKET/PREFIX (repeatable)"
          : "";
      process.stderr.write(`iam: ${e.message}${hint}\n`);
      return 1;
    }
    throw e;
  }
}
