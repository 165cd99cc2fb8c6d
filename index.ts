/**
 * The Pulumi program (`pulumi preview` / `pulumi up`): the stack config read through the one schema
 * in config/, then every workflow of app/catalog.ts deployed with its Lambdas, bucket and derived
 * roles (infra/). See infra/README.md for deploying.
 */
import { deployStack, readStackConfig } from "./infra/program";

const stack = deployStack(readStackConfig());

export const bucketName = stack.bucketName;
export const kmsKeyArn = stack.kmsKeyArn;
export const stateMachineArns = stack.stateMachineArns;
export const stateMachineConsoleUrls = stack.stateMachineConsoleUrls;
export const stateMachineRoleArns = stack.stateMachineRoleArns;
export const lambdaFunctionArns = stack.lambdaFunctionArns;
export const lambdaRoleArns = stack.lambdaRoleArns;
