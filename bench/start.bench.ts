/**
 * `npm start` figures: the seed demo's local wall time (100,000 numbers in chunks of 5 → 20,000 child
 * executions at MaxConcurrency 5, as the dev stack configures it) and the map-reduce job's throughput
 * (objects per second through the Distributed Map over listObjectsV2 with batches of 250), each the
 * median of three runs, side by side with a bare loop that does the same handler work with no engine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { processData } from "../handlers/process-data";
import { createProgressDisplay } from "../local/progress";
import { runLocal, type RunSummary } from "../local/runner/run";

const RUNS = 3;
const dataRoot = mkdtempSync(join(tmpdir(), "start-bench-"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function runOnce(args: { workflow?: string; objects?: number }): Promise<RunSummary> {
  const summary = await runLocal({
    stack: "dev",
    workflow: args.workflow,
    objects: args.objects,
    progress: createProgressDisplay({ mode: "off" }),
    signal: new AbortController().signal,
    dataRoot,
  });
  if (summary.status !== "SUCCEEDED" || summary.check?.passed !== true) throw new Error(`run failed: ${summary.status} ${summary.error ?? ""} ${summary.check?.detail ?? ""}`);
  return summary;
}

function row(label: string, value: string, comparison = ""): void {
  process.stdout.write(`${label.padEnd(58)}${value.padStart(16)}   ${comparison}\n`);
}

async function main(): Promise<void> {
  // Seed demo.
  const seed: RunSummary[] = [];
  for (let i = 0; i < RUNS; i++) seed.push(await runOnce({}));
  const seedWall = median(seed.map((s) => s.wallTimeMs));
  const seedExec = median(seed.map((s) => s.executionDurationMs));

  // The same handler work with no engine, no S3, no history: 20,000 ProcessData calls on deep-copied items.
  const bare: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    for (let i = 0; i < 20_000; i++) await processData(JSON.parse(JSON.stringify({ from: i * 5, to: i * 5 + 5 })));
    bare.push(performance.now() - t);
  }

  // Map-reduce: 3,000 objects → 12 batches of 250, three listObjectsV2 pages.
  const objects = 3_000;
  const mr: RunSummary[] = [];
  for (let i = 0; i < RUNS; i++) mr.push(await runOnce({ workflow: "map-reduce", objects }));
  const mrExec = median(mr.map((s) => s.executionDurationMs));
  const mrWall = median(mr.map((s) => s.wallTimeMs));
  const mrMapRun = median(mr.map((s) => s.mapRuns[0]?.durationMs ?? s.executionDurationMs));

  process.stdout.write(`median of ${RUNS} runs each; stack dev (MaxConcurrency ${seed[0]!.mapRuns[0]?.maxConcurrency}, ${seed[0]!.lambdas.length} functions)\n\n`);
  row("seed demo: npm start wall time (20,000 children)", `${(seedWall / 1000).toFixed(2)} s`, `execution ${(seedExec / 1000).toFixed(2)} s; the rest is S3 start, CaptureInput upload, checks`);
  row("seed demo: child executions per second", `${Math.round(20_000 / (seedExec / 1000)).toLocaleString("en-US")}/s`, `bare loop of the same 20,000 ProcessData calls: ${Math.round(20_000 / (median(bare) / 1000)).toLocaleString("en-US")}/s`);
  row("seed demo: estimated AWS bill of one run", `$${seed[0]!.bill.totalUsd.toFixed(4)}`, `20,000 STANDARD child transitions at $25/M dominate`);
  row(`map-reduce: ${objects.toLocaleString("en-US")} objects, objects/s through the Map Run`, `${Math.round(objects / (mrMapRun / 1000)).toLocaleString("en-US")}/s`, `Map Run ${(mrMapRun / 1000).toFixed(2)} s (list + ${mr[0]!.childExecutions} batches of 250 + ResultWriter)`);
  row(`map-reduce: objects/s end to end (incl. reduce)`, `${Math.round(objects / (mrExec / 1000)).toLocaleString("en-US")}/s`, `execution ${(mrExec / 1000).toFixed(2)} s; wall ${(mrWall / 1000).toFixed(1)} s incl. uploading the data set`);
}

main()
  .catch((e) => {
    process.stderr.write(String(e instanceof Error ? (e.stack ?? e.message) : e) + "\n");
    process.exitCode = 1;
  })
  .finally(() => rmSync(dataRoot, { recursive: true, force: true }));
