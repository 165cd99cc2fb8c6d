/**
 * Seed 002 at its own scale (`npm run bench -- seed002`): `npm start -- --workflow map-reduce
 * --objects N --json` for N = 1,500, 50,000 and 500,000 (BENCH_SEED002_OBJECTS, comma-separated),
 * each in a process of its own: the data set's generation (PutObject of every object, reported
 * apart), the Map Run's objects/s (its own duration), the wall time, the peak RSS (VmHWM sampled
 * every 200 ms from /proc) and the reduce step's check. Targets at 500,000: the check PASSED, the
 * Map Run >= 5,000 objects/s (AWS runs seed 002's 500,000 objects in under 2:30, 3,333/s), peak
 * RSS < 1 GiB. The CPU the runs get depends on the machine's load: print it beside them.
 */
import { loadavg } from "node:os";
import { runMapReduce } from "./scale/map-reduce-run";

const SIZES = (process.env["BENCH_SEED002_OBJECTS"] ?? "1500,50000,500000")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const TARGET_OBJECTS_PER_S = 5_000;
const RSS_BUDGET = 1024 ** 3;

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  process.stdout.write(
    `seed 002 map-reduce (npm start -- --workflow map-reduce --objects N), one process per size; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on this machine at start\n` +
      `${"objects".padStart(9)}${"data set".padStart(11)}${"put/s".padStart(9)}${"Map Run".padStart(10)}${"objects/s".padStart(11)}${"wall".padStart(9)}${"CPU".padStart(9)}${"peak RSS".padStart(10)}   check\n`,
  );
  let missed = false;
  for (const objects of SIZES) {
    const { summary, wallS, peakBytes: peak, code, cpuS, mapS, datasetS, objectsPerS: rate, passed } = await runMapReduce(objects);
    process.stdout.write(
      `${fmt(objects).padStart(9)}${`${datasetS.toFixed(1)} s`.padStart(11)}${fmt(objects / datasetS).padStart(9)}${`${mapS.toFixed(1)} s`.padStart(10)}${fmt(rate).padStart(11)}` +
        `${`${wallS.toFixed(0)} s`.padStart(9)}${`${cpuS.toFixed(0)} s`.padStart(9)}${`${(peak / 1024 ** 2).toFixed(0)} MiB`.padStart(10)}   ${passed ? "PASSED" : `NOT PASSED (${summary.status ?? `exit ${code}`})`}\n`,
    );
    if (objects >= 500_000) {
      const met = passed && rate >= TARGET_OBJECTS_PER_S && peak < RSS_BUDGET;
      missed ||= !met;
      process.stdout.write(
        `  500,000 targets: Map Run >= ${fmt(TARGET_OBJECTS_PER_S)} objects/s (${fmt(rate)}), peak RSS < 1 GiB (${(peak / 1024 ** 2).toFixed(0)} MiB), check PASSED — ${met ? "MET" : "MISSED"}\n`,
      );
    }
    if (!passed) missed = true;
  }
  process.stdout.write("(absolute rates are this machine's under its current load; the CPU column is the run's own CPU seconds)\n");
  if (missed) process.exitCode = 1;
}

void main();
