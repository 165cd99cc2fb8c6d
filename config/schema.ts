/**
 * The stack configuration: one zod schema read by both the Pulumi program (through pulumi.Config)
 * and the local CLI (through config/load.ts, straight from Pulumi.<stack>.yaml). Pulumi-free on
 * purpose, so `npm start` can use it without the Pulumi engine.
 *
 * Keys are flat because Pulumi.yaml's `config:` block only types primitives and arrays
 * (https://www.pulumi.com/docs/iac/concepts/projects/project-file/#config-options: "The type of this
 * config property, either string, boolean, integer, or array"). The defaults here are the defaults
 * declared in Pulumi.yaml; test/config asserts the two agree.
 */
import { z } from "zod";
import { isPathSegment, PATH_SEGMENT_RULE } from "./names";

/** Keys that name Object.prototype's own machinery rather than a value. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html — the only values retentionInDays accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const int = (key: string, min: number, max: number, why = "") =>
  z
    .number({ error: `${key} must be a number` })
    .int({ error: `${key} must be an integer` })
    .min(min, { error: `${key} must be between ${min} and ${max}${why}` })
    .max(max, { error: `${key} must be between ${min} and ${max}${why}` });

const bool = (key: string) => z.boolean({ error: `${key} must be true or false` });

const oneOf = <const T extends readonly [string, ...string[]]>(key: string, values: T) =>
  z.enum(values, { error: `${key} must be one of ${values.join(", ")}` });

const s3Prefix = (key: string) =>
  z
    .string({ error: `${key} must be a string` })
    .min(2, { error: `${key} must name a folder, e.g. "payloads/"` })
    .max(200, { error: `${key} must be at most 200 characters` })
    .regex(/^[A-Za-z0-9!_.*'()\-/]+\/$/, {
      error: `${key} must end with "/" and use only S3 safe characters (letters, digits, ! _ . * ' ( ) - /)`,
    })
    .refine((p) => !p.startsWith("/"), { error: `${key} must not start with "/" (S3 keys are relative to the bucket)` })
    // Each "/"-separated segment becomes a folder on a local S3 store: "", "." and ".." would name
    // the same folder, its parent or an empty name, and a run could write outside .local-s3.
    .refine(
      (p) =>
        p
          .slice(0, -1)
          .split("/")
          .every((segment) => segment !== "" && segment !== "." && segment !== ".."),
      {
        error: `${key} must not contain empty, "." or ".." path segments (e.g. "a//b/", "./", "../")`,
      },
    );

/** The project's own keys (namespaced `<project>:<key>` in stack files). */
export const projectConfigSchema = z
  .object({
    /** The seed demo used MaxConcurrency 5. 0 means "no limit" in ASL; AWS caps Distributed Map at 10,000 (LIMITS.distributedMaxConcurrency). */
    maxConcurrency: int(
      "maxConcurrency",
      0,
      10_000,
      " (0 = no limit; Distributed Map runs at most 10,000 child executions at once)",
    ).default(5),
    childExecutionType: oneOf("childExecutionType", ["STANDARD", "EXPRESS"]).default("STANDARD"),
    /** 0 = no ItemBatcher (each child gets one item, as in the seed demo). */
    batchSize: int("batchSize", 0, 100_000_000, " (0 = no ItemBatcher)").default(0),
    toleratedFailurePercentage: int("toleratedFailurePercentage", 0, 100).default(0),
    /** Whether the Distributed Map writes its results to the bucket's results prefix (ResultWriter). */
    writeResults: bool("writeResults").default(true),
    /** https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html — "between 128 MB and 10,240 MB". */
    lambdaMemoryMb: int("lambdaMemoryMb", 128, 10_240).default(128),
    /** https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html — "The maximum allowed value is 900 seconds". */
    lambdaTimeoutSeconds: int("lambdaTimeoutSeconds", 1, 900).default(60),
    lambdaArchitecture: oneOf("lambdaArchitecture", ["arm64", "x86_64"]).default("arm64"),
    /** https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html — level ALL | ERROR | FATAL | OFF. */
    logLevel: oneOf("logLevel", ["ALL", "ERROR", "FATAL", "OFF"]).default("ERROR"),
    includeExecutionData: bool("includeExecutionData").default(false),
    tracing: bool("tracing").default(false),
    kms: bool("kms").default(false),
    payloadPrefix: s3Prefix("payloadPrefix").default("payloads/"),
    resultsPrefix: s3Prefix("resultsPrefix").default("results/"),
    payloadExpirationDays: int("payloadExpirationDays", 1, 3650).default(7),
    resultsExpirationDays: int("resultsExpirationDays", 1, 3650).default(30),
    logRetentionDays: z
      .number({ error: "logRetentionDays must be a number" })
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        error: `logRetentionDays must be one of the values CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .default(14),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Lifecycle rules and IAM grants are per prefix; overlapping prefixes would let one area's
    // expiry or grant reach into the other.
    if (c.payloadPrefix.startsWith(c.resultsPrefix) || c.resultsPrefix.startsWith(c.payloadPrefix)) {
      ctx.addIssue({
        code: "custom",
        path: ["resultsPrefix"],
        message: `resultsPrefix must not overlap payloadPrefix ("${c.resultsPrefix}" vs "${c.payloadPrefix}")`,
      });
    }
    if (c.includeExecutionData && c.logLevel === "OFF") {
      ctx.addIssue({
        code: "custom",
        path: ["includeExecutionData"],
        message: "includeExecutionData must be false when logLevel is OFF (nothing is logged)",
      });
    }
  });

/** Provider keys read alongside the project's own. */
export const providerConfigSchema = z.object({
  region: z
    .string({ error: "aws:region is required (pulumi config set aws:region us-east-1)" })
    .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, { error: "aws:region must be an AWS region code such as us-east-1" }),
});

export type ProjectConfig = z.output<typeof projectConfigSchema>;
/**
 * Each workflow's own settings, by workflow name: `<project>:workflows: { <name>: {...} }` in the
 * stack file (structured config: Pulumi.yaml's `config:` block cannot declare an object type, so the
 * key is read here rather than declared there). Each catalog workflow checks its own section with its
 * own zod schema (app/catalog.ts workflowSettings); this schema only requires a map of maps.
 */
export const workflowsConfigSchema = z
  .record(
    // A workflow name is also a folder name for its data: one path segment. (Keys such as
    // "__proto__" are refused before this schema: zod drops them silently, see forbiddenKeys.)
    z.string().refine(isPathSegment, { error: `a workflow name must be ${PATH_SEGMENT_RULE}` }),
    z.record(z.string(), z.unknown(), { error: "each workflow's settings must be a map, e.g. {batchSize: 10}" }),
    {
      error: (issue) =>
        issue.code === "invalid_key"
          ? `a workflow name must be ${PATH_SEGMENT_RULE}`
          : "workflows must be a map from workflow name to its settings",
    },
  )
  .default({});

export type StackConfig = ProjectConfig & z.output<typeof providerConfigSchema> & { workflows: Record<string, Record<string, unknown>> };
export type ProjectConfigKey = keyof z.input<typeof projectConfigSchema>;

/** How each project key is declared in Pulumi.yaml (`type:`), and so how a raw string is read. */
export const PROJECT_CONFIG_TYPES: Record<ProjectConfigKey, "string" | "integer" | "boolean"> = {
  maxConcurrency: "integer",
  childExecutionType: "string",
  batchSize: "integer",
  toleratedFailurePercentage: "integer",
  writeResults: "boolean",
  lambdaMemoryMb: "integer",
  lambdaTimeoutSeconds: "integer",
  lambdaArchitecture: "string",
  logLevel: "string",
  includeExecutionData: "boolean",
  tracing: "boolean",
  kms: "boolean",
  payloadPrefix: "string",
  resultsPrefix: "string",
  payloadExpirationDays: "integer",
  resultsExpirationDays: "integer",
  logRetentionDays: "integer",
};

export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid stack configuration in ${source}:\n` + problems.map((p) => `  - ${p}`).join("\n"));
  }
}

