/**
 * The whole stack from a validated config: the bucket, every catalog Lambda, every catalog workflow.
 * index.ts reads the config and calls this; tests call it too (other configs, same code).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDAS, WORKFLOWS, type CatalogWorkflow } from "../app/catalog";
import type { AwsEnvironment } from "../asl/permissions";
import { parseStackConfig, rawFromPulumiConfig, type StackConfig } from "../config/schema";
import { createPayloadBucket } from "./bucket";
import { createLambda, type DeployedLambda } from "./lambdas";
import { naming } from "./names";
import { createWorkflow, type DeployedWorkflow } from "./stateMachines";

/** The stack config as pulumi.Config sees it, through the one schema (a bad value fails the preview). */
export function readStackConfig(): StackConfig {
  const project = pulumi.getProject();
  return parseStackConfig(rawFromPulumiConfig(pulumi.runtime.allConfig(), project), `Pulumi.${pulumi.getStack()}.yaml`, project);
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
  workflows: ReadonlyArray<DeployedWorkflow>;
}

export function deployStack(config: StackConfig, workflows: ReadonlyArray<CatalogWorkflow> = WORKFLOWS): StackOutputs {
  const n = naming(pulumi.getProject(), pulumi.getStack());
  const tags = { project: pulumi.getProject(), stack: pulumi.getStack() };

  const env: pulumi.Output<AwsEnvironment> = pulumi
    .all([aws.getCallerIdentityOutput({}).accountId, aws.getPartitionOutput({}).partition])
    .apply(([accountId, partition]) => ({ region: config.region, accountId, partition }));

  const { bucket, key } = createPayloadBucket(n, config, tags);
  const bucketName = bucket.bucket;
  const kmsKeyArn = key?.arn;

  // Every Lambda in the catalog, once, shared by name by the workflows that invoke it.
  const lambdas = new Map<string, DeployedLambda>();
  for (const [name, entry] of Object.entries(LAMBDAS)) {
    lambdas.set(name, createLambda(name, entry, { naming: n, config, env, bucketName, kmsKeyArn, tags }));
  }

  const deployed = workflows.map((w) => createWorkflow(w, { naming: n, config, env, bucketName, kmsKeyArn, lambdas, tags }));

  const byWorkflow = <T>(pick: (d: DeployedWorkflow) => pulumi.Output<T>) => Object.fromEntries(deployed.map((d) => [d.workflow, pick(d)]));
  const byLambda = <T>(pick: (l: DeployedLambda) => pulumi.Output<T>) => Object.fromEntries([...lambdas].map(([name, l]) => [name, pick(l)]));

  return {
    bucketName,
    kmsKeyArn,
    stateMachineArns: byWorkflow((d) => d.stateMachine.arn),
    stateMachineConsoleUrls: byWorkflow((d) => d.consoleUrl),
    stateMachineRoleArns: byWorkflow((d) => d.role.arn),
    lambdaFunctionArns: byLambda((l) => l.fn.arn),
    lambdaRoleArns: byLambda((l) => l.role.arn),
    lambdas,
    workflows: deployed,
  };
}
