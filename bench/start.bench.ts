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
import { createProgressDisplay } from "../tools/progress";
import { runLocal, type RunSummary } from "../tools/runner/run";

const RUNS = 3;
const dataRoot = mkdtempSync(join(tmpdir(), "start-bench-"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function runOnce(args: { workflow?: string; objects?: number; input?: Record<string, unknown> }): Promise<RunSummary> {
  const summary = await runLocal({
    stack: "dev",
    workflow: args.workflow,
    objects: args.objects,
    input: args.input,
    progress: createProgressDisplay({ mode: "off" }),
    signal: new AbortController().signal,
    dataRoot,
  });
  if (summary.status !== "SUCCEEDED" || summary.check?.passed !== true)
    throw new Error(`run failed: ${summary.status} ${summary.error ?? ""} ${summary.check?.detail ?? ""}`);
  return summary;
}

function row(label: string, value: string, comparison = ""): void {
  process.stdout.write(`${label.padEnd(58)}${value.padStart(16)}   ${comparison}\n`);
}

/**
 * Where `npm start` spends its time at 2,000,000 numbers (400,000 children), in-process (runLocal's
 * phases; teardown is the time runLocal takes after its own wall clock stops) and for the whole
 * process (node + tsx start, module loading, exit) — one run of each, after a warm-up.
 */
async function overheadSplit(): Promise<void> {
  const input = { number: 2_000_000, chunk: 5 };
  const t = performance.now();
  const s = await runOnce({ input });
  const total = performance.now() - t;
  const p = s.phasesMs!;
  const teardown = total - s.wallTimeMs;
  const outside = total - p.execution;
  row(
    "2,000,000 numbers: runLocal wall time",
    `${(total / 1000).toFixed(2)} s`,
    `setup ${p.setup} ms · dataset ${p.dataset} ms · execution ${(p.execution / 1000).toFixed(2)} s · check ${p.check} ms · teardown ${Math.round(teardown)} ms`,
  );
  row(
    "2,000,000 numbers: share outside the execution (in-process)",
    `${((outside / total) * 100).toFixed(1)} %`,
    `goal < 15 %; before (992ef01, this machine): 13.4 s wall, 6.3 s execution, check 7.0 s → 53 %; the issue measured 45 %`,
  );
  const { spawnSync } = await import("node:child_process");
  const started = performance.now();
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(__dirname, "..", "tools", "cli", "start.ts"), "--input", JSON.stringify(input), "--json"],
    { encoding: "utf8", env: { ...process.env, LOCAL_S3_DIR: dataRoot } },
  );
  const wall = performance.now() - started;
  const ps = JSON.parse(r.stdout) as RunSummary;
  row(
    "2,000,000 numbers: npm start process wall time",
    `${(wall / 1000).toFixed(2)} s`,
    `execution ${(ps.executionDurationMs / 1000).toFixed(2)} s → ${(((wall - ps.executionDurationMs) / wall) * 100).toFixed(1)} % outside (incl. node + tsx start ≈ 0.8 s on this machine)`,
  );
}

async function main(): Promise<void> {
  await overheadSplit();
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

  process.stdout.write(
    `median of ${RUNS} runs each; stack dev (MaxConcurrency ${seed[0]!.mapRuns[0]?.maxConcurrency}, ${seed[0]!.lambdas.length} functions)\n\n`,
  );
  row(
    "seed demo: npm start wall time (20,000 children)",
    `${(seedWall / 1000).toFixed(2)} s`,
    `execution ${(seedExec / 1000).toFixed(2)} s; the rest is S3 start, CaptureInput upload, checks`,
  );
  row(
    "seed demo: child executions per second",
    `${Math.round(20_000 / (seedExec / 1000)).toLocaleString("en-US")}/s`,
    `bare loop of the same 20,000 ProcessData calls: ${Math.round(20_000 / (median(bare) / 1000)).toLocaleString("en-US")}/s`,
  );
  row(
    "seed demo: estimated AWS bill of one run",
    `$${seed[0]!.bill.totalUsd.toFixed(4)}`,
    `20,000 STANDARD child transitions at $25/M dominate`,
  );
  row(
    `map-reduce: ${objects.toLocaleString("en-US")} objects, objects/s through the Map Run`,
    `${Math.round(objects / (mrMapRun / 1000)).toLocaleString("en-US")}/s`,
    `Map Run ${(mrMapRun / 1000).toFixed(2)} s (list + ${mr[0]!.childExecutions} batches of 250 + ResultWriter)`,
  );
  row(
    `map-reduce: objects/s end to end (incl. reduce)`,
    `${Math.round(objects / (mrExec / 1000)).toLocaleString("en-US")}/s`,
    `execution ${(mrExec / 1000).toFixed(2)} s; wall ${(mrWall / 1000).toFixed(1)} s incl. uploading the data set`,
  );
}

main()
  .catch((e) => {
    process.stderr.write(String(e instanceof Error ? (e.stack ?? e.message) : e) + "\n");
    process.exitCode = 1;
  })
  .finally(() => rmSync(dataRoot, { recursive: true, force: true }));
