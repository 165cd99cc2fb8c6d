/**
 * Lambda: the function ARN directly (legacy, request-response) and the optimized
 * `arn:aws:states:::lambda:invoke` (request-response and .waitForTaskToken).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * IAM: https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html — lambda:InvokeFunction on
 * the function and on `<function>:*` (its versions and aliases).
 */
import { partitionOf } from "../permissions/policy";
import { declaredResources } from "./scope";
import { IntegrationIamError, type IamContext, type IntegrationRow } from "./types";

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

export const lambdaRows: IntegrationRow[] = [
  {
    id: "lambda:function",
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html",
    matches: (r) => r.kind === "lambda-function",
    patterns: ["request-response"],
    iam: (_fields, r, ctx) => invokeGrant([unqualifiedFunctionArn(r.arn, ctx)]),
    local: () => "lambda",
    label: (r) => `Lambda ${r.kind === "lambda-function" ? r.functionName : ""}`,
  },
  {
    id: "lambda:invoke",
    docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html",
    matches: (r) => r.kind === "optimized" && r.service === "lambda" && r.action === "invoke",
    patterns: ["request-response", "waitForTaskToken"],
    iam: (fields, _r, ctx) => {
      const f = fields.string("FunctionName");
      if (f.kind === "absent") throw new IntegrationIamError("FunctionName", "lambda:invoke needs a FunctionName");
      if (f.kind === "dynamic")
        return invokeGrant(declaredResources("lambda:function", "FunctionName", f.expression, (n) => unqualifiedFunctionArn(n, ctx), ctx));
      return invokeGrant([unqualifiedFunctionArn(f.value, ctx)]);
    },
    local: () => "lambda",
    label: () => "Lambda Invoke",
  },
];
