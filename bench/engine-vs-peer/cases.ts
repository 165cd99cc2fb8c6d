/**
 * Issue 15's performance cases, each built three ways that do the same work and return the same
 * output: ours (the local engine), aws-local-stepfunctions (the same definition object, Task states
 * bound to the same in-process functions through `overrides.taskResourceLocalHandlers`) and the
 * bare-loop floor (deep copy + async call + collect, no engine). Shared by `npm run bench --
 * engine15` and by test/bench/engine-vs-peer-cases.test.ts, which runs them at tiny sizes and checks the
 * three outputs are equal (so the bench compares equal work).
 *
 * aws-local-stepfunctions runs a DISTRIBUTED Map as an inline one (no child executions, no Map Run)
 * and ignores ItemReader and ResultWriter: where a case needs them, its definition for
 * aws-local differs from ours only there, and the case's `note` says so.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Readable } from "node:stream";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { JsonValue, StateMachineDefinition } from "../../asl/types";
import { run, type LambdaHandler } from "../../engine";
import { WORKFLOWS, lambdaEnvironment } from "../../app/catalog";
import { forEachProcessDataResult } from "../../app/demos/checks";
import { forEachChildRecord, readManifest, ResultWriterOutputSchema } from "../../handlers/map-reduce/result-files";
import { loadStackConfig } from "../../config/load";
import { captureInput } from "../../handlers/capture-input";
import { processData, type ProcessDataResult } from "../../handlers/process-data";
import { startServers, type LocalServers } from "../../emulators/servers";
import { loadAwsLocal } from "../aws-local";

export interface BenchCase {
  name: string;
  /** How many items (children, iterations) one run processes. */
  items: number;
  /** What differs from a like-for-like comparison, printed with the case. */
  note?: string;
  ours(): Promise<JsonValue>;
  awsLocal(): Promise<JsonValue>;
  bare(): Promise<JsonValue>;
  /**
   * Context only, not a target: the bare loop writing what ours writes (case (4): AWS's
   * ResultWriter records of every child, where the floor writes the outputs alone).
   */
  bareRecords?(): Promise<JsonValue>;
  /**
   * Turns a way's raw output into the comparable one (results read back from a ResultWriter's
   * files, sorted): used by the equal-output test, never inside the timed runs.
   */
  comparable?(way: "ours" | "awsLocal" | "bare", output: JsonValue): Promise<JsonValue>;
}

export interface CaseSizes {
  inline: number;
  distributed: number;
  /** The seed demo's `number` (items = number / 5). */
  seedNumber: number;
  large: number;
}

export const DEFAULT_SIZES: CaseSizes = { inline: 5_000, distributed: 20_000, seedNumber: 100_000, large: 100_000 };

