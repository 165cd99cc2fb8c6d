/** The run summary as a person reads it (the `--json` form is the RunSummary object itself). */
import { relative } from "node:path";
import { formatBill, formatUsd } from "../pricing";
import { formatDuration, type Projection, type WhatIfRow } from "../pricing/projection";
import { formatCount } from "../progress";
import type { ChildFailure } from "../runner/failures";
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
  const header = ["children", "batch", "child executions", "projected on AWS", "bottleneck", "bill"];
  const body = rows.map((r) => [r.childType, formatCount(r.batchSize), formatCount(r.childExecutions), `~${formatDuration(r.projection.seconds)}`, r.projection.bottleneck, formatUsd(r.bill.totalUsd)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => "  " + cells.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
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

export function formatSummary(s: RunSummary, cwd = process.cwd()): string {
  const lines: string[] = [];
  const variant = s.variant === "distributed" ? "as deployed" : s.variant === "inline" ? "Inline Map variant" : `variant ${s.variant}`;
  lines.push("");
  lines.push(`Workflow ${s.workflow} (stack ${s.stack}, ${variant}) · input ${JSON.stringify(s.input)}`);
  lines.push(row("Status", s.status + (s.error ? `  ${s.error}` : "")));
  if (s.failedState) lines.push(row("Failed at", s.failedState));
  if (s.cause) lines.push(row("Cause", s.cause));
  if (s.explanation) lines.push(row("Why", s.explanation));
  lines.push(...formatFailures(s.failures));
  lines.push(row("Wall time", `${seconds(s.wallTimeMs)} (execution ${seconds(s.executionDurationMs)})`));
  if (s.projection) lines.push(row("On AWS", formatProjection(s.projection)));
  if (s.dataset) lines.push(row("Data set", `${formatCount(s.dataset.objects)} objects, ${formatCount(s.dataset.bytes)} bytes under ${s.dataset.prefix}`));
  if (s.mapRuns.length > 0) {
    for (const r of s.mapRuns) {
      lines.push(
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
  }
  lines.push(row("Items", formatCount(s.items)));
  lines.push(row("Children", `${formatCount(s.childExecutions)} child executions`));
  lines.push(row("Transitions", `${formatCount(s.stateTransitions.parent)} parent + ${formatCount(s.stateTransitions.children)} in children = ${formatCount(s.stateTransitions.total)}`));
  lines.push(
    row(
      "History",
      `parent ${formatCount(s.historyEvents.parent)} events` +
        (s.historyEvents.largestChild ? `; largest child ${formatCount(s.historyEvents.largestChild.events)} events` : "") +
        " (limit 25,000 each)",
    ),
  );
  if (s.resultWriter) lines.push(row("ResultWriter", `${s.resultWriter.manifest}  (local copy in ${relative(cwd, s.resultWriter.localData) || "."})`));
  if (s.check) lines.push(row("Check", `${s.check.passed ? "PASSED" : "FAILED"} ${s.check.name}: ${s.check.detail}`));
  for (const [label, text] of s.outputLines ?? []) lines.push(row(label, text));
  if (s.nestedExecutions?.length) lines.push(row("Nested", s.nestedExecutions.map((n) => `${n.executionArn.split(":").slice(-2).join(":")} ${n.status} (${formatCount(n.stateTransitions)} transitions)`).join(", ")));
  if (s.outbox?.length) {
    // Recorded, never sent: the local run has no queues, topics or event buses.
    lines.push(row("Outbox", `${formatCount(s.outbox.length)} message(s) recorded, not sent`));
    for (const m of s.outbox.slice(0, 5)) lines.push(row("", `${m.integration} → ${m.target}: ${JSON.stringify(m.body).slice(0, 100)}`));
  }
  lines.push(row("Lambda", s.lambdas.map((l) => `${l.name} ${formatCount(l.invocations)}× (${formatCount(l.billedDurationMs)} ms billed)`).join(", ")));
  lines.push("Estimated AWS bill for this run:");
  lines.push(...formatBill(s.bill));
  if (s.whatIf) lines.push(...formatWhatIf(s.whatIf));
  return lines.join("\n") + "\n";
}
