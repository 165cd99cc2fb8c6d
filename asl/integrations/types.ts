/**
 * What the integration modules (define.ts) are made of: patterns, parsed resources, IAM grants and
 * the context their IAM functions read, and read access to a Task's fields. Pure data and pure
 * functions: no I/O.
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-services.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 */
import type { AwsEnvironment } from "../permissions/policy";
import type { JsonObject, JsonValue } from "../types";

/**
 * The integration patterns, as the suffix of the resource ARN names them.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
 */
export type IntegrationPattern = "request-response" | "sync" | "sync:2" | "waitForTaskToken";

export const PATTERN_SUFFIX: Record<IntegrationPattern, string> = {
  "request-response": "",
  sync: ".sync",
  "sync:2": ".sync:2",
  waitForTaskToken: ".waitForTaskToken",
};

/** A Task resource ARN, taken apart. */
export type ParsedResource =
  | { kind: "lambda-function"; arn: string; functionName: string }
  | { kind: "activity"; arn: string }
  | {
      kind: "optimized" | "aws-sdk";
      arn: string;
      partition: string;
      /** `dynamodb`, `sqs` ... for optimized; the SDK service name for aws-sdk (`s3`, `sfn`, `dynamodb`). */
      service: string;
      /** As written in the ARN: `putItem`, `startExecution`, `listObjectsV2`. */
      action: string;
      pattern: IntegrationPattern;
    }
  | { kind: "unknown"; arn: string };

/** A resource an integration can match: anything but an activity or an unknown ARN. */
export type IntegrationResource = Extract<ParsedResource, { kind: "optimized" | "aws-sdk" | "lambda-function" }>;

/** A Parameters/Arguments field as the derivation sees it: known now, or chosen at run time. */
export type FieldValue = { kind: "static"; value: JsonValue } | { kind: "dynamic"; expression: string } | { kind: "absent" };

/** One IAM grant an integration needs: actions on resources (ARNs or ARN patterns). */
export interface IamGrant {
  sid: string;
  actions: string[];
  resources: string[];
}

/** Thrown by an integration's IAM function; the derivation adds the state's JSON location. */
export class IntegrationIamError extends Error {
  override readonly name = "IntegrationIamError";
  constructor(
    /** The field (relative to the Task's Parameters/Arguments) that caused it, if any. */
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** What an integration's IAM function may read besides the state's fields. */
export interface IamContext extends AwsEnvironment {
  /**
   * The resources a path-addressed field may name at run time, declared by the caller (AWS: "Scope
   * the policies down to the ... names the path resolves to at runtime"). By resource kind:
   * `dynamodb:table`, `sqs:queue`, `sns:topic`, `events:event-bus`, `states:stateMachine`, or
   * `aws-sdk:<service>:<action>` for an SDK call whose resources cannot be derived.
   * Names or full ARNs; nothing declared fails the derivation (never a silent `*`).
   */
  declared(kind: string): readonly string[] | undefined;
  /**
   * IAM actions the caller declared for an SDK call (`aws-sdk:<service>:<action>`), used instead of
   * the derived ones: for a call whose IAM action IAM's list cannot name (StateMachinePolicyContext.sdkIamActions).
   */
  declaredActions?(kind: string): readonly string[] | undefined;
  /** Reports something the derivation cannot know without failing it (the state's location is added). */
  warn?(field: string | undefined, message: string): void;
  /** S3 locations a dynamic Bucket/Key stays within (StateMachinePolicyContext.dynamicS3). */
  dynamicS3?: { bucket: string; prefix?: string };
}

/** Read access to a Task's Parameters (JSONPath) or Arguments (JSONata), the same field names. */
export class Fields {
  constructor(
    private readonly args: JsonObject,
    /** Arguments that are one JSONata expression (`"{% ... %}"`): every field is chosen at run time. */
    private readonly expression?: string,
  ) {}

  static of(parameters: JsonObject | undefined, args: JsonValue | undefined): Fields {
    if (parameters) return new Fields(parameters);
    if (args !== undefined && args !== null && typeof args === "object" && !Array.isArray(args)) return new Fields(args);
    if (typeof args === "string" && args.startsWith("{%")) return new Fields({}, args);
    return new Fields({});
  }

  get(name: string): FieldValue {
    if (this.expression !== undefined) return { kind: "dynamic", expression: this.expression };
    const dyn = this.args[`${name}.$`];
    if (typeof dyn === "string") return { kind: "dynamic", expression: dyn };
    const v = this.args[name];
    if (v === undefined) return { kind: "absent" };
    if (typeof v === "string" && v.startsWith("{%")) return { kind: "dynamic", expression: v };
    return { kind: "static", value: v };
  }

  /** A field whose static value must be a non-empty string. */
  string(name: string): { kind: "static"; value: string } | { kind: "dynamic"; expression: string } | { kind: "absent" } {
    const f = this.get(name);
    if (f.kind !== "static") return f;
    if (typeof f.value !== "string" || f.value === "") throw new IntegrationIamError(name, `${name} must be a non-empty string`);
    return { kind: "static", value: f.value };
  }
}

/** IAM's action list and the SDK's operations, asked synchronously (engine/iam loads them). Here, apart from the integration modules, so that
 * the validator's published types name no zod type through them. */
export interface IamActionCatalog {
  /** undefined when the service is not in the catalog at all. */
  hasAction(iamService: string, action: string): boolean | undefined;
  /** The SDK's operations of a Step Functions SDK service (camelCase); undefined when not loaded or not modelled. */
  sdkOperations?(service: string): readonly string[] | undefined;
}
