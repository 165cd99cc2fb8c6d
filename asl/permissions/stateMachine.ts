/**
 * The state machine role's policy, derived from the definition: walk every state (Parallel
 * branches and Map processors included, with asl/walk.ts), collect what each one touches, and grant exactly that.
 * Nothing here is written per workflow; a new workflow gets its policy by being rendered.
 *
 * A resource this module does not know how to grant fails the derivation with the state's JSON
 * pointer: a silently skipped Task would deploy and then fail at run time with AccessDenied.
 */
import { jsonPointer } from "../diagnostics";
import { Fields, findIntegration, IntegrationIamError, type IamContext, type IamGrant } from "../integrations";
import {
  S3_GET_OBJECT,
  S3_LIST_OBJECTS_V2,
  S3_PUT_OBJECT,
  type JsonObject,
  type JsonValue,
  type MapState,
  type StateMachineDefinition,
  type TaskState,
} from "../types";
import { mapProcessor, walkStates } from "../walk";
import {
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
   * caller declares the buckets (and prefixes) those values are guaranteed to stay within, e.g. the
   * payload bucket and prefix that CaptureInput writes to, and the grant covers exactly those.
   * Without a declaration a path-addressed location fails the derivation (never a silent `*`).
   * AWS says the same: "If you specify an Amazon S3 bucket and object, or prefix, with a reference
   * path ... Scope the policies down to the bucket and object names the path resolves to at runtime"
   * (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
   */
  dynamicS3?: S3Location | ReadonlyArray<S3Location>;
  /**
   * The resources a path-addressed integration field may name at run time, by resource kind (see
   * asl/integrations/types.ts IamContext.declared): `dynamodb:table`, `sqs:queue`, `sns:topic`,
   * `events:event-bus`, `states:stateMachine`, `lambda:function`, or `aws-sdk:<service>:<action>`
   * for an SDK call whose resources cannot be derived from its parameters. Names or ARNs.
   */
  dynamicResources?: Readonly<Record<string, readonly string[]>>;
  /**
   * IAM actions for SDK calls, by `aws-sdk:<service>:<action>`, used instead of the derived ones.
   * Needed where IAM authorizes an operation by an action of another name that this project does not
   * know (the derivation warns and grants nothing for that call until it is declared).
   */
  sdkIamActions?: Readonly<Record<string, readonly string[]>>;
  /**
   * Receives what the derivation cannot know but does not fail on (an SDK call whose IAM action is
   * unknown). Without it, each warning goes to console.warn: never silent.
   */
  onWarning?: (warning: PolicyWarning) => void;
}

/** Something the derived policy may lack, and where. */
export interface PolicyWarning {
  /** JSON pointer of the state field it concerns. */
  location: string;
  message: string;
}

/** A bucket, and optionally the key prefix within it, that a run-time S3 location may address. */
export interface S3Location {
  bucket: string;
  /** Key prefix, e.g. "payloads/seed/"; the whole bucket when omitted. */
  prefix?: string;
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
  /** What each Task's integration row asked for (asl/integrations), in walk order. */
  grants: IamGrant[];
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
  const needs: Needs = { grants: [], s3Reads: new Set(), s3Lists: [], s3Writes: new Set(), distributedMap: undefined };
  // A Map's own needs are collected after its processor's, so the statements keep walk order.
  walkStates(definition, {
    enter: ({ state, at }) => {
      if (state.Type === "Task") visitTask(state, [...at], context, needs);
    },
    leave: ({ state, at }) => {
      if (state.Type === "Map") visitMap(state, [...at], context, needs);
    },
  });
  return policyDocument(statementsFor(needs, context));
}

/** Pass, Wait, Choice, Succeed, Fail call no AWS API; Parallel's branches are walked like any scope. */
function visitTask(state: TaskState, at: Array<string | number>, ctx: StateMachinePolicyContext, needs: Needs): void {
  if (state.Credentials !== undefined) {
    throw new PermissionDerivationError(
      jsonPointer([...at, "Credentials"]),
      "Task Credentials (cross-account role assumption) are not derived: grant sts:AssumeRole explicitly or remove them",
    );
  }
  needs.grants.push(...taskGrants(state.Resource, state.Parameters, state.Arguments, at, ctx));
}

function visitMap(state: MapState, at: Array<string | number>, ctx: StateMachinePolicyContext, needs: Needs): void {
  const config = mapProcessor(state)?.processor.ProcessorConfig;
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
    throw new PermissionDerivationError(
      jsonPointer([...at, "ReaderConfig", "InputType"]),
      "MANIFEST item readers are not derived yet: they read the manifest and every object it lists",
    );
  }
  switch (reader.Resource) {
    case S3_GET_OBJECT: {
      const bucket = s3Param(args, "Bucket", at);
      const key = s3Param(args, "Key", at);
      for (const p of objectPatterns(bucket, key.kind === "static" ? key.value : undefined, at, ctx)) needs.s3Reads.add(p);
      return;
    }
    case S3_LIST_OBJECTS_V2: {
      const bucket = s3Param(args, "Bucket", at);
      const prefix = s3Param(args, "Prefix", at);
      for (const { bucketName, prefixPattern } of listScopes(bucket, prefix, at, ctx)) {
        needs.s3Lists.push({ bucketArn: s3BucketArn(ctx, bucketName), prefix: prefixPattern });
        if (reader.ReaderConfig?.Transformation === "LOAD_AND_FLATTEN") {
          // Each listed object is then read: s3:GetObject under the same prefix.
          needs.s3Reads.add(s3ObjectArn(ctx, bucketName, `${prefixPattern ?? ""}*`));
        }
      }
      return;
    }
    default:
      throw new PermissionDerivationError(
        jsonPointer([...at, "Resource"]),
        `ItemReader resource ${reader.Resource} has no known permissions`,
      );
  }
}

