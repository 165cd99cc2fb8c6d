import * as pulumi from "@pulumi/pulumi";
/**
 * Physical names claimed in this program, per kind: two components given the same explicit name
 * would both try to create it, and the second would fail at `pulumi up` (StateMachineAlreadyExists,
 * ResourceAlreadyExistsException) after the first preview looked fine. Keyed by the program's
 * resource monitor, so each program run (and each `setMocks` in tests) starts empty.
 */
const claimed = new WeakMap<object, Map<string, string>>();
const NO_MONITOR = {};

export class DuplicatePhysicalNameError extends Error {
  override readonly name = "DuplicatePhysicalNameError";
}

/** Claims `physicalName` of `kind` for the component `owner`; throws naming both owners if another has it. */
export function claimPhysicalName(kind: string, physicalName: string, owner: string): void {
  const monitor = pulumi.runtime.getMonitor() ?? NO_MONITOR;
  let names = claimed.get(monitor);
  if (!names) claimed.set(monitor, (names = new Map()));
  const key = `${kind}\u0000${physicalName}`;
  const first = names.get(key);
  if (first !== undefined && first !== owner) {
    throw new DuplicatePhysicalNameError(
      `${kind} name "${physicalName}" is used by two components, "${first}" and "${owner}": AWS would refuse to create the second; give one of them another name`,
    );
  }
  names.set(key, owner);
}
