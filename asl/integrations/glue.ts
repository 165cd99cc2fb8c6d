/**
 * AWS Glue StartJobRun: request-response and .sync.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
 * IAM: https://docs.aws.amazon.com/step-functions/latest/dg/glue-iam.html
 */
import { partitionOf } from "../permissions/policy";
import { scopedResources } from "./scope";
import type { IntegrationRow } from "./types";

export const glueRows: IntegrationRow[] = [
  {
    id: "glue:startJobRun",
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html",
    matches: (r) => r.kind === "optimized" && r.service === "glue" && r.action === "startJobRun",
    patterns: ["request-response", "sync"],
    iam: (fields, r, ctx) => [
      {
        sid: "GlueJobRuns",
        actions:
          r.kind === "optimized" && r.pattern === "sync"
            ? ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
            : ["glue:StartJobRun"],
        resources: scopedResources(
          fields,
          "JobName",
          "glue:job",
          (j) => `arn:${partitionOf(ctx)}:glue:${ctx.region}:${ctx.accountId}:job/${j}`,
          ctx,
        ),
      },
    ],
    local: () => "mock-only",
    label: () => "Glue StartJobRun",
  },
];
