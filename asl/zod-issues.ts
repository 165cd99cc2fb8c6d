/**
 * zod's issues in words, written one way everywhere (builders, config, CLI flags, handlers, the
 * engine's parameter checks): `path.to.field: message` per issue, the path first so the reader sees
 * which field before why (zod's own `z.prettifyError` puts the path on a second line, which does not
 * fit one-line CLI and stack-file messages). Lives in asl/, the bottom layer, so every layer can use it.
 */
import type { z } from "zod";

export interface IssueFormat {
  /** Shown for an issue about the whole value (empty path), e.g. "(config)". Default "(input)". */
  readonly root?: string;
  /** Between issues. Default "; ". */
  readonly separator?: string;
  /** Before each non-empty path, e.g. "--" for CLI flags. */
  readonly pathPrefix?: string;
  /** Only the messages, without paths (when the messages name their fields themselves). */
  readonly messagesOnly?: boolean;
}

type Issues = z.ZodError | ReadonlyArray<z.core.$ZodIssue>;

/** One issue: `path: message`. */
export function formatIssue(issue: z.core.$ZodIssue, format: IssueFormat = {}): string {
  if (format.messagesOnly) return issue.message;
  const path = issue.path.map(String).join(".");
  return `${path ? `${format.pathPrefix ?? ""}${path}` : (format.root ?? "(input)")}: ${issue.message}`;
}

/** Every issue, `path: message`, joined by `separator`. */
export function formatIssues(issues: Issues, format: IssueFormat = {}): string {
  const list = "issues" in issues ? issues.issues : issues;
  return list.map((i) => formatIssue(i, format)).join(format.separator ?? "; ");
}
