/**
 * The estimated AWS bill of one run, from what the local run counted (state transitions, child
 * executions, Lambda invocations and their durations) and the price table in ./prices.ts.
 *
 * Local durations stand in for Lambda's: they are the same code, but AWS CPUs, cold starts and the
 * network to S3 differ, so the duration lines are an order-of-magnitude guide. Request and
 * transition lines are exact counts.
 */
import { z } from "zod";
import { PRICE_TABLE, type LambdaArchitecture } from "./prices";

export const ExecutionTypeSchema = z.enum(["STANDARD", "EXPRESS"]);
export type ExecutionType = z.infer<typeof ExecutionTypeSchema>;

export interface LambdaUsage {
  functionName: string;
  invocations: number;
  /** Sum over invocations of each one's duration rounded up to Lambda's 1 ms billing unit. */
  billedDurationMs: number;
  memoryMb: number;
  architecture: LambdaArchitecture;
}

export interface ExecutionUsage {
  type: ExecutionType;
  executions: number;
  stateTransitions: number;
  /** Sum over executions of each one's duration rounded up to Express's 100 ms billing unit (EXPRESS only). */
  billedDurationMs: number;
  /** Express memory per execution, in MB; rounded up to 64-MB chunks. */
  memoryMb?: number;
}

export interface RunUsage {
  parent: ExecutionUsage;
  /** Child executions of Distributed Maps, if any. */
  children?: ExecutionUsage;
  /** Executions started by `states:startExecution` tasks, by type (billed like any other execution). */
  nested?: ExecutionUsage[];
  lambdas: LambdaUsage[];
}

/** The nested executions of a run (ExecutionResult.nestedExecutions) as billable usage, one entry per type. */
export function nestedUsage(
  records: ReadonlyArray<{ type: ExecutionType; stateTransitions: number; durationMs: number }>,
): ExecutionUsage[] {
  const out: ExecutionUsage[] = [];
  for (const type of ["STANDARD", "EXPRESS"] as const) {
    const of = records.filter((r) => r.type === type);
    if (of.length === 0) continue;
    out.push({
      type,
      executions: of.length,
      stateTransitions: of.reduce((n, r) => n + r.stateTransitions, 0),
      billedDurationMs: of.reduce((n, r) => n + billedMs(r.durationMs, PRICE_TABLE.stepFunctions.expressDurationRoundingMs), 0),
    });
  }
  return out;
}

export interface BillLine {
  service: "Step Functions" | "Lambda";
  item: string;
  quantity: number;
  unit: string;
  unitPriceUsd: number;
  costUsd: number;
}

export interface BillEstimate {
  region: string;
  priceDate: string;
  sources: string[];
  lines: BillLine[];
  totalUsd: number;
  notes: string[];
}

/** Rounds a duration up to a billing unit (ms). */
export function billedMs(durationMs: number, unitMs: number): number {
  return Math.max(unitMs, Math.ceil(durationMs / unitMs) * unitMs);
}

function executionLines(label: string, usage: ExecutionUsage): BillLine[] {
  const sf = PRICE_TABLE.stepFunctions;
  if (usage.type === "STANDARD") {
    return [
      {
        service: "Step Functions",
        item: `${label} state transitions (STANDARD)`,
        quantity: usage.stateTransitions,
        unit: "transition",
        unitPriceUsd: sf.standardPerStateTransition,
        costUsd: usage.stateTransitions * sf.standardPerStateTransition,
      },
    ];
  }
  const chunks = Math.max(1, Math.ceil((usage.memoryMb ?? sf.expressMemoryChunkMb) / sf.expressMemoryChunkMb));
  const gb = (chunks * sf.expressMemoryChunkMb) / 1024;
  const gbSeconds = (usage.billedDurationMs / 1000) * gb;
  return [
    {
      service: "Step Functions",
      item: `${label} requests (EXPRESS)`,
      quantity: usage.executions,
      unit: "request",
      unitPriceUsd: sf.expressPerRequest,
      costUsd: usage.executions * sf.expressPerRequest,
    },
    {
      service: "Step Functions",
      item: `${label} duration (EXPRESS, ${chunks * sf.expressMemoryChunkMb} MB)`,
      quantity: gbSeconds,
      unit: "GB-second",
      unitPriceUsd: sf.expressPerGbSecond,
      costUsd: gbSeconds * sf.expressPerGbSecond,
    },
  ];
}

