/**
 * The one local account, region and role of every ARN a local run makes. The account and region are
 * the ones the asl builders already render local Lambda ARNs with (`localLambdaArn`), so a definition
 * rendered for a local run and the engine running it agree on every ARN.
 */
import { LOCAL_ACCOUNT, LOCAL_REGION } from "../../asl/builders/lambda";

export const ACCOUNT = LOCAL_ACCOUNT;
export const REGION = LOCAL_REGION;
/** The role a local execution reports (`$$.Execution.RoleArn`); never checked, as no IAM runs locally. */
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/StepFunctionsLocalRole`;

/** `arn:aws:states:<region>:<account>:stateMachine:<name>` in the local account. */
export const stateMachineArn = (name: string, region: string = REGION): string =>
  `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${name}`;

/** An execution's ARN: `execution:` for STANDARD, `express:` for EXPRESS (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). */
export const executionArn = (machineName: string, name: string, type: "STANDARD" | "EXPRESS"): string =>
  `arn:aws:states:${REGION}:${ACCOUNT}:${type === "EXPRESS" ? "express" : "execution"}:${machineName}:${name}`;
