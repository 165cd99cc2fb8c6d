/**
 * The state machine role's policy, derived from the definition: walk every state (Parallel
 * branches and Map processors included), collect what each one touches, and grant exactly that.
 * Nothing here is written per workflow; a new workflow gets its policy by being rendered.
 *
 * A resource this module does not know how to grant fails the derivation with the state's JSON
 * pointer: a silently skipped Task would deploy and then fail at run time with AccessDenied.
 */
import { jsonPointer } from "../diagnostics";
import {
  LAMBDA_INVOKE,
  S3_GET_OBJECT,
  S3_LIST_OBJECTS_V2,
  S3_PUT_OBJECT,
  type JsonObject,
  type JsonValue,
  type MapState,
  type State,
  type StateMachineDefinition,
  type SubWorkflow,
} from "../types";
import {
  lambdaFunctionArn,
  partitionOf,
  policyDocument,
  s3BucketArn,
  s3ObjectArn,
  stateMachineArn,
  type AwsEnvironment,
  type PolicyDocument,
  type PolicyStatement,
} from "./policy";

export interface StateMachinePolicyContext extends AwsEnvironment {
  /**
   * The state machine's name, set explicitly on the aws.sfn.StateMachine. The Distributed Map
   * grants (StartExecution on itself, Describe/Stop/Redrive on its executions) name the machine's
   * own ARN; building that ARN from the known name instead of the resource's `arn` output keeps the
   * role → machine → role dependency from becoming a cycle (the lesson of AWS CDK bug #28820,
   * https://github.com/aws/aws-cdk/issues/28820).
   */
  stateMachineName: string;
  /** Logging level is not OFF: grant the CloudWatch Logs delivery actions. */
  logging: boolean;
  /** X-Ray tracing is on: grant the X-Ray write actions. */
  tracing: boolean;
  /** When the bucket(s) the workflow reads and writes are encrypted with this customer managed key (SSE-KMS). */
  kms?: { keyArn: string };
  /**
   * Where run-time S3 locations stay. A reader or writer whose `Bucket`/`Key`/`Prefix` comes from
   * the state input (`Bucket.$`, `{% ... %}`) cannot be narrowed from the definition alone; the
   * caller states the bucket (and prefix) those values are guaranteed to stay within, e.g. the
   * payload bucket and prefix that CaptureInput writes to. Without it, a dynamic bucket fails the
   * derivation. AWS says the same: "If you specify an Amazon S3 bucket and object, or prefix, with a
   * reference path ... Scope the policies down to the bucket and object names the path resolves to
   * at runtime" (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
   */
  dynamicS3?: { bucket: string; prefix?: string };
}

export class PermissionDerivationError extends Error {
  override readonly name = "PermissionDerivationError";
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(`${message} (at ${location || "/"})`);
  }
}

/** What the walk found, before it becomes statements. */
interface Needs {
  lambdaFunctions: Set<string>;
  s3Reads: Set<string>; // object ARNs or ARN patterns
  s3Lists: Array<{ bucketArn: string; prefix?: string }>;
  s3Writes: Set<string>; // ResultWriter object ARN patterns
  distributedMap: { standardChildren: boolean; expressChildren: boolean } | undefined;
}

/**
 * Derives the identity policy of a state machine's role from its definition.
 * See StateMachinePolicyContext for what the caller must say that the definition cannot.
 */
export function deriveStateMachinePolicy(definition: StateMachineDefinition, context: StateMachinePolicyContext): PolicyDocument {
  const needs: Needs = { lambdaFunctions: new Set(), s3Reads: new Set(), s3Lists: [], s3Writes: new Set(), distributedMap: undefined };
  walk(definition, [], context, needs);
  return policyDocument(statementsFor(needs, context));
}

function walk(workflow: SubWorkflow | StateMachineDefinition, at: Array<string | number>, ctx: StateMachinePolicyContext, needs: Needs): void {
  for (const [name, state] of Object.entries(workflow.States)) visitState(state, [...at, "States", name], ctx, needs);
}

