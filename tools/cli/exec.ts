/**
 * `sfn-local exec DEF.json|WORKFLOW.ts [--input JSON | --input-file F] [--handlers MODULE]
 *                  [--put s3://bucket/key=./file]... [--out DIR] [--keep] [--json]`
 * `npm run exec -- --batch CASES.jsonl [--handlers MODULE]`
 *
 * Runs any ASL definition file, or a module exporting a builder machine (or a catalog workflow
 * entry), on the local engine, end to end: the embedded S3 server when the definition reads or
 * writes S3 or objects are put, stopped (and its data removed unless --keep) on exit and on Ctrl-C.
 * Exit 0 when SUCCEEDED, 1 otherwise, 2 on bad usage, 130 when interrupted.
 */
import { extname, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { stackNameSchema } from "../../config/names";
import type { StateMachine } from "../../asl/builders";
import { readBoundedFile } from "../../config/bounded-read";
import {
  DEFINITION_MAX_CHARS,
  decodeUtf8,
  definitionLimits,
  executionInputLimits,
  JSON_MAX_DEPTH,
  jsonTextDepth,
  parseJsonText,
} from "../../asl/json-text";
import type { JsonValue } from "../../asl/types";
import type { CatalogWorkflow } from "../../app/workflow";
import type { ExecutionResult, LambdaHandler, RunOptions } from "../../engine/types";
import type { WaitingReport } from "../../engine/waits";
import { historyJson, historyText } from "./history";
import { HandlerResolutionError } from "../../testing/run/functions";
import { expandPut, parsePut } from "../../testing/run/objects";
import type { LocalExecution } from "../../testing/run/run-local";
import { loadUserModule } from "./user-module";
import { uiPort } from "./args";
import { INTEGRATION_OPTIONS, INTEGRATION_USAGE, IntegrationFlagError, IntegrationFlags, integrationOptions } from "./integration-flags";
import { fitForStream } from "../progress/fit";
import { parseArgsMessage, usageLine, UsageError } from "./usage";
import { formatIssues } from "../../asl/zod-issues";

const USAGE = `usage: sfn-local exec DEF.json|WORKFLOW.ts [options]
       sfn-local exec --batch CASES.jsonl [--handlers MODULE] [--clock real|virtual] [--type ...] [--s3-endpoint URL]

Runs an ASL definition file, or a module exporting a builder machine, on the local engine.
  --input JSON              execution input (default {})
  --input-file FILE         execution input from a file
  --handlers MODULE         Lambda handlers: one export per function name, or a { FunctionName: handler } map
  --put s3://b/key=./file   seed an object in the embedded S3 (repeatable; buckets are created)
  --put s3://b/prefix/=./dir/  seed every file of a folder under a prefix
  --out DIR                 download what the run wrote (ResultWriter files, handler outputs) to DIR/<bucket>/<key>
  --keep                    keep the embedded S3's data folder and print where it is
  --s3                      start the embedded S3 even when the definition does not touch S3 (handlers that use the SDK);
                            it starts by itself for an ItemReader, a ResultWriter, an S3 task, --put or --out
  --json                    one JSON object on stdout (always with "mapRuns"; with --history, "history" too)
  --history                 print the execution's event history (id, type, state, time, details)
  --test-state NAME         test one state of DEF.json, like AWS's TestState API (prints its answer as JSON:
                            status, output, error, cause, nextState, inspectionData); with
    --inspection-level INFO|DEBUG|TRACE  --variables JSON  --context JSON (Execution/StateMachine fields)
    --mock JSON             {"result": ...} or {"errorOutput": {"error": ..., "cause": ...}}: the state's result
                            (a Map's or Parallel's too) instead of running it
  --ui                      serve the local console (graph, Map Runs, events, Redrive) on 127.0.0.1 during and
                            after the run, until Ctrl-C; its URL is printed on stderr
  --ui-port N               the console's port (default: a free one)
  --clock real|virtual      virtual: Wait states, back-offs and timeouts take no real time; time jumps only
                            when nothing is in flight (handlers, S3/DynamoDB requests, token answers)
  --type STANDARD|EXPRESS   the state machine type (default STANDARD)
  --stack NAME              for a catalog workflow module: the stack whose config builds it (default dev)
  --s3-endpoint URL         use this S3 endpoint instead of the embedded server
Service integrations (see docs/integrations.md):
  ${INTEGRATION_USAGE}`;

const jsonText = (what: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as JsonValue;
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `${what} is not valid JSON: ${(e as Error).message}` });
      return z.NEVER;
    }
  });

