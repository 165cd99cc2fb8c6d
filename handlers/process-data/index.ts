/**
 * ProcessData: the Distributed Map's item processor. Does real, checkable work on each `{from, to}`
 * range (the count and the sum of the integers in `[from, to)`) so that a whole run can be proven to
 * have processed every number exactly once (see `checkExactlyOnce`).
 *
 * Accepts one item, or an ItemBatcher batch: with an ItemBatcher the child execution's input is an
 * object whose `Items` array holds the batch's items, plus `BatchInput` when the ItemBatcher sets
 * one (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html).
 */
import { z } from "zod";
import { issuesOf, type InputIssue } from "../shared/errors";
import type { ProcessDataResult, RangeResult } from "./result";

/** Same bound as CaptureInput's `number`: sums over `[0, MAX]` stay exact below 2^53. */
export const MAX_BOUND = 100_000_000;

/** An item (or a batch) that is not a valid range: a named error so Retry/Catch and the Map's
 * tolerated-failure threshold can act on it (Step Functions sees Error = "InvalidItemError"). */
export class InvalidItemError extends Error {
  override readonly name = "InvalidItemError";
  constructor(readonly issues: readonly InputIssue[]) {
    super(`ProcessData: invalid item: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
}

const bound = z
  .number({
    error: (issue) => (issue.input === undefined ? "required" : `must be a number, got ${JSON.stringify(issue.input)}`),
  })
  .int("must be an integer")
  .min(0, "must be >= 0")
  .max(MAX_BOUND, `must be <= ${MAX_BOUND}`);

export const RangeItemSchema = z
  .object({ from: bound, to: bound }, { error: "expected an object {from, to}" })
  .refine((r) => r.to > r.from, { message: "must be greater than from", path: ["to"] });

export const BatchSchema = z.object({
  Items: z.array(RangeItemSchema, { error: "must be an array of {from, to}" }).min(1, "must not be empty"),
  BatchInput: z.unknown().optional(),
});

export type RangeItem = z.infer<typeof RangeItemSchema>;
export type Batch = z.input<typeof BatchSchema>;

export {
  BatchResultSchema,
  ProcessDataResultSchema,
  RangeResultSchema,
  type BatchResult,
  type ProcessDataResult,
  type RangeResult,
} from "./result";

/** Count and sum of the integers in `[from, to)` (Gauss; exact below 2^53). */
export function rangeStats(from: number, to: number): RangeResult {
  const count = to - from;
  return { from, to, count, sum: ((from + to - 1) * count) / 2 };
}

function isBatch(event: unknown): boolean {
  return typeof event === "object" && event !== null && "Items" in event;
}

export async function processData(event: unknown): Promise<ProcessDataResult> {
  if (isBatch(event)) {
    const parsed = BatchSchema.safeParse(event);
    if (!parsed.success) throw new InvalidItemError(issuesOf(parsed.error));
    let count = 0;
    let sum = 0;
    const ranges = parsed.data.Items.map(({ from, to }) => {
      const stats = rangeStats(from, to);
      count += stats.count;
      sum += stats.sum;
      return { from, to };
    });
    return { count, sum, ranges };
  }
  const parsed = RangeItemSchema.safeParse(event);
  if (!parsed.success) throw new InvalidItemError(issuesOf(parsed.error));
  return rangeStats(parsed.data.from, parsed.data.to);
}

export { checkExactlyOnce, type ExactlyOnceReport } from "./exactly-once";
