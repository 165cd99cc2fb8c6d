/**
 * Step Functions StartExecution: a nested workflow, request-response, `.sync` (Output as a JSON
 * string), `.sync:2` (Output as JSON) and `.waitForTaskToken`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 * IAM: https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html — StartExecution on
 * the state machine; the synchronous patterns add DescribeExecution/StopExecution on
 * `execution:<name>:*` and PutTargets/PutRule/DescribeRule on the managed rule
 * `rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`.
 */
import { partitionOf } from "../permissions/policy";
import { stateMachineArnOf, stateMachineNameOf } from "./resource";
import { scopedResources } from "./scope";
import type { IntegrationRow } from "./types";

export const SYNC_EXECUTION_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule";

export const statesRows: IntegrationRow[] = [
  {
    id: "states:startExecution",
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html",
    matches: (r) => r.kind === "optimized" && r.service === "states" && r.action === "startExecution",
    patterns: ["request-response", "sync", "sync:2", "waitForTaskToken"],
    iam: (fields, r, ctx) => {
      const machines = scopedResources(fields, "StateMachineArn", "states:stateMachine", (m) => stateMachineArnOf(ctx, m), ctx);
      const grants = [{ sid: "StartNestedExecutions", actions: ["states:StartExecution"], resources: machines }];
      if (r.kind === "optimized" && (r.pattern === "sync" || r.pattern === "sync:2")) {
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
    local: () => "startExecution",
    label: (r) => `StartExecution${r.kind === "optimized" && r.pattern !== "request-response" ? ` (${r.pattern})` : ""}`,
  },
];
