/**
 * The fault campaign's figures (test/engine/distributed/campaign.ts): seeded Map Runs with random
 * child failures and timeouts and S3 answering 500 InternalError / 503 SlowDown / slowly on
 * GetObject, PutObject, ListObjectsV2 and the multipart operations, retried by the SDK's standard
 * retry. Printed beside what must hold: SUCCEEDED + FAILED + PENDING = items, 0 lost, 0 doubled.
 * `CAMPAIGN_SEEDS=N` runs more (default 100). Then the hazard campaign (bench/hazards.ts): 102
 * seeded runs of runaway JSONata, long timers, SIGTERM mid-run and concurrent runs: 0 lost, 0
 * doubled, 0 hung, 0 files outside the run root touched.
 */
import { startCampaign } from "../test/engine/distributed/campaign";
import { runTokenCampaign } from "./token-campaign";

import { runHazardCampaign } from "./hazards";

const SEEDS = Number(process.env["CAMPAIGN_SEEDS"] ?? 100);

function row(label: string, value: string, comparison = ""): void {
  process.stdout.write(`${label.padEnd(52)}${value.padStart(14)}   ${comparison}\n`);
}

async function main(): Promise<void> {
  const campaign = await startCampaign();
  // The SDK warns on every failed streaming PUT (which the ResultWriter then retries itself).
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    for (let seed = 1; seed <= SEEDS; seed++) await campaign.run(seed);
  } finally {
    console.warn = warn;
    await campaign.stop();
  }
  const f = campaign.figures();
  const n = (x: number) => x.toLocaleString("en-US");
  row("fault campaign: seeded runs", n(f.runs), `${(f.wallMs / 1000).toFixed(1)} s in all`);
  for (const [outcome, count] of Object.entries(f.outcomes).sort()) row(`  ended ${outcome}`, n(count));
  row("items read (all runs)", n(f.items));
  row(
    "  SUCCEEDED + FAILED + PENDING records",
    n(f.succeeded + f.failed + f.pending),
    `= ${n(f.succeeded)} + ${n(f.failed)} + ${n(f.pending)} (must equal the items)`,
  );
  row("  lost", n(f.lost), "must be 0");
  row("  doubled", n(f.doubled), "must be 0");
  row("  runs whose export failed too (counts checked)", n(f.exportsFailed), "a result PUT failing 3 attempts after a threshold failure");
  row("  input uploads failed after retries", n(f.uploadsFailed));
  row(
    "S3 requests",
    n(Object.values(f.requests).reduce((a, b) => a + b, 0)),
    Object.entries(f.requests)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(", "),
  );
  row("  injected 500 InternalError", n(f.injected.InternalError));
  row("  injected 503 SlowDown (throttling)", n(f.injected.SlowDown));
  row("  injected slow responses (5-50 ms)", n(f.injected.delays));
  row("  requests sent again after an injected error", n(f.retried), "the SDK's standard retry (3 attempts) and the ResultWriter's");
  row("accounting violations", n(f.violations.length), f.violations.length ? f.violations.slice(0, 3).join(" | ") : "must be 0");
  if (f.violations.length || f.lost || f.doubled) process.exitCode = 1;

  // Task tokens: timeouts, late and double answers, waits nothing answers (bench/token-campaign.ts).
  const t = await runTokenCampaign(SEEDS);
  row("token campaign: seeded runs (virtual clock)", n(t.runs), `${(t.wallMs / 1000).toFixed(1)} s in all`);
  for (const [outcome, count] of Object.entries(t.outcomes).sort()) row(`  ended ${outcome}`, n(count));
  row(
    "  children (items)",
    n(t.items),
    Object.entries(t.plans)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(", "),
  );
  row("  SUCCEEDED + FAILED children", n(t.succeeded + t.failed), `= ${n(t.succeeded)} + ${n(t.failed)} (of runs that ended)`);
  row("  stalls stopped loudly, naming the unanswered state", n(t.stalledAsExpected), "one per seed with a child no one answers");
  row("  late / second answers refused (TaskTimedOut)", n(t.refusedLate));
  row("  lost", n(t.lost), "must be 0");
  row("  doubled (an answer accepted twice)", n(t.doubled), "must be 0");
  row("  silent (no outcome within 30 s)", n(t.silent), "must be 0");
  row("  violations", n(t.violations.length), t.violations.length ? t.violations.slice(0, 3).join(" | ") : "must be 0");
  if (t.violations.length || t.lost || t.doubled || t.silent) process.exitCode = 1;

  // The hazard campaign (bench/hazards.ts): runaway JSONata, long timers, SIGTERM mid-run, concurrent runs.
  const h = await runHazardCampaign({
    runaway: Number(process.env["HAZARD_RUNAWAY"] ?? 24),
    timers: Number(process.env["HAZARD_TIMERS"] ?? 30),
    sigterm: Number(process.env["HAZARD_SIGTERM"] ?? 8),
    concurrentBatches: Number(process.env["HAZARD_CONCURRENT_BATCHES"] ?? 5),
  });
  const total = Object.values(h.runs).reduce((a, b) => a + b, 0);
  row("hazard campaign: seeded runs", n(total), `${(h.wallMs / 1000).toFixed(1)} s in all`);
  for (const [kind, runs] of Object.entries(h.runs)) row(`  ${kind}`, n(runs));
  for (const [outcome, runs] of Object.entries(h.outcomes).sort()) row(`    ended ${outcome}`, n(runs));
  row("  lost (concurrent runs' items)", n(h.lost), "must be 0");
  row("  doubled (concurrent runs' items)", n(h.doubled), "must be 0");
  row("  hung (no end within the watchdog)", n(h.hung), "must be 0");
  row("  files outside the run root touched", n(h.touchedOutsideRunRoot), "must be 0");
  row("  wrong outcomes", n(h.wrong.length), h.wrong.length ? h.wrong.slice(0, 3).join(" | ") : "must be 0");
  if (h.lost || h.doubled || h.hung || h.touchedOutsideRunRoot || h.wrong.length) process.exitCode = 1;
}

void main();
