/**
 * One local run of a workflow of the stack, end to end, the way `pulumi up` would deploy it and
 * AWS would run it:
 *   stack config (Pulumi.<stack>.yaml, the same zod schema index.ts uses)
 *   → the catalog entry's build(config, {bucket}) (the same code index.ts deploys)
 *   → embedded S3 with the stack's bucket, the SDK's standard env for the handlers
 *   → the local engine, handlers in-process, Map Run updates to the progress display
 *   → checks, counts and the bill estimate → a summary
 * and everything stopped again, also when the run is interrupted.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { S3Client } from "@aws-sdk/client-s3";
import { lambda, type StateMachine } from "../../asl/builders";
import type { StateMachineDefinition } from "../../asl/types";
import { walkStates } from "../../asl/walk";
import { areaPrefix, LAMBDAS, WORKFLOWS, type CatalogWorkflow } from "../../app/catalog";
import { loadStackConfig } from "../../config/load";
import { StackConfigError, type StackConfig } from "../../config/schema";
import { paginateInline } from "../../handlers/capture-input";
import { pageCount, paginate } from "../../handlers/capture-input/pages";
import type { ReduceResult } from "../../handlers/map-reduce/reduce-counts";
import { disposePayloadS3Client } from "../../handlers/shared/s3-client";
import { mapReducePrefixes } from "../../workflows/map-reduce";
import { seedInlineWorkflow } from "../../workflows/seed";
import { UsageError } from "../cli/args";
import { run as runEngine } from "../engine";
import type { MapRunRecord } from "../engine/distributed/contract";
import type { EngineEvent, ExecutionResult, LambdaHandler } from "../engine/types";
import { billedMs, estimateBill, PRICE_TABLE, type BillEstimate } from "../pricing";
import type { ProgressDisplay } from "../progress";
import { startEmbeddedS3, type EmbeddedS3 } from "../s3/server";
import { checkMapReduceTotals, checkSeedExactlyOnce, resultWriterLocation, type CheckResult } from "./checks";
import { uploadDataset, type DatasetTotals } from "./dataset";
import { meterHandlers } from "./metering";
import { findProjectDir } from "./project";
import { distributedMapChildTypes } from "./child-types";
import { explainFailure } from "./explain";

/** The seed article's demo input: 100,000 numbers in chunks of 5 → 20,000 items. */
export const SEED_DEMO_INPUT = { number: 100_000, chunk: 5 } as const;
/** Objects generated for the map-reduce demo when --objects is not given: more than one 1,000-key listObjectsV2 page. */
export const DEFAULT_OBJECTS = 1_500;
/** How many past runs' S3 data a stack keeps under .local-s3/<stack>/. */
const KEEP_RUNS = 3;
const LOCAL_ACCOUNT = "123456789012";

export interface RunRequest {
  stack: string;
  workflow?: string;
  input?: Record<string, unknown>;
  inline: boolean;
  objects?: number;
  progress: ProgressDisplay;
  signal: AbortSignal;
  /** Where Pulumi.yaml is; the repository root by default. */
  projectDir?: string;
  /** Where run data is kept; `$LOCAL_S3_DIR` or `<projectDir>/.local-s3` by default. */
  dataRoot?: string;
}

export interface MapRunSummary {
  name: string;
  status: MapRunRecord["status"];
  items: number;
  itemsSucceeded: number;
  itemsFailed: number;
  childExecutions: number;
  childExecutionsSucceeded: number;
  childExecutionsFailed: number;
  maxConcurrency: number;
  durationMs?: number;
}

export interface RunSummary {
  stack: string;
  workflow: string;
  variant: "distributed" | "inline";
  executionArn: string;
  status: ExecutionResult["status"];
  error?: string;
  cause?: string;
  /** Where the execution failed and what to do about it, in words. */
  explanation?: string;
  failedState?: string;
  input: unknown;
  output?: unknown;
  wallTimeMs: number;
  executionDurationMs: number;
  items: number;
  childExecutions: number;
  mapRuns: MapRunSummary[];
  stateTransitions: { parent: number; children: number; total: number };
  /** The largest child's history (STANDARD children each have their own 25,000-event limit). */
  historyEvents: { parent: number; largestChild?: { mapRunArn: string; events: number } };
  resultWriter?: { manifest: string; localData: string };
  check?: CheckResult;
  lambdas: Array<{ name: string; invocations: number; errors: number; billedDurationMs: number; memoryMb: number; architecture: string }>;
  bill: BillEstimate;
  dataset?: { objects: number; bytes: number; prefix: string };
}

/** The bucket a stack's workflows use locally: deterministic, a valid S3 bucket name. */
export function localBucketName(project: string, stack: string): string {
  const name = `${project}-${stack}`.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return (name.length >= 3 ? name : `${name}-local`).slice(0, 63);
}


