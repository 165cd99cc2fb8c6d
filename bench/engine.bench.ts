/**
 * Engine throughput (issue 5, "Performance"), side by side in one run:
 *
 * 1. A 20,000-item map with one no-op Lambda task per item, four ways (each the best of several
 *    runs after a warm-up, measured the same way):
 *    - our DISTRIBUTED map (JSON ItemReader on the embedded S3, STANDARD children), and the same
 *      with the items taken from the state input, which isolates the cost of the S3 read,
 *    - our INLINE map (an EXPRESS machine: a STANDARD one would stop at AWS's 25,000-event history
 *      quota long before 20,000 iterations, exactly as on AWS), its history counted
 *      (`keepHistory: false`, as for every variant of ours), and for information with the history
 *      kept in memory (run()'s default),
 *    - `aws-local-stepfunctions` on the equivalent inline map,
 *    - a bare loop calling the handler 20,000 times with a JSON-deep-copied input,
 *    - for reference, two floors under the bare-loop ratio: the Lambda JSON round trips alone
 *      (what every faithful child does besides the engine's own work), and the ItemReader's one
 *      GetObject through the SDK and the embedded S3.
 *    Targets: ours >= 20x aws-local-stepfunctions; ours within 5x of the bare loop.
 * 2. 1,000,000 items from a JSONL object through a Distributed Map with a ResultWriter:
 *    items/s and peak RSS (target < 512 MB).
 *
 * `npm run bench -- engine` runs it alone. `BENCH_ENGINE_ITEMS_1M=200000` shrinks part 2.
 */
import { spawnSync } from "node:child_process";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { JsonValue, StateMachineDefinition } from "../asl/types";
import { run, type ExecutionResult, type LambdaHandler } from "../engine";
import { withServers, type EmbeddedS3 } from "../emulators/servers";
import { loadAwsLocal } from "./aws-local";

const N = 20_000;
const BIG = Number(process.env.BENCH_ENGINE_ITEMS_1M ?? 1_000_000);
const BUCKET = "bench-engine";
const FN = "arn:aws:lambda:us-east-1:123456789012:function:NoOp";
const MB = 1024 * 1024;

/** The no-op Lambda every variant calls. */
const noOp = async (_event: unknown): Promise<JsonValue> => ({});
const handlers: Record<string, LambdaHandler> = { NoOp: noOp };

const processor = (mode: "INLINE" | "DISTRIBUTED") => ({
  ProcessorConfig: mode === "INLINE" ? { Mode: "INLINE" as const } : { Mode: "DISTRIBUTED" as const, ExecutionType: "STANDARD" as const },
  StartAt: "NoOp",
  States: { NoOp: { Type: "Task" as const, Resource: FN, End: true } },
});

const inlineDefinition: StateMachineDefinition = {
  StartAt: "Each",
  States: { Each: { Type: "Map", ItemsPath: "$.items", MaxConcurrency: 0, ItemProcessor: processor("INLINE"), End: true } },
};

const distributedFromInput: StateMachineDefinition = {
  StartAt: "Each",
  States: { Each: { Type: "Map", ItemsPath: "$.items", ItemProcessor: processor("DISTRIBUTED"), End: true } },
};

const distributedDefinition = (key: string, resultWriter: boolean): StateMachineDefinition => ({
  StartAt: "Each",
  States: {
    Each: {
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: key.endsWith(".jsonl") ? "JSONL" : "JSON" },
        Parameters: { Bucket: BUCKET, Key: key },
      },
      ItemProcessor: processor("DISTRIBUTED"),
      ...(resultWriter
        ? { ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: "results" } } }
        : {}),
      End: true,
    },
  },
});

interface Figure {
  name: string;
  seconds: number;
  itemsPerSecond: number;
}

async function timed(name: string, items: number, body: () => Promise<void>): Promise<Figure> {
  const t0 = process.hrtime.bigint();
  await body();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { name, seconds, itemsPerSecond: items / seconds };
}

function expectSucceeded(result: { status: string; error?: string; cause?: string }, what: string): void {
  if (result.status !== "SUCCEEDED") throw new Error(`${what}: ${result.status} ${result.error ?? ""} ${result.cause ?? ""}`);
}

async function ourDistributed(s3: S3Client): Promise<Figure> {
  return timed("ours, DISTRIBUTED map (JSON ItemReader, embedded S3)", N, async () => {
    const result = await run(distributedDefinition("items.json", false), {}, { handlers, s3, keepHistory: false });
    expectSucceeded(result, "distributed");
    if ((result.output as JsonValue[]).length !== N) throw new Error("distributed: wrong output length");
  });
}

