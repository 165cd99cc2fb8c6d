/**
 * This repository's own stack (not part of the library): the stack config, the payload bucket
 * (SecureBucket), every catalog Lambda, and one StepFunctionsWorkflow per catalog workflow, used
 * exactly as a user of the package would use them. index.ts reads the config and calls this.
 *
 * Every workflow is built and checked before the first resource is registered, so a broken
 * definition fails `pulumi preview` with its diagnostics and nothing else happens.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDAS, WORKFLOWS, type CatalogWorkflow } from "../app/catalog";
import { checkWorkflowSettings } from "../app/workflow";
import type { AwsEnvironment, S3Location } from "../asl/permissions";
import { parseStackConfig, rawFromPulumiConfig, type StackConfig } from "../config/schema";
import { SecureBucket } from "../infra/bucket";
import { createLambda, type DeployedLambda } from "./lambdas";
import { bucketLogicalName, naming, stateMachineName, type Naming } from "../infra/names";
import { buildWith, precheckMachine, StepFunctionsWorkflow } from "../infra/workflow";

/** The stack config as pulumi.Config sees it, through the one schema (a bad value fails the preview). */
export function readStackConfig(): StackConfig {
  const project = pulumi.getProject();
  const source = `Pulumi.${pulumi.getStack()}.yaml`;
  const config = parseStackConfig(rawFromPulumiConfig(pulumi.runtime.allConfig(), project), source, project);
  // Each workflow's own settings section (<project>:workflows.<name>), checked by its own schema.
  checkWorkflowSettings(config, WORKFLOWS, project, source);
  return config;
}

export interface StackOutputs {
  bucketName: pulumi.Output<string>;
  kmsKeyArn: pulumi.Output<string> | undefined;
  stateMachineArns: Record<string, pulumi.Output<string>>;
  stateMachineConsoleUrls: Record<string, pulumi.Output<string>>;
  stateMachineRoleArns: Record<string, pulumi.Output<string>>;
  lambdaFunctionArns: Record<string, pulumi.Output<string>>;
  lambdaRoleArns: Record<string, pulumi.Output<string>>;
  lambdas: ReadonlyMap<string, DeployedLambda>;
  workflows: ReadonlyArray<StepFunctionsWorkflow>;
}

/** Stands in for the bucket's name in the checks that run before the bucket exists. */
const PRECHECK_BUCKET = "precheck-bucket";

const asList = (d: S3Location | ReadonlyArray<S3Location> | undefined): S3Location[] =>
  d === undefined ? [] : Array.isArray(d) ? [...d] : [d as S3Location];

export function deployStack(config: StackConfig, workflows: ReadonlyArray<CatalogWorkflow> = WORKFLOWS): StackOutputs {
  const n = naming(pulumi.getProject(), pulumi.getStack());
  const tags = { project: pulumi.getProject(), stack: pulumi.getStack() };

  // Build and check every workflow first: nothing is registered when one is broken.
  const uses = new Map<string, string[]>();
  for (const w of workflows) {
    const machine = w.build(config, { bucket: PRECHECK_BUCKET });
    const functions = Object.fromEntries(machine.lambdas.map((ref) => [ref.name, ref.name]));
    precheckMachine(
      machine,
      { functions, s3: { dynamic: asList(w.dynamicS3(config, { bucket: PRECHECK_BUCKET })) } },
      stateMachineName(n, w.name),
    );
    uses.set(
      w.name,
      machine.lambdas.map((ref) => ref.name),
    );
  }

  const env: pulumi.Output<AwsEnvironment> = pulumi
    .all([aws.getCallerIdentityOutput({}).accountId, aws.getPartitionOutput({}).partition])
    .apply(([accountId, partition]) => ({ region: config.region, accountId, partition }));

  const bucket = createPayloadBucket(n, config, tags);
  const bucketName = bucket.bucketName;
  const kmsKeyArn = bucket.kmsKeyArn;

  // Every Lambda in the catalog, once, shared by name by the workflows that invoke it.
  const lambdas = new Map<string, DeployedLambda>();
  for (const [name, entry] of Object.entries(LAMBDAS)) {
    lambdas.set(name, createLambda(name, entry, { naming: n, config, env, bucketName, kmsKeyArn, tags }));
  }

  const deployed = workflows.map(
    (w) =>
      new StepFunctionsWorkflow(w.name, {
        machine: buildWith({ bucket: bucketName }, ({ bucket: b }) => w.build(config, { bucket: b })),
        functions: Object.fromEntries(uses.get(w.name)!.map((fn) => [fn, lambdas.get(fn)!.fn])),
        stateMachineName: stateMachineName(n, w.name),
        s3: {
          dynamic: asList(w.dynamicS3(config, { bucket: PRECHECK_BUCKET })).map((l) => ({
            bucket: l.bucket === PRECHECK_BUCKET ? bucketName : l.bucket,
            prefix: l.prefix,
          })),
          kmsKeyArn,
        },
        logging:
          config.logLevel === "OFF"
            ? false
            : { level: config.logLevel, includeExecutionData: config.includeExecutionData, retentionInDays: config.logRetentionDays },
        tracing: config.tracing,
        tags,
      }),
  );

  const byWorkflow = <T>(pick: (d: StepFunctionsWorkflow) => pulumi.Output<T>) =>
    Object.fromEntries(workflows.map((w, i) => [w.name, pick(deployed[i]!)]));
  const byLambda = <T>(pick: (l: DeployedLambda) => pulumi.Output<T>) =>
    Object.fromEntries([...lambdas].map(([name, l]) => [name, pick(l)]));

  return {
    bucketName,
    kmsKeyArn,
    stateMachineArns: byWorkflow((d) => d.arn),
    stateMachineConsoleUrls: byWorkflow((d) => d.consoleUrl),
    stateMachineRoleArns: byWorkflow((d) => d.role.arn),
    lambdaFunctionArns: byLambda((l) => l.fn.arn),
    lambdaRoleArns: byLambda((l) => l.role.arn),
    lambdas,
    workflows: deployed,
  };
}

/** This project's payload/results bucket, from the stack config. */
function createPayloadBucket(n: Naming, config: StackConfig, tags: Record<string, string>): SecureBucket {
  return new SecureBucket(bucketLogicalName(n), {
    kms: config.kms,
    tags,
    expire: [
      { id: "expire-payloads", prefix: config.payloadPrefix, expirationDays: config.payloadExpirationDays },
      { id: "expire-results", prefix: config.resultsPrefix, expirationDays: config.resultsExpirationDays },
    ],
  });
}