function visitState(state: State, at: Array<string | number>, ctx: StateMachinePolicyContext, needs: Needs): void {
  switch (state.Type) {
    case "Task": {
      if (state.Credentials !== undefined) {
        throw new PermissionDerivationError(jsonPointer([...at, "Credentials"]), "Task Credentials (cross-account role assumption) are not derived: grant sts:AssumeRole explicitly or remove them");
      }
      for (const fn of lambdaTargets(state.Resource, state.Parameters, state.Arguments, at, ctx)) needs.lambdaFunctions.add(fn);
      return;
    }
    case "Parallel":
      state.Branches.forEach((branch, i) => walk(branch, [...at, "Branches", i], ctx, needs));
      return;
    case "Map":
      visitMap(state, at, ctx, needs);
      return;
    default:
      // Pass, Wait, Choice, Succeed, Fail call no AWS API.
      return;
  }
}

function visitMap(state: MapState, at: Array<string | number>, ctx: StateMachinePolicyContext, needs: Needs): void {
  const processor = state.ItemProcessor ?? state.Iterator;
  if (processor) walk(processor, [...at, state.ItemProcessor ? "ItemProcessor" : "Iterator"], ctx, needs);

  const config = processor?.ProcessorConfig;
  if (config?.Mode === "DISTRIBUTED") {
    const express = config.ExecutionType === "EXPRESS";
    needs.distributedMap = {
      standardChildren: (needs.distributedMap?.standardChildren ?? false) || !express,
      expressChildren: (needs.distributedMap?.expressChildren ?? false) || express,
    };
  }
  if (state.ItemReader) visitItemReader(state, [...at, "ItemReader"], ctx, needs);
  if (state.ResultWriter) visitResultWriter(state, [...at, "ResultWriter"], ctx, needs);
}

function visitItemReader(state: MapState, at: Array<string | number>, ctx: StateMachinePolicyContext, needs: Needs): void {
  const reader = state.ItemReader!;
  const args = argumentsOf(reader.Parameters, reader.Arguments);
  if (reader.ReaderConfig?.InputType === "MANIFEST") {
    throw new PermissionDerivationError(jsonPointer([...at, "ReaderConfig", "InputType"]), "MANIFEST item readers are not derived yet: they read the manifest and every object it lists");
  }
  switch (reader.Resource) {
    case S3_GET_OBJECT: {
      const bucket = s3Param(args, "Bucket", at);
      const key = s3Param(args, "Key", at);
      needs.s3Reads.add(objectPattern(bucket, key.kind === "static" ? key.value : undefined, at, ctx));
      return;
    }
    case S3_LIST_OBJECTS_V2: {
      const bucket = s3Param(args, "Bucket", at);
      const prefix = s3Param(args, "Prefix", at);
      const { bucketName, prefixPattern } = listScope(bucket, prefix, at, ctx);
      needs.s3Lists.push({ bucketArn: s3BucketArn(ctx, bucketName), prefix: prefixPattern });
      if (reader.ReaderConfig?.Transformation === "LOAD_AND_FLATTEN") {
        // Each listed object is then read: s3:GetObject under the same prefix.
        needs.s3Reads.add(s3ObjectArn(ctx, bucketName, `${prefixPattern ?? ""}*`));
      }
      return;
    }
    default:
      throw new PermissionDerivationError(jsonPointer([...at, "Resource"]), `ItemReader resource ${reader.Resource} has no known permissions`);
  }
}

function visitResultWriter(state: MapState, at: Array<string | number>, ctx: StateMachinePolicyContext, needs: Needs): void {
  const writer = state.ResultWriter!;
  if (writer.Resource === undefined) return; // WriterConfig only: results are shaped in the state output, nothing is written to S3.
  if (writer.Resource !== S3_PUT_OBJECT) {
    throw new PermissionDerivationError(jsonPointer([...at, "Resource"]), `ResultWriter resource ${writer.Resource} has no known permissions`);
  }
  const args = argumentsOf(writer.Parameters, writer.Arguments);
  const bucket = s3Param(args, "Bucket", at);
  const prefix = s3Param(args, "Prefix", at);
  // The writer puts files under `<Prefix>/<map run id>/...`; a static prefix narrows the grant to it.
  needs.s3Writes.add(objectPattern(bucket, prefix.kind === "static" ? `${prefix.value}*` : undefined, at, ctx, true));
}

type S3Param = { kind: "static"; value: string } | { kind: "dynamic" } | { kind: "absent" };

/** Parameters (JSONPath) and Arguments (JSONata) name the same fields; a state has one or the other. */
function argumentsOf(parameters: JsonObject | undefined, args: JsonValue | undefined): JsonObject {
  if (parameters) return parameters;
  if (args !== undefined && args !== null && typeof args === "object" && !Array.isArray(args)) return args;
  return {};
}

