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
import { defineIntegration, templateObject, type ResourceOf } from "./define";
import { dynamoTableArn } from "./dynamodb";
import { declaredResources, scopedResources } from "./scope";
import { sdkIamActions } from "./sdkIam";
import { snsTopicArn } from "./sns";
import { sqsQueueArn } from "./sqs";
import { stateMachineArnOf } from "./states";
import { Fields, IntegrationIamError, type IamContext, type IamGrant } from "./types";

type SdkResource = ResourceOf<"aws-sdk:*">;

/**
 * The IAM actions an SDK call needs, as far as they are known: the documented exceptions, else IAM's
 * action of the same name (sdkIam.ts). Unknown ones are `[]` here; the row's IAM function warns.
 */
export function iamActionsOf(service: string, action: string): string[] {
  const r = sdkIamActions(service, action);
  return r.known ? r.actions : [];
}

const bucketOf = (fields: Fields, ctx: IamContext): string => {
  const b = fields.string("Bucket");
  if (b.kind === "static") return b.value;
  if (b.kind === "dynamic" && ctx.dynamicS3) return ctx.dynamicS3.bucket;
  throw new IntegrationIamError(
    "Bucket",
    b.kind === "absent"
      ? "Bucket is required"
      : "the bucket is chosen at run time: pass context.dynamicS3 (the bucket and prefix run-time values stay within)",
  );
};

/** The object ARN pattern of a Key (static: exactly it; dynamic: under dynamicS3's prefix in that bucket). */
const objectOf = (fields: Fields, keyField: string, bucket: string, ctx: IamContext): string => {
  const k = fields.string(keyField);
  if (k.kind === "static") return s3ObjectArn(ctx, bucket, k.value);
  if (k.kind === "absent") throw new IntegrationIamError(keyField, `${keyField} is required`);
  if (ctx.dynamicS3?.bucket === bucket) return s3ObjectArn(ctx, bucket, `${ctx.dynamicS3.prefix ?? ""}*`);
  throw new IntegrationIamError(
    keyField,
    `${keyField} is chosen at run time: pass context.dynamicS3 naming bucket ${bucket} (and the prefix keys stay within)`,
  );
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
      if (source.kind !== "static")
        throw new IntegrationIamError(
          "CopySource",
          source.kind === "absent"
            ? "CopySource is required"
            : 'CopySource is chosen at run time: declare it in context.dynamicResources["aws-sdk:s3:copyObject"]',
        );
      return [
        {
          sid,
          actions: ["s3:GetObject"],
          resources: [
            s3ObjectArn(
              ctx,
              source.value.replace(/^\//, "").split("/")[0]!,
              source.value.replace(/^\//, "").split("/").slice(1).join("/").split("?")[0]!,
            ),
          ],
        },
        { sid, actions: ["s3:PutObject"], resources: [objectOf(fields, "Key", bucket, ctx)] },
      ];
    }
    default:
      return undefined;
  }
}

