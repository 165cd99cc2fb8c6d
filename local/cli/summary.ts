/** The run summary as a person reads it (the `--json` form is the RunSummary object itself). */
import { relative } from "node:path";
import { formatBill } from "../pricing";
import { formatCount } from "../progress";
import type { RunSummary } from "../runner/run";

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function row(label: string, value: string): string {
  return `${label.padEnd(14)}${value}`;
}

export function formatSummary(s: RunSummary, cwd = process.cwd()): string {
  const lines: string[] = [];
  const variant = s.variant === "inline" ? "Inline Map variant" : "as deployed";
  lines.push("");
  lines.push(`Workflow ${s.workflow} (stack ${s.stack}, ${variant}) · input ${JSON.stringify(s.input)}`);
  lines.push(row("Status", s.status + (s.error ? `  ${s.error}` : "")));
  if (s.failedState) lines.push(row("Failed at", s.failedState));
  if (s.cause) lines.push(row("Cause", s.cause));
  if (s.explanation) lines.push(row("Why", s.explanation));
  lines.push(row("Wall time", `${seconds(s.wallTimeMs)} (execution ${seconds(s.executionDurationMs)})`));
  if (s.dataset) lines.push(row("Data set", `${formatCount(s.dataset.objects)} objects, ${formatCount(s.dataset.bytes)} bytes under ${s.dataset.prefix}`));
  if (s.mapRuns.length > 0) {
    for (const r of s.mapRuns) {
      lines.push(
        row(
          "Map Run",
          `${r.name} ${r.status}: ${formatCount(r.items)} items (${formatCount(r.itemsSucceeded)} succeeded, ${formatCount(r.itemsFailed)} failed)` +
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
  if (s.workflow === "map-reduce" && s.output && typeof s.output === "object") {
    const o = s.output as { topWords?: Array<{ word: string; count: number }>; batches?: { succeeded: number; failed: number } };
    if (o.topWords) lines.push(row("Top words", o.topWords.slice(0, 5).map((w) => `${w.word} ${formatCount(w.count)}`).join(", ")));
    if (o.batches) lines.push(row("Batches", `${formatCount(o.batches.succeeded)} succeeded, ${formatCount(o.batches.failed)} failed`));
  }
  if (s.nestedExecutions?.length) lines.push(row("Nested", s.nestedExecutions.map((n) => `${n.executionArn.split(":").slice(-2).join(":")} ${n.status} (${formatCount(n.stateTransitions)} transitions)`).join(", ")));
  if (s.outbox?.length) {
    // Recorded, never sent: the local run has no queues, topics or event buses.
    lines.push(row("Outbox", `${formatCount(s.outbox.length)} message(s) recorded, not sent`));
    for (const m of s.outbox.slice(0, 5)) lines.push(row("", `${m.integration} → ${m.target}: ${JSON.stringify(m.body).slice(0, 100)}`));
  }
  lines.push(row("Lambda", s.lambdas.map((l) => `${l.name} ${formatCount(l.invocations)}× (${formatCount(l.billedDurationMs)} ms billed)`).join(", ")));
  lines.push("Estimated AWS bill for this run:");
  lines.push(...formatBill(s.bill));
  return lines.join("\n") + "\n";
}