function s3Param(args: JsonObject, field: "Bucket" | "Key" | "Prefix", at: Array<string | number>): S3Param {
  if (`${field}.$` in args) return { kind: "dynamic" };
  const v = args[field];
  if (v === undefined) return { kind: "absent" };
  if (typeof v === "string") return v.startsWith("{%") ? { kind: "dynamic" } : { kind: "static", value: v };
  throw new PermissionDerivationError(jsonPointer([...at, field]), `${field} must be a string`);
}

/**
 * The object ARN pattern a reader/writer touches: the exact key when everything is static, the
 * prefix the caller vouches for (context.dynamicS3) when the key is dynamic in that bucket, the
 * whole bucket otherwise.
 */
function objectPattern(bucket: S3Param, staticKeyPattern: string | undefined, at: Array<string | number>, ctx: StateMachinePolicyContext, isPrefix = false): string {
  if (bucket.kind === "absent") throw new PermissionDerivationError(jsonPointer([...at, "Parameters", "Bucket"]), "Bucket is required");
  if (bucket.kind === "dynamic") {
    if (!ctx.dynamicS3) {
      throw new PermissionDerivationError(
        jsonPointer([...at, "Parameters", "Bucket.$"]),
        "the bucket is chosen at run time: pass context.dynamicS3 (the bucket and prefix run-time values stay within)",
      );
    }
    return s3ObjectArn(ctx, ctx.dynamicS3.bucket, `${ctx.dynamicS3.prefix ?? ""}*`);
  }
  if (staticKeyPattern !== undefined) return s3ObjectArn(ctx, bucket.value, staticKeyPattern);
  if (!isPrefix && ctx.dynamicS3 && ctx.dynamicS3.bucket === bucket.value) {
    return s3ObjectArn(ctx, bucket.value, `${ctx.dynamicS3.prefix ?? ""}*`);
  }
  return s3ObjectArn(ctx, bucket.value, "*");
}

function listScope(bucket: S3Param, prefix: S3Param, at: Array<string | number>, ctx: StateMachinePolicyContext): { bucketName: string; prefixPattern: string | undefined } {
  if (bucket.kind === "absent") throw new PermissionDerivationError(jsonPointer([...at, "Parameters", "Bucket"]), "Bucket is required");
  if (bucket.kind === "dynamic" || prefix.kind === "dynamic") {
    const bucketName = bucket.kind === "static" ? bucket.value : ctx.dynamicS3?.bucket;
    if (bucketName === undefined || !ctx.dynamicS3 || ctx.dynamicS3.bucket !== bucketName) {
      throw new PermissionDerivationError(
        jsonPointer([...at, "Parameters"]),
        "the list location is chosen at run time: pass context.dynamicS3 (the bucket and prefix run-time values stay within)",
      );
    }
    return { bucketName, prefixPattern: ctx.dynamicS3.prefix };
  }
  return { bucketName: bucket.value, prefixPattern: prefix.kind === "static" && prefix.value !== "" ? prefix.value : undefined };
}

/**
 * The function ARNs a Task invokes: a direct Lambda ARN, or `lambda:invoke` (any integration
 * pattern) with a static FunctionName. Anything else is unknown here and fails loudly.
 */
function lambdaTargets(resource: string, parameters: JsonObject | undefined, args: JsonValue | undefined, at: Array<string | number>, ctx: StateMachinePolicyContext): string[] {
  const direct = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+/.exec(resource);
  if (direct) return [direct[0]];
  if (resource === LAMBDA_INVOKE || resource.startsWith(`${LAMBDA_INVOKE}.`)) {
    const fields = argumentsOf(parameters, args);
    if ("FunctionName.$" in fields || (typeof fields.FunctionName === "string" && fields.FunctionName.startsWith("{%"))) {
      throw new PermissionDerivationError(jsonPointer([...at, "Parameters", "FunctionName"]), "FunctionName is chosen at run time: invoke a static function so the role can name it");
    }
    const name = fields.FunctionName;
    if (typeof name !== "string" || name === "") {
      throw new PermissionDerivationError(jsonPointer([...at, "Parameters", "FunctionName"]), "lambda:invoke needs a FunctionName");
    }
    return [unqualifiedFunctionArn(name, ctx)];
  }
  throw new PermissionDerivationError(
    jsonPointer([...at, "Resource"]),
    `Task resource ${resource} is not a Lambda function or lambda:invoke: its permissions are not derived here (add a mapping in asl/permissions/stateMachine.ts)`,
  );
}