function findWorkflow(name: string | undefined): CatalogWorkflow {
  const names = WORKFLOWS.map((w) => w.name);
  if (name === undefined) return WORKFLOWS[0]!;
  const found = WORKFLOWS.find((w) => w.name === name);
  if (!found) throw new UsageError(`--workflow: unknown workflow "${name}" (this stack has: ${names.join(", ")})`);
  return found;
}

/** Function names invoked inside Distributed Map processors (their time is the children's time). */
function childFunctionNames(definition: StateMachineDefinition): Set<string> {
  const names = new Set<string>();
  walkStates(definition, ({ state, inDistributedChild }) => {
    if (state.Type !== "Task" || !inDistributedChild) return;
    const m = /:function:([^:]+)/.exec(state.Resource);
    if (m) names.add(m[1]!);
  });
  return names;
}

/** Marks a run in progress: holds the pid of the process that writes it. */
const IN_PROGRESS = "IN_PROGRESS";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Keeps the newest `keep` finished runs of a stack, and removes every run whose process died
 * mid-way (killed, crashed): a run's data is either complete or gone.
 */
async function pruneOldRuns(stackDir: string, keep: number): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(stackDir);
  } catch {
    return;
  }
  const runs = await Promise.all(
    entries.map(async (e) => {
      const dir = join(stackDir, e);
      const marker = await readFile(join(dir, IN_PROGRESS), "utf8").catch(() => undefined);
      const pid = marker === undefined ? undefined : Number(marker);
      return { dir, inProgress: marker !== undefined, alive: pid !== undefined && Number.isInteger(pid) && processAlive(pid), t: (await stat(dir).catch(() => undefined))?.mtimeMs ?? 0 };
    }),
  );
  const orphans = runs.filter((r) => r.inProgress && !r.alive);
  const finished = runs.filter((r) => !r.inProgress).sort((a, b) => b.t - a.t);
  await Promise.all([...orphans, ...finished.slice(keep)].map(({ dir }) => rm(dir, { recursive: true, force: true })));
}

