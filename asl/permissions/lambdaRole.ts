/**
 * A Lambda function's execution-role policy from what the function is declared to do (its grants in
 * app/catalog.ts): its own log group, the S3 areas it reads or writes, the bucket key, X-Ray.
 * Nothing else: not CallbackFunction's default nine managed policies, not AWSLambdaBasicExecutionRole
 * (which lets a function write to every log group in the account).
 */
import {
  logGroupArn,
  policyDocument,
  s3BucketArn,
  s3ObjectArn,
  type AwsEnvironment,
  type PolicyDocument,
  type PolicyStatement,
} from "./policy";

/** One S3 area a function touches: the prefix, and whether it writes, reads, or lists there. */
export interface LambdaS3Grant {
  bucket: string;
  prefix: string;
  access: "write" | "read" | "list";
}

export interface LambdaRolePolicyInput extends AwsEnvironment {
  functionName: string;
  /** The function's own log group, created explicitly (`/aws/lambda/<functionName>` by default). */
  logGroupName: string;
  s3: ReadonlyArray<LambdaS3Grant>;
  kms?: { keyArn: string };
  tracing: boolean;
}

export function deriveLambdaRolePolicy(input: LambdaRolePolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      // The group exists (created with its retention), so no logs:CreateLogGroup. Both actions are
      // authorized on the log-stream ARN (`log-group:<name>:log-stream:<stream>`, per the Service
      // Authorization Reference), which `<group ARN>:*` covers, as in the Lambda guide's
      // execution-role example (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
      Sid: "WriteOwnLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`${logGroupArn(input, input.logGroupName)}:*`],
    },
  ];
  for (const grant of input.s3) {
    const objects = s3ObjectArn(input, grant.bucket, `${grant.prefix}*`);
    if (grant.access === "write") {
      // lib-storage's Upload switches to multipart for large bodies and aborts on failure.
      statements.push({ Sid: "WritePayloads", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: [objects] });
    } else if (grant.access === "read") {
      statements.push({ Sid: "ReadObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: [objects] });
    } else {
      statements.push({
        Sid: "ListObjects",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [s3BucketArn(input, grant.bucket)],
        Condition: { StringLike: { "s3:prefix": [`${grant.prefix}*`] } },
      });
    }
  }
  if (input.kms && input.s3.length > 0) {
    const writes = input.s3.some((g) => g.access === "write");
    statements.push({
      Sid: "UseBucketKeyThroughS3",
      Effect: "Allow",
      // Multipart uploads to an SSE-KMS bucket need kms:Decrypt as well as kms:GenerateDataKey:
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
      Action: writes ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
      Resource: [input.kms.keyArn],
      Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
    });
  }
  if (input.tracing) {
    // `*` is what AWS requires: https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html —
    // the function's role needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no
    // resource-level permissions.
    statements.push({
      Sid: "WriteXRayTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: ["*"],
    });
  }
  return policyDocument(statements);
}
