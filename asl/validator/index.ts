// PLACEHOLDER until the validator lands (issue 2): same signature, replaced wholesale by the validator's author.
import type { ValidationResult } from "../diagnostics";

export interface ValidateOptions {
  /** When given, checks that depend on the machine's type run (e.g. no Distributed Map in EXPRESS). */
  stateMachineType?: "STANDARD" | "EXPRESS";
}

export function validateDefinition(_definition: unknown, _options: ValidateOptions = {}): ValidationResult {
  return { valid: true, diagnostics: [] };
}
