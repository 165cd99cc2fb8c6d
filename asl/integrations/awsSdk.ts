/**
 * AWS SDK integrations: `arn:aws:states:::aws-sdk:<service>:<apiAction>` for (almost) any service,
 * request-response and .waitForTaskToken (no .sync: "The RUN_JOB integration pattern is not
 * supported", as CDK's CallAwsService says, and AWS lists only those two for SDK integrations).
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 *
 * IAM action: `<iam service>:<ApiAction>`. The IAM service prefix differs from the SDK's for a few
 * services (the map CDK's CallAwsService keeps), and a few S3 operations are authorized by another
 * action (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html: "you must have
 * READ access to the bucket" = s3:ListBucket; HeadObject needs s3:GetObject; CopyObject needs
 * s3:GetObject on the source and s3:PutObject on the target,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
 * Resources are derived for S3, DynamoDB, SQS, SNS and Step Functions calls from their static
 * parameters; any other call must have its resources declared (`aws-sdk:<service>:<action>`).
 */
import { s3BucketArn, s3ObjectArn } from "../permissions/policy";
import { dynamoTableArn, snsTopicArn, sqsQueueArn, stateMachineArnOf } from "./resource";
import { declaredResources, scopedResources } from "./scope";
import { IntegrationIamError, type Fields, type IamContext, type IamGrant, type IntegrationResource, type IntegrationRow } from "./types";

/** SDK service name → IAM service prefix where they differ (CDK aws-stepfunctions-tasks CallAwsService). */
export const IAM_SERVICE_OF_SDK: Readonly<Record<string, string>> = {
  bedrockagent: "bedrock",
  cloudwatchlogs: "logs",
  efs: "elasticfilesystem",
  elasticloadbalancingv2: "elasticloadbalancing",
  mediapackagevod: "mediapackage-vod",
  mwaa: "airflow",
  sfn: "states",
};

/** SDK operations authorized by IAM actions of another name (`service:action` → IAM actions). */
export const IAM_ACTION_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  "s3:listObjectsV2": ["s3:ListBucket"],
  "s3:listObjects": ["s3:ListBucket"],
  "s3:headObject": ["s3:GetObject"],
  "s3:headBucket": ["s3:ListBucket"],
  "s3:copyObject": ["s3:GetObject", "s3:PutObject"],
  "s3:getObjectAttributes": ["s3:GetObject"],
};

/** The IAM actions an SDK call needs. */
export function iamActionsOf(service: string, action: string): string[] {
  const exception = IAM_ACTION_EXCEPTIONS[`${service}:${action}`];
  if (exception) return [...exception];
  return [`${IAM_SERVICE_OF_SDK[service] ?? service}:${action[0]!.toUpperCase()}${action.slice(1)}`];
}

/** The SDK actions this project can run locally against an emulator (anything else needs a mock). */
export const LOCAL_SDK_SERVICES: Readonly<Record<string, "s3" | "dynamodb">> = { s3: "s3", dynamodb: "dynamodb" };

const bucketOf = (fields: Fields, ctx: IamContext): string => {
  const b = fields.string("Bucket");
  if (b.kind === "static") return b.value;
  if (b.kind === "dynamic" && ctx.dynamicS3) return ctx.dynamicS3.bucket;
  throw new IntegrationIamError("Bucket", b.kind === "absent" ? "Bucket is required" : "the bucket is chosen at run time: pass context.dynamicS3 (the bucket and prefix run-time values stay within)");
};

/** The object ARN pattern of a Key (static: exactly it; dynamic: under dynamicS3's prefix in that bucket). */
const objectOf = (fields: Fields, keyField: string, bucket: string, ctx: IamContext): string => {
  const k = fields.string(keyField);
  if (k.kind === "static") return s3ObjectArn(ctx, bucket, k.value);
  if (k.kind === "absent") throw new IntegrationIamError(keyField, `${keyField} is required`);
  if (ctx.dynamicS3?.bucket === bucket) return s3ObjectArn(ctx, bucket, `${ctx.dynamicS3.prefix ?? ""}*`);
  throw new IntegrationIamError(keyField, `${keyField} is chosen at run time: pass context.dynamicS3 naming bucket ${bucket} (and the prefix keys stay within)`);
};

