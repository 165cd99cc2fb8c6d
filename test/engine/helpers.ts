/** Shared test helpers: run a definition on a virtual clock with in-process handlers. */
import { run, type ExecutionResult, type HistoryEvent, type LambdaHandler, type RunOptions } from "../../engine";
import type { JsonValue } from "../../asl/types";

export const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

export function runDef(
  definition: unknown,
  input: JsonValue,
  handlers: Record<string, LambdaHandler> = {},
  options: Partial<RunOptions> = {},
): Promise<ExecutionResult> {
  // validate: false keeps these tests about the interpreter, independent of the validator's progress.
  return run(definition, input, { handlers, clock: "virtual", random: 42, validate: false, ...options });
}

/** A one-state machine around `state`, named S. */
export function single(state: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { StartAt: "S", States: { S: { End: true, ...state } }, ...extra };
}

export function eventsOf(result: ExecutionResult, type: string): HistoryEvent[] {
  return result.history.filter((e) => e.type === type);
}

/** The history as plain JSON (lazy details serialized), as GetExecutionHistory would return it. */
export function plainHistory(result: ExecutionResult): Array<Record<string, unknown>> {
  return JSON.parse(JSON.stringify(result.history)) as Array<Record<string, unknown>>;
}
