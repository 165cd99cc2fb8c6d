/**
 * What `npm run bench -- profile` runs under `node --cpu-prof`: case (2), the DISTRIBUTED Map of
 * STANDARD children with a Pass and a ResultSelector (or case (4) with BENCH_PROFILE_CASE=4), once to warm up and BENCH_PROFILE_RUNS times
 * more, so the profile shows the steady state rather than module loading.
 */
import { writeFileSync } from "node:fs";
import { buildCases, sizesFromEnv, startBenchServers } from "./cases";

async function main(): Promise<void> {
  const servers = await startBenchServers();
  try {
    const sizes = sizesFromEnv();
    // Only the chosen case runs (BENCH_PROFILE_CASE: 2, the default, or 4); the others are built at
    // size 1 to skip their setup cost.
    const large = process.env.BENCH_PROFILE_CASE === "4";
    const cases = await buildCases({ inline: 1, distributed: large ? 1 : sizes.distributed, seedNumber: 1, large: large ? sizes.large : 1 }, servers);
    const distributed = cases[large ? 3 : 1];
    const runs = Number(process.env.BENCH_PROFILE_RUNS ?? 10);
    await distributed!.ours();
    // The measured window, in the profile's clock, for the report to leave start-up out.
    const start = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < runs; i++) await distributed!.ours();
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