/**
 * TransactWriteItems is authorized by the action of each item it writes, on that item's table
 * ("the permissions for TransactWriteItems are those of PutItem, UpdateItem, DeleteItem and
 * ConditionCheckItem for the items in the transaction",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
const TRANSACT_ITEM_ACTIONS: Readonly<Record<string, string>> = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
};

function transactWriteGrants(fields: Fields, ctx: IamContext, sid: string, kind: string): IamGrant[] | undefined {
  const items = fields.get("TransactItems");
  if (items.kind !== "static" || !Array.isArray(items.value)) return undefined;
  const byAction = new Map<string, Set<string>>();
  items.value.forEach((item, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item))
      throw new IntegrationIamError(`TransactItems/${i}`, "each transaction item must be an object");
    for (const [op, action] of Object.entries(TRANSACT_ITEM_ACTIONS)) {
      const body = item[op];
      if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) continue;
      const tables = scopedResources(new Fields(body), "TableName", "dynamodb:table", (t) => dynamoTableArn(ctx, t), ctx);
      const set = byAction.get(action) ?? new Set<string>();
      for (const t of tables) set.add(t);
      byAction.set(action, set);
    }
  });
  if (byAction.size === 0)
    throw new IntegrationIamError("TransactItems", `${kind} needs at least one Put, Update, Delete or ConditionCheck item`);
  return [...byAction].map(([action, tables]) => ({ sid, actions: [action], resources: [...tables] }));
}

function derivedSdkGrants(r: SdkResource, fields: Fields, ctx: IamContext, actions: string[]): IamGrant[] | undefined {
  const sid = `Sdk${r.service[0]!.toUpperCase()}${r.service.slice(1).replace(/[^A-Za-z0-9]/g, "")}`;
  const kind = `aws-sdk:${r.service}:${r.action}`;
  if (r.service === "s3") return s3Grants(r.action, fields, ctx, actions);
  if (r.service === "dynamodb" && r.action === "transactWriteItems" && !ctx.declaredActions?.(kind)?.length)
    return transactWriteGrants(fields, ctx, sid, kind);
  if (r.service === "dynamodb" && fields.get("TableName").kind !== "absent") {
    const tables = scopedResources(fields, "TableName", "dynamodb:table", (t) => dynamoTableArn(ctx, t), ctx);
    // A Query or Scan on an index is authorized on the index ARN (table/<name>/index/<index>).
    const index = fields.string("IndexName");
    const indexes =
      index.kind === "static"
        ? tables.map((t) => `${t}/index/${index.value}`)
        : index.kind === "dynamic"
          ? tables.map((t) => `${t}/index/*`)
          : [];
    return [{ sid, actions, resources: [...tables, ...indexes] }];
  }
  if (r.service === "sqs" && fields.get("QueueUrl").kind !== "absent")
    return [{ sid, actions, resources: scopedResources(fields, "QueueUrl", kind, (q) => sqsQueueArn(ctx, q), ctx) }];
  if (r.service === "sns" && fields.get("TopicArn").kind !== "absent")
    return [{ sid, actions, resources: scopedResources(fields, "TopicArn", kind, (t) => snsTopicArn(ctx, t), ctx) }];
  if (r.service === "sfn" && fields.get("StateMachineArn").kind !== "absent")
    return [{ sid, actions, resources: scopedResources(fields, "StateMachineArn", kind, (m) => stateMachineArnOf(ctx, m), ctx) }];
  return undefined;
}

/** Any AWS SDK call: its parameters are the API action's own (not modelled here: any object). */
export const awsSdkIntegration = defineIntegration({
  id: "aws-sdk:*",
  docs: "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html",
  matches: (r) => r.kind === "aws-sdk",
  patterns: ["request-response", "waitForTaskToken"],
  params: templateObject,
  // What the graph shows after the label when static (the resource the call addresses).
  targets: ["TableName", "QueueUrl", "TopicArn", "StateMachineArn", "Bucket"],
  iam: (fields, r, ctx) => {
    const kind = `aws-sdk:${r.service}:${r.action}`;
    // What the caller declared wins; else the mapping; an action IAM's list cannot name is a
    // warning asking for the declaration, never a refusal of a definition AWS accepts.
    const declared = ctx.declaredActions?.(kind);
    const mapped = sdkIamActions(r.service, r.action);
    if (!declared?.length && !mapped.known) {
      ctx.warn?.(
        "Resource",
        `${kind}: ${mapped.reason}. Declare its IAM actions in sdkIamActions["${kind}"]; nothing is granted for this call, so it fails with AccessDenied until then`,
      );
      return [];
    }
    const actions = declared?.length ? [...declared] : mapped.known ? mapped.actions : [];
    const derived = derivedSdkGrants(r, fields, ctx, actions);
    if (derived) return derived;
    return [{ sid: "SdkCalls", actions, resources: declaredResources(kind, "Resource", r.arn, (a) => a, ctx) }];
  },
  label: (r) => `${r.service}:${r.action}`,
});
