/**
 * The engine against its peer and the floor, side by side in one run (`npm run bench -- engine-vs-peer`, or its old name
 * `-- engine15`; `-- engine`
 * runs it with engine.bench.ts):
 *   for each case of ./engine-vs-peer/cases.ts — (1) INLINE Map of 5,000 items with a Pass, (2) DISTRIBUTED
 *   Map of 20,000 STANDARD children with a Pass (Parameters + OutputPath) and a ResultSelector, (3) the
 *   seed demo, (4) a 100,000-item DISTRIBUTED Map — ours, aws-local-stepfunctions (same definition,
 *   same in-process functions) and the bare-loop floor (deep copy + async call + collect), each as
 *   min / median / max of BENCH_RUNS (default 5) runs after a warm-up, each way in a process of its
 *   own (./engine-vs-peer/way-process.ts: no way's garbage is collected in another's timed run), taking
 *   turns round by round so the machine's drift hits all three alike, each timed run right after an
 *   untimed one of the same way (a way's process sits idle while the others run); the ratios of the
 *   medians against the targets (aws-local / ours >= 25x, ours / bare <= 4x), each MET or MISSED; for case (4), as context only,
 *   the bare loop that also writes AWS's ResultWriter record of every child, as ours must;
 *   then the peak RSS of 1,000,000 completed STANDARD children with a ResultWriter, in a process of
 *   its own (./engine-vs-peer/memory.ts), against the 400 MB goal.
 * Shrink for a smoke test: BENCH_RUNS, BENCH_INLINE_ITEMS, BENCH_DISTRIBUTED_ITEMS, BENCH_SEED_NUMBER,
 * BENCH_LARGE_ITEMS, BENCH_MEMORY_CHILDREN (0 skips the memory part). BENCH_CASES=4 measures only the
 * cases named (comma-separated); BENCH_JSON=FILE also writes the medians there (bench/scale.bench.ts
 * reads them). The profile: bench/profile.bench.ts.
 */
import { fork, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FromWay, Way } from "./engine-vs-peer/way-process";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MEMORY_CHILDREN = Number(process.env.BENCH_MEMORY_CHILDREN ?? 1_000_000);
const AWS_LOCAL_TARGET = 25;
const BARE_TARGET = 4;
const MEMORY_GOAL_MB = 400;
const CASES = (process.env.BENCH_CASES ?? "1,2,3,4").split(",").map(Number);

interface Spread {
  min: number;
  median: number;
  max: number;
}

const spread = (ms: number[]): Spread => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted[sorted.length - 1]! };
};

/** A way's process, set up and warmed up. */
interface WayProcess {
  info: { name: string; items: number; note?: string; hasBareRecords: boolean };
  run(): Promise<number>;
  stop(): void;
}