/** The config key as a user writes it in the stack file (`<project>:<key>` or `aws:region`). */
function qualifiedKey(project: string, path: ReadonlyArray<PropertyKey>, provider: boolean): string {
  const key = path.map(String).join(".");
  return provider ? `aws:${key}` : `${project}:${key}`;
}

export interface RawStackConfig {
  /** The project's own keys, unqualified (`maxConcurrency`), typed as YAML typed them. */
  project: Record<string, unknown>;
  /** `aws:region`. */
  region: unknown;
}

/**
 * Validates raw values. Every problem names the key as written in the stack file and the rule
 * it breaks, e.g. `sfn-distributed-map:maxConcurrency: maxConcurrency must be between 0 and 10000`.
 */
export function parseStackConfig(raw: RawStackConfig, source: string, project: string): StackConfig {
  const problems: string[] = forbiddenKeys(raw.project).map(
    (path) =>
      `${qualifiedKey(project, path, false)}: "${path.at(-1)}" is not a valid key (it names JavaScript's object machinery, not a setting)`,
  );
  const { workflows: rawWorkflows, ...flat } = raw.project;
  const workflowsResult = workflowsConfigSchema.safeParse(rawWorkflows);
  if (!workflowsResult.success) {
    for (const issue of workflowsResult.error.issues)
      problems.push(`${qualifiedKey(project, ["workflows", ...issue.path], false)}: ${issue.message}`);
  }
  const projectResult = projectConfigSchema.safeParse(flat);
  if (!projectResult.success) {
    for (const issue of projectResult.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys)
          problems.push(`${project}:${k}: unknown key (known keys: ${Object.keys(PROJECT_CONFIG_TYPES).join(", ")})`);
      } else {
        problems.push(
          `${qualifiedKey(project, issue.path, false)}: ${issue.message} (got ${JSON.stringify(valueAt(raw.project, issue.path))})`,
        );
      }
    }
  }
  const providerResult = providerConfigSchema.safeParse({ region: raw.region });
  if (!providerResult.success) {
    for (const issue of providerResult.error.issues) {
      problems.push(`${qualifiedKey(project, issue.path, true)}: ${issue.message} (got ${JSON.stringify(raw.region)})`);
    }
  }
  if (problems.length > 0 || !projectResult.success || !providerResult.success || !workflowsResult.success)
    throw new StackConfigError(source, problems);
  return { ...projectResult.data, ...providerResult.data, workflows: workflowsResult.data };
}

