/**
 * Step Functions StartExecution: a nested workflow, request-response, `.sync` (Output as a JSON
 * string), `.sync:2` (Output as JSON) and `.waitForTaskToken`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 * IAM: https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html — StartExecution on
 * the state machine; the synchronous patterns add DescribeExecution/StopExecution on
 * `execution:<name>:*` and PutTargets/PutRule/DescribeRule on the managed rule
 * `rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`.
 */
import { z } from "zod";
import { partitionOf, type AwsEnvironment } from "../permissions/policy";
import { defineIntegration, str, template } from "./define";
import { scopedResources } from "./scope";

export const SYNC_EXECUTION_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule";

/** A state machine name or ARN (an alias or version ARN kept as given). */
export function stateMachineArnOf(env: AwsEnvironment, machine: string): string {
  return machine.startsWith("arn:") ? machine : `arn:${partitionOf(env)}:states:${env.region}:${env.accountId}:stateMachine:${machine}`;
}

/** `arn:...:stateMachine:<name>[:<alias or version>]` → `<name>`. */
export function stateMachineNameOf(arn: string): string {
  const m = /:stateMachine:([^:]+)/.exec(arn);
  return m ? m[1]! : arn.slice(arn.lastIndexOf(":") + 1);
}

/** https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html */
export const startExecutionIntegration = defineIntegration({
  id: "states:startExecution",
  docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html",
  patterns: ["request-response", "sync", "sync:2", "waitForTaskToken"],
  params: z.object({ StateMachineArn: str, Input: template.optional(), Name: str.optional() }),
  targets: ["StateMachineArn"],
  iam: (fields, r, ctx) => {
    const machines = scopedResources(fields, "StateMachineArn", "states:stateMachine", (m) => stateMachineArnOf(ctx, m), ctx);
    const grants = [{ sid: "StartNestedExecutions", actions: ["states:StartExecution"], resources: machines }];
    if (r.pattern === "sync" || r.pattern === "sync:2") {
      const p = partitionOf(ctx);
      grants.push({
        sid: "WatchNestedExecutions",
        actions: ["states:DescribeExecution", "states:StopExecution"],
        resources: machines.map((m) => `arn:${p}:states:${ctx.region}:${ctx.accountId}:execution:${stateMachineNameOf(m)}:*`),
      });
      grants.push({
        sid: "NestedExecutionEventsRule",
        actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        resources: [`arn:${p}:events:${ctx.region}:${ctx.accountId}:rule/${SYNC_EXECUTION_RULE}`],
      });
    }
    return grants;
  },
  label: (r) => `StartExecution${r.pattern !== "request-response" ? ` (${r.pattern})` : ""}`,
});
