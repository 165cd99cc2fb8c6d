/**
 * The payload/results bucket: private (all four public-access-block flags, BucketOwnerEnforced),
 * encrypted (SSE-S3, or SSE-KMS with a rotating customer managed key), TLS only, and self-cleaning
 * (payloads and results expire; incomplete multipart uploads are aborted).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { bucketLogicalName, type Naming } from "./names";

export interface PayloadBucket {
  bucket: aws.s3.Bucket;
  /** Set when the stack config says `kms: true`. */
  key: aws.kms.Key | undefined;
  publicAccessBlock: aws.s3.BucketPublicAccessBlock;
}

/** Days after which an unfinished multipart upload's parts are deleted. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

export function createPayloadBucket(n: Naming, config: StackConfig, tags: Record<string, string>): PayloadBucket {
  const name = bucketLogicalName(n);
  const bucket = new aws.s3.Bucket(name, { forceDestroy: false, tags });

  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(name, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });

  // ACLs disabled: the bucket owner owns every object, whoever writes it.
  new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });

  const key = config.kms
    ? new aws.kms.Key(`${name}-key`, {
        description: `Encrypts the objects of ${n.prefix}'s payload bucket`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      })
    : undefined;

  new aws.s3.BucketServerSideEncryptionConfiguration(name, {
    bucket: bucket.id,
    rules: [
      key
        ? {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
            // S3 Bucket Keys cut KMS requests (and cost) for the thousands of small result objects.
            bucketKeyEnabled: true,
          }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ],
  });

  new aws.s3.BucketPolicy(
    name,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => JSON.stringify(denyInsecureTransportPolicy(arn))),
    },
    // A bucket policy put before the public access block exists can race it.
    { dependsOn: [publicAccessBlock] },
  );

  new aws.s3.BucketLifecycleConfiguration(name, {
    bucket: bucket.id,
    rules: lifecycleRules(config),
  });

  return { bucket, key, publicAccessBlock };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html — deny any request not over TLS. */
export function denyInsecureTransportPolicy(bucketArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

export function lifecycleRules(config: StackConfig): pulumi.Input<aws.types.input.s3.BucketLifecycleConfigurationRule>[] {
  return [
    {
      id: "expire-payloads",
      status: "Enabled",
      filter: { prefix: config.payloadPrefix },
      expiration: { days: config.payloadExpirationDays },
    },
    {
      id: "expire-results",
      status: "Enabled",
      filter: { prefix: config.resultsPrefix },
      expiration: { days: config.resultsExpirationDays },
    },
    {
      // Whole bucket: a failed CaptureInput or ResultWriter upload leaves billed parts behind otherwise.
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: { prefix: "" },
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
    },
  ];
}
