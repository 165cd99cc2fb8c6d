/**
 * What the validator reports. Codes reuse the names of AWS's ValidateStateMachineDefinition
 * diagnostics where one fits (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html),
 * so a finding here reads the same as one from AWS.
 */
export type DiagnosticSeverity = "ERROR" | "WARNING";

export interface Diagnostic {
  /** e.g. SCHEMA_VALIDATION_FAILED, MISSING_TRANSITION_TARGET, DUPLICATE_STATE_NAME, INVALID_JSON_PATH. */
  code: string;
  /** JSON pointer into the definition, e.g. `/States/MapData/ItemBatcher/MaxItemsPerBatch`. */
  location: string;
  message: string;
  severity: DiagnosticSeverity;
}

export interface ValidationResult {
  valid: boolean;
  diagnostics: Diagnostic[];
}

/** Thrown by builders when the definition they produce is invalid; carries every diagnostic. */
export class InvalidDefinitionError extends Error {
  override readonly name = "InvalidDefinitionError";
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      `Invalid state machine definition:\n` +
        diagnostics.map((d) => `  ${d.severity} ${d.code} at ${d.location || "/"}: ${d.message}`).join("\n"),
    );
  }
}

/** Builds a JSON pointer from path segments, escaping `~` and `/` as RFC 6901 requires. */
export function jsonPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}
