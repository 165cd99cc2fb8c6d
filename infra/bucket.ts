/** `SecureBucket`, the payload/results bucket component, and this project's use of it. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const BUCKET_TYPE_TOKEN = "sfn-distributed-map:index:SecureBucket";

/** Days after which an unfinished multipart upload's parts are deleted. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

export interface ExpiringPrefix {
  /** The lifecycle rule's id; default `expire-<prefix>`. */
  id?: string;
  /** Key prefix, e.g. "payloads/". */
  prefix: string;
  expirationDays: number;
}

export interface SecureBucketArgs {
  /** Objects under each prefix are deleted this many days after they are written. */
  expire?: ReadonlyArray<ExpiringPrefix>;
  /** SSE-KMS with a new customer managed key (rotation on) instead of SSE-S3. Default false. */
  kms?: boolean;
  /** Default false: `pulumi destroy` keeps a bucket that still holds objects. */
  forceDestroy?: boolean;
  tags?: Record<string, string>;
}

/**
 * A bucket for payloads and results: private (all four public-access-block flags, ACLs disabled),
 * encrypted (SSE-S3, or SSE-KMS with a rotating customer managed key and an S3 Bucket Key), TLS
 * only, and self-cleaning (prefixes expire; incomplete multipart uploads are aborted).
 *
 * The bucket policy is built from the bucket's name (planned by autonaming, so known at the first
 * preview), never from its computed ARN.
 */
export class SecureBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  /** The bucket's name, known at the first preview. */
  readonly bucketName: pulumi.Output<string>;
  /** Set when `kms: true`. AWS generates its ARN: unknown until the key exists. */
  readonly key: aws.kms.Key | undefined;
  readonly kmsKeyArn: pulumi.Output<string> | undefined;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  readonly policy: pulumi.Output<string>;

  constructor(name: string, args: SecureBucketArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super(BUCKET_TYPE_TOKEN, name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags;
    this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy ?? false, tags }, parent);
    this.bucketName = this.bucket.bucket;

    this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket: this.bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );

    // ACLs disabled: the bucket owner owns every object, whoever writes it.
    new aws.s3.BucketOwnershipControls(name, { bucket: this.bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);

    this.key = args.kms
      ? new aws.kms.Key(
          `${name}-key`,
          { description: `Encrypts the objects of bucket ${name}`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
          parent,
        )
      : undefined;
    this.kmsKeyArn = this.key?.arn;

    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        bucket: this.bucket.bucket,
        rules: [
          this.key
            ? {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
                // S3 Bucket Keys cut KMS requests (and cost) for the thousands of small result objects.
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      parent,
    );

    const partition = aws.getPartitionOutput({}, parent).partition;
    this.policy = pulumi
      .all([this.bucket.bucket, partition])
      .apply(([bucket, p]) => JSON.stringify(denyInsecureTransportPolicy(`arn:${p}:s3:::${bucket}`)));
    // A bucket policy put before the public access block exists can race it.
    new aws.s3.BucketPolicy(
      name,
      { bucket: this.bucket.bucket, policy: this.policy },
      { parent: this, dependsOn: [this.publicAccessBlock] },
    );

    new aws.s3.BucketLifecycleConfiguration(name, { bucket: this.bucket.bucket, rules: lifecycleRules(args.expire ?? []) }, parent);

    this.registerOutputs({ bucketName: this.bucketName, kmsKeyArn: this.kmsKeyArn, policy: this.policy });
  }
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

export function lifecycleRules(expire: ReadonlyArray<ExpiringPrefix>): pulumi.Input<aws.types.input.s3.BucketLifecycleConfigurationRule>[] {
  return [
    ...expire.map((e, i) => ({
      id: e.id ?? `expire-${e.prefix.replace(/[^A-Za-z0-9-]+/g, "-").replace(/-+$/, "") || i + 1}`,
      status: "Enabled",
      filter: { prefix: e.prefix },
      expiration: { days: e.expirationDays },
    })),
    {
      // Whole bucket: a failed CaptureInput or ResultWriter upload leaves billed parts behind otherwise.
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: { prefix: "" },
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
    },
  ];
}
