/**
 * `--ui`'s cost: the same 100,000-child Distributed Map run with and without the local console
 * watching it (the session taking every parent and child event and each child's outcome, the
 * server up, one page's live-update stream connected and read). Goal: no more than 10 % slower.
 * Runs alternate (without, with, without, ...) after an untimed warm-up of each; medians printed.
 * Run alone: `npm run bench -- console`. ITEMS=20000 for a quicker look.
 */
import { get } from "node:http";
import { performance } from "node:perf_hooks";
import { startConsole } from "../tools/console/server";
import { ConsoleSession } from "../tools/console/session";
import { runLocalExecution } from "../testing/run/run-local";

const ITEMS = Number(process.env["ITEMS"] ?? 100_000);
const RUNS = Number(process.env["RUNS"] ?? 3);

const definition = {
  StartAt: "Items",
  States: {
    Items: {
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSONL" },
        Parameters: { Bucket: "bench-items", Key: "items.jsonl" },
      },
      MaxConcurrency: 1000,
      ToleratedFailurePercentage: 100,
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: "Work",
        States: { Work: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Work", End: true } },
      },
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "bench-results", Prefix: "out" } },
      End: true,
    },
  },
};

// 1 item in 1,000 fails: the console keeps those children's histories and lists them.
const handlers = {
  Work: async (item: { id: number }) => {
    if (item.id % 1000 === 999) throw Object.assign(new Error(`item ${item.id}`), { name: "Odd" });
    return { id: item.id, doubled: item.id * 2 };
  },
};

let body = "";
for (let i = 0; i < ITEMS; i++) body += `{"id":${i}}\n`;

/** One run; with the console: session, server and a connected live-update stream. Returns the engine's ms. */
async function once(withUi: boolean): Promise<{ ms: number; cpuMs: number; status: string; failures?: number; events?: number }> {
  const session = withUi ? new ConsoleSession() : undefined;
  const server = session ? await startConsole(session) : undefined;
  let ticks = 0;
  const stream = server
    ? get(`http://127.0.0.1:${server.port}/api/events?token=${server.token}`, (res) => res.on("data", () => ticks++))
    : undefined;
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const run = await runLocalExecution({
      definition,
      input: {},
      handlers,
      objects: [{ bucket: "bench-items", key: "items.jsonl", body }],
      keepHistory: false,
      observer: session,
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const failures = session ? [...session.ledgers.byArn.values()][0]?.failures.length : undefined;
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, status: run.result.status, failures, events: session?.parent?.events.length };
  } finally {
    stream?.destroy();
    await server?.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await once(false);
  await once(true);
  const without: number[] = [];
  const withUi: number[] = [];
  const cpuWithout: number[] = [];
  const cpuWith: number[] = [];
  let last: Awaited<ReturnType<typeof once>> | undefined;
  for (let i = 0; i < RUNS; i++) {
    const a = await once(false);
    without.push(a.ms);
    cpuWithout.push(a.cpuMs);
    last = await once(true);
    withUi.push(last.ms);
    cpuWith.push(last.cpuMs);
  }
  const a = median(without);
  const b = median(withUi);
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s (${Math.round((ITEMS * 1000) / ms).toLocaleString("en-US")} children/s)`;
  console.log(
    `${ITEMS.toLocaleString("en-US")} STANDARD children (1 in 1,000 failing), ResultWriter; median of ${RUNS} runs each, alternated`,
  );
  console.log(`  without --ui: ${fmt(a)}   runs: ${without.map((x) => Math.round(x)).join(", ")} ms`);
  console.log(`  with --ui:    ${fmt(b)}   runs: ${withUi.map((x) => Math.round(x)).join(", ")} ms`);
  const ca = median(cpuWithout);
  const cb = median(cpuWith);
  console.log(
    `  --ui costs ${(((b - a) / a) * 100).toFixed(1)} % wall time (goal: at most 10 %); the console listed ${last?.failures} failed children, ${last?.events} parent events`,
  );
  // CPU time (the process's, S3 server included) is steadier than wall time on a shared machine.
  console.log(`  CPU time: ${Math.round(ca)} ms without, ${Math.round(cb)} ms with --ui (${(((cb - ca) / ca) * 100).toFixed(1)} %)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
