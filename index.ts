/**
 * This repository's stack (`pulumi preview` / `pulumi up`, see Pulumi.yaml `main`): the stack config
 * through the one schema in config/, then the package's components (infra/index.ts) for the payload
 * bucket and every workflow of app/catalog.ts, used the way a user's program uses them.
 * See infra/README.md for deploying.
 */
import { deployStack, readStackConfig } from "./stack/program";

const stack = deployStack(readStackConfig());

export const bucketName = stack.bucketName;
export const kmsKeyArn = stack.kmsKeyArn;
export const stateMachineArns = stack.stateMachineArns;
export const stateMachineConsoleUrls = stack.stateMachineConsoleUrls;
export const stateMachineRoleArns = stack.stateMachineRoleArns;
export const lambdaFunctionArns = stack.lambdaFunctionArns;
export const lambdaRoleArns = stack.lambdaRoleArns;
