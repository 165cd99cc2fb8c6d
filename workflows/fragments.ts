/**
 * Pieces of the seed workflow that other workflows reuse. Each is a function, so every call builds
 * fresh states: a fragment can be placed in several machines, or twice in one machine under
 * different names.
 */
import type { z } from "zod";
import { task, type AnyLambdaRef, type TaskState } from "../asl/builders";
import { formatIssues } from "../asl/zod-issues";

export interface StepNameOptions {
  /** The state's name; change it when the fragment is placed twice in one machine. */
  readonly name?: string;
}

/**
 * The seed's CaptureInput step: invokes the capture function by its direct ARN; its result
 * (`{ bucket, key, count }`) becomes the next state's input.
 */
export function captureInputStep(captureInput: AnyLambdaRef, options: StepNameOptions = {}): TaskState {
  return task(options.name ?? "CaptureInput", captureInput);
}

/**
 * The seed's item processor: one Lambda call per item (or per batch when the map batches), invoked by
 * direct ARN so the item is the event. Place it as a Map's `processor` or in a Parallel branch.
 */
export function processEachItem(processData: AnyLambdaRef, options: StepNameOptions = {}): TaskState {
  return task(options.name ?? "ProcessData", processData);
}

/** A workflow function's config, parsed by its schema; a bad value throws naming the function, the field and the rule. */
export function parseWorkflowConfig<T>(schema: z.ZodType<T>, config: unknown, who: string): T {
  const parsed = schema.safeParse(config);
  if (!parsed.success) throw new Error(`${who}: invalid config: ${formatIssues(parsed.error, { root: "(config)" })}`);
  return parsed.data;
}