function visitResultWriter(state: MapState, at: Array<string | number>, ctx: StateMachinePolicyContext, needs: Needs): void {
  const writer = state.ResultWriter!;
  if (writer.Resource === undefined) return; // WriterConfig only: results are shaped in the state output, nothing is written to S3.
  if (writer.Resource !== S3_PUT_OBJECT) {
    throw new PermissionDerivationError(
      jsonPointer([...at, "Resource"]),
      `ResultWriter resource ${writer.Resource} has no known permissions`,
    );
  }
  const args = argumentsOf(writer.Parameters, writer.Arguments);
  const bucket = s3Param(args, "Bucket", at);
  const prefix = s3Param(args, "Prefix", at);
  // The writer puts files under `<Prefix>/<map run id>/...`; a static prefix narrows the grant to it.
  for (const p of objectPatterns(bucket, prefix.kind === "static" ? `${prefix.value}*` : undefined, at, ctx)) needs.s3Writes.add(p);
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
  if (typeof v !== "string") throw new PermissionDerivationError(jsonPointer([...at, "Parameters", field]), `${field} must be a string`);
  if (v.startsWith("{%")) return { kind: "dynamic" };
  // A path written without `.$` is passed to S3 as the literal text "$.bucket": the validator's
  // NO_DOLLAR warning, and here an error, since the grant would name a bucket that cannot exist.
  if (/^\$(\$|\.|\[|$|[A-Za-z_])/.test(v) || /^States\.[A-Za-z]+\(/.test(v)) {
    throw new PermissionDerivationError(
      jsonPointer([...at, "Parameters", field]),
      `${field} is the literal string '${v}', which looks like a path or intrinsic function: name the field '${field}.$' to evaluate it, or the role would be granted on a bucket or key that cannot exist`,
    );
  }
  return { kind: "static", value: v };
}

function declaredLocations(ctx: StateMachinePolicyContext): ReadonlyArray<S3Location> {
  const d = ctx.dynamicS3;
  if (d === undefined) return [];
  return Array.isArray(d) ? d : [d as S3Location];
}

function undeclared(at: Array<string | number>, field: string, what: string): PermissionDerivationError {
  return new PermissionDerivationError(
    jsonPointer([...at, "Parameters", field]),
    `${what} is chosen at run time: declare the buckets and prefixes it may address (context.dynamicS3; the StepFunctionsWorkflow component's \`s3.dynamic\`) so the grant can be scoped to them`,
  );
}

/**
 * The object ARN patterns a reader/writer touches. The key part is what the definition names when
 * it names one (the exact key, or `prefix*` for a writer): a literal key is granted as written even
 * when the bucket is chosen at run time (then under each declared bucket), since a declared prefix
 * only bounds the keys that are chosen at run time; granting the declared prefix instead would
 * deny the literal key (AccessDenied on the first run) and allow keys the definition never reads.
 * Only a run-time key is scoped by the declared locations (those in the same bucket when the
 * bucket is static). AWS: "Scope the policies down to the bucket and object names the path
 * resolves to at runtime" (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
 */
function objectPatterns(
  bucket: S3Param,
  staticKeyPattern: string | undefined,
  at: Array<string | number>,
  ctx: StateMachinePolicyContext,
): string[] {
  if (bucket.kind === "absent") throw new PermissionDerivationError(jsonPointer([...at, "Parameters", "Bucket"]), "Bucket is required");
  const declared = declaredLocations(ctx);
  if (bucket.kind === "dynamic") {
    if (declared.length === 0) throw undeclared(at, "Bucket.$", "the bucket");
    if (staticKeyPattern !== undefined)
      return [...new Set(declared.map((l) => l.bucket))].map((b) => s3ObjectArn(ctx, b, staticKeyPattern));
    return declared.map((l) => s3ObjectArn(ctx, l.bucket, `${l.prefix ?? ""}*`));
  }
  if (staticKeyPattern !== undefined) return [s3ObjectArn(ctx, bucket.value, staticKeyPattern)];
  const inBucket = declared.filter((l) => l.bucket === bucket.value);
  if (inBucket.length === 0) throw undeclared(at, "Key.$", `the key in bucket ${bucket.value}`);
  return inBucket.map((l) => s3ObjectArn(ctx, bucket.value, `${l.prefix ?? ""}*`));
}

/** Like objectPatterns: a literal prefix is listed as written, under each declared bucket when the bucket is chosen at run time. */
function listScopes(
  bucket: S3Param,
  prefix: S3Param,
  at: Array<string | number>,
  ctx: StateMachinePolicyContext,
): Array<{ bucketName: string; prefixPattern: string | undefined }> {
  if (bucket.kind === "absent") throw new PermissionDerivationError(jsonPointer([...at, "Parameters", "Bucket"]), "Bucket is required");
  const literalPrefix = prefix.kind === "static" && prefix.value !== "" ? prefix.value : undefined;
  if (prefix.kind !== "dynamic") {
    const buckets = bucket.kind === "static" ? [bucket.value] : [...new Set(declaredLocations(ctx).map((l) => l.bucket))];
    if (buckets.length === 0) throw undeclared(at, "Bucket.$", "the list location");
    return buckets.map((bucketName) => ({ bucketName, prefixPattern: literalPrefix }));
  }
  const declared = declaredLocations(ctx).filter((l) => bucket.kind === "dynamic" || l.bucket === bucket.value);
  if (declared.length === 0) throw undeclared(at, bucket.kind === "dynamic" ? "Bucket.$" : "Prefix.$", "the list location");
  return declared.map((l) => ({ bucketName: l.bucket, prefixPattern: l.prefix === "" ? undefined : l.prefix }));
}

/**
 * What a Task needs, from its integration module (asl/integrations). A resource without one (an
 * activity, a service no module models) fails loudly: a silently skipped Task would deploy
 * and then fail at run time with AccessDenied.
 */
function taskGrants(
  resource: string,
  parameters: JsonObject | undefined,
  args: JsonValue | undefined,
  at: Array<string | number>,
  ctx: StateMachinePolicyContext,
): IamGrant[] {
  const found = findIntegration(resource);
  if (!found) {
    throw new PermissionDerivationError(
      jsonPointer([...at, "Resource"]),
      `Task resource ${resource} has no row in the service integration table: its permissions are not derived (add a row in asl/integrations)`,
    );
  }
  const iamCtx: IamContext = {
    partition: ctx.partition,
    region: ctx.region,
    accountId: ctx.accountId,
    // SDK S3 rows scope a run-time location to one declared location; with several declared they
    // fail the derivation rather than guess (never a wider grant than declared).
    dynamicS3: declaredLocations(ctx).length === 1 ? declaredLocations(ctx)[0] : undefined,
    declared: (kind) => ctx.dynamicResources?.[kind],
    declaredActions: (kind) => ctx.sdkIamActions?.[kind],
    warn: (field, message) => {
      const location = jsonPointer(
        field === "Resource" || field === undefined
          ? [...at, ...(field ? [field] : [])]
          : [...at, parameters ? "Parameters" : "Arguments", ...field.split("/")],
      );
      const w = { location, message };
      if (ctx.onWarning) ctx.onWarning(w);
      else console.warn(`policy derivation: ${message} (at ${location || "/"})`);
    },
  };
  try {
    return found.definition.iam(Fields.of(parameters, args), found.resource, iamCtx);
  } catch (e) {
    if (!(e instanceof IntegrationIamError)) throw e;
    const container = parameters ? "Parameters" : args !== undefined ? "Arguments" : "Parameters";
    const where = e.field === "Resource" ? [...at, "Resource"] : e.field === undefined ? at : [...at, container, ...e.field.split("/")];
    throw new PermissionDerivationError(jsonPointer(where), `${found.definition.id}: ${e.message}`);
  }
}

function statementsFor(needs: Needs, ctx: StateMachinePolicyContext): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  // Lambda first (the statement every workflow has), then the other integrations in walk order.
  // policyDocument merges the grants of one Sid and action set into one statement.
  const byLambdaFirst = [...needs.grants].sort(
    (a, b) => Number(b.sid === "InvokeWorkflowFunctions") - Number(a.sid === "InvokeWorkflowFunctions"),
  );
  for (const g of byLambdaFirst) out.push({ Sid: g.sid, Effect: "Allow", Action: g.actions, Resource: g.resources });
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
    // machine itself, DescribeExecution/StopExecution on its Map Runs' child executions. A child's
    // ARN is `execution:<stateMachineName>/<mapRunLabel>:<id>` (the same page's redrive example,
    // `execution:myStateMachine/myMapRunLabel:*`), which `execution:<stateMachineName>:*` (what
    // CDK granted until aws-cdk#35390 / PR #34760) never matches: the label follows a `/`.
    out.push({ Sid: "StartMapRunChildren", Effect: "Allow", Action: ["states:StartExecution"], Resource: [stateMachineArn(ctx, name)] });
    out.push({
      Sid: "ManageMapRunChildren",
      Effect: "Allow",
      Action: ["states:DescribeExecution", "states:StopExecution"],
      Resource: [`${executions}/*`],
    });
    if (needs.distributedMap.standardChildren) {
      // Same page, "redriving a Map Run": RedriveExecution on the Map Run's child executions,
      // `execution:<stateMachineName>/<mapRunLabel>:*` (any label here: labels may be generated).
      // EXPRESS children need none: "When you redrive a Map Run, the Express child workflows are
      // rerun using the StartExecution API action"
      // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html).
      out.push({ Sid: "RedriveMapRunChildren", Effect: "Allow", Action: ["states:RedriveExecution"], Resource: [`${executions}/*`] });
    }
  }
  const sdkS3 = needs.grants.filter((g) => g.actions.some((a) => a.startsWith("s3:")));
  const sdkS3Writes = sdkS3.some((g) => g.actions.includes("s3:PutObject"));
  const touchesS3 = needs.s3Reads.size > 0 || needs.s3Lists.length > 0 || needs.s3Writes.size > 0 || sdkS3.length > 0;
  if (ctx.kms && touchesS3) {
    // SSE-KMS: reading needs kms:Decrypt, writing kms:GenerateDataKey, multipart writes both.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
    // Only through S3 in this region (kms:ViaService), never the key directly.
    const actions = needs.s3Writes.size > 0 || sdkS3Writes ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"];
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