function s3Grants(action: string, fields: Fields, ctx: IamContext, actions: string[]): IamGrant[] | undefined {
  const sid = "SdkS3";
  switch (action) {
    case "getObject":
    case "putObject":
    case "deleteObject":
    case "headObject":
    case "getObjectAttributes": {
      const bucket = bucketOf(fields, ctx);
      return [{ sid, actions, resources: [objectOf(fields, "Key", bucket, ctx)] }];
    }
    case "listObjectsV2":
    case "listObjects": {
      const bucket = bucketOf(fields, ctx);
      // A static Prefix is not turned into an s3:prefix condition here: an SDK call may page with
      // any StartAfter/ContinuationToken; the bucket is the resource ListBucket is authorized on.
      return [{ sid, actions, resources: [s3BucketArn(ctx, bucket)] }];
    }
    case "copyObject": {
      const bucket = bucketOf(fields, ctx);
      const source = fields.string("CopySource");
      if (source.kind !== "static") throw new IntegrationIamError("CopySource", source.kind === "absent" ? "CopySource is required" : "CopySource is chosen at run time: declare it in context.dynamicResources[\"aws-sdk:s3:copyObject\"]");
      return [
        { sid, actions: ["s3:GetObject"], resources: [s3ObjectArn(ctx, source.value.replace(/^\//, "").split("/")[0]!, source.value.replace(/^\//, "").split("/").slice(1).join("/").split("?")[0]!)] },
        { sid, actions: ["s3:PutObject"], resources: [objectOf(fields, "Key", bucket, ctx)] },
      ];
    }
    default:
      return undefined;
  }
}

function derivedSdkGrants(r: IntegrationResource, fields: Fields, ctx: IamContext): IamGrant[] | undefined {
  if (r.kind !== "aws-sdk") return undefined;
  const actions = iamActionsOf(r.service, r.action);
  const sid = `Sdk${r.service[0]!.toUpperCase()}${r.service.slice(1).replace(/[^A-Za-z0-9]/g, "")}`;
  const kind = `aws-sdk:${r.service}:${r.action}`;
  if (r.service === "s3") return s3Grants(r.action, fields, ctx, actions);
  if (r.service === "dynamodb" && fields.get("TableName").kind !== "absent") {
    const tables = scopedResources(fields, "TableName", "dynamodb:table", (t) => dynamoTableArn(ctx, t), ctx);
    // A Query or Scan on an index is authorized on the index ARN (table/<name>/index/<index>).
    const index = fields.string("IndexName");
    const indexes = index.kind === "static" ? tables.map((t) => `${t}/index/${index.value}`) : index.kind === "dynamic" ? tables.map((t) => `${t}/index/*`) : [];
    return [{ sid, actions, resources: [...tables, ...indexes] }];
  }
  if (r.service === "sqs" && fields.get("QueueUrl").kind !== "absent") return [{ sid, actions, resources: scopedResources(fields, "QueueUrl", kind, (q) => sqsQueueArn(ctx, q), ctx) }];
  if (r.service === "sns" && fields.get("TopicArn").kind !== "absent") return [{ sid, actions, resources: scopedResources(fields, "TopicArn", kind, (t) => snsTopicArn(ctx, t), ctx) }];
  if (r.service === "sfn" && fields.get("StateMachineArn").kind !== "absent") return [{ sid, actions, resources: scopedResources(fields, "StateMachineArn", kind, (m) => stateMachineArnOf(ctx, m), ctx) }];
  return undefined;
}

export const awsSdkRow: IntegrationRow = {
  id: "aws-sdk:*",
  docs: "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html",
  matches: (r) => r.kind === "aws-sdk",
  patterns: ["request-response", "waitForTaskToken"],
  iam: (fields, r, ctx) => {
    if (r.kind !== "aws-sdk") return [];
    const derived = derivedSdkGrants(r, fields, ctx);
    if (derived) return derived;
    const kind = `aws-sdk:${r.service}:${r.action}`;
    return [{ sid: "SdkCalls", actions: iamActionsOf(r.service, r.action), resources: declaredResources(kind, "Resource", r.arn, (a) => a, ctx) }];
  },
  local: (r) => (r.kind === "aws-sdk" ? (LOCAL_SDK_SERVICES[r.service] ?? "mock-only") : "mock-only"),
  label: (r) => (r.kind === "aws-sdk" ? `${r.service}:${r.action}` : ""),
};