/** Sizes from BENCH_* variables, so the harness can be smoke-tested in seconds. */
export function sizesFromEnv(env: NodeJS.ProcessEnv = process.env): CaseSizes {
  const n = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(env[name])}`);
    return value;
  };
  return {
    inline: n("BENCH_INLINE_ITEMS", DEFAULT_SIZES.inline),
    distributed: n("BENCH_DISTRIBUTED_ITEMS", DEFAULT_SIZES.distributed),
    seedNumber: n("BENCH_SEED_NUMBER", DEFAULT_SIZES.seedNumber),
    large: n("BENCH_LARGE_ITEMS", DEFAULT_SIZES.large),
  };
}

type AwsLocalMachine = { run(input: unknown, options?: unknown): { result: Promise<unknown> } };

async function awsLocalMachine(definition: StateMachineDefinition): Promise<AwsLocalMachine> {
  const { StateMachine } = await loadAwsLocal();
  return new StateMachine(definition as never, { validationOptions: { checkArn: false } }) as unknown as AwsLocalMachine;
}

function succeeded(result: { status: string; output?: JsonValue; error?: string; cause?: string }, what: string): JsonValue {
  if (result.status !== "SUCCEEDED") throw new Error(`${what}: ${result.status} ${result.error ?? ""} ${result.cause ?? ""}`);
  return result.output ?? null;
}

const deepCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// ---------- (1) INLINE Map, a Pass per item ----------

export const inlineDefinition: StateMachineDefinition = {
  StartAt: "Each",
  States: {
    Each: {
      Type: "Map",
      ItemsPath: "$.items",
      MaxConcurrency: 0,
      ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } },
      End: true,
    },
  },
};

async function inlineCase(size: number): Promise<BenchCase> {
  const input = { items: Array.from({ length: size }, (_, i) => ({ id: i, name: `item-${i}` })) };
  const theirs = await awsLocalMachine(inlineDefinition);
  const pass = async (item: unknown) => item;
  return {
    name: `(1) INLINE Map, ${size.toLocaleString("en-US")} items, a Pass per item`,
    items: size,
    ours: async () => succeeded(await run(inlineDefinition, input, { handlers: {}, keepHistory: false }), "inline"),
    awsLocal: async () => (await theirs.run(input).result) as JsonValue,
    bare: async () => {
      const out: unknown[] = [];
      for (const item of input.items) out.push(await pass(deepCopy(item)));
      return out as JsonValue;
    },
  };
}

// ---------- (2) and (4) DISTRIBUTED Map, STANDARD children with a Pass (Parameters + OutputPath), ResultSelector ----------

const distributedMap = (source: { ItemsPath: string } | { ItemReader: JsonValue }): StateMachineDefinition =>
  ({
    StartAt: "Each",
    States: {
      Each: {
        Type: "Map",
        ...source,
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          StartAt: "Shape",
          States: {
            Shape: { Type: "Pass", Parameters: { "value.$": "$", "next.$": "States.MathAdd($, 1)" }, OutputPath: "$.next", End: true },
          },
        },
        ResultSelector: { "count.$": "States.ArrayLength($)", "first.$": "$[0]" },
        End: true,
      },
    },
  }) as StateMachineDefinition;

export const distributedDefinition = distributedMap({ ItemsPath: "$.items" });

/** What the Pass and the ResultSelector compute, by hand. */
const shape = async (value: number) => ({ value, next: value + 1 }).next;
const select = (results: number[]) => ({ count: results.length, first: results[0] ?? null });

async function distributedCase(size: number): Promise<BenchCase> {
  // Numbers: 20,000 of them stay under the 256 KiB execution input quota.
  // From 1: aws-local-stepfunctions reads a JSONPath `$` that is 0 as "no value" (States.Runtime).
  const input = { items: Array.from({ length: size }, (_, i) => i + 1) };
  const theirs = await awsLocalMachine(distributedDefinition);
  return {
    name: `(2) DISTRIBUTED Map, ${size.toLocaleString("en-US")} STANDARD children, Pass (Parameters + OutputPath), ResultSelector`,
    items: size,
    note: "aws-local-stepfunctions runs it as an inline Map (no child executions)",
    ours: async () => succeeded(await run(distributedDefinition, input, { handlers: {}, keepHistory: false }), "distributed"),
    awsLocal: async () => (await theirs.run(input).result) as JsonValue,
    bare: async () => {
      const out: number[] = [];
      for (const item of input.items) out.push(await shape(deepCopy(item)));
      return select(out);
    },
  };
}

const LARGE_BUCKET = "bench-large";
const LARGE_CHILD_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:bench/Each";
const LARGE_CHILD_EXECUTION_PREFIX = "arn:aws:states:us-east-1:123456789012:execution:bench/Each:";

/** Every succeeded child's output from a ResultWriter's files (the Map's output names the manifest). */
async function writtenOutputs(s3: S3Client, mapOutput: JsonValue): Promise<JsonValue[]> {
  const details = ResultWriterOutputSchema.parse(mapOutput).ResultWriterDetails;
  const manifest = await readManifest(s3, details.Bucket, details.Key);
  const outputs: JsonValue[] = [];
  await forEachChildRecord(s3, manifest, (r) => {
    if (r.status === "SUCCEEDED") outputs.push(r.output as JsonValue);
  });
  return outputs;
}

async function largeCase(size: number, s3: S3Client): Promise<BenchCase> {
  // 100,000 numbers are ~590 KB, over the 256 KiB input quota: on AWS (and ours) they come from S3,
  // and the results, over the same quota, go to a ResultWriter (the Map fails with
  // States.DataLimitExceeded otherwise, as it does on AWS).
  const items = Array.from({ length: size }, (_, i) => i + 1);
  await s3.send(new PutObjectCommand({ Bucket: LARGE_BUCKET, Key: "items.json", Body: JSON.stringify(items) }));
  const ourDefinition = distributedMap({
    ItemReader: {
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "JSON" },
      Parameters: { Bucket: LARGE_BUCKET, Key: "items.json" },
    },
  });
  const each = ourDefinition.States["Each"] as unknown as Record<string, unknown>;
  delete each["ResultSelector"];
  each["ResultWriter"] = { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: LARGE_BUCKET, Prefix: "results" } };
  const { ResultSelector: _selector, ...theirEach } = distributedDefinition.States["Each"] as unknown as Record<string, unknown>;
  const theirs = await awsLocalMachine({ ...distributedDefinition, States: { Each: theirEach } } as unknown as StateMachineDefinition);
  /** The floors' read of the item file (ours reads it through its ItemReader). */
  const readItems = async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: LARGE_BUCKET, Key: "items.json" }));
    return JSON.parse(await got.Body!.transformToString()) as number[];
  };
  return {
    name: `(4) DISTRIBUTED Map, ${size.toLocaleString("en-US")} STANDARD children, Pass (Parameters + OutputPath), JSON ItemReader, ResultWriter`,
    items: size,
    note: "aws-local-stepfunctions ignores ItemReader and ResultWriter: it gets the items in its input and returns the results (ours and the floor read the items from, and write the results to, the embedded S3)",
    ours: async () => succeeded(await run(ourDefinition, {}, { handlers: {}, s3, keepHistory: false }), "large distributed"),
    awsLocal: async () => (await theirs.run({ items }).result) as JsonValue,
    bare: async () => {
      const read = await readItems();
      const out: number[] = [];
      for (const item of read) out.push(await shape(deepCopy(item)));
      await s3.send(new PutObjectCommand({ Bucket: LARGE_BUCKET, Key: "bare/results.json", Body: JSON.stringify(out) }));
      return out;
    },
    bareRecords: async () => {
      // The same loop, each result kept as the record AWS's ResultWriter writes for a child
      // (JSON.stringify of it, fields in AWS's order), the file put as a stream as ours is.
      const read = await readItems();
      const records: string[] = [];
      for (const item of read) {
        const startDate = new Date().toISOString();
        const output = await shape(deepCopy(item));
        const name = randomUUID();
        records.push(
          JSON.stringify({
            ExecutionArn: `${LARGE_CHILD_EXECUTION_PREFIX}${name}`,
            Input: JSON.stringify(item),
            InputDetails: { Included: true },
            Name: name,
            Output: JSON.stringify(output),
            OutputDetails: { Included: true },
            RedriveCount: 0,
            RedriveStatus: "NOT_REDRIVABLE",
            RedriveStatusReason: "Execution is SUCCEEDED and cannot be redriven",
            StartDate: startDate,
            StateMachineArn: LARGE_CHILD_MACHINE,
            Status: "SUCCEEDED",
            StopDate: new Date().toISOString(),
          }),
        );
      }
      const file = Buffer.from(`[${records.join(",")}]`);
      await s3.send(
        new PutObjectCommand({ Bucket: LARGE_BUCKET, Key: "bare/records.json", Body: Readable.from([file]), ContentLength: file.length }),
      );
      return records.length;
    },
    // Result files list children in completion order: compared sorted.
    comparable: async (way, output) =>
      [...(way === "ours" ? await writtenOutputs(s3, output) : (output as number[]))].sort((a, b) => Number(a) - Number(b)),
  };
}

// ---------- (3) the seed demo (app/catalog.ts `seed`, the dev stack's settings) ----------

export const SEED_BUCKET = "bench-seed";

/** The seed's results in one order (ResultWriter files list children in completion order). */
export function sortedResults(results: ProcessDataResult[]): ProcessDataResult[] {
  return [...results].sort((a, b) => ("from" in a && "from" in b ? a.from - b.from : 0));
}

async function seedCase(number: number, servers: LocalServers): Promise<BenchCase> {
  const s3 = servers.s3Client!;
  const config = devConfig();
  const machine = WORKFLOWS.find((w) => w.name === "seed")!.build(config, { bucket: SEED_BUCKET });
  const definition = machine.renderLocal();
  const input = { number, chunk: 5 };
  const handlers = Object.fromEntries(machine.handlersByName()) as Record<string, LambdaHandler>;
  // aws-local ignores ItemReader and ResultWriter: CaptureInput's output carries the items it wrote,
  // read back from S3 as the ItemReader would, and the Map returns its results instead of writing them.
  const { ItemReader: _reader, ResultWriter: _writer, ...mapData } = definition.States["MapData"] as unknown as Record<string, unknown>;
  const theirDefinition = {
    ...definition,
    States: { ...definition.States, MapData: { ...mapData, ItemsPath: "$.items" } },
  } as unknown as StateMachineDefinition;
  const theirs = await awsLocalMachine(theirDefinition);
  const readItems = async (bucket: string, key: string) =>
    JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString()) as JsonValue[];
  return {
    name: `(3) seed demo: ${number.toLocaleString("en-US")} numbers in chunks of 5 → ${Math.ceil(number / 5).toLocaleString("en-US")} STANDARD children, MaxConcurrency ${config.maxConcurrency}, ResultWriter`,
    items: Math.ceil(number / 5),
    note: "aws-local-stepfunctions: the same definition without ItemReader/ResultWriter (it supports neither); its CaptureInput also reads the item file back, its Map returns the results in memory",
    ours: async () => succeeded(await run(definition, input, { handlers, s3, keepHistory: false }), "seed"),
    awsLocal: async () => {
      const out = await theirs.run(input, {
        overrides: {
          taskResourceLocalHandlers: {
            CaptureInput: async (event: unknown) => {
              const where = await captureInput(event);
              return { ...where, items: await readItems(where.bucket, where.key) };
            },
            ProcessData: (event: unknown) => processData(event),
          },
        },
      }).result;
      return out as JsonValue;
    },
    bare: async () => {
      const where = await captureInput(deepCopy(input));
      const results: ProcessDataResult[] = [];
      for (const item of await readItems(where.bucket, where.key)) results.push(await processData(deepCopy(item)));
      await s3.send(new PutObjectCommand({ Bucket: SEED_BUCKET, Key: "bare/results.json", Body: JSON.stringify(results) }));
      return results as unknown as JsonValue;
    },
    // The results as the demo's check reads them (ours: from the ResultWriter's files), in one order.
    comparable: async (way, output) => {
      const results: ProcessDataResult[] = [];
      if (way === "ours") await forEachProcessDataResult(s3, output, (r) => results.push(r));
      else results.push(...(output as unknown as ProcessDataResult[]));
      return sortedResults(results) as unknown as JsonValue;
    },
  };
}

/**
 * Case 1-4 at its size in `sizes`; cases (3) and (4) need the embedded S3 (buckets SEED_BUCKET and
 * LARGE_BUCKET). Each way runs inside the servers' environment (servers.run), where the handlers
 * find their S3 and PAYLOAD_* settings: a local run never sets them in process.env.
 */
export async function buildCase(caseNumber: number, sizes: CaseSizes, servers: LocalServers): Promise<BenchCase> {
  const c = await servers.run(() => buildCaseBare(caseNumber, sizes, servers));
  const inRun = (way: (() => Promise<JsonValue>) | undefined) => way && (() => servers.run(() => way.call(c)));
  return {
    ...c,
    ours: inRun(c.ours)!,
    awsLocal: inRun(c.awsLocal)!,
    bare: inRun(c.bare)!,
    ...(c.bareRecords ? { bareRecords: inRun(c.bareRecords) } : {}),
  };
}

function buildCaseBare(caseNumber: number, sizes: CaseSizes, servers: LocalServers): Promise<BenchCase> {
  switch (caseNumber) {
    case 1:
      return inlineCase(sizes.inline);
    case 2:
      return distributedCase(sizes.distributed);
    case 3:
      return seedCase(sizes.seedNumber, servers);
    case 4:
      return largeCase(sizes.large, servers.s3Client!);
    default:
      throw new Error(`no bench case ${caseNumber} (1-4)`);
  }
}

/** Every case at these sizes. */
export async function buildCases(sizes: CaseSizes, servers: LocalServers): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  for (const n of [1, 2, 3, 4]) cases.push(await buildCase(n, sizes, servers));
  return cases;
}

const devConfig = () => loadStackConfig({ stack: "dev", projectDir: join(__dirname, "..", "..") }).config;

/**
 * The embedded S3 the cases need, with the seed handlers' payload settings as index.ts deploys them
 * (CaptureInput writes the item file under the seed's payload folder).
 */
export function startBenchServers(): Promise<LocalServers> {
  return startServers({ s3: { buckets: [SEED_BUCKET, LARGE_BUCKET] }, env: lambdaEnvironment("CaptureInput", devConfig(), SEED_BUCKET) });
}
