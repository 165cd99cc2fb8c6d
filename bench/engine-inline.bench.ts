/**
 * A 20,000-item inline Map with one no-op Lambda task per item, side by side:
 *   - a bare loop calling the handler 20,000 times with a deep-copied (JSON round trip) input,
 *   - our engine (INLINE map; EXPRESS so the 25,000-event STANDARD history quota does not end it),
 *     with the history kept in memory (default) and with it only counted,
 *   - aws-local-stepfunctions on the same definition.
 * Targets (issue 5): ≥ 20× aws-local-stepfunctions' throughput, within 5× of the bare loop.
 * The items are small integers so the Map's input stays under the 256 KiB payload quota.
 */
import { run } from "../local/engine";

const N = 20_000;
const REPS = 5;
const FN = "arn:aws:lambda:us-east-1:123456789012:function:noop";
const items = Array.from({ length: N }, (_, i) => i);
const noop = async (_event: unknown): Promise<unknown> => undefined;
const definition = {
  StartAt: "MapData",
  States: {
    MapData: {
      Type: "Map",
      MaxConcurrency: 0,
      ItemProcessor: { StartAt: "ProcessData", States: { ProcessData: { Type: "Task", Resource: FN, End: true } } },
      End: true,
    },
  },
};

/** Best wall time of `reps` runs; CPU time (user + system, this process) printed beside it, steadier on a busy machine. */
async function best(label: string, reps: number, fn: () => Promise<void>): Promise<number> {
  let bestMs = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await fn();
    const cpu = process.cpuUsage(c);
    bestMs = Math.min(bestMs, performance.now() - t);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
  }
  const perSec = Math.round(N / (bestMs / 1000));
  console.log(`${label.padEnd(44)} ${bestMs.toFixed(1).padStart(9)} ms  ${perSec.toLocaleString("en-US").padStart(12)} items/s  (cpu ${bestCpu.toFixed(1)} ms)`);
  return bestMs;
}

async function main(): Promise<void> {
  console.log(`${N.toLocaleString("en-US")} items, one no-op Lambda task each (best of ${REPS}; aws-local-stepfunctions best of 2)`);
  const bare = await best("bare loop (handler + JSON deep copy)", REPS, async () => {
    for (const item of items) await noop(JSON.parse(JSON.stringify(item)));
  });
  const ours = await best("ours: INLINE map (history kept)", REPS, async () => {
    const r = await run(definition, items, { handlers: { noop }, stateMachineType: "EXPRESS", validate: false });
    if (r.status !== "SUCCEEDED") throw new Error(`${r.error}: ${r.cause}`);
  });
  const oursCounted = await best("ours: INLINE map (history counted only)", REPS, async () => {
    const r = await run(definition, items, { handlers: { noop }, stateMachineType: "EXPRESS", validate: false, keepHistory: false });
    if (r.status !== "SUCCEEDED") throw new Error(`${r.error}: ${r.cause}`);
  });

  // aws-local-stepfunctions needs Promise.withResolvers (Node 22); polyfill it on Node 20.
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (!P.withResolvers) {
    P.withResolvers = () => {
      let resolve: unknown, reject: unknown;
      const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
      return { promise, resolve, reject };
    };
  }
  const { StateMachine } = await import("aws-local-stepfunctions");
  const theirs = await best("aws-local-stepfunctions: inline map", 2, async () => {
    const sm = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
    await sm.run(items, { overrides: { taskResourceLocalHandlers: { ProcessData: noop as never } } }).result;
  });

  console.log("");
  console.log(`ours vs aws-local-stepfunctions: ${(theirs / ours).toFixed(1)}x faster (target >= 20x); history counted only: ${(theirs / oursCounted).toFixed(1)}x`);
  console.log(`ours vs bare loop: ${(ours / bare).toFixed(1)}x slower (target <= 5x); history counted only: ${(oursCounted / bare).toFixed(1)}x`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