export function estimateBill(usage: RunUsage): BillEstimate {
  const lines: BillLine[] = [...executionLines("parent", usage.parent)];
  if (usage.children && usage.children.executions > 0) lines.push(...executionLines("child", usage.children));
  for (const nested of usage.nested ?? []) if (nested.executions > 0) lines.push(...executionLines("nested", nested));
  const lp = PRICE_TABLE.lambda;
  for (const fn of usage.lambdas) {
    if (fn.invocations === 0) continue;
    lines.push({
      service: "Lambda",
      item: `${fn.functionName} requests`,
      quantity: fn.invocations,
      unit: "request",
      unitPriceUsd: lp.perRequest,
      costUsd: fn.invocations * lp.perRequest,
    });
    const gbSeconds = (fn.billedDurationMs / 1000) * (fn.memoryMb / 1024);
    const perGbSecond = lp.perGbSecond[fn.architecture];
    lines.push({
      service: "Lambda",
      item: `${fn.functionName} duration (${fn.memoryMb} MB, ${fn.architecture})`,
      quantity: gbSeconds,
      unit: "GB-second",
      unitPriceUsd: perGbSecond,
      costUsd: gbSeconds * perGbSecond,
    });
  }
  const notes = [
    "list prices, free tiers not subtracted",
    "Lambda and Express durations measured locally (an estimate of AWS's)",
    "S3 requests and storage, CloudWatch Logs and X-Ray not included",
  ];
  if (usage.children?.type === "EXPRESS" && usage.children.memoryMb === undefined)
    notes.push("Express memory assumed at the 64-MB minimum");
  return {
    region: PRICE_TABLE.region,
    priceDate: PRICE_TABLE.retrieved,
    sources: [PRICE_TABLE.sources.stepFunctions, PRICE_TABLE.sources.lambda],
    lines,
    totalUsd: lines.reduce((sum, l) => sum + l.costUsd, 0),
    notes,
  };
}

/** Dollars with enough digits to see sub-cent amounts: $0.5025, $0.000213. */
export function formatUsd(amount: number): string {
  if (amount === 0) return "$0.00";
  if (amount >= 0.01) return `$${amount.toFixed(4)}`;
  // Three significant digits, written out: $0.000000200 rather than 2.00e-7.
  const decimals = Math.min(12, 2 - Math.floor(Math.log10(amount)));
  return `$${amount.toFixed(decimals)}`;
}

export function formatBill(bill: BillEstimate): string[] {
  const rows = bill.lines.map((l) => [l.service, l.item, formatQuantity(l.quantity), formatUsd(l.costUsd)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 0));
  const out = rows.map(
    (r) => `  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]!.padStart(widths[2]!)}  ${r[3]!.padStart(widths[3]!)}`,
  );
  out.push(`  ${"total".padEnd(widths[0]! + widths[1]! + widths[2]! + 4)}  ${formatUsd(bill.totalUsd).padStart(widths[3]!)}`);
  out.push(`  (${bill.region} prices of ${bill.priceDate}: ${bill.sources.join(" , ")}; ${bill.notes.join("; ")})`);
  return out;
}

function formatQuantity(q: number): string {
  if (Number.isInteger(q)) return q.toLocaleString("en-US");
  return q < 10 ? q.toFixed(3) : q.toLocaleString("en-US", { maximumFractionDigits: 1 });
}
