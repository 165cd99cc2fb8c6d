/**
 * One service integration, one module: `defineIntegration({ id, patterns, params, iam, label, docs })`
 * holds everything about it side by side — its resource and the patterns AWS supports, the zod
 * schema of its parameters (the builder's parameter type is `z.input` of it, and the builder checks
 * the values with it), the IAM statements it needs, its graph label and the AWS page it is sourced
 * from — as CDK's aws-stepfunctions-tasks keeps one file per integration with its grants. The
 * validator, the IAM derivation, the graph and the local engine all read these modules (index.ts
 * lists them once); the engine's local runners are keyed by their ids (engine/integrations/runners.ts).
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-services.html
 */
import { z } from "zod";
import {
  isIntrinsicValue,
  isJsonataValue,
  isPathValue,
  type JsonataValue,
  type PathValue,
  type Template,
  type TemplateValue,
} from "../builders/values";
import type { Fields, IamContext, IamGrant, IntegrationPattern, IntegrationResource, ParsedResource } from "./types";

/**
 * The resource an integration of this id is called with: a Lambda function ARN (`lambda:function`),
 * an AWS SDK resource (`aws-sdk:*`), else an optimized `arn:aws:states:::<service>:<action>`.
 */
export type ResourceOf<Id extends string> = string extends Id
  ? IntegrationResource
  : Id extends "lambda:function"
    ? Extract<IntegrationResource, { kind: "lambda-function" }>
    : Id extends `aws-sdk:${string}`
      ? Extract<IntegrationResource, { kind: "aws-sdk" | "optimized" }> & { kind: "aws-sdk" }
      : Extract<IntegrationResource, { kind: "aws-sdk" | "optimized" }> & { kind: "optimized" };

/**
 * Any integration, as the tables and readers that do not care which hold it: its methods are given
 * the resource it matched (methods, so an integration of a narrower resource fits here).
 */
export interface AnyIntegration {
  /** `dynamodb:putItem` (optimized: the resource after `arn:aws:states:::`), `lambda:function`, `aws-sdk:*`. */
  readonly id: string;
  /** The AWS documentation page this integration is sourced from. */
  readonly docs: string;
  /** The patterns AWS supports for this resource (the first is the default). */
  readonly patterns: readonly IntegrationPattern[];
  /** The parameters as a builder takes them (literals, `path()`, `jsonata()`); the builder's type is `z.input` of it. */
  readonly params: z.ZodType;
  /** The fields naming what a call addresses (a table, a queue), shown after the label in the graph when static. */
  readonly targets: readonly string[];
  /** Is this the integration of the parsed resource? */
  matches(resource: ParsedResource): boolean;
  /** The IAM grants a Task with these fields needs; throws IntegrationIamError when it cannot say. */
  iam(fields: Fields, resource: IntegrationResource, ctx: IamContext): IamGrant[];
  /** A short label for the graph (`DynamoDB PutItem`). */
  label(resource: IntegrationResource): string;
}

/** One integration module's definition, typed by its id, patterns and parameter schema. */
export interface Integration<
  Id extends string = string,
  P extends IntegrationPattern = IntegrationPattern,
  S extends z.ZodType = z.ZodType,
> extends AnyIntegration {
  readonly id: Id;
  readonly patterns: readonly [P, ...P[]];
  readonly params: S;
  iam(fields: Fields, resource: ResourceOf<Id>, ctx: IamContext): IamGrant[];
  label(resource: ResourceOf<Id>): string;
}

export interface IntegrationSpec<Id extends string, P extends IntegrationPattern, S extends z.ZodType> {
  readonly id: Id;
  readonly docs: string;
  readonly patterns: readonly [P, ...P[]];
  readonly params: S;
  readonly targets?: readonly string[];
  /** Only for resources that are not `arn:aws:states:::<id>` (a Lambda function ARN, the AWS SDK's). */
  readonly matches?: (resource: ParsedResource) => boolean;
  readonly iam: (fields: Fields, resource: ResourceOf<Id>, ctx: IamContext) => IamGrant[];
  readonly label: string | ((resource: ResourceOf<Id>) => string);
}

/**
 * An integration module's one definition. An optimized integration's id is its resource
 * (`sqs:sendMessage` for `arn:aws:states:::sqs:sendMessage`), which is what it matches unless
 * `matches` says otherwise.
 */
export function defineIntegration<const Id extends string, const P extends IntegrationPattern, S extends z.ZodType>(
  spec: IntegrationSpec<Id, P, S>,
): Integration<Id, P, S> {
  const [service, action] = spec.id.split(":") as [string, string];
  const matches = spec.matches ?? ((r: ParsedResource) => r.kind === "optimized" && r.service === service && r.action === action);
  const label = spec.label;
  return Object.freeze({
    id: spec.id,
    docs: spec.docs,
    patterns: spec.patterns,
    params: spec.params,
    targets: spec.targets ?? [],
    matches,
    iam: spec.iam,
    label: typeof label === "string" ? () => label : label,
  });
}

// The schema pieces parameters are made of: a builder field is a literal, or a value chosen at run time.

function isTemplateValue(v: unknown, depth = 0): v is TemplateValue {
  if (depth > 64) return false;
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (typeof v !== "object") return false;
  if (isPathValue(v) || isJsonataValue(v) || isIntrinsicValue(v)) return true;
  if (Array.isArray(v)) return v.every((x) => isTemplateValue(x, depth + 1));
  return Object.values(v as object).every((x) => x === undefined || isTemplateValue(x, depth + 1));
}

const dynamicValue = z.custom<PathValue | JsonataValue>((v) => isPathValue(v) || isJsonataValue(v), {
  message: 'expected path("$...") or jsonata("...")',
});

/** A field that is a literal of `schema`, or `path()` / `jsonata()`. */
export const orDynamic = <T extends z.ZodType>(schema: T) => z.union([schema, dynamicValue]);

/** A string field (a name, an ARN, a URL). */
export const str = orDynamic(z.string());
/** A number field. */
export const num = orDynamic(z.number());
/** A boolean field. */
export const bool = orDynamic(z.boolean());
/** Any JSON payload (a message body, an item, an input), where any value may be `path()`, `jsonata()` or `intrinsic()`. */
export const template = z.custom<TemplateValue>((v) => isTemplateValue(v), { message: "expected JSON (literals, path(), jsonata())" });
/** A payload object of any fields (an AWS SDK call's parameters). */
export const templateObject = z.custom<Template>(
  (v) => typeof v === "object" && v !== null && !Array.isArray(v) && isTemplateValue(v) && !isPathValue(v) && !isJsonataValue(v),
  { message: "expected an object of parameters" },
);
