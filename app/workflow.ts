/**
 * The shape of a catalog entry, and how a workflow's own settings are read from the stack config.
 *
 * A workflow owns its settings schema (zod). The stack file holds the values under the workflow's
 * name: `<project>:workflows: { <name>: { ... } }`. A bad value is reported with the stack key and
 * the field, e.g. `sfn-distributed-map:workflows.jsonl-ranges.batchSize: must be ≥ 1 (got 0)`.
 */
import type { z } from "zod";
import type { StateMachine } from "../asl/builders";
import { StackConfigError, type StackConfig } from "../config/schema";
import type { WorkflowDemo } from "./demo";
import { formatIssue } from "../asl/zod-issues";

/** What a workflow needs to know about the deployed (or local) resources when it is built. */
export interface WorkflowResources {
  /** The payload/results bucket. */
  bucket: string;
}

export interface CatalogWorkflow {
  /** Short name; the state machine is named `<project>-<stack>-<name>`. */
  name: string;
  description: string;
  /** This workflow's own settings (`<project>:workflows.<name>` in the stack file); defaults make the section optional. */
  settings?: z.ZodType<unknown, unknown>;
  build(config: StackConfig, resources: WorkflowResources): StateMachine;
  /**
   * Where S3 locations chosen at run time (`Bucket.$`, `Key.$`) stay: passed to the permissions
   * derivation as context.dynamicS3. Undefined when every location is static.
   */
  dynamicS3(config: StackConfig, resources: WorkflowResources): { bucket: string; prefix: string } | undefined;
  /** What `npm start --workflow <name>` runs: input, data set, check, variants. */
  demo?: WorkflowDemo;
  /**
   * What the state machine does when it runs, written by hand from the workflow (not derived from
   * the definition: the least-privilege test proves the derived role allows exactly this, so it
   * must not come from the derivation). Optional for programs that build entries of their own; every
   * entry of this project's catalog declares it (test/infra/leastPrivilege.test.ts checks).
   */
  runtimeAccess?(config: StackConfig): WorkflowRuntimeAccess;
}

/** The requests a workflow's state machine makes, with example object keys in the dev stack's layout. */
export interface WorkflowRuntimeAccess {
  /** Lambda functions its Task states invoke (catalog names). */
  invokes: string[];
  /** Object keys its ItemReader reads (s3:GetObject). */
  reads: string[];
  /** Prefixes its ItemReader lists (s3:ListBucket with an s3:prefix condition). */
  lists: string[];
  /** An example key its ResultWriter writes, when it has one. */
  resultWriterKey?: string;
  /** Whether it runs a Distributed Map (starts child executions of itself). */
  distributedMap: boolean;
}

export class WorkflowSettingsError extends StackConfigError {}

function problemsOf(workflow: Pick<CatalogWorkflow, "name" | "settings">, raw: unknown, project: string): string[] {
  if (!workflow.settings) {
    return raw === undefined ? [] : [`${project}:workflows.${workflow.name}: workflow ${workflow.name} has no settings (remove this key)`];
  }
  const parsed = workflow.settings.safeParse(raw ?? {});
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => {
    const got = i.path.reduce<unknown>(
      (v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined),
      raw,
    );
    const unknownKeys = i.code === "unrecognized_keys" ? ` (${i.keys.join(", ")})` : "";
    const key = `${project}:workflows.${workflow.name}`;
    return `${formatIssue(i, { root: key, pathPrefix: `${key}.` })}${unknownKeys}${got !== undefined && i.code !== "unrecognized_keys" ? ` (got ${JSON.stringify(got)})` : ""}`;
  });
}

/**
 * The workflow's settings from the stack config, parsed by its own schema (defaults applied).
 * Throws a WorkflowSettingsError naming the stack key and the field.
 */
export function workflowSettings<T>(
  workflow: { name: string; settings: z.ZodType<T, unknown> },
  config: StackConfig,
  project = "<project>",
  source = "the stack config",
): T {
  const raw = config.workflows?.[workflow.name];
  const problems = problemsOf(workflow, raw, project);
  if (problems.length > 0) throw new WorkflowSettingsError(source, problems);
  return workflow.settings.parse(raw ?? {});
}

/**
 * Checks every workflow's section at once (and that no section names an unknown workflow), so a run
 * or a preview reports every problem of the stack file, not the first workflow's.
 */
export function checkWorkflowSettings(
  config: StackConfig,
  workflows: ReadonlyArray<CatalogWorkflow>,
  project: string,
  source: string,
): void {
  const problems: string[] = [];
  const names = new Set(workflows.map((w) => w.name));
  for (const name of Object.keys(config.workflows ?? {})) {
    if (!names.has(name)) problems.push(`${project}:workflows.${name}: unknown workflow (known: ${[...names].join(", ")})`);
  }
  for (const w of workflows) problems.push(...problemsOf(w, config.workflows?.[w.name], project));
  if (problems.length > 0) throw new WorkflowSettingsError(source, problems);
}
