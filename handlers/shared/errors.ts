/**
 * Error classes the handlers throw. Each sets `name` explicitly because that is what Step Functions
 * matches: for a Lambda task, the error name a Retry/Catch `ErrorEquals` sees is the `name` of the
 * thrown Error (https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-handling-error-conditions.html:
 * "The name property of the Error object must match the ErrorEquals value").
 */
import type { z } from "zod";
import { issuePath } from "../../asl/zod-issues";

/** One problem with an input: the dotted path to the field and the rule it broke. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

export function issuesOf(error: z.ZodError): InputIssue[] {
  return error.issues.map((issue) => ({ path: issuePath(issue), message: issue.message }));
}

function describe(issues: readonly InputIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

/** The handler's input broke its schema; nothing was written. */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";
  constructor(
    readonly handler: string,
    readonly issues: readonly InputIssue[],
  ) {
    super(`${handler}: invalid input: ${describe(issues)}`);
  }
}

/** A handler's environment (PAYLOAD_BUCKET, ...) is missing or malformed: a deployment bug. */
export class PayloadConfigError extends Error {
  override readonly name = "PayloadConfigError";
  constructor(readonly issues: readonly InputIssue[]) {
    super(`invalid handler environment: ${describe(issues)}`);
  }
}

/**
 * Writing the payload object failed. `s3ErrorName` is the S3 error code (`NoSuchBucket`,
 * `AccessDenied`, ...) or the network error's code (`ECONNREFUSED`) when S3 could not be reached.
 * `aborted` tells whether a started multipart upload was aborted, i.e. no parts are left behind.
 */
export class PayloadWriteError extends Error {
  override readonly name = "PayloadWriteError";
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly s3ErrorName: string,
    readonly aborted: boolean | "not-started",
    options?: { cause?: unknown },
  ) {
    super(
      `could not write s3://${bucket}/${key}: ${s3ErrorName}` +
        (aborted === false ? " (and aborting the multipart upload failed: parts may remain)" : ""),
      options,
    );
  }
}

/** The name S3 or the network gave an error: S3 error code, else errno code, else the JS name. */
export function s3ErrorNameOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error.name && error.name !== "Error") return error.name;
    if (typeof code === "string") return code;
    // Node's fetch-less http handler wraps connection failures in AggregateError (IPv4 + IPv6 tries).
    if (error instanceof AggregateError) {
      for (const inner of error.errors) {
        const innerName = s3ErrorNameOf(inner);
        if (innerName !== "Error") return innerName;
      }
    }
    return error.name;
  }
  return typeof error;
}
