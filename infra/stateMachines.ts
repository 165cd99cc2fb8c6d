/**
 * One state machine per catalog workflow: the definition rendered by the builders with the real
 * function ARNs, a role whose policy is DERIVED from that definition (asl/permissions), a log group
 * with retention, logging and tracing from the stack config.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { catalogLambdaFor, type CatalogWorkflow } from "../app/catalog";
import { deriveStateMachinePolicy, stateMachineTrustPolicy, type AwsEnvironment } from "../asl/permissions";
import type { StateMachineDefinition } from "../asl/types";
import type { StackConfig } from "../config/schema";
import type { DeployedLambda } from "./lambdas";
import { stateMachineLogGroupName, stateMachineName, type Naming } from "./names";

export interface DeployedWorkflow {
  workflow: string;
  name: string;
  stateMachine: aws.sfn.StateMachine;
  role: aws.iam.Role;
  rolePolicy: aws.iam.RolePolicy;
  logGroup: aws.cloudwatch.LogGroup | undefined;
  definition: pulumi.Output<StateMachineDefinition>;
  policy: pulumi.Output<string>;
  consoleUrl: pulumi.Output<string>;
}

export interface WorkflowDeps {
  naming: Naming;
  config: StackConfig;
  env: pulumi.Output<AwsEnvironment>;
  bucketName: pulumi.Output<string>;
  kmsKeyArn: pulumi.Output<string> | undefined;
  lambdas: ReadonlyMap<string, DeployedLambda>;
  tags: Record<string, string>;
}

export function createWorkflow(workflow: CatalogWorkflow, deps: WorkflowDeps): DeployedWorkflow {
  const { config } = deps;
  const name = stateMachineName(deps.naming, workflow.name);
  const logging = config.logLevel !== "OFF";

  const functionArns = pulumi.output(
    Object.fromEntries([...deps.lambdas].map(([lambdaName, l]) => [lambdaName, l.fn.arn])) as Record<string, pulumi.Input<string>>,
  );

  // Render and derive together: the policy is a function of exactly the definition that is deployed.
  const rendered = pulumi
    .all([functionArns, deps.bucketName, deps.env, deps.kmsKeyArn ?? pulumi.output(undefined)])
    .apply(([arns, bucket, env, keyArn]) => {
      const machine = workflow.build(config, { bucket });
      const definition = machine.render((ref) => {
        catalogLambdaFor(ref, workflow.name);
        const arn = arns[ref.name];
        if (!arn) throw new Error(`workflow ${workflow.name}: Lambda "${ref.name}" is not deployed`);
        return arn;
      });
      const policy = deriveStateMachinePolicy(definition, {
        ...env,
        stateMachineName: name,
        logging,
        tracing: config.tracing,
        kms: keyArn ? { keyArn } : undefined,
        dynamicS3: workflow.dynamicS3(config, { bucket }),
      });
      return { definition, policy, type: machine.type ?? "STANDARD" };
    });

  const role = new aws.iam.Role(`${workflow.name}-sfn-role`, {
    description: `Role of state machine ${name}, derived from its definition`,
    assumeRolePolicy: deps.env.apply((env) => JSON.stringify(stateMachineTrustPolicy(env, name))),
    tags: deps.tags,
  });

  const policy = rendered.apply((r) => JSON.stringify(r.policy, null, 2));
  const rolePolicy = new aws.iam.RolePolicy(`${workflow.name}-sfn-policy`, { role: role.id, policy });

  const logGroup = logging
    ? new aws.cloudwatch.LogGroup(`${workflow.name}-sfn-logs`, {
        name: stateMachineLogGroupName(name),
        retentionInDays: config.logRetentionDays,
        tags: deps.tags,
      })
    : undefined;

  const stateMachine = new aws.sfn.StateMachine(
    workflow.name,
    {
      // Named explicitly: the role's Distributed Map grants are built from this name (no ARN cycle).
      name,
      type: rendered.apply((r) => r.type),
      roleArn: role.arn,
      definition: rendered.apply((r) => JSON.stringify(r.definition, null, 2)),
      loggingConfiguration: logGroup
        ? {
            level: config.logLevel,
            includeExecutionData: config.includeExecutionData,
            // CloudWatch Logs destinations must be the group ARN with `:*`.
            logDestination: pulumi.interpolate`${logGroup.arn}:*`,
          }
        : { level: "OFF" },
      tracingConfiguration: { enabled: config.tracing },
      tags: deps.tags,
    },
    // CreateStateMachine checks the role can deliver logs; the policy must be attached first.
    { dependsOn: [rolePolicy] },
  );

  const consoleUrl = pulumi.interpolate`https://${config.region}.console.aws.amazon.com/states/home?region=${config.region}#/statemachines/view/${stateMachine.arn}`;

  return { workflow: workflow.name, name, stateMachine, role, rolePolicy, logGroup, definition: rendered.apply((r) => r.definition), policy, consoleUrl };
}
