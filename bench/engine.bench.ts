/**
 * Engine throughput (issue 5, "Performance"), side by side in one run:
 *
 * 1. A 20,000-item map with one no-op Lambda task per item, four ways:
 *    - our DISTRIBUTED map (JSON ItemReader on the embedded S3, STANDARD children),
 *    - our INLINE map (an EXPRESS machine: a STANDARD one would stop at AWS's 25,000-event history
 *      quota long before 20,000 iterations, exactly as on AWS),
 *    - `aws-local-stepfunctions` on the equivalent inline map,
 *    - a bare loop calling the handler 20,000 times with a JSON-deep-copied input.
 *    Targets: ours >= 20x aws-local-stepfunctions; ours within 5x of the bare loop.
 * 2. 1,000,000 items from a JSONL object through a Distributed Map with a ResultWriter:
 *    items/s and peak RSS (target < 512 MB).
 *
 * `npm run bench -- engine` runs it alone. `BENCH_ENGINE_ITEMS_1M=200000` shrinks part 2.
 */
import { spawnSync } from "node:child_process";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { JsonValue, StateMachineDefinition } from "../asl/types";
import type { MapState } from "../asl/types";
import { run, type LambdaHandler } from "../local/engine";
import { runMapRun, type DistributedMapContext } from "../local/engine/distributed";
import { startEmbeddedS3, type EmbeddedS3 } from "../local/s3/server";

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
      ...(resultWriter ? { ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: "results" } } } : {}),
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

async function ourDistributed(s3: EmbeddedS3): Promise<Figure> {
  return timed("ours, DISTRIBUTED map (JSON ItemReader, embedded S3)", N, async () => {
    const result = await run(distributedDefinition("items.json", false), {}, { handlers, s3: s3.client(), keepHistory: false });
    expectSucceeded(result, "distributed");
    if ((result.output as JsonValue[]).length !== N) throw new Error("distributed: wrong output length");
  });
}

async function ourInline(items: number[]): Promise<Figure> {
  return timed("ours, INLINE map (EXPRESS machine)", N, async () => {
    const result = await run(inlineDefinition, { items }, { handlers, stateMachineType: "EXPRESS", keepHistory: false });
    expectSucceeded(result, "inline");
  });
}

async function awsLocalStepFunctions(items: number[]): Promise<Figure> {
  // aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22+).
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (!P.withResolvers) {
    P.withResolvers = function withResolvers<T>() {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    };
  }
  const { StateMachine } = await import("aws-local-stepfunctions");
  const machine = new StateMachine(inlineDefinition as never, { validationOptions: { checkArn: false } });
  return timed("aws-local-stepfunctions 3.0.0, inline map", N, async () => {
    const execution = machine.run({ items }, { overrides: { taskResourceLocalHandlers: { NoOp: (input) => noOp(input) } } });
    const out = (await execution.result) as JsonValue[];
    if (out.length !== N) throw new Error("aws-local-stepfunctions: wrong output length");
  });
}

/**
 * The Map Run machinery alone (reader, scheduler, counts, no interpreter): the same Distributed
 * Map, but each "child execution" is just the handler called on a deep copy. The difference to
 * the full run is what the interpreter's child executions cost.
 */
