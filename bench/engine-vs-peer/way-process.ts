/**
 * One way of one case (ours, aws-local-stepfunctions or the bare loop), in a process of its own, run
 * on the bench's request: `npm run bench -- engine15` forks one per way, so each is timed on its own
 * heap. In one process, the garbage of one way's runs (aws-local-stepfunctions makes gigabytes in a
 * case (4) run) was collected during the next way's timed run: ours measured 2-3x slower
 * interleaved than alone (case (1): 18 ms vs 6.5 ms median).
 *
 * Protocol (IPC): the child sets up and warms up, then sends `{ ready, name, items, note, hasBareRecords }`; each
 * `"run"` gets `{ ms }` back (an untimed run, then the timed one); `"stop"` ends it.
 * Environment: BENCH_CASE (1-4), BENCH_WAY (ours | awsLocal | bare | bareRecords), BENCH_WARMUP_MS (default
 * 1500), and the sizes of cases.ts.
 */
import { buildCase, sizesFromEnv, startBenchServers, type BenchCase } from "./cases";

export type Way = "ours" | "awsLocal" | "bare" | "bareRecords";

const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1500);
export type FromWay =
  { ready: true; name: string; items: number; note?: string; hasBareRecords: boolean } | { ms: number } | { error: string };

const errorText = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

async function main(): Promise<void> {
  const caseNumber = Number(process.env.BENCH_CASE);
  const way = process.env.BENCH_WAY as Way;
  if (![1, 2, 3, 4].includes(caseNumber) || !["ours", "awsLocal", "bare", "bareRecords"].includes(way))
    throw new Error(`BENCH_CASE must be 1-4 and BENCH_WAY ours, awsLocal, bare or bareRecords`);
  const servers = await startBenchServers();
  // The bench gone (stopped, crashed): nothing else would end this process, as its servers listen.
  const leave = () => void servers.stop().then(() => process.exit(0));
  process.on("disconnect", leave);
  const c: BenchCase = await buildCase(caseNumber, sizesFromEnv(), servers);
  const wayBody = c[way];
  if (!wayBody) throw new Error(`case ${caseNumber} has no ${way} way`);
  const body = wayBody.bind(c);
  // Warm-up: at least one run and WARMUP_MS, for every way alike (the JIT's tiers and V8's young
  // generation settle over several runs: one warm-up run left ours' case (2) at 31 ms, thirty at 19).
  const warmUntil = performance.now() + WARMUP_MS;
  do await body();
  while (performance.now() < warmUntil);
  const send = (m: FromWay) => process.send!(m);
  send({ ready: true, name: c.name, items: c.items, ...(c.note ? { note: c.note } : {}), hasBareRecords: c.bareRecords !== undefined });
  // An untimed run before each timed one: this process sat idle while the other ways ran (15 s and
  // more in case (4), where aws-local-stepfunctions takes that long), and a run right after such a
  // pause measured 1.6x slower than one after a run (ours, case (4): median 948 ms after 15 s idle,
  // 580 ms back to back). Each way re-warms alike, so the figures compare throughput, not wake-up.
  const timedRun = async () => {
    await body();
    const t0 = performance.now();
    await body();
    send({ ms: performance.now() - t0 });
  };
  process.on("message", (m: unknown) => {
    if (m === "run") {
      timedRun().catch((e: unknown) => send({ error: errorText(e) }));
    } else if (m === "stop") {
      leave();
    }
  });
}

main().catch((e: unknown) => {
  process.send?.({ error: errorText(e) });
  process.exit(1);
});
