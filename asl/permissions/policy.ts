/**
 * IAM policy documents as plain data, and the small ARN helpers the derivations share.
 * Pure: no I/O, no AWS SDK, no Pulumi.
 */

export type ConditionOperator = "StringEquals" | "StringLike" | "ArnLike" | "ArnEquals";
export type PolicyCondition = Partial<Record<ConditionOperator, Record<string, string | string[]>>>;

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: PolicyCondition;
  Principal?: { Service: string } | { AWS: string } | "*";
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** Where the policy will live: partition, region and account fill in the ARNs AWS expects. */
export interface AwsEnvironment {
  /** "aws", "aws-cn", "aws-us-gov"; defaults to "aws". */
  partition?: string;
  region: string;
  accountId: string;
}

export const partitionOf = (env: AwsEnvironment): string => env.partition ?? "aws";

export const s3BucketArn = (env: AwsEnvironment, bucket: string): string => `arn:${partitionOf(env)}:s3:::${bucket}`;
/** An object ARN; `keyPattern` may end in `*` to mean "everything under this prefix". */
export const s3ObjectArn = (env: AwsEnvironment, bucket: string, keyPattern: string): string =>
  `arn:${partitionOf(env)}:s3:::${bucket}/${keyPattern}`;

export const stateMachineArn = (env: AwsEnvironment, name: string): string =>
  `arn:${partitionOf(env)}:states:${env.region}:${env.accountId}:stateMachine:${name}`;

export const logGroupArn = (env: AwsEnvironment, logGroupName: string): string =>
  `arn:${partitionOf(env)}:logs:${env.region}:${env.accountId}:log-group:${logGroupName}`;

export const lambdaFunctionArn = (env: AwsEnvironment, functionName: string): string =>
  `arn:${partitionOf(env)}:lambda:${env.region}:${env.accountId}:function:${functionName}`;

/**
 * Builds a document from statements, merging statements that share Sid, actions and condition,
 * and sorting actions and resources so the rendered JSON is stable (diff-friendly in `pulumi preview`).
 */
export function policyDocument(statements: ReadonlyArray<PolicyStatement>): PolicyDocument {
  const merged = new Map<string, PolicyStatement>();
  for (const s of statements) {
    const actions = [...new Set(s.Action)].sort();
    const key = JSON.stringify([s.Sid, s.Effect, actions, s.Condition ?? null, s.Principal ?? null]);
    const existing = merged.get(key);
    if (existing) existing.Resource = [...new Set([...existing.Resource, ...s.Resource])].sort();
    else merged.set(key, { ...s, Action: actions, Resource: [...new Set(s.Resource)].sort() });
  }
  for (const s of merged.values()) {
    if (s.Action.some((a) => a === "*" || a.endsWith(":*"))) {
      throw new Error(`policy statement ${s.Sid} grants a wildcard action (${s.Action.join(", ")}): never allowed here`);
    }
  }
  // Statements that share a Sid but differ in condition get a numeric suffix: Sids must be unique.
  const seen = new Map<string, number>();
  const out: PolicyStatement[] = [];
  for (const s of merged.values()) {
    const n = seen.get(s.Sid) ?? 0;
    seen.set(s.Sid, n + 1);
    out.push(n === 0 ? s : { ...s, Sid: `${s.Sid}${n + 1}` });
  }
  return { Version: "2012-10-17", Statement: out };
}
