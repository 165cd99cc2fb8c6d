/**
 * Runs one definition locally, end to end, the way `npm run exec` and the testing API both do:
 *   handlers checked against the functions the definition uses (loud: missing = error, unused = warning)
 *   → the embedded S3 server when the definition touches S3 (or objects are seeded), buckets created
 *     as needed, objects seeded, the SDK's standard environment set for the handlers
 *   → the local engine
 *   → what the run wrote downloaded (`outDir`), the first failed children collected
 *   → the server stopped and its data folder removed (unless `keep`), also on error and on abort.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue } from "../../asl/types";
import { run } from "../../engine";
import type { Clock } from "../../engine/model/clock";
import type { EngineEvent, ExecutionResult, LambdaHandler, RunOptions, StateMachineType } from "../../engine/types";
import type { IntegrationOptions } from "../../engine/integrations/options";
import { firstFailures, processorTaskOf, type ChildFailure } from "../failures";
import { startServers, type LocalServers } from "../../emulators/servers";
import { withRunEnvironment } from "../../emulators/servers/run-env";
import { functionsUsed, resolveHandlers } from "./functions";
import { downloadChanged, listAll, putObject, uploadFile, type SeedObject } from "./objects";
import { definitionUsesS3, staticBuckets } from "./s3-needs";
import type { RunObserver } from "./observer";

export interface LocalExecutionRequest {
  /** The ASL definition (JSON object). */
  definition: unknown;
  input: JsonValue;
  /** Handlers by function name. */
  handlers: Readonly<Record<string, LambdaHandler>>;
  /** Named in handler messages ("--handlers ./x.ts", "handlers"). */
  handlersSource?: string;
  /** Objects to seed from memory. */
  objects?: ReadonlyArray<SeedObject>;
  /** Files to seed (from `--put`). */
  files?: ReadonlyArray<{ bucket: string; key: string; file: string }>;
  /** "auto" (default): the embedded S3 when the definition touches S3 or objects are seeded; or an endpoint of the user's own. */
  s3?: "auto" | "always" | "never" | { endpoint: string };
  /** Keep the embedded S3's data folder (its path is in the result). */
  keep?: boolean;
  /**
   * Run the embedded S3 on a worker thread of its own (the exec CLI does): its work then leaves the
   * engine's and the handlers' thread, at ~0.1 s more to start. Off by default: a test's small run
   * gains nothing from it.
   */
  s3OffThread?: boolean;
  /** Download every object the run created or changed to this folder. */
  outDir?: string;
  signal?: AbortSignal;
  clock?: "real" | "virtual" | Clock;
  stateMachineType?: StateMachineType;
  /** Keep the history in the result (default true). */
  keepHistory?: boolean;
  onEvent?: (event: EngineEvent) => void;
  /** While tasks wait for task tokens: what the run waits for, every `waitingNoticeSeconds` (RunOptions.onWaiting). */
  onWaiting?: RunOptions["onWaiting"];
  waitingNoticeSeconds?: number;
  /** Service integrations: DynamoDB, nested machines, task tokens, a MockConfigFile test case. */
  integrations?: IntegrationOptions;
  /** Engine options passed as given (a redrive's, the console's). */
  engine?: Pick<RunOptions, "validate" | "executionName" | "stateMachineArn" | "mapRunHooks" | "childEvents" | "onValidationWarning">;
  /**
   * Called after the run, before the embedded S3 stops (the console keeps serving here until it
   * is closed; a redrive runs through `rerun`, with the same handlers, S3, clock and integrations).
   */
  afterRun?: (after: AfterRun) => Promise<void>;
  /** A tool watching the run (the console): told before the run, and after it before the servers stop. */
  observer?: RunObserver;
  /**
   * Keep the embedded servers running after a finished run and hand over the function that stops
   * them (the console serves results and redrives until it is closed). Not called when the run threw.
   */
  holdServers?: (release: () => Promise<void>) => void;
  /** Runs the engine in place of the plain run of `definition` on `input` (a redrive). */
  execute?: (rerun: AfterRun["rerun"]) => Promise<ExecutionResult>;
}