/** The same children, their items taken from the state input: the difference is the S3 read. */
async function ourDistributedNoS3(items: number[]): Promise<Figure> {
  return timed("  the same, items from the state input (no S3 read)", N, async () => {
    const result = await run(distributedFromInput, { items }, { handlers, keepHistory: false });
    expectSucceeded(result, "distributed from input");
    if ((result.output as JsonValue[]).length !== N) throw new Error("distributed from input: wrong output length");
  });
}

async function ourInline(items: number[]): Promise<Figure> {
  return timed("ours, INLINE map (EXPRESS machine)", N, async () => {
    const result = await run(inlineDefinition, { items }, { handlers, stateMachineType: "EXPRESS", keepHistory: false });
    expectSucceeded(result, "inline");
  });
}

/**
 * The same with run()'s default keepHistory: true: the 140,000 events the iterations record stay
 * in memory (and keep every item's input and output alive for the garbage collector to trace).
 */
async function ourInlineHistoryKept(items: number[]): Promise<Figure> {
  let result: ExecutionResult | undefined;
  const figure = await timed("  the same, history kept in memory (run()'s default)", N, async () => {
    result = await run(inlineDefinition, { items }, { handlers, stateMachineType: "EXPRESS" });
  });
  // Checked outside the timing: reading `history` makes its 140,000 event objects.
  expectSucceeded(result!, "inline, history kept");
  if (result!.counters.historyEvents !== result!.history.length) throw new Error("inline: history not kept");
  return figure;
}

async function awsLocalStepFunctions(items: number[]): Promise<() => Promise<Figure>> {
  const { StateMachine } = await loadAwsLocal();
  const machine = new StateMachine(inlineDefinition as never, { validationOptions: { checkArn: false } });
  return () =>
    timed("aws-local-stepfunctions 3.0.0, inline map", N, async () => {
      const execution = machine.run({ items }, { overrides: { taskResourceLocalHandlers: { NoOp: (input) => noOp(input) } } });
      const out = (await execution.result) as JsonValue[];
      if (out.length !== N) throw new Error("aws-local-stepfunctions: wrong output length");
    });
}

/**
 * What no faithful engine can skip, with nothing else: each item serialized (the payload check;
 * the text is the Lambda event), parsed as the event, the handler called, its result serialized
 * and parsed back (Lambda's response), children started by callback in bursts as our Map Run does.
 * The floor under both of our map variants; not a target, a reference for the bare-loop ratio.
 */
async function lambdaRoundTripsOnly(items: number[]): Promise<Figure> {
  return timed("  floor: the Lambda JSON round trips alone", N, async () => {
    const out: unknown[] = new Array(items.length);
    let running = 0;
    let waiter: (() => void) | undefined;
    const done = (i: number, result: unknown): void => {
      out[i] = JSON.parse(JSON.stringify(result) ?? "null");
      running--;
      const w = waiter;
      waiter = undefined;
      w?.();
    };
    for (let i = 0; i < items.length; i++) {
      const eventText = JSON.stringify(items[i]);
      running++;
      const at = i;
      Promise.resolve(noOp(JSON.parse(eventText))).then((result) => done(at, result));
      if ((i & 511) === 511) for (let hop = 0; hop < 16; hop++) await undefined;
    }
    while (running > 0) await new Promise<void>((resolve) => (waiter = resolve));
  });
}

/** The ItemReader's request alone: one GetObject of the item file and its JSON parse. */
async function getObjectOnly(client: S3Client): Promise<Figure> {
  return timed("  floor: one GetObject of the item file + JSON.parse", N, async () => {
    const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "items.json" }));
    const items = JSON.parse(await response.Body!.transformToString()) as unknown[];
    if (items.length !== N) throw new Error("getObject: wrong item count");
  });
}

async function bareLoop(items: number[]): Promise<Figure> {
  return timed("bare loop: handler x 20,000 with a JSON deep copy", N, async () => {
    for (const item of items) await noOp(JSON.parse(JSON.stringify(item)));
  });
}

function table(figures: Figure[]): void {
  const w = Math.max(...figures.map((f) => f.name.length));
  for (const f of figures) {
    console.log(
      `  ${f.name.padEnd(w)}  ${f.seconds.toFixed(4).padStart(8)} s  ${Math.round(f.itemsPerSecond).toLocaleString("en-US").padStart(12)} items/s  ${(1e6 / f.itemsPerSecond).toFixed(2).padStart(6)} µs/item`,
    );
  }
}

