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
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { S3Client } from "@aws-sdk/client-s3";
import type { StateMachine } from "../../asl/builders";
import type { StateMachineDefinition } from "../../asl/types";
import { walkStates } from "../../asl/walk";
import { catalogLambda, checkWorkflowSettings, lambdaEnvironment, WORKFLOWS, type CatalogWorkflow } from "../../app/catalog";
import type { CheckResult, DemoVariant } from "../../app/demo";
import { loadStackConfig } from "../../config/load";
import { StackConfigError, type StackConfig } from "../../config/schema";
import { UsageError } from "../cli/args";
import { didYouMean } from "../cli/usage";
import { run as runEngine } from "../../engine";
import { stateMachineArn as localStateMachineArn } from "../../engine/model/local-account";
import type { MapRunRecord } from "../../engine/distributed/map-run-interface";
import type { EngineEvent, ExecutionResult, LambdaHandler } from "../../engine/types";
import type { OutboxMessage } from "../../engine";
import { billedMs, estimateBill, nestedUsage, PRICE_TABLE, type BillEstimate } from "../pricing";
import { projectDuration, whatIf, whatIfBatchSizes, type MeasuredRun, type Projection, type WhatIfRow } from "../pricing/projection";
import { formatCount, type ProgressDisplay } from "../progress";
import type { EngineRerun, RunObserver } from "../../testing/run/observer";
import { startServers, type LocalServers } from "../../emulators/servers";
import { resultWriterLocation } from "../../app/demos/checks";
import { meterHandlers } from "./metering";
import { startLambdaThreads } from "./lambda-threads";
import { findProjectDir } from "./project";
import { createRunDir, finishRunDir, prepareRunRoot, pruneOldRuns, removeRunDir, stackDirOf } from "./run-dirs";
import { distributedMapChildTypes } from "./child-types";
import { disposePayloadS3Client } from "../../handlers/shared/s3-client";
import { seededRandom } from "../../engine/model/random";
import { explainFailure } from "./explain";
import { firstFailures, processorTaskOf, type ChildFailure } from "../../testing/failures";

/** How many past runs' S3 data a stack keeps under .local-s3/<stack>/. */
const KEEP_RUNS = 3;

export interface RunRequest {
  stack: string;
  workflow?: string;
  input?: Record<string, unknown>;
  /** A variant of the workflow's demo (`--variant NAME`, `--inline` = `--variant inline`). */
  variant?: string;
  /** `--objects N`: the size of the demo's data set, for demos that generate one. */
  objects?: number;
  /** `--what-if`: compare EXPRESS vs STANDARD children and other batch sizes (bill and projected duration). */
  whatIf?: boolean;
  progress: ProgressDisplay;
  signal: AbortSignal;
  /** Where Pulumi.yaml is; the repository root by default. */
  projectDir?: string;
  /** Where run data is kept; `$LOCAL_S3_DIR` or `<projectDir>/.local-s3` by default. */
  dataRoot?: string;
  /** A tool watching the run (`--ui`: the console), told before the run and after it. */
  observer?: RunObserver;
  /** Keep the embedded S3 after a finished run; `release` stops it and tidies the run's data (see runLocalExecution). */
  holdServers?: (release: () => Promise<void>) => void;
}

export interface MapRunSummary {
  name: string;
  status: MapRunRecord["status"];
  items: number;
  itemsSucceeded: number;
  itemsFailed: number;
  /** With succeeded and failed (timed out included), these add up to `items`. */
  itemsAborted: number;
  itemsRunning: number;
  itemsPending: number;
  childExecutions: number;
  childExecutionsSucceeded: number;
  childExecutionsFailed: number;
  maxConcurrency: number;
  durationMs?: number;
}

