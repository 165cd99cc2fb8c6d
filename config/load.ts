/**
 * Reads a stack's configuration the way `pulumi up` would see it, without the Pulumi engine:
 * the defaults declared in Pulumi.yaml's `config:` block, overlaid by the `config:` map of
 * Pulumi.<stack>.yaml, checked by the one schema in config/schema.ts. The local CLI uses this;
 * index.ts reads the same keys through pulumi.Config and the same schema.
 */
import { FileReadError, readBoundedFile } from "./bounded-read";
import { join } from "node:path";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { z } from "zod";
import { stackNameSchema } from "./names";
import { parseStackConfig, StackConfigError, type StackConfig } from "./schema";
import { formatIssue } from "../asl/zod-issues";

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

const stackFileSchema = z
  .object({
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .nullable();

export interface ProjectFile {
  name: string;
  /** Declared project keys with their Pulumi type and default. */
  declared: Record<string, z.output<typeof declaredKey>>;
}

export function readProjectFile(projectDir: string): ProjectFile {
  const path = join(projectDir, "Pulumi.yaml");
  const parsed = projectFileSchema.safeParse(parseYaml(readConfigFile(path, "Pulumi.yaml"), path));
  if (!parsed.success) {
    throw new StackConfigError(
      path,
      parsed.error.issues.map((i) => formatIssue(i, { root: "(root)" })),
    );
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
  if (!name.success)
    throw new StackConfigError(
      `stack "${stack}"`,
      name.error.issues.map((i) => i.message),
    );
  const projectDir = options.projectDir ?? join(__dirname, "..");
  const projectFile = readProjectFile(projectDir);
  const stackPath = join(projectDir, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readConfigFile(stackPath, "stack file");
  } catch (e) {
    if (e instanceof StackConfigError) throw e;
    throw new StackConfigError(stackPath, [`stack file not found: create it with \`pulumi stack init ${stack}\``]);
  }
  return { project: projectFile.name, stack, config: parseStackFileText(text, stackPath, projectFile) };
}

/** Stack and project files are a few KiB; one larger than this is not a config file. */
const CONFIG_FILE_MAX_BYTES = 1024 * 1024;

/** A config file's text: a regular file of at most 1 MiB (a FIFO or device is refused, not waited on). */
function readConfigFile(path: string, what: string): string {
  try {
    return readBoundedFile(path, CONFIG_FILE_MAX_BYTES, what).toString("utf8");
  } catch (e) {
    if (e instanceof FileReadError && !/file not found/.test(e.message)) throw new StackConfigError(path, [e.message]);
    throw e;
  }
}

/**
 * YAML parsed in bounded time: aliases bounded (an alias expands to a copy of what it names, so a
 * few lines of nested aliases, "billion laughs", would take exponential time and memory), and
 * duplicate keys found in linear time.
 * https://eemeli.org/yaml/#options — maxAliasCount, "-1 disables the limit"; 100 is the default,
 * set here so the bound is visible.
 */
function parseYaml(text: string, source: string): unknown {
  // yaml's own duplicate-key check compares every key of a map with every other (20,000 keys took
  // 21 s): off, and done here with one set per map instead. A duplicate key is still an error.
  const document = parseDocument(text, { uniqueKeys: false });
  const problem = document.errors[0] ?? duplicateKey(document.contents);
  if (problem)
    throw new StackConfigError(source, [`not valid YAML: ${typeof problem === "string" ? problem : problem.message.split("\n")[0]}`]);
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new StackConfigError(source, [`not valid YAML: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`]);
  }
}

/** The first key that appears twice in one map of the document (anywhere in it), in words. */
function duplicateKey(node: unknown, depth = 0): string | undefined {
  if (depth > 100) return undefined;
  if (isMap(node)) {
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : String(pair.key);
      if (seen.has(key)) return `Map keys must be unique; "${String(key)}" is repeated`;
      seen.add(key);
      const inner = duplicateKey(pair.value, depth + 1);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = duplicateKey(item, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Parses the text of a Pulumi.<stack>.yaml against the project's declarations (exported for tests). */
export function parseStackFileText(text: string, source: string, projectFile: ProjectFile): StackConfig {
  const document = parseYaml(text, source);
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
