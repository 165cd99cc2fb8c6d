/**
 * Lambda: the function ARN directly (legacy, request-response) and the optimized
 * `arn:aws:states:::lambda:invoke` (request-response and .waitForTaskToken).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * IAM: https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html — lambda:InvokeFunction on
 * the function and on `<function>:*` (its versions and aliases).
 */
import { z } from "zod";
import { partitionOf } from "../permissions/policy";
import { defineIntegration, str, template, templateObject } from "./define";
import { declaredResources } from "./scope";
import { IntegrationIamError, type IamContext } from "./types";

const DOCS = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html";

/** FunctionName accepts a name, name:qualifier, a partial ARN (account:function:name) or a full ARN. */
export function unqualifiedFunctionArn(functionName: string, ctx: IamContext): string {
  const full = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+/.exec(functionName);
  if (full) return full[0];
  const partial = /^(\d{12}):function:([^:]+)/.exec(functionName);
  if (partial) return `arn:${partitionOf(ctx)}:lambda:${ctx.region}:${partial[1]}:function:${partial[2]}`;
  return `arn:${partitionOf(ctx)}:lambda:${ctx.region}:${ctx.accountId}:function:${functionName.split(":")[0]!}`;
}

const invokeGrant = (fns: string[]) => [
  { sid: "InvokeWorkflowFunctions", actions: ["lambda:InvokeFunction"], resources: [...fns, ...fns.map((f) => `${f}:*`)] },
];

/** A Task whose Resource is the function's ARN: its Parameters are the payload. */
export const lambdaFunction = defineIntegration({
  id: "lambda:function",
  docs: DOCS,
  matches: (r) => r.kind === "lambda-function",
  patterns: ["request-response"],
  params: templateObject,
  iam: (_fields, r, ctx) => invokeGrant([unqualifiedFunctionArn(r.arn, ctx)]),
  label: (r) => `Lambda ${r.functionName}`,
});

/** `arn:aws:states:::lambda:invoke`: the Invoke API's request (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). */
export const lambdaInvoke = defineIntegration({
  id: "lambda:invoke",
  docs: DOCS,
  patterns: ["request-response", "waitForTaskToken"],
  params: z.object({
    FunctionName: str,
    Payload: template.optional(),
    InvocationType: str.optional(),
    Qualifier: str.optional(),
    ClientContext: str.optional(),
  }),
  iam: (fields, _r, ctx) => {
    const f = fields.string("FunctionName");
    if (f.kind === "absent") throw new IntegrationIamError("FunctionName", "lambda:invoke needs a FunctionName");
    if (f.kind === "dynamic")
      return invokeGrant(declaredResources("lambda:function", "FunctionName", f.expression, (n) => unqualifiedFunctionArn(n, ctx), ctx));
    return invokeGrant([unqualifiedFunctionArn(f.value, ctx)]);
  },
  label: "Lambda Invoke",
});
