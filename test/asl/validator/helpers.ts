import { validateDefinition, type ValidateOptions } from "../../../asl/validator";

/** The ERROR findings of a definition as [code, location] pairs, sorted, for exact comparisons. */
export function errors(definition: unknown, options?: ValidateOptions): Array<[string, string]> {
  return validateDefinition(definition, options)
    .diagnostics.filter((d) => d.severity === "ERROR")
    .map((d): [string, string] => [d.code, d.location])
    .sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
}

export function warnings(definition: unknown, options?: ValidateOptions): Array<[string, string]> {
  return validateDefinition(definition, options)
    .diagnostics.filter((d) => d.severity === "WARNING")
    .map((d): [string, string] => [d.code, d.location]);
}

export const LAMBDA = (name = "F") => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** A one-state machine around `state` named A (plus any extra states). */
export function machine(state: Record<string, unknown>, extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) {
  return { StartAt: "A", States: { A: state, ...extra }, ...top };
}

export const task = (fields: Record<string, unknown> = {}) => ({ Type: "Task", Resource: LAMBDA(), End: true, ...fields });

export function distributedMap(fields: Record<string, unknown> = {}, executionType = "STANDARD") {
  return {
    Type: "Map",
    ItemProcessor: {
      ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: executionType },
      StartAt: "P",
      States: { P: { Type: "Pass", End: true } },
    },
    End: true,
    ...fields,
  };
}

export function inlineMap(fields: Record<string, unknown> = {}) {
  return { Type: "Map", ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true, ...fields };
}