export interface AfterRun {
  result: ExecutionResult;
  /** The embedded S3's client, when the run started one. */
  s3Client?: S3Client;
  buckets: string[];
  rerun(
    definition: unknown,
    input: JsonValue,
    options: Pick<RunOptions, "validate" | "executionName" | "stateMachineArn" | "mapRunHooks" | "stateMachineType">,
  ): Promise<ExecutionResult>;
}

export interface LocalExecution {
  result: ExecutionResult;
  /** The parent state the execution failed in (the last one it entered). */
  failedState?: string;
  /** The first failed children of each Map Run. */
  failures: ChildFailure[];
  warnings: string[];
  /** The kept data folder (`keep`), holding one folder per bucket. */
  s3DataDir?: string;
  /** Files written to `outDir`. */
  downloaded: string[];
}

/** Step 1: the handlers the definition needs (a state a MockConfigFile test case answers needs none). */
function resolveStep(request: LocalExecutionRequest): { handlers: Record<string, LambdaHandler>; warnings: string[] } {
  const mocks = request.integrations?.mocks;
  // A mocked state the definitions lack is refused first: its handler is not what is missing.
  mocks?.checkDefinitions([request.definition, ...Object.values(request.integrations?.stateMachines ?? {})]);
  const used = functionsUsed(request.definition)
    .map((u) => ({ ...u, states: u.states.filter((path) => !mocks?.answers(path.split("/").pop()!)) }))
    .filter((u) => u.states.length > 0);
  return resolveHandlers(used, request.handlers, request.handlersSource ?? "handlers");
}

interface PreparedData {
  servers?: LocalServers;
  /** What the engine talks S3 to: the embedded server's client, the user's endpoint, or nothing. */
  s3?: S3Client | { endpoint: string };
  buckets: string[];
  s3DataDir?: string;
  /** The objects before the run, for `outDir` (only what the run created or changed is downloaded). */
  before?: Awaited<ReturnType<typeof listAll>>;
}

/** Step 2: the embedded S3 when the run needs it, buckets created, objects seeded, the SDK environment set. */
async function prepareData(request: LocalExecutionRequest, prepared: PreparedData): Promise<void> {
  const { definition } = request;
  const seeds = [...(request.objects ?? []), ...(request.files ?? [])];
  const mode = request.s3 ?? "auto";
  prepared.buckets = [...new Set([...staticBuckets(definition), ...seeds.map((s) => s.bucket)])];
  if (typeof mode === "object") {
    prepared.s3 = mode;
    return;
  }
  const wantS3 =
    mode === "always" || (mode === "auto" && (definitionUsesS3(definition) || seeds.length > 0 || request.outDir !== undefined));
  if (!wantS3) return;
  prepared.s3DataDir = request.keep ? await mkdtemp(join(tmpdir(), "sfn-exec-s3-")) : undefined;
  // No `signal` here: an aborted run still reports, and downloads what it wrote (`outDir`), before the stop.
  prepared.servers = await startServers({
    s3: { buckets: prepared.buckets, dataDir: prepared.s3DataDir, offThread: request.s3OffThread === true },
  });
  const client = prepared.servers.s3Client!;
  prepared.s3 = client;
  for (const o of request.objects ?? []) await putObject(client, o);
  for (const f of request.files ?? []) await uploadFile(client, f.bucket, f.key, f.file);
  if (request.outDir !== undefined) prepared.before = await listAll(client, prepared.buckets);
}

type Rerun = AfterRun["rerun"];