function startWay(caseNumber: number, way: Way): Promise<WayProcess> {
  const child = fork(join(__dirname, "engine-vs-peer", "way-process.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_CASE: String(caseNumber), BENCH_WAY: way },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let waiting: { resolve(m: FromWay): void; reject(e: Error): void } | undefined;
  const next = () => new Promise<FromWay>((resolve, reject) => (waiting = { resolve, reject }));
  child.on("message", (m: FromWay) => waiting?.resolve(m));
  child.on("exit", (code) => waiting?.reject(new Error(`case ${caseNumber} ${way}: its process exited with ${code}`)));
  const answer = async (): Promise<FromWay> => {
    const m = await next();
    if ("error" in m) throw new Error(`case ${caseNumber} ${way}: ${m.error}`);
    return m;
  };
  return answer().then((ready) => ({
    info: ready as WayProcess["info"],
    async run() {
      child.send("run");
      return ((await answer()) as { ms: number }).ms;
    },
    stop() {
      child.send("stop");
    },
  }));
}

interface Measured {
  c: WayProcess["info"];
  ours: Spread;
  theirs: Spread;
  bare: Spread;
  /** The context floor (BenchCase.bareRecords), for a case that has one. */
  bareRecords?: Spread;
}

/** Each way in its process, warmed up; then RUNS rounds of ours (→ the context floor) → aws-local → bare. */
async function measure(caseNumber: number): Promise<Measured> {
  const ways: WayProcess[] = [];
  try {
    // One at a time: set-up and warm-up of one do not slow another's.
    for (const way of ["ours", "awsLocal", "bare"] as const) ways.push(await startWay(caseNumber, way));
    if (ways[0]!.info.hasBareRecords) ways.push(await startWay(caseNumber, "bareRecords"));
    const times: number[][] = ways.map(() => []);
    // The context floor runs right after ours: what runs just before ours stays the light bare
    // loop (a way's garbage is still being freed when the next one starts).
    const order = ways.length === 4 ? [0, 3, 1, 2] : [0, 1, 2];
    for (let round = 0; round < RUNS; round++) for (const i of order) times[i]!.push(await ways[i]!.run());
    return {
      c: ways[0]!.info,
      ours: spread(times[0]!),
      theirs: spread(times[1]!),
      bare: spread(times[2]!),
      ...(times[3] ? { bareRecords: spread(times[3]) } : {}),
    };
  } finally {
    for (const way of ways) way.stop();
  }
}

const ms = (s: Spread) => `${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)}`;
const verdict = (met: boolean) => (met ? "MET" : "MISSED");

function memoryPart(): void {
  if (MEMORY_CHILDREN === 0) return;
  const child = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "engine-vs-peer", "memory.ts")], {
    encoding: "utf8",
    env: { ...process.env, BENCH_MEMORY_CHILDREN: String(MEMORY_CHILDREN) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (child.status !== 0) throw new Error(`the memory run exited with ${child.status ?? child.signal}`);
  const m = JSON.parse(child.stdout.trim().split("\n").pop()!) as {
    children: number;
    seconds: number;
    maxRssMb: number;
    rssBeforeMb: number;
  };
  const full = m.children === 1_000_000;
  console.log(
    `\nmemory: ${m.children.toLocaleString("en-US")} STANDARD children (a Pass each, JSONL ItemReader, results to a ResultWriter) in ${m.seconds.toFixed(1)} s, in a process of its own:`,
  );
  console.log(
    `  peak RSS ${m.maxRssMb.toFixed(0)} MB (process high-water mark; the embedded S3 server shares the process; ${m.rssBeforeMb.toFixed(0)} MB before the run)  ` +
      `goal < ${MEMORY_GOAL_MB} MB per 1,000,000: ${full ? verdict(m.maxRssMb < MEMORY_GOAL_MB) : "not judged (BENCH_MEMORY_CHILDREN shrank the run)"}`,
  );
}

async function main(): Promise<void> {
  const rows: Measured[] = [];
  for (const caseNumber of CASES) {
    process.stderr.write(`measuring case (${caseNumber})...\n`);
    rows.push(await measure(caseNumber));
  }
  console.log(
    `\nms per run, min / median / max of ${RUNS} runs after a warm-up (at least one run and ${Number(process.env.BENCH_WARMUP_MS ?? 1500) / 1000} s), each way in a process of its own, ` +
      `each timed run right after an untimed one (ratios from the medians):`,
  );
  for (const { c, ours, theirs, bare, bareRecords } of rows) {
    const vsTheirs = theirs.median / ours.median;
    const vsBare = ours.median / bare.median;
    console.log(`\n${c.name}`);
    if (c.note) console.log(`  note: ${c.note}`);
    console.log(
      `  ours                     ${ms(ours).padStart(30)} ms   ${Math.round(c.items / (ours.median / 1000))
        .toLocaleString("en-US")
        .padStart(11)} items/s`,
    );
    console.log(
      `  aws-local-stepfunctions  ${ms(theirs).padStart(30)} ms   ${Math.round(c.items / (theirs.median / 1000))
        .toLocaleString("en-US")
        .padStart(11)} items/s`,
    );
    console.log(
      `  bare loop (floor)        ${ms(bare).padStart(30)} ms   ${Math.round(c.items / (bare.median / 1000))
        .toLocaleString("en-US")
        .padStart(11)} items/s`,
    );
    console.log(
      `  throughput ours / aws-local: ${vsTheirs.toFixed(1)}x (target >= ${AWS_LOCAL_TARGET}x) ${verdict(vsTheirs >= AWS_LOCAL_TARGET)};  ` +
        `time ours / bare loop: ${vsBare.toFixed(1)}x (target <= ${BARE_TARGET}x) ${verdict(vsBare <= BARE_TARGET)}`,
    );
    if (bareRecords) {
      console.log(
        `  context, not a target: the bare loop writing AWS's ResultWriter record of every child, as ours does ${ms(bareRecords)} ms;  ` +
          `time ours / it: ${(ours.median / bareRecords.median).toFixed(1)}x`,
      );
    }
  }
  if (process.env.BENCH_JSON) {
    const cases = rows.map(({ c, ours, theirs, bare }) => ({
      name: c.name,
      items: c.items,
      oursMs: ours.median,
      awsLocalMs: theirs.median,
      bareMs: bare.median,
      vsAwsLocal: theirs.median / ours.median,
      vsBare: ours.median / bare.median,
    }));
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ runs: RUNS, cases }, null, 2));
  }
  memoryPart();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
