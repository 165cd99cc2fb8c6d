/** What ProcessData returns, per item or batch; read back by the exactly-once check from the ResultWriter's files. */
import { z } from "zod";

export interface RangeResult {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly sum: number;
}

export interface BatchResult {
  readonly count: number;
  readonly sum: number;
  readonly ranges: readonly { readonly from: number; readonly to: number }[];
}

export type ProcessDataResult = RangeResult | BatchResult;

export const RangeResultSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  count: z.number().int(),
  sum: z.number().int(),
});
export const BatchResultSchema = z.object({
  count: z.number().int(),
  sum: z.number().int(),
  ranges: z.array(z.object({ from: z.number().int(), to: z.number().int() })),
});
export const ProcessDataResultSchema = z.union([BatchResultSchema, RangeResultSchema]);
