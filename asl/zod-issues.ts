/**
 * zod's issues in words, written one way everywhere (workflow configs, stack and project files, CLI
 * flags, handler inputs, the engine's parameter checks, mock configs): `path.to.field: message` per
 * issue, the path first so the reader sees which field before why. zod 4's own `z.prettifyError`
 * puts the path on a second line (`✖ message\n  → at path`), which does not fit the one-line CLI,
 * stack-file and States.Runtime cause messages, so this is ours. It lives in asl/, the bottom layer,
 * so every layer can use it.
 */
import type { z } from "zod";

export interface IssueFormat {
  /** The label of an issue about the whole value (empty path), e.g. "(config)"; "" shows its message alone. Default "(input)". */
  readonly root?: string;
  /** Before each non-empty path: "--" for CLI flags, "ResultWriter.Parameters." for a field inside one. */
  readonly pathPrefix?: string;
  /** Between issues. Default "; ". */
  readonly separator?: string;
  /** The messages alone, when they name their fields themselves (CLI flag schemas). */
  readonly messagesOnly?: boolean;
}

type Issue = z.core.$ZodIssue;

/** The field an issue is about: `pathPrefix` + the dotted path, or `root` for the whole value. */
export function issuePath(issue: Issue, format: IssueFormat = {}): string {
  return issue.path.length > 0 ? `${format.pathPrefix ?? ""}${issue.path.map(String).join(".")}` : (format.root ?? "(input)");
}

/** One issue: `path: message`. */
export function formatIssue(issue: Issue, format: IssueFormat = {}): string {
  const path = format.messagesOnly ? "" : issuePath(issue, format);
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}

/** Every issue, `path: message`, joined by `separator`. */
export function formatIssues(issues: z.ZodError | readonly Issue[], format: IssueFormat = {}): string {
  const list = "issues" in issues ? issues.issues : issues;
  return list.map((i) => formatIssue(i, format)).join(format.separator ?? "; ");
}