/** Step 3: the engine, noting the last state the parent entered (where a failed execution failed). */
async function runStep(
  request: LocalExecutionRequest,
  handlers: Record<string, LambdaHandler>,
  prepared: PreparedData,
  env: Record<string, string>,
  warnings: string[],
): Promise<{ result: ExecutionResult; lastState?: string; rerun: Rerun }> {
  const s3 = prepared.s3;
  let parentArn: string | undefined;
  let lastState: string | undefined;
  const { onEvent: observe, ...observing } =
    request.observer?.starting({
      definition: request.definition,
      stateMachineType: request.stateMachineType ?? "STANDARD",
      buckets: prepared.buckets,
    }) ?? {};
  const onEvent = (event: EngineEvent) => {
    request.onEvent?.(event);
    observe?.(event);
    if (event.kind !== "history") return;
    parentArn ??= event.executionArn;
    if (event.executionArn === parentArn && event.event.type.endsWith("StateEntered")) {
      lastState = (event.event["stateEnteredEventDetails"] as { name?: string } | undefined)?.name ?? lastState;
    }
  };
  // A rerun (the console's Redrive) runs after this run's own call has returned: it gets the same
  // SDK environment explicitly, so its handlers still see only this run's servers.
  const rerun: Rerun = (definition, input, options) =>
    withRunEnvironment(env, () =>
      run(definition, input, {
        handlers,
        s3,
        clock: request.clock,
        stateMachineType: request.stateMachineType,
        signal: request.signal,
        keepHistory: request.keepHistory ?? true,
        onEvent,
        integrations: request.integrations,
        onWaiting: request.onWaiting,
        waitingNoticeSeconds: request.waitingNoticeSeconds,
        // The validator's warnings (a `.waitForTaskToken` task that does not send its token) join the run's.
        onValidationWarning: (w) => {
          if (!warnings.includes(w)) warnings.push(w);
        },
        ...observing,
        ...request.engine,
        ...options,
      }),
    );
  const result = request.execute ? await request.execute(rerun) : await rerun(request.definition, request.input, {});
  return { result, lastState, rerun };
}

/** Steps 4 and 5: what the run wrote downloaded, the first failed children, the report. */
async function report(
  request: LocalExecutionRequest,
  prepared: PreparedData,
  ran: { result: ExecutionResult; lastState?: string },
  warnings: string[],
): Promise<LocalExecution> {
  const { result } = ran;
  const client = prepared.servers?.s3Client;
  const downloaded =
    client && prepared.before && request.outDir !== undefined
      ? await downloadChanged(client, prepared.buckets, prepared.before, request.outDir)
      : [];
  return {
    result,
    ...(result.status === "FAILED" || result.status === "TIMED_OUT" ? { failedState: ran.lastState } : {}),
    failures: firstFailures(result.mapRuns, processorTaskOf(request.definition as never)),
    warnings,
    ...(prepared.s3DataDir ? { s3DataDir: prepared.s3DataDir } : {}),
    downloaded,
  };
}

export async function runLocalExecution(request: LocalExecutionRequest): Promise<LocalExecution> {
  const { handlers, warnings } = resolveStep(request);
  const prepared: PreparedData = { buckets: [] };
  // Stops listening and removes the data folder unless it is kept (a temporary one is the server's
  // own); the console may hold the servers open until it closes.
  const release = async () => {
    await prepared.servers?.stop();
  };
  let held = false;
  try {
    await prepareData(request, prepared);
    // The handlers' SDK environment, for this run only (../servers/run-env.ts): its servers, or for
    // a user's own S3 endpoint that endpoint with the credentials they gave for it.
    const s3 = request.s3;
    const env =
      prepared.servers?.env ??
      (typeof s3 === "object"
        ? {
            AWS_ENDPOINT_URL_S3: s3.endpoint,
            ...pick(process.env, ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"]),
          }
        : {});
    const ran = await withRunEnvironment(env, () => runStep(request, handlers, prepared, env, warnings));
    const reported = await report(request, prepared, ran, warnings);
    await request.afterRun?.({ result: ran.result, s3Client: prepared.servers?.s3Client, buckets: prepared.buckets, rerun: ran.rerun });
    await request.observer?.finished({ result: ran.result, s3Client: prepared.servers?.s3Client, rerun: ran.rerun });
    if (request.holdServers) {
      request.holdServers(release);
      held = true;
    }
    return reported;
  } finally {
    if (!held) await release();
  }
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (env[k] !== undefined) out[k] = env[k]!;
  return out;
}