export interface RunSummary {
  stack: string;
  workflow: string;
  /** "distributed" when the workflow ran as deployed, else the demo variant's name (e.g. "inline"). */
  variant: string;
  executionArn: string;
  status: ExecutionResult["status"];
  error?: string;
  cause?: string;
  /** Where the execution failed and what to do about it, in words. */
  explanation?: string;
  failedState?: string;
  input: unknown;
  output?: unknown;
  /** Extra lines the workflow's demo reads from the output (label, text). */
  outputLines?: Array<[string, string]>;
  /** The first failed child executions of each Map Run (item index, error, cause, state), at most 5 each. */
  failures?: ChildFailure[];
  wallTimeMs: number;
  /** Where the wall time went outside the execution: setup (config, build, S3 start), data set, teardown. */
  phasesMs?: { setup: number; dataset: number; execution: number; check: number; teardown?: number };
  executionDurationMs: number;
  items: number;
  childExecutions: number;
  mapRuns: MapRunSummary[];
  stateTransitions: { parent: number; children: number; total: number };
  /** The largest child's history (STANDARD children each have their own 25,000-event limit). */
  historyEvents: { parent: number; largestChild?: { mapRunArn: string; events: number } };
  resultWriter?: { manifest: string; localData: string };
  check?: CheckResult;
  /** SQS/SNS/EventBridge calls recorded (never sent) by the run's integration tasks. */
  outbox?: OutboxMessage[];
  /** Executions started by `states:startExecution` tasks (billed as "nested"). */
  nestedExecutions?: Array<{ executionArn: string; status: string; stateTransitions: number }>;
  lambdas: Array<{ name: string; invocations: number; errors: number; billedDurationMs: number; memoryMb: number; architecture: string }>;
  bill: BillEstimate;
  /** How long the same run would take on AWS (documented default quotas, measured per-child work). */
  projection?: Projection;
  whatIf?: WhatIfRow[];
  dataset?: { objects: number; bytes: number; prefix: string };
}

