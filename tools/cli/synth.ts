/**
 * `npm run synth -- [--stack dev] [--out DIR]`
 *
 * Writes, for every workflow in app/catalog.ts, what `pulumi up` would deploy and a drawing of it:
 *   DIR/<stack>/<workflow>.asl.json     the definition, ARNs and the bucket as ${...} placeholders
 *   DIR/<stack>/<workflow>.policy.json  the state machine role's policy, derived from the definition
 *   DIR/<stack>/<workflow>.mmd          Mermaid flowchart
 *   DIR/<stack>/<workflow>.svg          the state graph, Map processors and Parallel branches nested
 * Exit status: 0 written, 1 a workflow failed to build or validate, 2 bad usage or bad config.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { WORKFLOWS, type CatalogWorkflow } from "../../app/catalog";
import { localLambdaArn } from "../../asl/builders";
import { InvalidDefinitionError } from "../../asl/diagnostics";
import { toMermaid, toSvg } from "../../asl/graph";
import { deriveStateMachinePolicy, lambdaFunctionArn, type AwsEnvironment, type PolicyDocument } from "../../asl/permissions";
import type { StateMachineDefinition } from "../../asl/types";
import { loadStackConfig } from "../../config/load";
import { StackConfigError, type StackConfig } from "../../config/schema";
import { functionName, naming, stateMachineName } from "../../infra/names";
import { findProjectDir } from "../runner/project";
import { parseSynthArgs, SYNTH_USAGE, UsageError } from "./args";
import { fitForStream } from "../progress/fit";
import { usageLine } from "./usage";

/** Placeholders for what only exists once deployed; the names follow CloudFormation's DefinitionSubstitutions style. */
export const PLACEHOLDERS = {
  bucket: "${PayloadBucketName}",
  accountId: "${AWS::AccountId}",
  kmsKeyArn: "${PayloadBucketKmsKeyArn}",
  functionArn: (lambdaName: string) => `\${${lambdaName}FunctionArn}`,
} as const;

const SENTINEL_ACCOUNT = "000000000000";

export interface SynthesizedWorkflowArtifacts {
  definition: StateMachineDefinition;
  placeholderDefinition: StateMachineDefinition;
  policy: PolicyDocument;
  mermaid: string;
  svg: string;
}

/** Everything synth writes for one workflow, in memory (tests use it directly). */
export async function synthesizeWorkflow(
  workflow: CatalogWorkflow,
  config: StackConfig,
  project: string,
  stack: string,
): Promise<SynthesizedWorkflowArtifacts> {
  const names = naming(project, stack);
  // The ARN parsers want a 12-digit account; derive with a sentinel, then put the placeholder in.
  const env: AwsEnvironment = { region: config.region, accountId: SENTINEL_ACCOUNT };
  const resources = { bucket: PLACEHOLDERS.bucket };
  const machine = workflow.build(config, resources);
  // Validated render, with the ARNs the deployed functions will have (account left as a placeholder).
  const definition = machine.render((ref) => lambdaFunctionArn(env, functionName(names, ref.name)));
  const placeholderDefinition = machine.renderUnchecked((ref) => PLACEHOLDERS.functionArn(ref.name));
  const drawn = machine.renderUnchecked(localLambdaArn);
  const derived = deriveStateMachinePolicy(definition, {
    ...env,
    stateMachineName: stateMachineName(names, workflow.name),
    logging: config.logLevel !== "OFF",
    tracing: config.tracing,
    kms: config.kms ? { keyArn: PLACEHOLDERS.kmsKeyArn } : undefined,
    dynamicS3: workflow.dynamicS3(config, resources),
  });
  const policy = JSON.parse(JSON.stringify(derived).split(`:${SENTINEL_ACCOUNT}:`).join(`:${PLACEHOLDERS.accountId}:`)) as PolicyDocument;
  return {
    definition,
    placeholderDefinition,
    policy,
    // Drawn with the functions' logical names (as the catalog names them), not their long physical names.
    mermaid: toMermaid(drawn),
    svg: await toSvg(drawn, { title: `${workflow.name} (stack ${stack})` }),
  };
}

export async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseSynthArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(
        fitForStream(usageLine({ program: "npm run synth", help: "npm run synth -- --help" }, e.message), process.stderr),
      );
      return 2;
    }
    throw e;
  }
  if (flags.help) {
    process.stdout.write(SYNTH_USAGE + "\n");
    return 0;
  }
  let loaded;
  try {
    loaded = loadStackConfig({ stack: flags.stack, projectDir: findProjectDir() });
  } catch (e) {
    if (e instanceof StackConfigError) {
      process.stderr.write(`npm run synth: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const outDir = resolve(flags.out, loaded.stack);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (e) {
    // --out names a file, or a folder we may not write: say so, without a stack trace.
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOTDIR" || code === "EEXIST"
        ? "a file is in the way (--out must be a folder)"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : (e as Error).message;
    process.stderr.write(`npm run synth: --out ${flags.out}: cannot create ${outDir}: ${why}\n`);
    return 2;
  }
  let failed = 0;
  for (const workflow of WORKFLOWS) {
    try {
      const a = await synthesizeWorkflow(workflow, loaded.config, loaded.project, loaded.stack);
      const files: Array<[string, string]> = [
        [`${workflow.name}.asl.json`, JSON.stringify(a.placeholderDefinition, null, 2) + "\n"],
        [`${workflow.name}.policy.json`, JSON.stringify(a.policy, null, 2) + "\n"],
        [`${workflow.name}.mmd`, a.mermaid],
        [`${workflow.name}.svg`, a.svg],
      ];
      for (const [name, text] of files) await writeFile(join(outDir, name), text);
      process.stdout.write(`${workflow.name}: ${files.map(([n]) => relative(process.cwd(), join(outDir, n))).join("  ")}\n`);
    } catch (e) {
      failed++;
      const message = e instanceof InvalidDefinitionError ? e.message : e instanceof Error ? e.message : String(e);
      process.stderr.write(`npm run synth: workflow ${workflow.name}: ${message}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`npm run synth: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
      process.exit(1);
    },
  );
}