/** Sets variables for the duration of the run; returns the undo. */
function setEnv(vars: Record<string, string>): () => void {
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

interface Prepared {
  machine: StateMachine;
  input: Record<string, unknown>;
  variant: "distributed" | "inline";
  dataset?: { objects: number; prefix: string };
}

function prepare(workflow: CatalogWorkflow, config: StackConfig, bucket: string, request: RunRequest): Prepared {
  if (request.inline && workflow.name !== "seed") throw new UsageError(`--inline applies to the seed workflow only (not "${workflow.name}")`);
  if (request.objects !== undefined && workflow.name !== "map-reduce") throw new UsageError(`--objects applies to the map-reduce workflow only (not "${workflow.name}")`);
  if (request.inline) {
    // The seed's original version: CaptureInput returns the items inline to an Inline Map.
    const machine = seedInlineWorkflow(
      { captureInput: lambda("CaptureInput", paginateInline), processData: LAMBDAS["ProcessData"]!.ref },
      { maxConcurrency: config.maxConcurrency },
    );
    return { machine, input: request.input ?? { ...SEED_DEMO_INPUT }, variant: "inline" };
  }
  const machine = workflow.build(config, { bucket });
  if (workflow.name === "map-reduce") {
    return {
      machine,
      input: request.input ?? {},
      variant: "distributed",
      dataset: { objects: request.objects ?? DEFAULT_OBJECTS, prefix: mapReducePrefixes(config).inputPrefix },
    };
  }
  // Any workflow that starts from CaptureInput gets the seed's demo input by default.
  const usesCapture = machine.lambdas.some((l) => l.name === "CaptureInput");
  return { machine, input: request.input ?? (usesCapture ? { ...SEED_DEMO_INPUT } : {}), variant: "distributed" };
}

export async function runLocal(request: RunRequest): Promise<RunSummary> {
  const wallStart = performance.now();
  const projectDir = request.projectDir ?? findProjectDir();
  let loaded;
  try {
    loaded = loadStackConfig({ stack: request.stack, projectDir });
  } catch (e) {
    if (e instanceof StackConfigError) throw new UsageError(e.message);
    throw e;
  }
  const { project, stack, config } = loaded;
  const workflow = findWorkflow(request.workflow);
  const bucket = localBucketName(project, stack);
  const prepared = prepare(workflow, config, bucket, request);
  const definition = prepared.machine.renderLocal();

  const executionName = `local-${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const stateMachineName = `${project}-${stack}-${workflow.name}${prepared.variant === "inline" ? "-inline" : ""}`;
  const stateMachineArn = `arn:aws:states:${config.region}:${LOCAL_ACCOUNT}:stateMachine:${stateMachineName}`;
  const dataRoot = resolve(request.dataRoot ?? process.env["LOCAL_S3_DIR"] ?? join(projectDir, ".local-s3"));
  const stackDir = join(dataRoot, stack);
  const runDir = join(stackDir, executionName);
  const s3Dir = join(runDir, "s3");
  await pruneOldRuns(stackDir, KEEP_RUNS - 1);
  await mkdir(s3Dir, { recursive: true });
  await writeFile(join(runDir, IN_PROGRESS), String(process.pid));

  let s3: EmbeddedS3 | undefined;
  let restoreEnv: (() => void) | undefined;
  let client: S3Client | undefined;
  let keepData = false;
  try {
    s3 = await startEmbeddedS3({ buckets: [bucket], dataDir: s3Dir, region: config.region });
    client = s3.client();
    // The PAYLOAD_* environment index.ts gives CaptureInput, the one handler that writes payloads
    // (one process holds one environment; the other handlers do not read it).
    const capture = LAMBDAS["CaptureInput"]?.settings;
    restoreEnv = setEnv({
      ...s3.env,
      PAYLOAD_BUCKET: bucket,
      PAYLOAD_PREFIX: areaPrefix(config, "payload", capture?.payloadFolder ?? ""),
      PAYLOAD_FORMAT: capture?.payloadFormat ?? "json",
    });

    let totals: DatasetTotals | undefined;
    if (prepared.dataset) {
      totals = await uploadDataset(client, bucket, prepared.dataset.prefix, prepared.dataset.objects, { signal: request.signal });
    }

    const metered = meterHandlers(prepared.machine.handlersByName() as ReadonlyMap<string, LambdaHandler>);
    const perExecution = new Map<string, { events: number; transitions: number }>();
    let parentArn: string | undefined;
    let lastParentState: string | undefined;
    const onEvent = (event: EngineEvent) => {
      if (event.kind === "mapRun") {
        request.progress.update(event.record);
        return;
      }
      parentArn ??= event.executionArn;
      let counts = perExecution.get(event.executionArn);
      if (!counts) perExecution.set(event.executionArn, (counts = { events: 0, transitions: 0 }));
      counts.events++;
      if (event.event.type.endsWith("StateEntered")) {
        counts.transitions++;
        if (event.executionArn === parentArn) {
          const details = event.event["stateEnteredEventDetails"] as { name?: string } | undefined;
          lastParentState = details?.name;
        }
      }
    };

    const result = await runEngine(definition, prepared.input as never, {
      handlers: metered.handlers,
      s3: client,
      onEvent,
      executionName,
      stateMachineArn,
      stateMachineType: "STANDARD",
      signal: request.signal,
      keepHistory: false,
    });
    request.progress.stop();

    const parentCounts = perExecution.get(result.executionArn) ?? { events: result.counters.historyEvents, transitions: result.counters.stateTransitions };
    // Children's figures are exact: the engine totals every finished child's state transitions and
    // history events in its Map Run record (childCounters), without keeping the children's histories.
    let childTransitions = 0;
    let largestChild: { mapRunArn: string; events: number } | undefined;
    for (const r of result.mapRuns) {
      const c = r.childCounters;
      if (!c) continue;
      childTransitions += c.stateTransitions;
      if (!largestChild || c.maxHistoryEvents > largestChild.events) largestChild = { mapRunArn: r.mapRunArn, events: c.maxHistoryEvents };
    }
    // What the children are billed as comes from the definition that ran (a workflow may fix its own type).
    const childType = [...distributedMapChildTypes(definition).values()][0] ?? config.childExecutionType;

    const mapRuns = result.mapRuns.map(
      (r): MapRunSummary => ({
        name: r.label ?? r.stateName,
        status: r.status,
        items: r.itemCounts.total,
        itemsSucceeded: r.itemCounts.succeeded,
        itemsFailed: r.itemCounts.failed + r.itemCounts.timedOut,
        childExecutions: r.executionCounts.total,
        childExecutionsSucceeded: r.executionCounts.succeeded,
        childExecutionsFailed: r.executionCounts.failed + r.executionCounts.timedOut,
        maxConcurrency: r.maxConcurrency,
        durationMs: r.stopDate ? r.stopDate.getTime() - r.startDate.getTime() : undefined,
      }),
    );
    const childExecutions = mapRuns.reduce((s, r) => s + r.childExecutions, 0);
    const items = mapRuns.reduce((s, r) => s + r.items, 0);

    // The Map's output: the execution output for the seed; for map-reduce the reduce step reads it itself.
    const output = result.output;
    const writerLocation = resultWriterLocation(output) ?? findResultWriterInHistoryless(result);
    let check: CheckResult | undefined;
    if (result.status === "SUCCEEDED") {
      // Every workflow whose Map runs ProcessData over CaptureInput's pages gets the exactly-once proof.
      if (prepared.machine.lambdas.some((l) => l.name === "ProcessData") && prepared.machine.lambdas.some((l) => l.name === "CaptureInput")) {
        const number = typeof prepared.input["number"] === "number" ? prepared.input["number"] : 10;
        check = await checkSeedExactlyOnce(client, output, number);
      } else if (workflow.name === "map-reduce" && totals) {
        check = checkMapReduceTotals(output as unknown as ReduceResult, totals);
      }
    }

    const lambdas = [...metered.meters.entries()].map(([name, m]) => ({
      name,
      invocations: m.invocations,
      errors: m.errors,
      billedDurationMs: m.billedDurationMs,
      memoryMb: LAMBDAS[name]?.settings.memoryMb ?? config.lambdaMemoryMb,
      architecture: config.lambdaArchitecture,
    }));
    const childFns = childFunctionNames(definition);
    const childLambdaMs = lambdas.filter((l) => childFns.has(l.name)).reduce((s, l) => s + l.billedDurationMs, 0);
    const bill = estimateBill({
      parent: { type: "STANDARD", executions: 1, stateTransitions: parentCounts.transitions, billedDurationMs: 0 },
      children:
        childExecutions > 0
          ? {
              type: childType,
              executions: childExecutions,
              stateTransitions: childTransitions,
              // EXPRESS children keep no history; their duration is estimated from their Lambda time, each rounded up to 100 ms.
              billedDurationMs: childExecutions * billedMs(childLambdaMs / childExecutions, PRICE_TABLE.stepFunctions.expressDurationRoundingMs),
            }
          : undefined,
      lambdas: lambdas.map((l) => ({ functionName: l.name, invocations: l.invocations, billedDurationMs: l.billedDurationMs, memoryMb: l.memoryMb, architecture: l.architecture })),
    });

    // An interrupted run keeps nothing, whatever status the execution ended with.
    keepData = result.status !== "ABORTED" && !request.signal.aborted;
    const summary: RunSummary = {
      stack,
      workflow: workflow.name,
      variant: prepared.variant,
      executionArn: result.executionArn,
      status: result.status,
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
      input: prepared.input,
      wallTimeMs: Math.round(performance.now() - wallStart),
      executionDurationMs: result.durationMs,
      items,
      childExecutions,
      mapRuns,
      stateTransitions: { parent: parentCounts.transitions, children: childTransitions, total: parentCounts.transitions + childTransitions },
      historyEvents: { parent: parentCounts.events, ...(largestChild ? { largestChild } : {}) },
      lambdas,
      bill,
    };
    if (result.status === "FAILED") {
      summary.failedState = lastParentState;
      summary.explanation = explainFailure(result.error, result.cause, { state: lastParentState, variant: prepared.variant, inlineItems: prepared.variant === "inline" ? inlineItemsOf(prepared.input) : undefined });
    }
    if (workflow.name === "map-reduce" && result.status === "SUCCEEDED") summary.output = output;
    if (writerLocation) summary.resultWriter = { manifest: `s3://${writerLocation.bucket}/${writerLocation.manifestKey}`, localData: s3Dir };
    if (check) summary.check = check;
    if (prepared.dataset && totals) summary.dataset = { objects: totals.objects, bytes: totals.bytes, prefix: `s3://${bucket}/${prepared.dataset.prefix}` };
    return summary;
  } finally {
    request.progress.stop();
    client?.destroy();
    disposePayloadS3Client();
    restoreEnv?.();
    await s3?.stop();
    // An interrupted or crashed run leaves nothing behind: no server, no half-written results.
    if (keepData) await rm(join(runDir, IN_PROGRESS), { force: true });
    else await rm(runDir, { recursive: true, force: true });
  }
}

/** The inline variant's item list size, to say by how much it exceeds the limit (computed only when reasonably small). */
function inlineItemsOf(input: Record<string, unknown>): { count: number; bytes: number } | undefined {
  const number = typeof input["number"] === "number" ? input["number"] : 10;
  const chunk = typeof input["chunk"] === "number" ? input["chunk"] : 1;
  if (!Number.isInteger(number) || !Number.isInteger(chunk) || chunk < 1 || number < 0 || pageCount(number, chunk) > 1_000_000) return undefined;
  return { count: pageCount(number, chunk), bytes: Buffer.byteLength(JSON.stringify(paginate(number, chunk))) };
}

/**
 * For workflows whose final output is not the Map's (map-reduce: the reduce result), the manifest
 * location comes from the reduce output, which names it.
 */
function findResultWriterInHistoryless(result: ExecutionResult): { bucket: string; manifestKey: string } | undefined {
  const out = result.output as { manifest?: unknown } | undefined;
  if (out && typeof out === "object" && typeof out.manifest === "string") {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(out.manifest);
    if (m) return { bucket: m[1]!, manifestKey: m[2]! };
  }
  return undefined;
}