/** The bucket a stack's workflows use locally: deterministic, a valid S3 bucket name. */
export function localBucketName(project: string, stack: string): string {
  const name = `${project}-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return (name.length >= 3 ? name : `${name}-local`).slice(0, 63);
}

function findWorkflow(name: string | undefined): CatalogWorkflow {
  const names = WORKFLOWS.map((w) => w.name);
  if (name === undefined) return WORKFLOWS[0]!;
  const found = WORKFLOWS.find((w) => w.name === name);
  if (name.trim() === "") throw new UsageError(`--workflow needs a name (this stack has: ${names.join(", ")})`);
  if (!found) {
    const near = didYouMean(name, names);
    throw new UsageError(
      `--workflow: unknown workflow "${name}"${near ? `; did you mean ${near}?` : ""} (this stack has: ${names.join(", ")})`,
    );
  }
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

interface Prepared {
  machine: StateMachine;
  input: Record<string, unknown>;
  variant: string;
  variantSpec?: DemoVariant;
}

function prepare(workflow: CatalogWorkflow, config: StackConfig, bucket: string, request: RunRequest): Prepared {
  const demo = workflow.demo;
  const withVariant = (v: string) => WORKFLOWS.filter((w) => w.demo?.variants?.[v]).map((w) => w.name);
  const withSize = WORKFLOWS.filter((w) => w.demo?.sizeFlag).map((w) => w.name);
  if (request.variant !== undefined && !demo?.variants?.[request.variant]) {
    const others = withVariant(request.variant);
    throw new UsageError(
      others.length > 0
        ? `--${request.variant === "inline" ? "inline" : `variant ${request.variant}`} applies to the ${others.join(", ")} workflow only (not "${workflow.name}")`
        : `--variant: workflow "${workflow.name}" has no variant "${request.variant}" (it has: ${Object.keys(demo?.variants ?? {}).join(", ") || "none"})`,
    );
  }
  if (request.objects !== undefined && !demo?.sizeFlag)
    throw new UsageError(`--objects applies to the ${withSize.join(", ")} workflow only (not "${workflow.name}")`);
  if (request.objects !== undefined && demo?.sizeFlag && request.objects > demo.sizeFlag.max)
    throw new UsageError(`--objects must be at most ${demo.sizeFlag.max} for ${workflow.name}`);
  const input = request.input ?? demo?.input(config) ?? {};
  if (request.variant !== undefined) {
    const spec = demo!.variants![request.variant]!;
    return { machine: spec.build(config, { bucket }), input, variant: request.variant, variantSpec: spec };
  }
  return { machine: workflow.build(config, { bucket }), input, variant: "distributed" };
}

/**
 * The PAYLOAD_* environment index.ts gives the functions of this machine that write payloads (one
 * process holds one environment: the writer's wins; the other handlers do not read it).
 */
function payloadEnvironment(machine: StateMachine, config: StackConfig, bucket: string): Record<string, string> {
  const names = machine.lambdas.map((l) => l.name).filter((n) => catalogLambda(n));
  const writer = names.find((n) => catalogLambda(n)!.settings.s3.some((a) => a.area === "payload" && a.access === "write")) ?? names[0];
  return writer ? lambdaEnvironment(writer, config, bucket) : {};
}

/** Everything a run is decided by before anything starts: the stack, the workflow, names and folders. */
interface ResolvedRun {
  projectDir: string;
  project: string;
  stack: string;
  config: StackConfig;
  workflow: CatalogWorkflow;
  bucket: string;
  prepared: Prepared;
  definition: StateMachineDefinition;
  executionName: string;
  stateMachineArn: string;
  dataRoot: string;
  /** The setting that chose dataRoot, when the user chose it. */
  rootGivenBy?: string;
  stackDir: string;
  runDir: string;
  s3Dir: string;
}

/** A bad stack file or workflow setting is the user's to fix: a usage error, no stack trace. */
function asUsageError<T>(body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof StackConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Step 1: the stack config, the workflow and its variant, the definition, the run's names and folders. */
function resolveRun(request: RunRequest): ResolvedRun {
  const projectDir = request.projectDir ?? findProjectDir();
  const { project, stack, config } = asUsageError(() => loadStackConfig({ stack: request.stack, projectDir }));
  asUsageError(() => checkWorkflowSettings(config, WORKFLOWS, project, `Pulumi.${stack}.yaml`));
  const workflow = findWorkflow(request.workflow);
  const bucket = localBucketName(project, stack);
  const prepared = prepare(workflow, config, bucket, request);
  const definition = prepared.machine.renderLocal();
  const executionName = `local-${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const stateMachineName = `${project}-${stack}-${workflow.name}${prepared.variant === "distributed" ? "" : `-${prepared.variant}`}`;
  const stateMachineArn = localStateMachineArn(stateMachineName, config.region);
  const given = request.dataRoot !== undefined ? "dataRoot" : process.env["LOCAL_S3_DIR"] ? "LOCAL_S3_DIR" : undefined;
  const dataRoot = resolve(request.dataRoot ?? (process.env["LOCAL_S3_DIR"] || join(projectDir, ".local-s3")));
  const stackDir = stackDirOf(dataRoot, stack);
  const runDir = join(stackDir, executionName);
  return {
    projectDir,
    project,
    stack,
    config,
    workflow,
    bucket,
    prepared,
    definition,
    executionName,
    stateMachineArn,
    dataRoot,
    rootGivenBy: given,
    stackDir,
    runDir,
    s3Dir: join(runDir, "s3"),
  };
}

type DemoContext = Parameters<NonNullable<NonNullable<CatalogWorkflow["demo"]>["dataset"]>>[0];

/** Step 2: the demo's data set, uploaded to the embedded S3 (only for the workflow as deployed). */
async function prepareData(run: ResolvedRun, demoContext: DemoContext) {
  const demo = run.workflow.demo;
  return demo?.dataset && run.prepared.variant === "distributed" ? await demo.dataset(demoContext) : undefined;
}

interface Execution {
  result: ExecutionResult;
  metered: ReturnType<typeof meterHandlers>;
  observed: ReturnType<NonNullable<NonNullable<CatalogWorkflow["demo"]>["observe"]>["start"]> | undefined;
  perExecution: Map<string, { events: number; transitions: number }>;
  lastParentState?: string;
  rerun: EngineRerun;
}

/** Step 3: the engine, handlers metered, Map Run updates to the progress display, per-execution counts. */
async function runExecution(
  run: ResolvedRun,
  request: RunRequest,
  s3: S3Client,
  inRunEnv: <T>(body: () => Promise<T>) => Promise<T>,
  onThreads: Readonly<Record<string, LambdaHandler>>,
): Promise<Execution> {
  const demo = run.workflow.demo;
  const observed = demo?.observe?.start();
  const observers: Record<string, (result: unknown) => void> = {};
  for (const name of demo?.observe?.functions ?? []) observers[name] = (result) => observed!.add(name, result);
  const handlers = new Map(run.prepared.machine.handlersByName() as ReadonlyMap<string, LambdaHandler>);
  for (const [name, handler] of Object.entries(onThreads)) handlers.set(name, handler);
  const metered = meterHandlers(handlers, observers);
  const perExecution = new Map<string, { events: number; transitions: number }>();
  let parentArn: string | undefined;
  let lastParentState: string | undefined;
  const { onEvent: observe, ...observing } =
    request.observer?.starting({ definition: run.definition, stateMachineType: "STANDARD", buckets: [run.bucket] }) ?? {};
  const onEvent = (event: EngineEvent) => {
    observe?.(event);
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
        if (lastParentState !== undefined) request.progress.phase(`Running ${lastParentState}`);
      }
    }
  };
  const options = {
    handlers: metered.handlers,
    s3,
    onEvent,
    executionName: run.executionName,
    stateMachineArn: run.stateMachineArn,
    stateMachineType: "STANDARD" as const,
    signal: request.signal,
    keepHistory: false,
    ...observing,
  };
  const result = await runEngine(run.definition, run.prepared.input as never, options);
  // A rerun (the console's Redrive) comes after this run's own call has returned: inRunEnv gives it
  // the run's SDK environment again, so its handlers still see only this run's servers.
  const rerun: EngineRerun = (definition, input, more) => inRunEnv(() => runEngine(definition, input, { ...options, ...more }));
  return { result, metered, observed, perExecution, lastParentState, rerun };
}

