/**
 * Lambda as a Task resource, run in-process: which function a resource names, the event as Lambda
 * would deliver it (a JSON round trip), the result as Lambda would return it, and errors in the
 * shape the Node.js runtime reports them.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
 */
import type { JsonObject, JsonValue } from "../asl/types";
import { LAMBDA_INVOKE } from "../asl/types";
import { StatesError, TaskFailedError } from "./model/errors";
import type { LambdaContext, LambdaHandler } from "./types";

import { ACCOUNT, REGION } from "./model/local-account";

/** "If not provided, the default value [of TimeoutSeconds] is 99999999." (ASL spec, Task state) */
export const DEFAULT_TIMEOUT_SECONDS = 99_999_999;

/** How a Task resource reaches Lambda. */
export type LambdaTarget = { kind: "direct"; functionName: string; arn: string } | { kind: "invoke"; waitForTaskToken: boolean };

const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/;

export function lambdaTarget(resource: string): LambdaTarget | null {
  const m = FUNCTION_ARN.exec(resource);
  if (m) return { kind: "direct", functionName: m[3], arn: resource };
  if (resource === LAMBDA_INVOKE) return { kind: "invoke", waitForTaskToken: false };
  return null;
}

/**
 * lambda:invoke's FunctionName: a name (`my-function`, `my-function:v1`), a partial ARN
 * (`123456789012:function:my-function`) or a full ARN, with or without a qualifier.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax
 */
export function functionNameOf(functionName: string): string {
  const full = FUNCTION_ARN.exec(functionName);
  if (full) return full[3];
  const partial = /^(\d{12}):function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/.exec(functionName);
  if (partial) return partial[2];
  const plain = /^([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/.exec(functionName);
  if (plain) return plain[1];
  return functionName;
}

export function functionArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

/** JSON text length in UTF-8 bytes, without encoding when the answer is obvious. */
export function utf8Bytes(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length; // certainly under the limit; exact size irrelevant
  return Buffer.byteLength(text, "utf8");
}

/**
 * The error a Node.js Lambda reports for a thrown value: errorType is the error's name, and the
 * function error JSON is `{"errorType","errorMessage","trace"}`. Step Functions uses errorType as
 * the Error and that JSON as the Cause.
 */
export function lambdaError(thrown: unknown): TaskFailedError {
  if (thrown instanceof TaskFailedError) return thrown;
  if (thrown instanceof StatesError) return new TaskFailedError(thrown.error, thrown.causeText);
  const err = thrown instanceof Error ? thrown : null;
  const errorType = err ? err.name || "Error" : "Error";
  const errorMessage = err ? err.message : typeof thrown === "string" ? thrown : (JSON.stringify(thrown) ?? String(thrown));
  const trace = err?.stack ? err.stack.split("\n") : [];
  return new TaskFailedError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}

/**
 * One Lambda invocation: the context object the handler receives (the Node.js runtime's fields)
 * and, in private fields, what the engine needs to run it. One object per call, not three: a Map
 * makes thousands of calls a second.
 */
export class LambdaInvocation implements LambdaContext {
  callbackWaitsForEmptyEventLoop = true;
  #requestId: string | undefined;
  readonly #ids: { requestId(): string };
  #deadline: number | undefined;
  readonly #clock: { now(): number };
  #pending: Promise<unknown> | undefined;

  constructor(
    readonly functionName: string,
    /** Known up front for lambda:invoke (its response carries it); otherwise made when the handler reads it. */
    requestId: string | undefined,
    ids: { requestId(): string },
    /**
     * When the function must finish (milliseconds, `clock`'s time). Undefined for the default
     * timeout of 99,999,999 s: then it is fixed on the first read, as nothing can tell the
     * difference and a clock read per call is a visible cost in a big Map.
     */
    deadline: number | undefined,
    clock: { now(): number },
  ) {
    this.#requestId = requestId;
    this.#ids = ids;
    this.#deadline = deadline;
    this.#clock = clock;
  }

  get functionVersion(): string {
    return "$LATEST";
  }
  get memoryLimitInMB(): string {
    return "128";
  }
  get logStreamName(): string {
    return "local";
  }
  get invokedFunctionArn(): string {
    return functionArn(this.functionName);
  }
  get awsRequestId(): string {
    return (this.#requestId ??= this.#ids.requestId());
  }
  get logGroupName(): string {
    return `/aws/lambda/${this.functionName}`;
  }
  getRemainingTimeInMillis(): number {
    const now = this.#clock.now();
    this.#deadline ??= now + DEFAULT_TIMEOUT_SECONDS * 1000;
    return Math.max(0, this.#deadline - now);
  }

  /**
   * Calls the handler with the event as Lambda delivers it (parsed from its JSON text); the
   * promise settles with what it returned, unserialized (a synchronous throw becomes a rejection).
   * Not async on purpose: one promise less per call in a big Map.
   */
  static start(invocation: LambdaInvocation, handler: LambdaHandler, eventText: string): Promise<unknown> {
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(handler(JSON.parse(eventText) as unknown, invocation));
    } catch (e) {
      pending = Promise.reject(e);
    }
    return (invocation.#pending = pending);
  }

  /** The started call's result (kept off the instance's visible fields: the handler sees this object). */
  static pending(invocation: LambdaInvocation): Promise<unknown> {
    return invocation.#pending!;
  }
}

/**
 * Lambda serializes the return value (undefined becomes null, see resultText). A string, boolean or
 * finite number comes back as itself; anything else is parsed back from the text (a deep copy that
 * also applies toJSON, as the wire does).
 */
export function resultValue(returned: unknown, text: string): JsonValue {
  if (typeof returned === "string" || typeof returned === "boolean" || (typeof returned === "number" && Number.isFinite(returned)))
    return returned;
  return text === "null" ? null : (JSON.parse(text) as JsonValue);
}

/** The text Lambda sends back for a returned value. */
export function resultText(returned: unknown): string {
  return returned === undefined ? "null" : (JSON.stringify(returned) ?? "null");
}

/** The response lambda:invoke gives back (Payload wrapped with the SDK's metadata). */
export function invokeResponse(payload: JsonValue, payloadText: string, requestId: string, date: Date): JsonObject {
  const headers: Record<string, string> = {
    Connection: "keep-alive",
    "Content-Length": String(Buffer.byteLength(payloadText)),
    "Content-Type": "application/json",
    Date: date.toUTCString(),
    "X-Amz-Executed-Version": "$LATEST",
    "x-amzn-Remapped-Content-Length": "0",
    "x-amzn-RequestId": requestId,
    "X-Amzn-Trace-Id": `Root=1-${Math.floor(date.getTime() / 1000).toString(16)}-${requestId.replace(/-/g, "").slice(0, 24)};Sampled=0`,
  };
  const allHeaders: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(headers)) allHeaders[k] = [v];
  return {
    ExecutedVersion: "$LATEST",
    Payload: payload,
    SdkHttpMetadata: { AllHttpHeaders: allHeaders, HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}
