/**
 * One Lambda function per catalog entry: an aws.lambda.CallbackFunction over the handler, with its
 * own role (never CallbackFunction's default role and its nine managed policies), its own log group
 * created up front with retention, and a policy derived from the catalog's declared S3 access.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { areaPrefix, lambdaEnvironment, type CatalogLambda } from "../app/catalog";
import { deriveLambdaRolePolicy, lambdaTrustPolicy, policyDocument, type AwsEnvironment } from "../asl/permissions";
import type { StackConfig } from "../config/schema";
import { buildHandlerBundle, handlerFactory } from "./handlerBundle";
import { functionName, lambdaLogGroupName, type Naming } from "../infra/names";

/** https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html — Node.js 22 is the newest LTS runtime Lambda supports. */
export const LAMBDA_RUNTIME = "nodejs22.x";

/** The packages the handlers load at run time: the only dependencies that go into the Lambda zip. */
export const HANDLER_PACKAGES = ["zod", "@aws-sdk/client-s3", "@aws-sdk/lib-storage"];

/**
 * Every other production dependency (the local engine's, the validator's, the Pulumi SDKs): packages
 * the handlers never load. CallbackFunction zips every production dependency it finds otherwise.
 */
export const EXCLUDED_FROM_ZIP: string[] = (() => {
  const manifest = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const all = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), "esbuild"];
  return all.filter((p) => !HANDLER_PACKAGES.includes(p));
})();

export interface DeployedLambda {
  name: string;
  functionName: string;
  fn: aws.lambda.CallbackFunction<unknown, unknown>;
  role: aws.iam.Role;
  rolePolicy: aws.iam.RolePolicy;
  logGroup: aws.cloudwatch.LogGroup;
  /** The rendered role policy (for outputs and tests); known at the first preview. */
  policy: pulumi.Output<string>;
  /** The SSE-KMS grant, in a policy of its own (the key's ARN is unknown until the key exists). */
  kmsPolicy: aws.iam.RolePolicy | undefined;
}

export interface LambdaDeps {
  naming: Naming;
  config: StackConfig;
  env: pulumi.Output<AwsEnvironment>;
  bucketName: pulumi.Output<string>;
  kmsKeyArn: pulumi.Output<string> | undefined;
  tags: Record<string, string>;
}

export function createLambda(name: string, entry: CatalogLambda, deps: LambdaDeps): DeployedLambda {
  const { config } = deps;
  const fnName = functionName(deps.naming, name);
  const bundle = buildHandlerBundle();
  const logGroupName = lambdaLogGroupName(fnName);

  const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
    name: logGroupName,
    retentionInDays: config.logRetentionDays,
    tags: deps.tags,
  });

  const role = new aws.iam.Role(`${name}-role`, {
    description: `Execution role of ${fnName}: its own log group${entry.settings.s3.length ? " and its declared S3 areas" : ""}, nothing else`,
    assumeRolePolicy: JSON.stringify(lambdaTrustPolicy()),
    tags: deps.tags,
  });

  const grantsOf = (env: AwsEnvironment, bucket: string, keyArn: string | undefined) =>
    deriveLambdaRolePolicy({
      ...env,
      functionName: fnName,
      logGroupName,
      s3: entry.settings.s3.map((g) => ({ bucket, prefix: areaPrefix(config, g.area, g.folder), access: g.access })),
      kms: keyArn ? { keyArn } : undefined,
      tracing: config.tracing,
    });
  // Known at the first preview: names, account, region, partition. No KMS here (see kmsPolicy).
  const policy = pulumi
    .all([deps.env, deps.bucketName])
    .apply(([env, bucket]) => JSON.stringify(grantsOf(env, bucket, undefined), null, 2));
  const rolePolicy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy });

  const kmsDocument = deps.kmsKeyArn
    ? pulumi.all([deps.env, deps.bucketName, deps.kmsKeyArn]).apply(([env, bucket, keyArn]) => {
        const statements = grantsOf(env, bucket, keyArn).Statement.filter((st) => st.Resource.includes(keyArn));
        return statements.length > 0 ? JSON.stringify(policyDocument(statements), null, 2) : undefined;
      })
    : undefined;
  // Only functions that touch S3 use the key; the catalog says which, so this is decided up front.
  const kmsPolicy =
    deps.kmsKeyArn && entry.settings.s3.length > 0 && kmsDocument
      ? new aws.iam.RolePolicy(`${name}-kms-policy`, { role: role.id, policy: kmsDocument.apply((d) => d!) })
      : undefined;

  const fn = new aws.lambda.CallbackFunction<unknown, unknown>(
    name,
    {
      name: fnName,
      description: entry.settings.description,
      // The handler by name from the bundled catalog (see stack/handlerBundle.ts for why not `callback`).
      callbackFactory: handlerFactory(bundle, name),
      role,
      runtime: LAMBDA_RUNTIME,
      architectures: [config.lambdaArchitecture],
      memorySize: entry.settings.memoryMb ?? config.lambdaMemoryMb,
      timeout: entry.settings.timeoutSeconds ?? config.lambdaTimeoutSeconds,
      environment: { variables: deps.bucketName.apply((bucket) => lambdaEnvironment(name, config, bucket)) },
      tracingConfig: { mode: config.tracing ? "Active" : "PassThrough" },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      codePathOptions: { extraIncludePaths: [bundle], extraExcludePackages: EXCLUDED_FROM_ZIP },
      tags: deps.tags,
    },
    // The group must exist before the first invocation (or Lambda creates one without retention),
    // and the policy before the function can be invoked at all.
    { dependsOn: [logGroup, rolePolicy, ...(kmsPolicy ? [kmsPolicy] : [])] },
  );

  return { name, functionName: fnName, fn, role, rolePolicy, logGroup, policy, kmsPolicy };
}