/**
 * Every variant measured the same way, steady state (a warm-up of half a second each first: module
 * loading and JIT compilation are not throughput), best of RUNS. The variants take turns, round
 * by round, instead of one after the other: this machine's speed drifts by up to 2x over seconds
 * (the bare loop alone swings 0.15-0.30 µs/item), and a ratio of two figures taken a minute apart
 * would measure the drift. One full GC before the rounds; none between runs, because a forced full
 * GC also shrinks the young generation and the next run would measure its regrowth.
 */
async function rounds(variants: { runs: number; f: () => Promise<Figure> }[], warm: boolean): Promise<Figure[]> {
  for (const v of warm ? variants : []) {
    const warmUntil = performance.now() + 500;
    do await v.f();
    while (performance.now() < warmUntil);
  }
  (globalThis as { gc?: () => void }).gc?.();
  const bestOf: (Figure | undefined)[] = variants.map(() => undefined);
  const most = Math.max(...variants.map((v) => v.runs));
  for (let round = 0; round < most; round++) {
    for (const [i, v] of variants.entries()) {
      if (round >= v.runs) continue;
      const figure = await v.f();
      if (!bestOf[i] || figure.seconds < bestOf[i]!.seconds) bestOf[i] = figure;
    }
  }
  return bestOf as Figure[];
}

const RUNS = Number(process.env.BENCH_ENGINE_RUNS ?? 10);
const CYCLES = 3;

async function partOne(s3: EmbeddedS3): Promise<void> {
  const items = Array.from({ length: N }, (_, i) => i);
  const client = s3.client();
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "items.json", Body: JSON.stringify(items) }));
  const als = await awsLocalStepFunctions(items);
  const best: Figure[] = [];
  const keepBest = (figures: Figure[], at: number) =>
    figures.forEach((f, i) => {
      if (!best[at + i] || f.seconds < best[at + i].seconds) best[at + i] = f;
    });
  // Three cycles, each variant's best over all: the machine's speed drifts over seconds, and a
  // cycle caught in a slow phase would otherwise decide a ratio between groups.
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const warm = cycle === 0;
    keepBest(
      await rounds(
        [
          { runs: RUNS, f: () => ourDistributed(client) },
          { runs: RUNS, f: () => ourDistributedNoS3(items) },
          { runs: RUNS, f: () => ourInline(items) },
          // As many samples as ours: a minimum over more samples would favour it.
          { runs: RUNS, f: () => bareLoop(items) },
          { runs: RUNS, f: () => lambdaRoundTripsOnly(items) },
          { runs: RUNS, f: () => getObjectOnly(client) },
        ],
        warm,
      ),
      0,
    );
    // The next two in rounds of their own: each leaves enough live data or garbage to slow
    // whatever runs next (measured: the bare loop 3x slower after a history-keeping run), which
    // would skew the ratios above. aws-local-stepfunctions takes about 0.6 s a run.
    keepBest(await rounds([{ runs: RUNS, f: () => ourInlineHistoryKept(items) }], warm), 6);
    keepBest(await rounds([{ runs: 1, f: als }], warm), 7);
  }
  const [distributed, noS3, inline, bare, roundTrips, getObject, inlineKept, theirs] = best;
  console.log(
    `\n20,000-item map, one no-op Lambda task per item (after a warm-up, best of ${CYCLES} cycles of ${RUNS} rounds; aws-local-stepfunctions one run a cycle):`,
  );
  table([distributed, noS3, inline, inlineKept, theirs, bare, roundTrips, getObject]);
  const us = (f: Figure) => 1e6 / f.itemsPerSecond;
  console.log(
    `\n  per DISTRIBUTED item: ${us(distributed).toFixed(2)} µs = ${(us(distributed) - us(noS3)).toFixed(2)} µs reading the item file from S3 ` +
      `(one GetObject through the SDK and the embedded S3, amortized) + ${us(noS3).toFixed(2)} µs Map Run and child execution`,
  );
  const ratio = (a: Figure, b: Figure) => a.itemsPerSecond / b.itemsPerSecond;
  const verdict = (ok: boolean) => (ok ? "meets target" : "MISSES target");
  console.log(`\n  vs aws-local-stepfunctions (target >= 20x):`);
  console.log(`    DISTRIBUTED ${ratio(distributed, theirs).toFixed(1)}x  ${verdict(ratio(distributed, theirs) >= 20)}`);
  console.log(`    INLINE      ${ratio(inline, theirs).toFixed(1)}x  ${verdict(ratio(inline, theirs) >= 20)}`);
  console.log(`  vs the bare loop (target: within 5x, i.e. bare/ours <= 5):`);
  console.log(`    DISTRIBUTED ${ratio(bare, distributed).toFixed(1)}x slower  ${verdict(ratio(bare, distributed) <= 5)}`);
  console.log(`    INLINE      ${ratio(bare, inline).toFixed(1)}x slower  ${verdict(ratio(bare, inline) <= 5)}`);
  console.log(
    `    (INLINE with the history kept in memory: ${ratio(bare, inlineKept).toFixed(1)}x slower; ${ratio(inlineKept, theirs).toFixed(1)}x aws-local-stepfunctions)`,
  );
  // What the bare loop does not do and a faithful engine must: the floors, in bare-loop units.
  const floor = us(roundTrips) + us(getObject);
  console.log(
    `  floors, in bare-loop units: the Lambda JSON round trips alone ${ratio(bare, roundTrips).toFixed(1)}x; plus the S3 read ` +
      `(${(getObject.seconds * 1000).toFixed(1)} ms, ${us(getObject).toFixed(2)} µs/item) ${(floor / us(bare)).toFixed(1)}x: a DISTRIBUTED run has ` +
      `${(5 * us(bare) - floor).toFixed(2)} µs/item left within 5x for its engine work (scheduling, the child execution, its history, the Map Run counts)`,
  );
}

