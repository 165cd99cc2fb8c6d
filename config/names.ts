/**
 * Names a user gives that become one folder or file name on their disk: a stack name
 * (`Pulumi.<stack>.yaml`, `<run root>/<stack>/`), a workflow name, a file name inside a folder.
 * Each must be exactly one path segment: "." and ".." name the folder itself or its parent, and a
 * separator names a folder elsewhere; either would let a run read, write or prune outside its own
 * folder (`--stack ..` once pruned the whole checkout).
 */
import { z } from "zod";

/** True when `name` is one path segment: not empty, not "." or "..", no separator, no NUL. */
export function isPathSegment(name: string): boolean {
  return name.length > 0 && name !== "." && name !== ".." && !/[/\\\0]/.test(name);
}

/** The rule in words, for messages. */
export const PATH_SEGMENT_RULE = `one folder name: not "." or "..", no "/" or "\\"`;

/**
 * A Pulumi stack name: "alphanumeric, hyphens, underscores, or periods"
 * (https://www.pulumi.com/docs/iac/concepts/stacks/#create-stack), at most 100 characters, and one
 * path segment. `what` names the flag or key in the message, e.g. "--stack".
 */
export const stackNameSchema = (what: string) =>
  z
    .string({ error: `${what} must be a stack name, e.g. dev` })
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: `${what} must be a stack name (letters, digits, _ . -, at most 100), e.g. dev` })
    .refine(isPathSegment, { error: `${what} must be a stack name, not "." or ".." (it names a folder: ${PATH_SEGMENT_RULE})` });
