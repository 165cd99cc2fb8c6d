/**
 * What `npm run bench -- profile` runs under `node --cpu-prof`: case (2), the DISTRIBUTED Map of
 * STANDARD children with a Pass and a ResultSelector (or case (3), the seed demo, or (4) with
 * BENCH_PROFILE_CASE=3 or 4), once to warm up and BENCH_PROFILE_RUNS times
 * more, so the profile shows the steady state rather than module loading.
 */
import { writeFileSync } from "node:fs";
import { buildCase, sizesFromEnv, startBenchServers } from "./cases";

async function main(): Promise<void> {
  const servers = await startBenchServers();
  try {
    // Only the chosen case (BENCH_PROFILE_CASE: 2, the default, 3 or 4).
    const which = Number(process.env.BENCH_PROFILE_CASE ?? 2);
    if (![2, 3, 4].includes(which)) throw new Error("BENCH_PROFILE_CASE must be 2, 3 or 4");
    const distributed = await buildCase(which, sizesFromEnv(), servers);
    const runs = Number(process.env.BENCH_PROFILE_RUNS ?? 10);
    await distributed.ours();
    // The measured window, in the profile's clock, for the report to leave start-up out.
    const start = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < runs; i++) await distributed.ours();
    const end = Number(process.hrtime.bigint() / 1000n);
    if (process.env.BENCH_PROFILE_WINDOW) writeFileSync(process.env.BENCH_PROFILE_WINDOW, JSON.stringify({ start, end, runs }));
  } finally {
    await servers.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