/**
 * The paths of keys named __proto__, constructor or prototype anywhere in a raw config value. YAML
 * and JSON parsers make them own keys; zod's record drops "__proto__" without an issue, and code
 * copying the map would set an object's prototype instead of a value: refused up front.
 */
function forbiddenKeys(value: unknown, path: string[] = [], depth = 0): string[][] {
  if (value === null || typeof value !== "object" || depth > 64) return [];
  const found: string[][] = [];
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) found.push([...path, key]);
    else found.push(...forbiddenKeys((value as Record<string, unknown>)[key], [...path, key], depth + 1));
  }
  return found;
}

function valueAt(obj: Record<string, unknown>, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = obj;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/**
 * Turns the flat string map Pulumi hands a program (`pulumi.runtime.allConfig()`: keys
 * `<project>:<key>`, values always strings) into the types Pulumi.yaml declares, so the same schema
 * checks both sources. A value that does not look like its declared type stays a string, and the
 * schema then reports it; an undeclared `<project>:` key is kept so the schema reports it as unknown.
 */
export function rawFromPulumiConfig(all: Record<string, string>, project: string): RawStackConfig {
  const types: Record<string, "string" | "integer" | "boolean"> = PROJECT_CONFIG_TYPES;
  const out: Record<string, unknown> = {};
  for (const [qualified, v] of Object.entries(all)) {
    if (!qualified.startsWith(`${project}:`)) continue;
    const key = qualified.slice(project.length + 1);
    const type = types[key];
    // Structured config reaches a program as JSON text (pulumi.runtime.allConfig()).
    if (key === "workflows") {
      try {
        out[key] = JSON.parse(v) as unknown;
      } catch {
        out[key] = v;
      }
      continue;
    }
    if (type === "integer" && /^-?\d+(\.\d+)?$/.test(v.trim())) out[key] = Number(v);
    else if (type === "boolean" && (v === "true" || v === "false")) out[key] = v === "true";
    else out[key] = v;
  }
  return { project: out, region: all["aws:region"] };
}
