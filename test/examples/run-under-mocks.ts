/**
 * Runs a Pulumi program file under preview-mode mocks in this process and prints what it registered
 * as JSON on stdout: `node --import tsx run-under-mocks.ts PROGRAM`. A child process per program,
 * so the program's module state and Pulumi's runtime settings start clean.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks } from "../infra/mocks";

async function main(program: string): Promise<void> {
  const recorder = installMocks(true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const outputs = require(program) as Record<string, pulumi.Output<unknown>>;
  await Promise.all(Object.values(outputs).map((o) => (o as unknown as { isKnown: Promise<boolean> }).isKnown));
  await new Promise((r) => setTimeout(r, 100));
  process.stdout.write(JSON.stringify(recorder.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }))));
}

main(process.argv[2]!).catch((e: unknown) => {
  process.stderr.write(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
