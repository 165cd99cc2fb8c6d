/**
 * Lambda references: a Lambda task names a typed handler object, never an ARN string, so one
 * definition renders with real ARNs (Pulumi outputs) or runs locally against the handler itself.
 */
import { z } from "zod";
import { BuilderError } from "./errors";

/** A Lambda handler as this project writes them: a plain async function. */
export type LambdaHandler<In = never, Out = unknown> = (event: In) => Promise<Out>;

export interface LambdaRef<In = never, Out = unknown> {
  readonly kind: "lambda";
  /** The function's logical name; also its function name when run locally. */
  readonly name: string;
  readonly handler: LambdaHandler<In, Out>;
}

/** Any LambdaRef, whatever its event and result types. */
// The handler is stored with its own parameter type; `never` as the input makes every ref assignable here.
export type AnyLambdaRef = LambdaRef<never, unknown>;

/**
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html — FunctionName:
 * "Length Constraints: Minimum length of 1. Maximum length of 140" for the full ARN form; a bare name is
 * at most 64 characters of letters, digits, hyphens and underscores.
 */
const LambdaNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters (Lambda function name limit)")
  .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, hyphens and underscores (Lambda function name rule)");

/** Makes a typed Lambda reference: `lambda("CaptureInput", captureInput)`. */
export function lambda<In, Out>(name: string, handler: LambdaHandler<In, Out>): LambdaRef<In, Out> {
  const parsed = LambdaNameSchema.safeParse(name);
  if (!parsed.success) {
    throw new BuilderError(`lambda(${JSON.stringify(name)}): name ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  }
  if (typeof handler !== "function") {
    throw new BuilderError(`lambda(${JSON.stringify(name)}): handler must be a function (event) => Promise<result>`);
  }
  return Object.freeze({ kind: "lambda", name, handler });
}

export function isLambdaRef(v: unknown): v is AnyLambdaRef {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { kind?: unknown }).kind === "lambda" &&
    typeof (v as { name?: unknown }).name === "string" &&
    typeof (v as { handler?: unknown }).handler === "function"
  );
}

/** The account and region of local runs; the engine maps these ARNs back to function names. */
export const LOCAL_REGION = "us-east-1";
export const LOCAL_ACCOUNT = "123456789012";

export function localLambdaArn(ref: { readonly name: string }): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${ref.name}`;
}

/** Resolves a Lambda reference to the function ARN that goes into the definition. */
export type LambdaResolver = (ref: AnyLambdaRef) => string;