/** FunctionName accepts a name, name:qualifier, a partial ARN (account:function:name) or a full ARN. */
function unqualifiedFunctionArn(functionName: string, ctx: StateMachinePolicyContext): string {
  const full = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+/.exec(functionName);
  if (full) return full[0];
  const partial = /^(\d{12}):function:([^:]+)/.exec(functionName);
  if (partial) return `arn:${partitionOf(ctx)}:lambda:${ctx.region}:${partial[1]}:function:${partial[2]}`;
  return lambdaFunctionArn(ctx, functionName.split(":")[0]!);
}

function statementsFor(needs: Needs, ctx: StateMachinePolicyContext): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  if (needs.lambdaFunctions.size > 0) {
    // The `:*` form covers versions and aliases (qualified ARNs), which a Task may name.
    // https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html
    const fns = [...needs.lambdaFunctions];
    out.push({ Sid: "InvokeWorkflowFunctions", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [...fns, ...fns.map((f) => `${f}:*`)] });
  }
  if (needs.s3Reads.size > 0) {
    out.push({ Sid: "ReadItems", Effect: "Allow", Action: ["s3:GetObject"], Resource: [...needs.s3Reads] });
  }
  for (const list of needs.s3Lists) {
    out.push({
      Sid: "ListItems",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [list.bucketArn],
      ...(list.prefix !== undefined ? { Condition: { StringLike: { "s3:prefix": [`${list.prefix}*`] } } } : {}),
    });
  }
  if (needs.s3Writes.size > 0) {
    // https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html — the
    // ResultWriter example grants PutObject, GetObject, ListMultipartUploadParts, AbortMultipartUpload.
    out.push({
      Sid: "WriteResults",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
      Resource: [...needs.s3Writes],
    });
  }
  if (needs.distributedMap) {
    const name = ctx.stateMachineName;
    const executions = `arn:${partitionOf(ctx)}:states:${ctx.region}:${ctx.accountId}:execution:${name}`;
    // https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html —
    // "Example of IAM policy for running a Distributed Map state": StartExecution on the state
    // machine itself, DescribeExecution/StopExecution on `execution:<stateMachineName>:*`.
    out.push({ Sid: "StartMapRunChildren", Effect: "Allow", Action: ["states:StartExecution"], Resource: [stateMachineArn(ctx, name)] });
    out.push({ Sid: "ManageOwnExecutions", Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: [`${executions}:*`] });
    if (needs.distributedMap.standardChildren) {
      // Same page, "redriving a Map Run": RedriveExecution on the Map Run's child executions,
      // `execution:<stateMachineName>/<mapRunLabel>:*` (any label here: labels may be generated).
      // EXPRESS children need none: "When you redrive a Map Run, the Express child workflows are
      // rerun using the StartExecution API action"
      // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html).
      out.push({ Sid: "RedriveMapRunChildren", Effect: "Allow", Action: ["states:RedriveExecution"], Resource: [`${executions}/*`] });
    }
  }
  const touchesS3 = needs.s3Reads.size > 0 || needs.s3Lists.length > 0 || needs.s3Writes.size > 0;
  if (ctx.kms && touchesS3) {
    // SSE-KMS: reading needs kms:Decrypt, writing kms:GenerateDataKey, multipart writes both.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
    // Only through S3 in this region (kms:ViaService), never the key directly.
    const actions = needs.s3Writes.size > 0 ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"];
    out.push({
      Sid: "UseBucketKeyThroughS3",
      Effect: "Allow",
      Action: actions,
      Resource: [ctx.kms.keyArn],
      Condition: { StringEquals: { "kms:ViaService": `s3.${ctx.region}.amazonaws.com` } },
    });
  }
  if (ctx.logging) {
    // `*` is what AWS requires: the log delivery actions do not support resource-level permissions.
    // https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html — "IAM policies for logging
    // to CloudWatch Logs" lists exactly these actions with "Resource": ["*"].
    out.push({
      Sid: "DeliverExecutionLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      Resource: ["*"],
    });
  }
  if (ctx.tracing) {
    // `*` is what AWS requires: https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
    // grants these four actions on "Resource": ["*"] (X-Ray has no resource-level permissions for them).
    out.push({
      Sid: "WriteXRayTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
      Resource: ["*"],
    });
  }
  return out;
}