/** The Map Runs' figures: per-run summaries, items and children, the children's transitions and largest history. */
function countMapRuns(result: ExecutionResult) {
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
  const mapRuns = result.mapRuns.map((r): MapRunSummary => ({
    name: r.label ?? r.stateName,
    status: r.status,
    items: r.itemCounts.total,
    itemsSucceeded: r.itemCounts.succeeded,
    itemsFailed: r.itemCounts.failed + r.itemCounts.timedOut,
    itemsAborted: r.itemCounts.aborted,
    itemsRunning: r.itemCounts.running,
    itemsPending: r.itemCounts.pending,
    childExecutions: r.executionCounts.total,
    childExecutionsSucceeded: r.executionCounts.succeeded,
    childExecutionsFailed: r.executionCounts.failed + r.executionCounts.timedOut,
    maxConcurrency: r.maxConcurrency,
    durationMs: r.stopDate ? r.stopDate.getTime() - r.startDate.getTime() : undefined,
  }));
  const childExecutions = mapRuns.reduce((s, r) => s + r.childExecutions, 0);
  const items = mapRuns.reduce((s, r) => s + r.items, 0);
  return { mapRuns, childTransitions, largestChild, childExecutions, items };
}

/** The bill estimate and the measured figures the AWS duration projection starts from. */
function estimate(run: ResolvedRun, execution: Execution, counts: ReturnType<typeof countMapRuns>, parentTransitions: number) {
  const { config, definition } = run;
  const { result, metered } = execution;
  const { childExecutions, childTransitions, items } = counts;
  // What the children are billed as comes from the definition that ran (a workflow may fix its own type).
  const childType = [...distributedMapChildTypes(definition).values()][0] ?? config.childExecutionType;
  const lambdas = [...metered.meters.entries()].map(([name, m]) => ({
    name,
    invocations: m.invocations,
    errors: m.errors,
    billedDurationMs: m.billedDurationMs,
    memoryMb: catalogLambda(name)?.settings.memoryMb ?? config.lambdaMemoryMb,
    architecture: config.lambdaArchitecture,
  }));
  // Each function's usage as the bill and the projection both read it.
  const usage = lambdas.map((l) => ({
    functionName: l.name,
    invocations: l.invocations,
    billedDurationMs: l.billedDurationMs,
    memoryMb: l.memoryMb,
    architecture: l.architecture,
  }));
  const childFns = childFunctionNames(definition);
  const childLambdaMs = lambdas.filter((l) => childFns.has(l.name)).reduce((s, l) => s + l.billedDurationMs, 0);
  const bill = estimateBill({
    parent: { type: "STANDARD", executions: 1, stateTransitions: parentTransitions, billedDurationMs: 0 },
    children:
      childExecutions > 0
        ? {
            type: childType,
            executions: childExecutions,
            stateTransitions: childTransitions,
            // EXPRESS children keep no history; their duration is estimated from their Lambda time, each rounded up to 100 ms.
            billedDurationMs:
              childExecutions * billedMs(childLambdaMs / childExecutions, PRICE_TABLE.stepFunctions.expressDurationRoundingMs),
          }
        : undefined,
    nested: nestedUsage(result.nestedExecutions),
    lambdas: usage,
  });
  const measured: MeasuredRun = {
    items,
    childExecutions,
    childType,
    childTransitions,
    childLambdaMs,
    batchSize: childExecutions > 0 ? Math.max(1, Math.round(items / childExecutions)) : 1,
    maxConcurrency: result.mapRuns[0]?.maxConcurrency ?? 0,
    parentTransitions,
    lambdas: usage.map((u) => ({ ...u, inChild: childFns.has(u.functionName) })),
  };
  return { lambdas, bill, measured };
}

