/**
 * Proof that a run processed every number of `[0, number)` exactly once: the ranges the processors
 * report must tile the interval with no gap and no overlap, and the counts and sums they report
 * must add up to `number` and `number·(number-1)/2`.
 *
 * Pure and sized for millions of results: the ranges are kept in typed arrays and sorted by index.
 */
import type { ProcessDataResult } from "./result";

export interface Span {
  readonly from: number;
  readonly to: number;
}

export interface ExactlyOnceReport {
  readonly ok: boolean;
  readonly expected: { readonly count: number; readonly sum: number };
  /** Totals of what the processors reported. */
  readonly reported: { readonly count: number; readonly sum: number };
  readonly ranges: number;
  /** Numbers no range covered (the first few, merged). */
  readonly gaps: readonly Span[];
  /** Numbers more than one range covered (the first few). */
  readonly overlaps: readonly Span[];
  /** Ranges reaching outside `[0, number)`, or whose reported count/sum disagree with their bounds. */
  readonly invalid: readonly Span[];
  /** Totals, when there are more problems than listed. */
  readonly gapCount: number;
  readonly overlapCount: number;
  readonly invalidCount: number;
  /** One line per kind of problem; empty when ok. */
  readonly problems: readonly string[];
}

/** How many examples of each problem a report lists. */
const EXAMPLES = 20;

class Ranges {
  from = new Float64Array(1024);
  to = new Float64Array(1024);
  length = 0;
  push(from: number, to: number): void {
    if (this.length === this.from.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.from = grow(this.from);
      this.to = grow(this.to);
    }
    this.from[this.length] = from;
    this.to[this.length] = to;
    this.length++;
  }
}

/**
 * The check fed one result at a time (a run of millions streams its results from the ResultWriter
 * files): only the ranges are kept, 16 bytes each.
 */
export class ExactlyOnceCheck {
  private readonly ranges = new Ranges();
  private readonly invalid: Span[] = [];
  private invalidCount = 0;
  private reportedCount = 0;
  private reportedSum = 0;

  private flag(span: Span): void {
    this.invalidCount++;
    if (this.invalid.length < EXAMPLES) this.invalid.push({ from: span.from, to: span.to });
  }

  add(result: ProcessDataResult): void {
    const ranges = this.ranges;
    this.reportedCount += result.count;
    this.reportedSum += result.sum;
    if ("ranges" in result) {
      let count = 0;
      let sum = 0;
      for (const r of result.ranges) {
        ranges.push(r.from, r.to);
        count += r.to - r.from;
        sum += ((r.from + r.to - 1) * (r.to - r.from)) / 2;
      }
      if (count !== result.count || sum !== result.sum) {
        this.flag({ from: result.ranges[0]?.from ?? NaN, to: result.ranges[result.ranges.length - 1]?.to ?? NaN });
      }
    } else {
      ranges.push(result.from, result.to);
      const count = result.to - result.from;
      if (count !== result.count || ((result.from + result.to - 1) * count) / 2 !== result.sum) this.flag(result);
    }
  }

  report(number: number): ExactlyOnceReport {
    return finish(this.ranges, number, this.invalid, this.invalidCount, this.reportedCount, this.reportedSum, (span) => this.flag(span));
  }
}

export function checkExactlyOnce(results: readonly ProcessDataResult[], number: number): ExactlyOnceReport {
  const check = new ExactlyOnceCheck();
  for (const result of results) check.add(result);
  return check.report(number);
}

function finish(
  ranges: Ranges,
  number: number,
  invalid: Span[],
  invalidCountIn: number,
  reportedCount: number,
  reportedSum: number,
  flagIn: (span: Span) => void,
): ExactlyOnceReport {
  let invalidCount = invalidCountIn;
  const flag = (span: Span) => {
    invalidCount++;
    flagIn(span);
  };
  const order = new Uint32Array(ranges.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const { from, to } = ranges;
  order.sort((a, b) => from[a]! - from[b]! || to[a]! - to[b]!);

  const gaps: Span[] = [];
  const overlaps: Span[] = [];
  let gapCount = 0;
  let overlapCount = 0;
  let covered = 0; // every number below `covered` is covered by some range seen so far
  for (const i of order) {
    const f = from[i]!;
    const t = to[i]!;
    if (f < 0 || t > number || t <= f) flag({ from: f, to: t });
    if (f > covered) {
      gapCount++;
      if (gaps.length < EXAMPLES) gaps.push({ from: covered, to: f });
    } else if (f < covered && t > f) {
      overlapCount++;
      if (overlaps.length < EXAMPLES) overlaps.push({ from: f, to: Math.min(t, covered) });
    }
    covered = Math.max(covered, t);
  }
  if (covered < number) {
    gapCount++;
    if (gaps.length < EXAMPLES) gaps.push({ from: covered, to: number });
  }

  const expected = { count: number, sum: (number * (number - 1)) / 2 };
  const problems: string[] = [];
  const list = (spans: readonly Span[], total: number) =>
    spans.map((s) => `[${s.from}, ${s.to})`).join(", ") + (total > spans.length ? `, ... (${total} in all)` : "");
  if (gapCount > 0) problems.push(`not processed: ${list(gaps, gapCount)}`);
  if (overlapCount > 0) problems.push(`processed more than once: ${list(overlaps, overlapCount)}`);
  if (invalidCount > 0) problems.push(`invalid or inconsistent ranges: ${list(invalid, invalidCount)}`);
  if (reportedCount !== expected.count) problems.push(`reported count ${reportedCount}, expected ${expected.count}`);
  if (reportedSum !== expected.sum) problems.push(`reported sum ${reportedSum}, expected ${expected.sum}`);
  return {
    ok: problems.length === 0,
    expected,
    reported: { count: reportedCount, sum: reportedSum },
    ranges: ranges.length,
    gaps,
    overlaps,
    invalid,
    gapCount,
    overlapCount,
    invalidCount,
    problems,
  };
}
