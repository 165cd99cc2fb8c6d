/** The run summary as a person reads it (the `--json` form is the RunSummary object itself). */
import { relative } from "node:path";
import { formatBill, formatUsd } from "../pricing";
import { formatDuration, type Projection, type WhatIfRow } from "../pricing/projection";
import { formatCount, wrapLine, type Palette } from "../progress";
import type { ChildFailure } from "../../testing/failures";
import type { RunSummary } from "../runner/run";

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function row(label: string, value: string): string {
  return `${label.padEnd(14)}${value}`;
}

/** `~12.3 s projected (bottleneck: child start rate)`: a lower bound from the default quotas. */
export function formatProjection(p: Projection): string {
  return `~${formatDuration(p.seconds)} projected (bottleneck: ${p.bottleneck}; default quotas, us-east-1, no cold starts)`;
}

/** The --what-if table: child type × batch size → children, projected duration, bill. */
export function formatWhatIf(rows: ReadonlyArray<WhatIfRow>): string[] {
  // Short headers: the table fits 80 columns.
  const header = ["children", "batch", "executions", "on AWS", "bottleneck", "bill"];
  const body = rows.map((r) => [
    r.childType,
    formatCount(r.batchSize),
    formatCount(r.childExecutions),
    `~${formatDuration(r.projection.seconds)}`,
    r.projection.bottleneck,
    formatUsd(r.bill.totalUsd),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) =>
    "  " + cells.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return ["What if (same items; per-item Lambda time as measured):", fmt(header), ...body.map(fmt)];
}

/** The first failed children, one line each: what the console's Map Run page lists first. */
export function formatFailures(failures: ReadonlyArray<ChildFailure> | undefined): string[] {
  if (!failures?.length) return [];
  return failures.map((f, i) =>
    row(
      i === 0 ? "Failed items" : "",
      `${f.itemIndex !== undefined ? `item ${formatCount(f.itemIndex)}` : `child ${formatCount(f.childIndex)} (${formatCount(f.items)} items)`} at ${f.state}: ${f.error}${f.cause ? ` — ${oneLine(f.cause, 200)}` : ""}`,
    ),
  );
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export interface SummaryLayout {
  /** The terminal's width: every line wrapped at spaces to fit it; unset (a pipe, a file): lines as they are. */
  width?: number;
  palette?: Palette;
  cwd?: string;
}

/** The label column's width: a wrapped value's continuation lines start under its first word. */
const LABEL = 14;

/**
 * The run summary, like the Pulumi CLI's end of `up`: the details first (failure, Map Runs, counts,
 * checks, Lambda, the bill), then a short outcome block printed last, so what a person looks for
 * (did it work, how many items, how long, where the results are) is on screen when the command
 * returns, however small the terminal.
 */
export function formatSummary(s: RunSummary, layout: SummaryLayout = {}): string {
  const cwd = layout.cwd ?? process.cwd();
  const paint = layout.palette;
  const details: string[] = [];
  const variant = s.variant === "distributed" ? "as deployed" : s.variant === "inline" ? "Inline Map variant" : `variant ${s.variant}`;
  details.push(`Workflow ${s.workflow} (stack ${s.stack}, ${variant}) · input ${JSON.stringify(s.input)}`);
  if (s.failedState) details.push(row("Failed at", s.failedState));
  if (s.cause) details.push(row("Cause", s.cause));
  if (s.explanation) details.push(row("Why", s.explanation));
  details.push(...formatFailures(s.failures));
  if (s.projection) details.push(row("On AWS", formatProjection(s.projection)));
  if (s.dataset)
    details.push(
      row("Data set", `${formatCount(s.dataset.objects)} objects, ${formatCount(s.dataset.bytes)} bytes under ${s.dataset.prefix}`),
    );
  for (const r of s.mapRuns) {
    details.push(
      row(
        "Map Run",
        // The counts add up to the items: aborted, running and pending are shown when not 0.
        `${r.name} ${r.status}: ${formatCount(r.items)} items (${[
          `${formatCount(r.itemsSucceeded)} succeeded`,
          `${formatCount(r.itemsFailed)} failed`,
          ...(r.itemsAborted ? [`${formatCount(r.itemsAborted)} aborted`] : []),
          ...(r.itemsRunning ? [`${formatCount(r.itemsRunning)} running`] : []),
          ...(r.itemsPending ? [`${formatCount(r.itemsPending)} pending`] : []),
        ].join(", ")})` +
          ` in ${formatCount(r.childExecutions)} child executions, max concurrency ${r.maxConcurrency}` +
          (r.durationMs !== undefined && r.durationMs > 0 ? `, ${formatCount(Math.round((r.items / r.durationMs) * 1000))} items/s` : ""),
      ),
    );
  }
  details.push(
    row(
      "Transitions",
      `${formatCount(s.stateTransitions.parent)} parent + ${formatCount(s.stateTransitions.children)} in children = ${formatCount(s.stateTransitions.total)}`,
    ),
  );
  details.push(
    row(
      "History",
      `parent ${formatCount(s.historyEvents.parent)} events` +
        (s.historyEvents.largestChild ? `; largest child ${formatCount(s.historyEvents.largestChild.events)} events` : "") +
        " (limit 25,000 each)",
    ),
  );
  if (s.check) details.push(row("Check", `${s.check.passed ? "PASSED" : "FAILED"} ${s.check.name}: ${s.check.detail}`));
  for (const [label, text] of s.outputLines ?? []) details.push(row(label, text));
  if (s.nestedExecutions?.length)
    details.push(
      row(
        "Nested",
        s.nestedExecutions
          .map((n) => `${n.executionArn.split(":").slice(-2).join(":")} ${n.status} (${formatCount(n.stateTransitions)} transitions)`)
          .join(", "),
      ),
    );
  if (s.outbox?.length) {
    // Recorded, never sent: the local run has no queues, topics or event buses.
    details.push(row("Outbox", `${formatCount(s.outbox.length)} message(s) recorded, not sent`));
    for (const m of s.outbox.slice(0, 5)) details.push(row("", `${m.integration} → ${m.target}: ${JSON.stringify(m.body).slice(0, 100)}`));
  }
  details.push(
    row(
      "Lambda",
      s.lambdas.map((l) => `${l.name} ${formatCount(l.invocations)}× (${formatCount(l.billedDurationMs)} ms billed)`).join(", "),
    ),
  );
  details.push("Estimated AWS bill for this run:");
  details.push(...formatBill(s.bill));
  if (s.whatIf) details.push(...formatWhatIf(s.whatIf));

  // The outcome block: four short rows, last.
  const outcome: string[] = [];
  const status = s.status + (s.error ? ` ${s.error}` : "") + (s.failedState ? ` at ${s.failedState}` : "");
  const check = s.check ? ` · ${s.check.name} check ${s.check.passed ? "PASSED" : "FAILED"}` : "";
  outcome.push(row("Status", status + check));
  outcome.push(
    row(
      "Items",
      s.mapRuns.length === 0
        ? `${formatCount(s.items)} (no Map Run started)`
        : `${formatCount(s.items)} in ${formatCount(s.childExecutions)} child executions`,
    ),
  );
  outcome.push(row("Wall time", `${seconds(s.wallTimeMs)} (execution ${seconds(s.executionDurationMs)})`));
  if (s.resultWriter) {
    outcome.push(row("Results", s.resultWriter.manifest));
    outcome.push(row("", `local copy in ${relative(cwd, s.resultWriter.localData) || "."}`));
  }

  const fit = (line: string): string[] => {
    if (!layout.width) return [line];
    // A row (label column, value): its value wraps under its first word; anything else (the bill's
    // lines, its note) under its own text.
    const isRow = line.length > LABEL && line[LABEL] !== " " && /^([A-Z][A-Za-z ]*)? +$/.test(line.slice(0, LABEL));
    const lead = /^ */.exec(line)![0].length;
    return wrapLine(line, layout.width - 1, isRow ? LABEL : lead + (line.trimStart().startsWith("(") ? 1 : 2));
  };
  const colour = (line: string): string => {
    if (!paint) return line;
    return line
      .replace(/^(Status {8})(\S+)/, (_m, label: string, word: string) => label + paint.bold(paint.status(word)))
      .replace(/\b(PASSED|FAILED)\b(?= [a-z-]+:| ·|$)/, (word) => paint.status(word));
  };
  return ["", ...details, "", ...outcome].flatMap(fit).map(colour).join("\n") + "\n";
}
