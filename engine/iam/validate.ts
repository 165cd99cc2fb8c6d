/**
 * One validation for every definition a local run can start, the same as `validate` runs on a file:
 * the JSON text when there is one (so duplicate keys are found), the machine type when known, and
 * the SDK's operations and IAM's action list for AWS SDK tasks. `validate` itself calls
 * validateLikeCli, so the two cannot drift. A run validates all its machines (the main definition,
 * each nested machine, each batch case) before any starts, and a failure names the machine.
 */
import { parse } from "@humanwhocodes/momoa";
import type { Diagnostic, ValidationResult } from "../../asl/diagnostics";
import { validateDefinition } from "../../asl/validator";

export type MachineType = "STANDARD" | "EXPRESS";

/** What `validate FILE` reports for this text (or parsed value, which cannot carry duplicate keys). */
export async function validateLikeCli(definition: string | unknown, type?: MachineType): Promise<ValidationResult> {
  let value: unknown = definition;
  if (typeof definition === "string") {
    if (!definition.includes(":::aws-sdk:")) return validateDefinition(definition, type ? { stateMachineType: type } : {});
    try {
      value = JSON.parse(definition);
    } catch {
      return validateDefinition(definition, type ? { stateMachineType: type } : {}); // reports the JSON error itself
    }
  }
  // IAM's action list and the SDK's operations, read only for definitions with AWS SDK tasks.
  // Loaded lazily (a plain `validate` starts without IAM's action list and the SDK's operations), with
  // require: a dynamic import() of an extensionless path is left to Node's ESM resolver under tsx's
  // CommonJS hook, which cannot find it; this package is CommonJS, so require is always there.
  const iamActions = JSON.stringify(value ?? null)?.includes(":::aws-sdk:")
    ? await (require("./actions") as typeof import("./actions")).iamCatalogFor(value)
    : undefined;
  return validateDefinition(definition, { ...(type ? { stateMachineType: type } : {}), ...(iamActions ? { iamActions } : {}) });
}

export interface MachineToValidate {
  /** How the user named it: `definition file flow.json`, `nested machine Child (--state-machine Child=child.json)`. */
  machine: string;
  /** The JSON text when there is one, else the parsed definition. */
  definition: string | unknown;
  type?: MachineType;
}

export interface RejectedMachine {
  machine: string;
  errors: Diagnostic[];
}

/** Thrown before anything runs: every machine that would not pass `validate`, each with its errors. */
export class DefinitionsRejectedError extends Error {
  override readonly name = "DefinitionsRejectedError";
  constructor(readonly rejected: RejectedMachine[]) {
    super(
      rejected
        .map(
          (r) =>
            `${r.machine} is invalid (nothing was started):\n${r.errors.map((d) => `  ${d.code} at ${d.location || "/"}: ${d.message}`).join("\n")}`,
        )
        .join("\n"),
    );
  }
}

/** A warning `validate` gives on one machine a run may start, as one line naming that machine. */
export function machineWarning(machine: string, d: Diagnostic): string {
  return `${machine}: ${d.code} at ${d.location || "/"}: ${d.message}`;
}

/**
 * Validates every machine; throws DefinitionsRejectedError naming each invalid one. Returns the
 * warnings of the valid ones (machineWarning lines): where AWS's behaviour is to accept what will not
 * work (a `.waitForTaskToken` task that does not send its token), the run says so rather than fails.
 */
export async function validateBeforeRun(machines: readonly MachineToValidate[]): Promise<string[]> {
  const rejected: RejectedMachine[] = [];
  const warnings: string[] = [];
  for (const m of machines) {
    const r = await validateLikeCli(m.definition, m.type);
    const errors = r.diagnostics.filter((d) => d.severity === "ERROR");
    if (!r.valid || errors.length > 0) rejected.push({ machine: m.machine, errors: errors.length ? errors : r.diagnostics });
    for (const d of r.diagnostics) if (d.severity === "WARNING") warnings.push(machineWarning(m.machine, d));
  }
  if (rejected.length > 0) throw new DefinitionsRejectedError(rejected);
  return warnings;
}

/**
 * The text of one member of a JSON object text (a `--batch` line's `definition`), so its duplicate
 * keys are checked as in a file; undefined when the member is absent or the text does not parse.
 */
export function memberText(objectText: string, member: string): string | undefined {
  try {
    const ast = parse(objectText, { mode: "json", ranges: true });
    if (ast.body.type !== "Object") return undefined;
    const m = ast.body.members.find((x) => (x.name.type === "String" ? x.name.value : x.name.name) === member);
    if (!m) return undefined;
    return objectText.slice(m.value.loc.start.offset, m.value.loc.end.offset);
  } catch {
    return undefined;
  }
}