interface Phases {
  wallStart: number;
  setupDone: number;
  datasetDone: number;
  executionDone: number;
  checkDone: number;
}

/** Step 5: the summary the CLI prints. */
function report(
  run: ResolvedRun,
  request: RunRequest,
  execution: Execution,
  phases: Phases,
  check: CheckResult | undefined,
  dataset: Awaited<ReturnType<typeof prepareData>>,
): RunSummary {
  const { result, perExecution, lastParentState } = execution;
  const { prepared, workflow } = run;
  const parentCounts = perExecution.get(result.executionArn) ?? {
    events: result.counters.historyEvents,
    transitions: result.counters.stateTransitions,
  };
  const counts = countMapRuns(result);
  const { mapRuns, childExecutions, childTransitions, largestChild, items } = counts;
  const { lambdas, bill, measured } = estimate(run, execution, counts, parentCounts.transitions);
  const output = result.output;
  // The Map's output names the ResultWriter's manifest for the seed; for map-reduce the reduce output does.
  const writerLocation = resultWriterLocation(output) ?? findResultWriterInHistoryless(result);
  const summary: RunSummary = {
    stack: run.stack,
    workflow: workflow.name,
    variant: prepared.variant,
    executionArn: result.executionArn,
    status: result.status,
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(result.cause !== undefined ? { cause: result.cause } : {}),
    input: prepared.input,
    wallTimeMs: Math.round(performance.now() - phases.wallStart),
    executionDurationMs: result.durationMs,
    phasesMs: {
      setup: Math.round(phases.setupDone - phases.wallStart),
      dataset: Math.round(phases.datasetDone - phases.setupDone),
      execution: Math.round(phases.executionDone - phases.datasetDone),
      check: Math.round(phases.checkDone - phases.executionDone),
    },
    items,
    childExecutions,
    mapRuns,
    stateTransitions: { parent: parentCounts.transitions, children: childTransitions, total: parentCounts.transitions + childTransitions },
    historyEvents: { parent: parentCounts.events, ...(largestChild ? { largestChild } : {}) },
    lambdas,
    bill,
    ...(result.outbox.length > 0 ? { outbox: result.outbox } : {}),
    ...(result.nestedExecutions.length > 0
      ? {
          nestedExecutions: result.nestedExecutions.map((n) => ({
            executionArn: n.executionArn,
            status: n.status,
            stateTransitions: n.stateTransitions,
          })),
        }
      : {}),
    ...(childExecutions > 0 ? { projection: projectDuration(measured) } : {}),
    ...(request.whatIf && childExecutions > 0 ? { whatIf: whatIf(measured, whatIfBatchSizes(measured.batchSize)) } : {}),
  };
  if (result.status === "FAILED") {
    summary.failedState = lastParentState;
    summary.explanation = explainFailure(result.error, result.cause, {
      state: lastParentState,
      advice: prepared.variantSpec?.advice?.(result.error, prepared.input),
    });
  }
  const failures = firstFailures(result.mapRuns, processorTaskOf(run.definition));
  if (failures.length > 0) summary.failures = failures;
  if (result.status === "SUCCEEDED" && workflow.demo?.describeOutput) {
    summary.output = output;
    summary.outputLines = workflow.demo.describeOutput(output);
  }
  if (writerLocation)
    summary.resultWriter = { manifest: `s3://${writerLocation.bucket}/${writerLocation.manifestKey}`, localData: run.s3Dir };
  if (check) summary.check = check;
  if (dataset) summary.dataset = dataset.summary;
  return summary;
}

