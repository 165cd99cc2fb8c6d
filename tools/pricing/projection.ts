/**
 * How long the same run would take on AWS, projected from the documented default quotas and the
 * work the local run measured (child executions, state transitions per child, Lambda time per
 * child), and what-ifs: EXPRESS vs STANDARD children and other batch sizes, each with its bill.
 *
 * The projection takes the slowest of four ceilings on the child-execution rate and names it:
 *   - concurrency: MaxConcurrency children at once (and Lambda's concurrency quota), each busy for
 *     its Lambda time;
 *   - the child start rate of the children's type (token bucket: a burst, then the refill rate);
 *   - STANDARD children's state transitions (token bucket);
 * It is a lower bound of the wall time (no cold starts, no network latency between states), meant to
 * compare settings, not to promise a figure. All quotas are account defaults in us-east-1.
 */
import { billedMs, estimateBill, type BillEstimate, type ExecutionType, type LambdaUsage } from "./estimate";
import { PRICE_TABLE } from "./prices";

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (read 2026-12-03).
 * Token buckets: `burst` requests at once, then `refillPerSecond`.
 */
export const QUOTAS = {
  /** "Quotas related to state throttling", StateTransition, Standard workflows, us-east-1 / us-west-2 / eu-west-1: bucket size 5,000, refill rate 5,000 per second. Express workflows are not throttled by it. */
  standardStateTransitions: { burst: 5_000, refillPerSecond: 5_000 },
  /** "Quotas related to API action throttling", StartExecution (Standard), us-east-1: bucket size 1,300, refill rate 300 per second. AWS does not say whether a Distributed Map's own child starts draw on it; taken as the conservative bound. */
  standardChildStarts: { burst: 1_300, refillPerSecond: 300 },
  /** "Quotas related to API action throttling", StartExpressExecution, us-east-1: bucket size 6,000, refill rate 6,000 per second. */
  expressChildStarts: { burst: 6_000, refillPerSecond: 6_000 },
  /** https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — "up to 10,000 parallel child workflow executions". */
  maxChildConcurrency: 10_000,
  /** https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html — "1,000 concurrent executions" per Region by default, shared by the account's functions. */
  lambdaConcurrency: 1_000,
} as const;

export interface MeasuredRun {
  /** Items the Map Runs processed. */
  items: number;
  /** Child executions (one per item, or per batch). */
  childExecutions: number;
  childType: ExecutionType;
  /** State transitions of all children. */
  childTransitions: number;
  /** Lambda time (ms) inside the children, measured locally. */
  childLambdaMs: number;
  /** Items per child (1 without an ItemBatcher). */
  batchSize: number;
  maxConcurrency: number;
  parentTransitions: number;
  /** The Lambda functions, for the bill (child functions scaled by the what-if's children). */
  lambdas: ReadonlyArray<LambdaUsage & { inChild: boolean }>;
}

export type Bottleneck = "concurrency" | "child start rate" | "state transitions" | "no children";

export interface Projection {
  seconds: number;
  bottleneck: Bottleneck;
  /** Children per second under each ceiling. */
  ceilings: Record<Exclude<Bottleneck, "no children">, number>;
}

/** Seconds to spend `count` tokens from a bucket (burst first, then the refill rate). */
function bucketSeconds(count: number, bucket: { burst: number; refillPerSecond: number }): number {
  return Math.max(0, count - bucket.burst) / bucket.refillPerSecond;
}

export function projectDuration(run: MeasuredRun): Projection {
  const n = run.childExecutions;
  if (n === 0)
    return {
      seconds: 0,
      bottleneck: "no children",
      ceilings: { concurrency: Infinity, "child start rate": Infinity, "state transitions": Infinity },
    };
  // 0 means "as many as possible" in ASL.
  const concurrency = Math.min(
    run.maxConcurrency === 0 ? QUOTAS.maxChildConcurrency : run.maxConcurrency,
    QUOTAS.maxChildConcurrency,
    run.childLambdaMs > 0 ? QUOTAS.lambdaConcurrency : Infinity,
  );
  // A child is busy at least 1 ms even when its Lambda time rounds to nothing.
  const busySeconds = Math.max(0.001, run.childLambdaMs / n / 1000);
  const byConcurrency = (n * busySeconds) / concurrency;
  const starts = run.childType === "EXPRESS" ? QUOTAS.expressChildStarts : QUOTAS.standardChildStarts;
  const byStarts = bucketSeconds(n, starts);
  const transitions = run.childType === "STANDARD" ? run.childTransitions + run.parentTransitions : run.parentTransitions;
  const byTransitions = bucketSeconds(transitions, QUOTAS.standardStateTransitions);
  const candidates: Array<[Exclude<Bottleneck, "no children">, number]> = [
    ["concurrency", byConcurrency],
    ["child start rate", byStarts],
    ["state transitions", byTransitions],
  ];
  const [bottleneck, seconds] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  const rate = (s: number) => (s > 0 ? n / s : Infinity);
  return {
    seconds,
    bottleneck,
    ceilings: { concurrency: rate(byConcurrency), "child start rate": rate(byStarts), "state transitions": rate(byTransitions) },
  };
}

export interface WhatIfRow {
  childType: ExecutionType;
  batchSize: number;
  childExecutions: number;
  projection: Projection;
  bill: BillEstimate;
}

/**
 * The same items under other settings. Per-item Lambda time and per-child transitions are taken
 * from the measured run: a batch of k items costs k items' Lambda time in one invocation.
 */
export function whatIf(run: MeasuredRun, batchSizes: ReadonlyArray<number>): WhatIfRow[] {
  const perItemMs = run.items > 0 ? run.childLambdaMs / run.items : 0;
  const transitionsPerChild = run.childExecutions > 0 ? run.childTransitions / run.childExecutions : 0;
  const rows: WhatIfRow[] = [];
  for (const childType of ["EXPRESS", "STANDARD"] as const) {
    for (const batchSize of batchSizes) {
      const children = Math.ceil(run.items / batchSize);
      const childLambdaMs = perItemMs * run.items;
      const scenario: MeasuredRun = {
        ...run,
        childType,
        batchSize,
        childExecutions: children,
        childTransitions: Math.round(transitionsPerChild * children),
        childLambdaMs,
      };
      const perChildMs = children > 0 ? childLambdaMs / children : 0;
      const bill = estimateBill({
        parent: { type: "STANDARD", executions: 1, stateTransitions: run.parentTransitions, billedDurationMs: 0 },
        children:
          children > 0
            ? {
                type: childType,
                executions: children,
                stateTransitions: scenario.childTransitions,
                billedDurationMs: children * billedMs(perChildMs, PRICE_TABLE.stepFunctions.expressDurationRoundingMs),
              }
            : undefined,
        lambdas: run.lambdas.map((l) => {
          if (!l.inChild) return l;
          const invocations = children;
          return { ...l, invocations, billedDurationMs: invocations * billedMs(perChildMs, PRICE_TABLE.lambda.durationRoundingMs) };
        }),
      });
      rows.push({ childType, batchSize, childExecutions: children, projection: projectDuration(scenario), bill });
    }
  }
  return rows;
}

/** Batch sizes worth comparing: the run's own and two others an order of magnitude apart. */
export function whatIfBatchSizes(current: number): number[] {
  const sizes = new Set([current, current === 1 ? 10 : 1, current >= 100 ? current * 10 : 100]);
  return [...sizes].sort((a, b) => a - b);
}

export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