async function partTwo(s3: EmbeddedS3): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < BIG; i++) lines.push(JSON.stringify({ id: i, from: i * 5, to: i * 5 + 5 }));
  let body: string | undefined = lines.join("\n") + "\n";
  lines.length = 0;
  const bodyMb = Buffer.byteLength(body) / MB;
  await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "big.jsonl", Body: body }));
  body = undefined;
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  let updates = 0;
  let figure: Figure;
  try {
    figure = await timed(`ours, DISTRIBUTED map, ${BIG.toLocaleString("en-US")} JSONL items, ResultWriter`, BIG, async () => {
      const result = await run(
        distributedDefinition("big.jsonl", true),
        {},
        {
          handlers,
          s3: s3.client(),
          keepHistory: false,
          onEvent: (e) => {
            if (e.kind === "mapRun") updates++;
          },
        },
      );
      expectSucceeded(result, "1M distributed");
      const record = result.mapRuns[result.mapRuns.length - 1];
      if (record.itemCounts.succeeded !== BIG || record.itemCounts.resultsWritten !== BIG) {
        throw new Error(`1M distributed: counts ${JSON.stringify(record.itemCounts)}`);
      }
    });
  } finally {
    clearInterval(sampler);
  }
  const maxRss = (process.resourceUsage().maxRSS * 1024) / MB;
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`\n${BIG.toLocaleString("en-US")} items from a JSONL object through a Distributed Map with a ResultWriter:`);
  table([figure]);
  console.log(
    `  peak RSS ${(peak / MB).toFixed(0)} MB sampled, process high-water mark ${maxRss.toFixed(0)} MB (the embedded S3 server and the`,
  );
  console.log(`  ${bodyMb.toFixed(0)} MB JSONL upload share this process); RSS before the run ${(baseline / MB).toFixed(0)} MB`);
  console.log(
    `  target < 512 MB: ${Math.max(peak / MB, maxRss) < 512 ? "meets target" : "MISSES target"}; Map Run progress callbacks: ${updates}`,
  );
}

async function main(): Promise<void> {
  const part = process.env.BENCH_ENGINE_PART;
  if (part === undefined) {
    // Part 2 runs in a process of its own, so its peak RSS is not part 1's heap.
    await withServers({ s3: { buckets: [BUCKET] }, setProcessEnv: false }, (servers) => partOne(servers.s3!));
    const child = spawnSync(process.execPath, process.execArgv.concat(process.argv.slice(1)), {
      stdio: "inherit",
      env: { ...process.env, BENCH_ENGINE_PART: "2" },
    });
    if (child.status !== 0) throw new Error(`part 2 exited with ${child.status ?? child.signal}`);
    return;
  }
  await withServers({ s3: { buckets: [BUCKET] }, setProcessEnv: false }, (servers) =>
    part === "1" ? partOne(servers.s3!) : partTwo(servers.s3!),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
