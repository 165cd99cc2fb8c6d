/**
 * `npm run bench -- profile`: case (2) of bench/engine-vs-peer (a DISTRIBUTED Map of 20,000 STANDARD
 * children with a Pass and a ResultSelector) under `node --cpu-prof`, the profile written to
 * .tmp/cpu-prof/ (gitignored; open it in Chrome DevTools or VS Code for the call tree), and the
 * 15 functions with the most self time printed. BENCH_PROFILE_CASE=3 profiles the seed demo, and
 * BENCH_PROFILE_CASE=4 case (4) (100,000 children, ItemReader, ResultWriter) instead. BENCH_DISTRIBUTED_ITEMS, BENCH_LARGE_ITEMS and
 * BENCH_PROFILE_RUNS shrink them.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { topSelfTime } from "./engine-vs-peer/cpuprofile";

const ROOT = join(__dirname, "..");
const DIR = join(ROOT, ".tmp", "cpu-prof");
const WINDOW = join(DIR, "measured-window.json");

function main(): void {
  mkdirSync(DIR, { recursive: true });
  // Named by us, so the report reads exactly this run's profile.
  const name = `case-${process.env.BENCH_PROFILE_CASE ?? 2}-${Date.now()}.cpuprofile`;
  const child = spawnSync(
    process.execPath,
    [
      "--cpu-prof",
      "--cpu-prof-dir",
      DIR,
      "--cpu-prof-name",
      name,
      "--import",
      "tsx",
      join(__dirname, "engine-vs-peer", "profile-target.ts"),
    ],
    {
      stdio: "inherit",
      env: { ...process.env, BENCH_PROFILE_WINDOW: WINDOW },
    },
  );
  if (child.status !== 0) throw new Error(`the profiled run exited with ${child.status ?? child.signal}`);
  const file = join(DIR, name);
  const window = JSON.parse(readFileSync(WINDOW, "utf8")) as { start: number; end: number; runs: number };
  const top = topSelfTime(JSON.parse(readFileSync(file, "utf8")), 15, `${ROOT}/`, window);
  console.log(`case (${process.env.BENCH_PROFILE_CASE ?? 2}) under --cpu-prof: ${file}`);
  console.log(
    `top 15 functions by self time over the ${window.runs} measured runs (${((window.end - window.start) / 1000).toFixed(0)} ms; start-up and the warm-up run left out):`,
  );
  const w = Math.max(...top.map((t) => t.fn.length));
  for (const t of top)
    console.log(`  ${t.ms.toFixed(1).padStart(9)} ms ${(t.share * 100).toFixed(1).padStart(5)} %  ${t.fn.padEnd(w)}  ${t.where}`);
}

main();