export async function runLocal(request: RunRequest): Promise<RunSummary> {
  const wallStart = performance.now();
  request.progress.phase("Starting the embedded S3 server");
  const run = resolveRun(request);
  const { workflow, prepared, config, bucket, stackDir, runDir } = run;
  await prepareRunRoot(run.dataRoot, run.rootGivenBy !== undefined, run.rootGivenBy ?? "the run data folder");
  await pruneOldRuns(stackDir, KEEP_RUNS - 1);
  await createRunDir(stackDir, run.executionName);
  await mkdir(run.s3Dir);

  let servers: LocalServers | undefined;
  let keepData = false;
  let held = false;
  // The functions the registry marks localThreads run on threads of their own with the run's
  // environment; the S3 server then gets one too, since their requests are the run's S3 traffic
  // (map-reduce: a GetObject per object). A run of a few S3 requests (the seed's item file and
  // results) starts ~0.15 s sooner with the server on the engine's thread.
  const threaded = [...prepared.machine.handlersByName().keys()].filter((name) => catalogLambda(name)?.settings.localThreads);
  // Started now: they load their modules while the servers start, and take the run's environment after.
  const threads = threaded.length > 0 ? startLambdaThreads(threaded) : undefined;
  try {
    servers = await startServers({
      s3: { buckets: [bucket], dataDir: run.s3Dir, region: config.region, offThread: threaded.length > 0 },
      env: payloadEnvironment(prepared.machine, config, bucket),
      signal: request.signal,
      // The handlers' cached S3 client of this server: dropped with it (other runs' stay).
      onStop: ({ s3Endpoint }) => {
        if (s3Endpoint !== undefined) disposePayloadS3Client(s3Endpoint);
      },
    });
    const client = servers.s3Client!;
    const writing = "Writing the data set to the embedded S3";
    const embedded = servers.s3!;
    const demoContext = {
      s3: client,
      bucket,
      config,
      input: prepared.input,
      size: request.objects ?? workflow.demo?.sizeFlag?.default,
      signal: request.signal,
      seededRandom,
      onProgress: (done: number, total: number) => request.progress.phase(writing, `${formatCount(done)}/${formatCount(total)} objects`),
      putObjects: (b: string, objects: Iterable<{ key: string; body: string; contentType?: string }>) => embedded.putObjects(b, objects),
    };
    if (threads) {
      request.progress.phase("Starting the Lambda threads");
      await threads.configure(servers.run(() => ({ ...process.env }) as Record<string, string>));
    }
    const setupDone = performance.now();
    // Everything the run starts sees its own SDK environment, never the process's (servers/run-env.ts).
    const { dataset, datasetDone, execution, executionDone, check } = await servers.run(async () => {
      if (workflow.demo?.dataset && prepared.variant === "distributed") request.progress.phase(writing);
      const dataset = await prepareData(run, demoContext);
      request.progress.phase("Starting the execution");
      const datasetDone = performance.now();
      const execution = await runExecution(run, request, client, (body) => servers!.run(body), threads?.handlers ?? {});
      const executionDone = performance.now();
      // Step 4: the demo's own check of what the run produced.
      let check: CheckResult | undefined;
      if (execution.result.status === "SUCCEEDED" && prepared.variant === "distributed" && workflow.demo?.check) {
        request.progress.phase("Checking what the run wrote");
        check = await workflow.demo.check({
          ...demoContext,
          output: execution.result.output,
          expected: dataset?.expected,
          observed: execution.observed,
        });
      }
      return { dataset, datasetDone, execution, executionDone, check };
    });
    const { result } = execution;
    const checkDone = performance.now();
    // An interrupted run keeps nothing, whatever status the execution ended with.
    keepData = result.status !== "ABORTED" && !request.signal.aborted;
    const summary = report(run, request, execution, { wallStart, setupDone, datasetDone, executionDone, checkDone }, check, dataset);
    await request.observer?.finished({ result, s3Client: client, rerun: execution.rerun });
    if (request.holdServers) {
      keepData = keepData && !request.signal.aborted;
      request.holdServers(release);
      held = true;
    }
    return summary;
  } finally {
    if (!held) await release();
  }

  async function release(): Promise<void> {
    try {
      // A stop that came after the execution ended (during the check or the report) still keeps
      // nothing: the CLI then reports the run as interrupted. Once the console holds the run, the
      // Ctrl-C that closes it keeps what the run kept.
      const keep = held ? keepData : keepData && !request.signal.aborted;
      request.progress.phase(keep ? "Stopping the embedded S3 server" : "Stopping the embedded S3 server and removing this run's data");
      // Stops the Lambda threads, then the server, and destroys its clients.
      await threads?.stop();
      await servers?.stop();
      // An interrupted or crashed run leaves nothing behind: no server, no half-written results.
      if (keep) await finishRunDir(runDir);
      else await removeRunDir(runDir);
      // Runs started side by side each pruned before the others finished: prune again now, so the
      // stack keeps KEEP_RUNS finished runs however many ran at once.
      await pruneOldRuns(stackDir, KEEP_RUNS);
    } finally {
      request.progress.stop();
    }
  }
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