/**
 * Every flag in one table: its parseArgs declaration and its zod rule. A new flag is one row here
 * (and its use in main).
 */
const FLAGS = {
  input: { parse: { type: "string" }, schema: z.string().optional() },
  "input-file": { parse: { type: "string" }, schema: z.string().optional() },
  handlers: { parse: { type: "string" }, schema: z.string().optional() },
  put: { parse: { type: "string", multiple: true }, schema: z.array(z.string()).default([]) },
  out: { parse: { type: "string" }, schema: z.string().min(1, { message: "--out needs a folder" }).optional() },
  keep: { parse: { type: "boolean" }, schema: z.boolean().default(false) },
  s3: { parse: { type: "boolean" }, schema: z.boolean().default(false) },
  json: { parse: { type: "boolean" }, schema: z.boolean().default(false) },
  history: { parse: { type: "boolean" }, schema: z.boolean().default(false) },
  "test-state": { parse: { type: "string" }, schema: z.string().min(1, { message: "--test-state needs a state name" }).optional() },
  "inspection-level": {
    parse: { type: "string" },
    schema: z.enum(["INFO", "DEBUG", "TRACE"], { message: "--inspection-level must be INFO, DEBUG or TRACE" }).default("INFO"),
  },
  variables: { parse: { type: "string" }, schema: z.string().optional() },
  context: { parse: { type: "string" }, schema: z.string().optional() },
  mock: { parse: { type: "string" }, schema: z.string().optional() },
  batch: { parse: { type: "string" }, schema: z.string().optional() },
  clock: { parse: { type: "string" }, schema: z.enum(["real", "virtual"], { message: "--clock must be real or virtual" }).default("real") },
  type: {
    parse: { type: "string" },
    schema: z.enum(["STANDARD", "EXPRESS"], { message: "--type must be STANDARD or EXPRESS" }).default("STANDARD"),
  },
  stack: { parse: { type: "string" }, schema: stackNameSchema("--stack").default("dev") },
  "s3-endpoint": { parse: { type: "string" }, schema: z.url({ message: "--s3-endpoint must be a URL" }).optional() },
  ui: { parse: { type: "boolean" }, schema: z.boolean().default(false) },
  "ui-port": { parse: { type: "string" }, schema: uiPort.optional() },
} as const satisfies Record<string, { parse: NonNullable<ParseArgsConfig["options"]>[string]; schema: z.ZodType }>;

const Flags = z
  .object({
    definition: z.string().min(1).optional(),
    ...(Object.fromEntries(Object.entries(FLAGS).map(([k, v]) => [k, v.schema])) as {
      [K in keyof typeof FLAGS]: (typeof FLAGS)[K]["schema"];
    }),
  })
  // The service-integration flags are their own table (tools/cli/integration-flags.ts).
  .and(IntegrationFlags)
  .superRefine((f, ctx) => {
    if (f.input !== undefined && f["input-file"] !== undefined)
      ctx.addIssue({ code: "custom", path: ["input"], message: "give --input or --input-file, not both" });
    if (f.batch === undefined && f.definition === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["definition"],
        message: "a definition file (DEF.json) or workflow module is required unless --batch is given",
      });
    if (f.batch !== undefined && f.definition !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["batch"],
        message: "--batch takes its definitions from the cases file; do not also give DEF.json",
      });
    if (f["s3-endpoint"] !== undefined && (f.put.length > 0 || f.keep))
      ctx.addIssue({ code: "custom", path: ["put"], message: "--put and --keep use the embedded S3; not with --s3-endpoint" });
    for (const k of ["variables", "context", "mock"] as const) {
      if (f[k] !== undefined && f["test-state"] === undefined)
        ctx.addIssue({ code: "custom", path: [k], message: `--${k} applies to --test-state NAME (one state); give --test-state too` });
    }
    if (f["test-state"] !== undefined && f.batch !== undefined)
      ctx.addIssue({ code: "custom", path: ["test-state"], message: "--test-state tests one state of DEF.json; not with --batch" });
    if (f.batch !== undefined && (f.ui || f["ui-port"] !== undefined))
      ctx.addIssue({ code: "custom", path: ["ui"], message: "--ui shows one run; not with --batch" });
  });

