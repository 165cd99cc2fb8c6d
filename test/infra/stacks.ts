/**
 * Runs the Pulumi program under recording mocks: the dev stack through index.ts itself (mocks set
 * before the import, as in pulumi/examples testing-unit-ts), other configurations through
 * deployStack (index.ts is a module: it runs once per process).
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/schema";
import { deployStack, readStackConfig, type StackOutputs } from "../../stack/program";
import { devStackConfig, installMocks, type Recorder } from "./mocks";

export interface MockedStack {
  recorder: Recorder;
  config: StackConfig;
  outputs: Pick<
    StackOutputs,
    | "bucketName"
    | "kmsKeyArn"
    | "stateMachineArns"
    | "stateMachineConsoleUrls"
    | "stateMachineRoleArns"
    | "lambdaFunctionArns"
    | "lambdaRoleArns"
  >;
}

async function settle(outputs: MockedStack["outputs"]): Promise<void> {
  const all: pulumi.Output<unknown>[] = [
    outputs.bucketName,
    ...Object.values(outputs.stateMachineArns),
    ...Object.values(outputs.stateMachineConsoleUrls),
    ...Object.values(outputs.stateMachineRoleArns),
    ...Object.values(outputs.lambdaFunctionArns),
    ...Object.values(outputs.lambdaRoleArns),
  ];
  // Resolved, known or not: in a preview the ARNs stay unknown and an apply over them never runs.
  await Promise.all(all.map((o) => (o as unknown as { isKnown: Promise<boolean> }).isKnown));
  // Registrations scheduled by the last applies run on later turns of the event loop.
  await new Promise((r) => setTimeout(r, 50));
}

let dev: Promise<MockedStack> | undefined;

/** The dev stack (Pulumi.dev.yaml), through index.ts. Memoized: index.ts runs once per process. */
export function devStackViaIndex(): Promise<MockedStack> {
  dev ??= (async () => {
    const recorder = installMocks(false);
    pulumi.runtime.setAllConfig(devStackConfig());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../../index") as typeof import("../../index");
    const outputs = { ...program, kmsKeyArn: program.kmsKeyArn };
    await settle(outputs);
    return { recorder, config: readStackConfig(), outputs };
  })();
  return dev;
}

/** The dev stack with config overrides (Pulumi strings), optionally in preview (dry-run) mode. */
export async function stackWith(overrides: Record<string, string>, preview = false): Promise<MockedStack> {
  await (dev ?? Promise.resolve()); // never interleave with the index.ts run
  const recorder = installMocks(preview);
  pulumi.runtime.setAllConfig(devStackConfig(overrides));
  const config = readStackConfig();
  const outputs = deployStack(config);
  await settle(outputs);
  return { recorder, config, outputs };
}
