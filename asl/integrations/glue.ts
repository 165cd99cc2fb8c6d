/**
 * AWS Glue StartJobRun: request-response and .sync (Run a Job).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
 * https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-runs.html#aws-glue-api-jobs-runs-StartJobRun
 * IAM: AWS's template (connect-glue.html#glue-iam) grants glue:StartJobRun, and for .sync also
 * glue:GetJobRun, glue:GetJobRuns and glue:BatchStopJobRun, on "*" ("AWS Glue does not have
 * resource-based control"). Those actions are authorized on the job's ARN
 * (`arn:aws:glue:<region>:<account>:job/<JobName>`, the "job" resource type of
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html), so the
 * derivation scopes them to the job named, never "*": a JobName chosen at run time needs `glue:job` declared.
 * Not emulated locally: a MockConfigFile response runs it (engine/integrations/runners.ts, MOCK_ONLY).
 */
import { z } from "zod";
import { partitionOf, type AwsEnvironment } from "../permissions/policy";
import { defineIntegration, num, str, template } from "./define";
import { scopedResources } from "./scope";

/** A Glue JobName as the job's ARN. */
export function glueJobArn(env: AwsEnvironment, job: string): string {
  return job.startsWith("arn:") ? job : `arn:${partitionOf(env)}:glue:${env.region}:${env.accountId}:job/${job}`;
}

export const glueStartJobRunIntegration = defineIntegration({
  id: "glue:startJobRun",
  docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html",
  patterns: ["request-response", "sync"],
  params: z.object({
    JobName: str,
    JobRunId: str.optional(),
    Arguments: template.optional(),
    Timeout: num.optional(),
    WorkerType: str.optional(),
    NumberOfWorkers: num.optional(),
    SecurityConfiguration: str.optional(),
    NotificationProperty: template.optional(),
  }),
  targets: ["JobName"],
  iam: (fields, r, ctx) => [
    {
      sid: "GlueJobRuns",
      actions:
        r.pattern === "sync" ? ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"] : ["glue:StartJobRun"],
      resources: scopedResources(fields, "JobName", "glue:job", (j) => glueJobArn(ctx, j), ctx),
    },
  ],
  label: (r) => `Glue StartJobRun${r.pattern === "sync" ? " (sync)" : ""}`,
});