const BatchCase = z.object({ name: z.string(), definition: z.unknown(), input: z.unknown().default({}) });

function parseFlags(argv: string[]): z.infer<typeof Flags> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...Object.fromEntries(Object.entries(FLAGS).map(([k, v]) => [k, v.parse])),
        ...INTEGRATION_OPTIONS,
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError(parseArgsMessage((e as Error).message, [...Object.keys(FLAGS), ...Object.keys(INTEGRATION_OPTIONS), "help"]));
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (parsed.positionals.length > 1)
    throw new UsageError(`expected one definition file, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`);
  const { help: _help, ...values } = parsed.values;
  const result = Flags.safeParse({ ...values, definition: parsed.positionals[0] });
  if (!result.success) {
    throw new UsageError(formatIssues(result.error, { pathPrefix: "--", root: "", separator: "\n" }));
  }
  return result.data;
}

/**
 * A file's text: regular files only (a FIFO or a device is refused, not waited on), at most
 * `maxBytes` (a definition: three bytes per character of the 1,048,576 CreateStateMachine accepts).
 */
function readText(file: string, what: string, maxBytes = 3 * DEFINITION_MAX_CHARS): string {
  let bytes: Buffer;
  try {
    bytes = readBoundedFile(file, maxBytes, what);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  try {
    return decodeUtf8(bytes, `${what} '${file}'`);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Size and depth are checked on the text, before JSON.parse and anything recursive. */
function parseJson(text: string, what: string, limits: "definition" | "input" | "none" = "none"): JsonValue {
  try {
    if (limits === "definition") return parseJsonText(text, definitionLimits(what)) as JsonValue;
    if (limits === "input") return parseJsonText(text, executionInputLimits(what)) as JsonValue;
    if (jsonTextDepth(text, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) return parseJsonText(text, { what }) as JsonValue;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const r = jsonText(what).safeParse(text);
  if (!r.success) throw new UsageError(r.error.issues[0]!.message);
  return r.data;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

async function importModule(modulePath: string, what: string): Promise<Record<string, unknown>> {
  try {
    return await loadUserModule(modulePath, what);
  } catch (e) {
    // The message names its own fix (a TypeScript loader to install, the module's own error).
    throw new UsageError((e as Error).message, false);
  }
}

/**
 * The handlers a module offers, by function name: every exported function under its export name,
 * and every object export whose values are all functions (a `{ FunctionName: handler }` map such as
 * `export const HANDLERS = { Add: add }`) merged in; the same for properties of a default export.
 */
async function loadHandlers(modulePath: string | undefined): Promise<Record<string, LambdaHandler>> {
  if (!modulePath) return {};
  const mod = await importModule(modulePath, "--handlers module");
  const handlers: Record<string, LambdaHandler> = {};
  const collect = (o: unknown): void => {
    if (!isPlainObject(o)) return;
    for (const [k, v] of Object.entries(o)) {
      if (k === "default" || k === "module.exports") continue;
      if (typeof v === "function") handlers[k] = v as LambdaHandler;
      else if (isPlainObject(v) && Object.keys(v).length > 0 && Object.values(v).every((f) => typeof f === "function")) {
        for (const [name, f] of Object.entries(v)) handlers[name] = f as LambdaHandler;
      }
    }
  };
  collect(mod.default);
  collect(mod["module.exports"]);
  collect(mod);
  if (Object.keys(handlers).length === 0) throw new UsageError(`--handlers module '${modulePath}' exports no functions`);
  return handlers;
}

const isMachine = (v: unknown): v is StateMachine =>
  typeof v === "object" && v !== null && typeof (v as { renderLocal?: unknown }).renderLocal === "function";
const isCatalogEntry = (v: unknown): v is CatalogWorkflow =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as { build?: unknown }).build === "function" &&
  typeof (v as { name?: unknown }).name === "string";

/** A workflow module: the builder machine it exports (or the machine a catalog entry builds from the stack config), with its handlers. */
async function loadWorkflowModule(
  file: string,
  stack: string,
): Promise<{ definition: unknown; handlers: Record<string, LambdaHandler>; name: string }> {
  const mod = await importModule(file, "workflow module");
  const exports = Object.entries(mod).filter(([k]) => k !== "module.exports");
  const machines = exports.filter(([, v]) => isMachine(v));
  const entries = exports.filter(([, v]) => isCatalogEntry(v));
  let machine: StateMachine;
  let name: string;
  if (machines.length === 1) [name, machine] = machines[0] as [string, StateMachine];
  else if (machines.length === 0 && entries.length === 1) {
    const entry = entries[0]![1] as CatalogWorkflow;
    const { loadStackConfig } = await import("../../config/load");
    const { localBucketName } = await import("../runner/run");
    const { findProjectDir } = await import("../runner/project");
    const loaded = loadStackConfig({ stack, projectDir: findProjectDir() });
    machine = entry.build(loaded.config, { bucket: localBucketName(loaded.project, loaded.stack) });
    name = entry.name;
  } else {
    const found = [...machines, ...entries].map(([k]) => k);
    throw new UsageError(
      found.length === 0
        ? `workflow module '${file}' exports no builder machine (a value made by machine(...)) and no catalog workflow entry`
        : `workflow module '${file}' exports several workflows (${found.join(", ")}); export one per module`,
    );
  }
  const handlers: Record<string, LambdaHandler> = {};
  for (const [fn, h] of machine.handlersByName()) handlers[fn] = h as LambdaHandler;
  return { definition: machine.renderLocal(), handlers, name };
}

/** Every Map Run with its counts (`--json` always has the key, `[]` without a Distributed Map). */
function mapRunsJson(result: ExecutionResult): JsonValue {
  return result.mapRuns.map((r) => ({
    name: r.label ?? r.stateName,
    status: r.status,
    items: r.itemCounts as unknown as JsonValue,
    executions: r.executionCounts as unknown as JsonValue,
  }));
}

/** A run that could make no progress, reported like a failed execution (exit 1), naming what it waited for. */
function stalledSummary(e: Error & { result?: ExecutionResult }): Record<string, JsonValue> {
  const r = e.result;
  return {
    status: "FAILED",
    error: "RunStalled",
    cause: e.message,
    stateTransitions: r?.counters.stateTransitions ?? 0,
    historyEvents: r?.counters.historyEvents ?? 0,
    durationMs: r?.durationMs ?? 0,
    mapRuns: r ? mapRunsJson(r) : [],
  };
}

/** What the run waits for, every 10 s on stderr while tasks wait for their task tokens. */
function printWaiting(report: WaitingReport, describe: (r: WaitingReport) => string): void {
  process.stderr.write(`exec: still waiting after ${Math.round(report.waitedMs / 1000)} s for task tokens:
${describe(report)}
`);
}

function summary(result: ExecutionResult): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = { status: result.status };
  if (result.status === "SUCCEEDED") out.output = result.output ?? null;
  else {
    out.error = result.error ?? null;
    out.cause = result.cause ?? null;
  }
  out.stateTransitions = result.counters.stateTransitions;
  out.historyEvents = result.counters.historyEvents;
  out.durationMs = result.durationMs;
  if (result.outbox.length > 0) out.outbox = result.outbox as unknown as JsonValue;
  if (result.nestedExecutions.length > 0) out.nestedExecutions = result.nestedExecutions as unknown as JsonValue;
  return out;
}

/** The summary plus what explains a failure: the state path, the first failed children, the Map Run counts. */
function fullSummary(run: LocalExecution): Record<string, JsonValue> {
  const out = summary(run.result);
  if (run.failedState !== undefined) out.state = run.failedState;
  if (run.failures.length > 0) out.failures = run.failures as unknown as JsonValue;
  out.mapRuns = mapRunsJson(run.result);
  if (run.s3DataDir) out.s3DataDir = run.s3DataDir;
  if (run.downloaded.length > 0) out.downloaded = run.downloaded;
  return out;
}

/** `--test-state NAME`: one state, like AWS's TestState; the answer as JSON on stdout; exit 0 for SUCCEEDED or CAUGHT_ERROR. */
async function testOneState(
  flags: z.infer<typeof Flags>,
  definition: unknown,
  input: JsonValue,
  handlers: Record<string, LambdaHandler>,
  integrations: RunOptions["integrations"],
): Promise<number> {
  const { testState, TestStateRequestError } = await import("../../testing/test-state");
  let mock = flags.mock === undefined ? undefined : (parseJson(flags.mock, "--mock") as Record<string, JsonValue>);
  // AWS's CLI takes the mocked result as a JSON string: both forms are accepted.
  if (mock && typeof mock.result === "string") {
    try {
      mock = { ...mock, result: JSON.parse(mock.result) as JsonValue };
    } catch {
      // A string result.
    }
  }
  try {
    const answer = await testState({
      definition,
      stateName: flags["test-state"],
      input,
      inspectionLevel: flags["inspection-level"],
      variables: flags.variables === undefined ? undefined : (parseJson(flags.variables, "--variables") as Record<string, JsonValue>),
      context: flags.context === undefined ? undefined : (parseJson(flags.context, "--context") as never),
      mock: mock as never,
      handlers,
      integrations,
    });
    process.stdout.write(JSON.stringify(answer, null, flags.json ? undefined : 2) + "\n");
    return answer.status === "SUCCEEDED" || answer.status === "CAUGHT_ERROR" ? 0 : 1;
  } catch (e) {
    if (e instanceof TestStateRequestError) throw new UsageError(`--test-state: ${e.message}`, false);
    throw e;
  }
}

type EngineModule = typeof import("../../engine/index");
type ValidateModule = typeof import("../../engine/iam/validate");
type Integrations = Awaited<ReturnType<typeof integrationOptions>>;
type ExecFlags = z.infer<typeof Flags>;

/** A run that never started (the definition or the input refused): the summary's shape, nothing run. */
function notStarted(error: string, cause: string): Record<string, JsonValue> {
  return { status: "FAILED", error, cause, stateTransitions: 0, historyEvents: 0, durationMs: 0 };
}

/** The --state-machine machines, as the validator names them. */
const nestedMachines = (integrations: Integrations) => integrations.machines.map((m) => ({ machine: m.what, definition: m.text }));

/** Validates every machine a run can start, as `validate` would; the refusal (naming each machine), or undefined. */
async function rejectedMachines(
  checks: ValidateModule,
  machines: Parameters<ValidateModule["validateBeforeRun"]>[0],
  onWarning?: (w: string) => void,
): Promise<InstanceType<ValidateModule["DefinitionsRejectedError"]> | undefined> {
  try {
    for (const w of await checks.validateBeforeRun(machines)) onWarning?.(w);
    return undefined;
  } catch (e) {
    if (e instanceof checks.DefinitionsRejectedError) return e;
    throw e;
  }
}

/** --batch: every case's definition validated first (none starts if one is invalid), then each run in turn, one JSON line each. */
async function runBatch(
  batchFile: string,
  flags: ExecFlags,
  handlers: Record<string, LambdaHandler>,
  integrations: Integrations,
  engine: EngineModule,
  checks: ValidateModule,
): Promise<number> {
  const options: RunOptions = {
    handlers,
    clock: flags.clock,
    stateMachineType: flags.type,
    keepHistory: false,
    // Without --s3-endpoint a Distributed Map uses `new S3Client({})`: the SDK's standard env vars decide.
    s3: flags["s3-endpoint"] ? { endpoint: flags["s3-endpoint"] } : undefined,
    integrations: integrations.options,
    onWaiting: (report: WaitingReport) => printWaiting(report, engine.describeWaiting),
  };
  const lines = readText(batchFile, "--batch file", 64 * 2 ** 20).split(/\r?\n/);
  const cases: Array<{ line: number; case: z.infer<typeof BatchCase>; text: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    const parsed = BatchCase.safeParse(parseJson(lines[i]!, `line ${i + 1} of ${batchFile}`));
    if (!parsed.success) {
      throw new UsageError(`line ${i + 1} of ${batchFile}: ${formatIssues(parsed.error, { root: "(case)" })}`);
    }
    cases.push({ line: i + 1, case: parsed.data, text: lines[i]! });
  }
  // Every case's definition and every nested machine validated as `validate` would, before any case runs.
  const rejected = await rejectedMachines(checks, [
    ...nestedMachines(integrations),
    ...cases.map((c) => ({
      machine: `case ${c.case.name} (line ${c.line} of ${batchFile})`,
      definition: checks.memberText(c.text, "definition") ?? c.case.definition,
      type: flags.type,
    })),
  ]);
  if (rejected) {
    for (const r of rejected.rejected) {
      const c = cases.find((x) => r.machine.startsWith(`case ${x.case.name} (line ${x.line} `));
      process.stdout.write(
        JSON.stringify({
          ...(c ? { name: c.case.name } : { machine: r.machine }),
          ...notStarted("InvalidDefinition", new checks.DefinitionsRejectedError([r]).message),
        }) + "\n",
      );
    }
    process.stderr.write(
      `exec: no case was started: ${rejected.rejected.length} definition${rejected.rejected.length > 1 ? "s are" : " is"} invalid (${rejected.rejected.map((r) => r.machine).join("; ")})\n`,
    );
    return 1;
  }
  let allSucceeded = true;
  for (const { case: c } of cases) {
    let result: Record<string, JsonValue>;
    try {
      result = summary(await engine.run(c.definition, c.input as JsonValue, options));
    } catch (e) {
      if (e instanceof engine.InvalidExecutionInputError) result = notStarted("InvalidExecutionInput", e.message);
      else if (e instanceof engine.DefinitionRejectedError) result = notStarted("InvalidDefinition", e.message);
      else if (e instanceof engine.RunStalledError) result = stalledSummary(e);
      else throw e;
    }
    if (result.status !== "SUCCEEDED") allSucceeded = false;
    process.stdout.write(JSON.stringify({ name: c.name, ...result }) + "\n");
  }
  return allSucceeded ? 0 : 1;
}

/** The run's outcome as text (or one JSON line with --json): status, output or error, each Map Run, failures, the outbox. */
function printReport(executed: LocalExecution, result: Record<string, JsonValue>, flags: ExecFlags): void {
  if (flags.history) result.history = historyJson(executed.result.history) as JsonValue;
  if (flags.json) process.stdout.write(JSON.stringify(result) + "\n");
  else {
    process.stdout.write(`status: ${result.status}\n`);
    if (result.status === "SUCCEEDED") process.stdout.write(`output: ${JSON.stringify(result.output, null, 2)}\n`);
    else {
      process.stdout.write(`error:  ${result.error}\ncause:  ${result.cause}\n`);
      if (executed.failedState) process.stdout.write(`state:  ${executed.failedState}\n`);
    }
    for (const r of executed.result.mapRuns) {
      const i = r.itemCounts;
      // Every count, so they add up to the total (as the console's Map Run page shows them).
      process.stdout.write(
        `Map Run ${r.label ?? r.stateName} ${r.status}: ${i.total} items = ${i.succeeded} succeeded + ${i.failed} failed + ${i.timedOut} timed out + ${i.aborted} aborted + ${i.running} running + ${i.pending} pending; ${r.executionCounts.total} child executions\n`,
      );
    }
    for (const f of executed.failures) {
      process.stdout.write(
        `  failed ${f.itemIndex !== undefined ? `item ${f.itemIndex}` : `child ${f.childIndex} (${f.items} items)`} at ${f.state}: ${f.error}${f.cause ? ` — ${f.cause.replace(/\s+/g, " ").slice(0, 300)}` : ""}\n`,
      );
    }
    process.stdout.write(
      `state transitions: ${result.stateTransitions}, history events: ${result.historyEvents}, ${result.durationMs} ms\n`,
    );
    const outbox = executed.result.outbox;
    // Recorded, never sent: a local run has no queues, topics or event buses.
    if (outbox.length > 0)
      process.stdout.write(
        `outbox (${outbox.length} recorded, not sent):\n${outbox.map((m) => `  ${m.integration} → ${m.target}: ${JSON.stringify(m.body)}`).join("\n")}\n`,
      );
    if (executed.downloaded.length > 0)
      process.stdout.write(`--out: ${executed.downloaded.length} files written under ${resolve(flags.out!)}\n`);
    if (flags.history) process.stdout.write(historyText(executed.result.history, process.stdout.columns || 160));
  }
}

async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const flags = parseFlags(argv);
  const handlers = await loadHandlers(flags.handlers);
  const engine = await import("../../engine/index");
  const { DefinitionRejectedError, InvalidExecutionInputError, RunStalledError } = engine;
  const onWaiting = (report: WaitingReport) => printWaiting(report, engine.describeWaiting);
  let integrations: Awaited<ReturnType<typeof integrationOptions>>;
  try {
    integrations = await integrationOptions(flags);
  } catch (e) {
    if (e instanceof IntegrationFlagError) throw new UsageError(e.message);
    throw e;
  }
  stopServices.push(integrations.stop);
  const checks = await import("../../engine/iam/validate");
  const nested = nestedMachines(integrations);

  if (flags.batch !== undefined) return runBatch(flags.batch, flags, handlers, integrations, engine, checks);

  const file = flags.definition!;
  const isModule = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"].includes(extname(file));
  let definition: unknown;
  let definitionText: string | undefined;
  let allHandlers = handlers;
  if (isModule) {
    const wf = await loadWorkflowModule(file, flags.stack);
    definition = wf.definition;
    // The machine's own handlers, overridden by --handlers.
    allHandlers = { ...wf.handlers, ...handlers };
  } else {
    definitionText = readText(file, "definition file");
    definition = parseJson(definitionText, `definition file '${file}'`, "definition");
  }
  // The definition and every nested machine, validated as `validate` would (the file's text: its
  // duplicate keys too), before anything starts; a failure names the machine.
  const rejected = await rejectedMachines(
    checks,
    [
      {
        machine: `${isModule ? "workflow module" : "definition file"} ${file}`,
        definition: definitionText ?? definition,
        type: flags.type,
      },
      ...nested,
    ],
    (w) => {
      // Before the run, as `validate` would: a task that waits for a token it does not send can only time out.
      process.stderr.write(`exec: warning: ${w}\n`);
    },
  );
  if (rejected) {
    const result = notStarted("InvalidDefinition", rejected.message);
    if (flags.json) process.stdout.write(JSON.stringify(result) + "\n");
    else process.stdout.write(`status: FAILED\nerror:  InvalidDefinition\ncause:  ${rejected.message}\n`);
    return 1;
  }
  let input: JsonValue = {};
  if (flags.input !== undefined) input = parseJson(flags.input, "--input", "input");
  if (flags["input-file"] !== undefined)
    input = parseJson(readText(flags["input-file"], "--input-file"), `--input-file '${flags["input-file"]}'`, "input");
  if (flags["test-state"] !== undefined) return testOneState(flags, definition, input, allHandlers, integrations.options);

  // Every --put checked (and its folder listed) before any server starts.
  const files = [];
  for (const spec of flags.put) {
    try {
      files.push(...(await expandPut(parsePut(spec))));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }

  const { runLocalExecution } = await import("../../testing/run/run-local");
  // --ui: the local console, open before the run so the page follows it live (tools/console).
  const ui =
    flags.ui || flags["ui-port"] !== undefined
      ? await (await import("../console")).openRunConsole({ port: flags["ui-port"], log: (line) => process.stderr.write(line + "\n") })
      : undefined;
  if (ui) stopServices.push(ui.close);
  let executed: LocalExecution;
  try {
    executed = await runLocalExecution({
      definition,
      input,
      handlers: allHandlers,
      handlersSource: flags.handlers
        ? `--handlers ${flags.handlers}`
        : isModule
          ? `workflow module ${file}`
          : "the handlers (no --handlers module given)",
      files,
      s3: flags["s3-endpoint"] ? { endpoint: flags["s3-endpoint"] } : flags.s3 ? "always" : "auto",
      keep: flags.keep,
      // The embedded S3 off the engine's thread: a large run's S3 work then takes the other core.
      s3OffThread: true,
      outDir: flags.out,
      signal,
      clock: flags.clock,
      stateMachineType: flags.type,
      keepHistory: flags.history,
      integrations: integrations.options,
      onWaiting,
      // The validator's warnings were told before the run, naming the files; the engine's check repeats them.
      engine: { onValidationWarning: () => undefined },
      ...(ui ? { observer: ui.observer, holdServers: ui.holdServers } : {}),
    });
  } catch (e) {
    if (e instanceof HandlerResolutionError) throw new UsageError(e.message, false);
    if (e instanceof RunStalledError) {
      const result = stalledSummary(e);
      if (flags.history && e.result) result.history = historyJson(e.result.history) as JsonValue;
      if (flags.json) process.stdout.write(JSON.stringify(result) + "\n");
      else {
        process.stdout.write(`status: FAILED\nerror:  RunStalled\ncause:  ${e.message}\n`);
        if (flags.history && e.result) process.stdout.write(historyText(e.result.history, process.stdout.columns || 160));
      }
      return 1;
    }
    if (e instanceof DefinitionRejectedError || e instanceof InvalidExecutionInputError) {
      // The names the CreateStateMachine / StartExecution API errors use for what AWS refuses.
      const error = e instanceof InvalidExecutionInputError ? "InvalidExecutionInput" : "InvalidDefinition";
      const result = notStarted(error, e.message);
      if (flags.json) process.stdout.write(JSON.stringify(result) + "\n");
      else process.stdout.write(`status: FAILED\nerror:  ${error}\ncause:  ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  for (const w of executed.warnings) process.stderr.write(`exec: warning: ${w}\n`);
  if (executed.s3DataDir)
    process.stderr.write(`exec: --keep: the embedded S3's data is in ${executed.s3DataDir} (one folder per bucket)\n`);
  if (signal.aborted || executed.result.status === "ABORTED") {
    process.stderr.write("exec: interrupted: the execution was stopped (ABORTED) and the embedded S3 stopped.\n");
    if (flags.json) process.stdout.write(JSON.stringify(fullSummary(executed)) + "\n");
    return 130;
  }
  const result = fullSummary(executed);
  printReport(executed, result, flags);
  // --ui: serves until Ctrl-C/SIGTERM; the exit status is the execution's last (a redrive may have changed it).
  const status = ui ? await ui.serveUntil(signal) : result.status;
  return status === "SUCCEEDED" ? 0 : 1;
}

const controller = new AbortController();
let interruptedAt = 0;
const onSignal = (signal: NodeJS.Signals) => {
  // One Ctrl-C can arrive twice (the terminal's process group and a relaying launcher): only a later second press forces the exit.
  if (interruptedAt && Date.now() - interruptedAt < 750) return;
  if (interruptedAt) process.exit(130);
  interruptedAt = Date.now();
  process.stderr.write(`\nexec: ${signal}: stopping the execution and the embedded S3 (press Ctrl-C again to force)...\n`);
  controller.abort(new Error(`interrupted by ${signal}`));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

/** The embedded DynamoDB, if the run started it, is stopped before exit. */
const stopServices: Array<() => Promise<void>> = [];
// No silent outcome: if the event loop empties while the run is still pending (a handler's promise
// that can never settle), Node would exit 0 with nothing printed.
let finished = false;
let lastChance: ReturnType<typeof setTimeout> | undefined;
process.on("beforeExit", () => {
  if (finished || lastChance) return;
  // The engine's own watch reports a run stuck on task tokens on this same event: give it a moment.
  lastChance = setTimeout(() => {
    lastChance = undefined;
    if (finished) return;
    finished = true;
    process.stderr.write(
      "exec: the run can make no progress: a handler call or an answer it waits for can never finish (its promise holds nothing Node could wait on); the execution did not end.\n",
    );
    process.exit(1);
  }, 500);
});
main(process.argv.slice(2), controller.signal)
  .finally(() => (finished = true))
  .finally(() => Promise.all(stopServices.map((stop) => stop())))
  .then(
    (code) => {
      process.exitCode = code;
      // Everything was stopped; a stray keep-alive socket must not hang the shell.
      setTimeout(() => process.exit(code), 1_000).unref();
    },
    (e) => {
      if (e instanceof UsageError) {
        // One line: the usage text is --help's (it scrolled the error off the screen).
        process.stderr.write(
          fitForStream(
            e.showUsage ? usageLine({ program: "exec", help: "npm run exec -- --help" }, e.message) : `exec: ${e.message}`,
            process.stderr,
          ),
        );
        process.exit(2);
      }
      if (controller.signal.aborted) {
        process.stderr.write("exec: interrupted before the execution finished; the embedded S3 was stopped.\n");
        process.exit(130);
      }
      // No stack trace for the user: the error's name and message say what failed.
      process.stderr.write(`exec: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
      process.exit(1);
    },
  );
