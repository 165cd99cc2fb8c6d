/**
 * Reads a stack's configuration the way `pulumi up` would see it, without the Pulumi engine:
 * the defaults declared in Pulumi.yaml's `config:` block, overlaid by the `config:` map of
 * Pulumi.<stack>.yaml, checked by the one schema in config/schema.ts. The local CLI uses this;
 * index.ts reads the same keys through pulumi.Config and the same schema.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { stackNameSchema } from "./names";
import { parseStackConfig, StackConfigError, type StackConfig } from "./schema";

const declaredKey = z.object({
  type: z.enum(["string", "integer", "boolean", "array"]),
  description: z.string().optional(),
  default: z.unknown().optional(),
  secret: z.boolean().optional(),
});

const projectFileSchema = z.object({
  name: z.string().min(1),
  runtime: z.unknown(),
  config: z.record(z.string(), declaredKey).optional(),
});

const stackFileSchema = z.object({
  config: z.record(z.string(), z.unknown()).optional(),
}).nullable();

export interface ProjectFile {
  name: string;
  /** Declared project keys with their Pulumi type and default. */
  declared: Record<string, z.output<typeof declaredKey>>;
}

export function readProjectFile(projectDir: string): ProjectFile {
  const path = join(projectDir, "Pulumi.yaml");
  const parsed = projectFileSchema.safeParse(parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new StackConfigError(path, parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return { name: parsed.data.name, declared: parsed.data.config ?? {} };
}

export interface LoadOptions {
  stack?: string;
  /** The folder holding Pulumi.yaml; defaults to the repository root (where this file's parent is). */
  projectDir?: string;
}

export interface LoadedStackConfig {
  project: string;
  stack: string;
  config: StackConfig;
}

export function loadStackConfig(options: LoadOptions = {}): LoadedStackConfig {
  const stack = options.stack ?? "dev";
  // The stack name becomes a file name here and a folder name for run data: one path segment only.
  const name = stackNameSchema("the stack name").safeParse(stack);
  if (!name.success) throw new StackConfigError(`stack "${stack}"`, name.error.issues.map((i) => i.message));
  const projectDir = options.projectDir ?? join(__dirname, "..");
  const projectFile = readProjectFile(projectDir);
  const stackPath = join(projectDir, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(stackPath, "utf8");
  } catch {
    throw new StackConfigError(stackPath, [`stack file not found: create it with \`pulumi stack init ${stack}\``]);
  }
  return { project: projectFile.name, stack, config: parseStackFileText(text, stackPath, projectFile) };
}

/** Parses the text of a Pulumi.<stack>.yaml against the project's declarations (exported for tests). */
export function parseStackFileText(text: string, source: string, projectFile: ProjectFile): StackConfig {
  let document: unknown;
  try {
    document = parse(text);
  } catch (e) {
    throw new StackConfigError(source, [`not valid YAML: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`]);
  }
  const parsedFile = stackFileSchema.safeParse(document);
  if (!parsedFile.success) throw new StackConfigError(source, ["the file must be a YAML map with a `config:` map"]);
  const values = parsedFile.data?.config ?? {};
  const project: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(projectFile.declared)) {
    if (declaration.default !== undefined) project[key] = declaration.default;
  }
  const prefix = `${projectFile.name}:`;
  for (const [qualified, value] of Object.entries(values)) {
    if (qualified.startsWith(prefix)) project[qualified.slice(prefix.length)] = value;
  }
  return parseStackConfig({ project, region: values["aws:region"] }, source, projectFile.name);
}
