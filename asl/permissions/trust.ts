/** Trust (assume-role) policies: who may wear each role. */
import { stateMachineArn, type AwsEnvironment } from "./policy";

export interface TrustPolicy {
  Version: "2012-10-17";
  Statement: Array<{
    Effect: "Allow";
    Principal: { Service: string };
    Action: "sts:AssumeRole";
    Condition?: Record<string, Record<string, string | string[]>>;
  }>;
}

/**
 * Only Step Functions, and only on behalf of this account's machine of this name: the confused-deputy
 * guard AWS recommends (aws:SourceAccount + aws:SourceArn),
 * https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html.
 */
export function stateMachineTrustPolicy(env: AwsEnvironment, stateMachineName: string): TrustPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "states.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": env.accountId },
          // The machine itself, its versions and aliases (`<arn>:<qualifier>`), and the child
          // workflows of its Distributed Map Runs, which run as `stateMachine:<name>/<mapRunLabel>`
          // (the machine ARN in a Map Run's exported results and in DescribeStateMachineForExecution
          // of a child, https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html):
          // without it the guard would refuse the role to every child execution.
          ArnLike: {
            "aws:SourceArn": [
              stateMachineArn(env, stateMachineName),
              `${stateMachineArn(env, stateMachineName)}:*`,
              `${stateMachineArn(env, stateMachineName)}/*`,
            ],
          },
        },
      },
    ],
  };
}

/**
 * Only the Lambda service. No source conditions: the Lambda guide's execution-role trust policy has
 * none (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html), and a
 * condition Lambda does not send would make the role unassumable.
 */
export function lambdaTrustPolicy(): TrustPolicy {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
}