async function mapRunAlone(s3: EmbeddedS3): Promise<Figure> {
  const state = distributedDefinition("items.json", false).States.Each as MapState;
  const parent = new AbortController();
  const ctx: DistributedMapContext = {
    s3: s3.client(),
    executionArn: "arn:aws:states:us-east-1:123456789012:execution:Bench:one",
    stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:Bench",
    stateName: "Each",
    queryLanguage: "JSONPath",
    evaluateTemplate: (t) => t,
    evaluatePath: () => null,
    async startChild(input, { name }) {
      const startDate = new Date();
      const output = await noOp(JSON.parse(JSON.stringify(input)));
      return { status: "SUCCEEDED", output, executionArn: name, name, startDate, stopDate: startDate, input };
    },
    emitHistory: () => undefined,
    onMapRunUpdate: () => undefined,
    signal: parent.signal,
  };
  return timed("  of which the Map Run machinery alone (children = bare handler calls)", N, async () => {
    const out = (await runMapRun(state, {}, ctx)) as JsonValue[];
    if (out.length !== N) throw new Error("map run alone: wrong output length");
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
    console.log(`  ${f.name.padEnd(w)}  ${f.seconds.toFixed(3).padStart(8)} s  ${Math.round(f.itemsPerSecond).toLocaleString("en-US").padStart(12)} items/s`);
  }
}

async function partOne(s3: EmbeddedS3): Promise<void> {
  const items = Array.from({ length: N }, (_, i) => i);
  await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "items.json", Body: JSON.stringify(items) }));
  // Each variant runs twice and the second run is measured: the first pays for module loading,
  // JIT compilation and heap growth, which is not throughput.
  const twice = async (f: () => Promise<Figure>) => {
    await f();
    (globalThis as { gc?: () => void }).gc?.();
    return f();
  };
  const distributed = await twice(() => ourDistributed(s3));
  const alone = await twice(() => mapRunAlone(s3));
  const inline = await twice(() => ourInline(items));
  const als = await twice(() => awsLocalStepFunctions(items));
  // The bare loop takes milliseconds, so a single run is mostly timer noise: best of five.
  let bare = await bareLoop(items);
  for (let i = 0; i < 5; i++) {
    const b = await bareLoop(items);
    if (b.seconds < bare.seconds) bare = b;
  }
  console.log(`\n20,000-item map, one no-op Lambda task per item:`);
  table([distributed, alone, inline, als, bare]);
  const us = (f: Figure) => (1e6 / f.itemsPerSecond).toFixed(1);
  console.log(`\n  per item: DISTRIBUTED ${us(distributed)} µs = Map Run ${us(alone)} µs + child execution (interpreter) ${(Number(us(distributed)) - Number(us(alone))).toFixed(1)} µs`);
  const ratio = (a: Figure, b: Figure) => a.itemsPerSecond / b.itemsPerSecond;
  const verdict = (ok: boolean) => (ok ? "meets target" : "MISSES target");
  console.log(`\n  vs aws-local-stepfunctions (target >= 20x):`);
  console.log(`    DISTRIBUTED ${ratio(distributed, als).toFixed(1)}x  ${verdict(ratio(distributed, als) >= 20)}`);
  console.log(`    INLINE      ${ratio(inline, als).toFixed(1)}x  ${verdict(ratio(inline, als) >= 20)}`);
  console.log(`  vs the bare loop (target: within 5x, i.e. bare/ours <= 5):`);
  console.log(`    DISTRIBUTED ${ratio(bare, distributed).toFixed(1)}x slower  ${verdict(ratio(bare, distributed) <= 5)}`);
  console.log(`    INLINE      ${ratio(bare, inline).toFixed(1)}x slower  ${verdict(ratio(bare, inline) <= 5)}`);
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
      const result = await run(distributedDefinition("big.jsonl", true), {}, {
        handlers,
        s3: s3.client(),
        keepHistory: false,
        onEvent: (e) => {
          if (e.kind === "mapRun") updates++;
        },
      });
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
  console.log(`  peak RSS ${(peak / MB).toFixed(0)} MB sampled, process high-water mark ${maxRss.toFixed(0)} MB (the embedded S3 server and the`);
  console.log(`  ${bodyMb.toFixed(0)} MB JSONL upload share this process); RSS before the run ${(baseline / MB).toFixed(0)} MB`);
  console.log(`  target < 512 MB: ${Math.max(peak / MB, maxRss) < 512 ? "meets target" : "MISSES target"}; Map Run progress callbacks: ${updates}`);
}

async function main(): Promise<void> {
  const part = process.env.BENCH_ENGINE_PART;
  if (part === undefined) {
    // Part 2 runs in a process of its own, so its peak RSS is not part 1's heap.
    const s3 = await startEmbeddedS3({ buckets: [BUCKET] });
    try {
      await partOne(s3);
    } finally {
      await s3.stop();
    }
    const child = spawnSync(process.execPath, process.execArgv.concat(process.argv.slice(1)), {
      stdio: "inherit",
      env: { ...process.env, BENCH_ENGINE_PART: "2" },
    });
    if (child.status !== 0) throw new Error(`part 2 exited with ${child.status ?? child.signal}`);
    return;
  }
  const s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  try {
    if (part === "1") await partOne(s3);
    else await partTwo(s3);
  } finally {
    await s3.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
