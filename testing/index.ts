/**
 * The test API for users' own suites (package subpath `sfn-distributed-map/testing`): runs a
 * builder machine or an ASL definition in-process, exactly as `npm run exec` does (the same
 * runLocalExecution: loud handler resolution, the embedded S3 started when the definition touches
 * S3 or objects are seeded, stopped afterwards), and returns what a test asserts on. Pulumi-free.
 *
 *   const run = await runWorkflow({ machine, input: { bucket: "my-data", key: "rows.csv" },
 *     handlers: { Double: async (row) => ... }, s3Objects: [{ bucket: "my-data", key: "rows.csv", body: "a,b\n1,2\n" }] });
 *   assert.equal(run.status, "SUCCEEDED");
 */
import type { StateMachine } from "../asl/builders";
import type { JsonValue } from "../asl/types";
import type { HistoryEvent, LambdaHandler } from "../engine/types";
// The engine's leaf modules, not its barrel (engine/index.ts): what this entry's declaration files
// name must not reach the engine's compiled forms, whose types name zod (scripts/public-asl-types.ts).
import type { DynamoDbEndpoint, IntegrationOptions, NestedExecutionRecord } from "../engine/integrations/options";
import type { OutboxMessage } from "../engine/integrations/outbox";
import { runLocalExecution, type LocalExecution } from "./run/run-local";
import { checkSeedBuckets, snapshotObjects, type SeedObject } from "./run/objects";
import { ChildLedgers, redriveExecution, type RedriveSource } from "./run/redrive";
import type { ChildFailure } from "./failures";

export type { SeedObject } from "./run/objects";
export { ExecutionNotRedrivableError } from "./run/redrive";
export type { ChildFailure } from "./failures";
export type { LambdaHandler, LambdaContext, HistoryEvent } from "../engine/types";
export { TaskTokens, TaskTimedOutError, type TaskTokenRequest, type TaskTokenHook } from "../engine/integrations/task-tokens";
export { MockedTestCase, MockConfigError } from "../engine/integrations/mock-config";
export { RunStalledError, type WaitingReport } from "../engine/waits";
export {
  testState,
  TestStateRequestError,
  type TestStateRequest,
  type TestStateResult,
  type InspectionData,
  type InspectionLevel,
} from "./test-state";
export type { DynamoDbEndpoint, IntegrationOptions, NestedExecutionRecord, OutboxMessage };

/** A canned Lambda response: the value it returns, or the error it fails with (Error = the errorType Step Functions sees). */
export type MockResponse = { return: JsonValue } | { throw: { error: string; cause?: string } };

interface RunWorkflowBase {
  input?: JsonValue;
  /** Handlers by function name; a builder machine's own handlers are used unless overridden here. */
  handlers?: Readonly<Record<string, LambdaHandler>>;
  /** Functions answered with a canned response instead of running a handler (a mock wins over a handler). */
  mocks?: Readonly<Record<string, MockResponse | ReadonlyArray<MockResponse>>>;
  /** Objects to put in the embedded S3 before the run (buckets are created). */
  s3Objects?: ReadonlyArray<SeedObject>;
  /** "virtual" (default here): Wait states and retry back-offs take no real time. */
  clock?: "real" | "virtual";
  type?: "STANDARD" | "EXPRESS";
  signal?: AbortSignal;
  /**
   * Service integrations (docs/integrations.md): a DynamoDB client or endpoint, the machines
   * `states:startExecution` may start, task-token answers, a MockConfigFile test case.
   */
  integrations?: IntegrationOptions;
}

export type RunWorkflowRequest = RunWorkflowBase &
  ({ machine: StateMachine; definition?: never } | { definition: unknown; machine?: never });

export interface MapRunCounts {
  total: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  running: number;
  pending: number;
}

export interface MapRunResult {
  name: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";
  /** The counts add up: total = succeeded + failed + timedOut + aborted + running + pending. */
  items: MapRunCounts;
  childExecutions: MapRunCounts;
}

export interface WorkflowRun {
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  output?: JsonValue;
  error?: string;
  cause?: string;
  /** The state the execution failed in. */
  failedState?: string;
  /** The first failed child executions of each Map Run (item index, error, cause, state). */
  failures: ChildFailure[];
  history: HistoryEvent[];
  mapRuns: MapRunResult[];
  stateTransitions: number;
  /**
   * Handler exports no state uses, and the validator's warnings on each machine the run could start
   * (`nested machine RecordOrder: TASK_TOKEN_NOT_SENT at /States/...: ...`): what AWS accepts but cannot work.
   */
  warnings: string[];
  /** SQS/SNS/EventBridge calls, recorded and never sent. */
  outbox: OutboxMessage[];
  nestedExecutions: NestedExecutionRecord[];
  /** DescribeExecution's `redriveCount` (0 until redriven) and `redriveDate` (the last redrive). */
  redriveCount: number;
  redriveDate?: Date;
}

/** A handler that answers from the mock (a list answers call by call, its last entry repeating). */
function mockHandler(mock: MockResponse | ReadonlyArray<MockResponse>): LambdaHandler {
  const list: ReadonlyArray<MockResponse> = Array.isArray(mock) ? mock : [mock as MockResponse];
  let call = 0;
  return async () => {
    const response = list[Math.min(call++, list.length - 1)]!;
    if ("throw" in response) {
      const e = new Error(response.throw.cause ?? "");
      e.name = response.throw.error;
      throw e;
    }
    return response.return;
  };
}

/** What `redriveWorkflow` needs of a run: kept beside it, not on it (a run is plain data to assert on). */
interface Redrivable {
  request: RunWorkflowRequest;
  definition: unknown;
  handlers: Record<string, LambdaHandler>;
  source: RedriveSource;
  /** The embedded S3's objects when the run ended (a redrive starts from them). */
  objects?: SeedObject[];
}
const redrivable = new WeakMap<WorkflowRun, Redrivable>();

let runCounter = 0;

export async function runWorkflow(request: RunWorkflowRequest): Promise<WorkflowRun> {
  checkSeedBuckets(request.s3Objects, "runWorkflow: s3Objects");
  const definition = request.machine ? request.machine.renderLocal() : request.definition;
  const handlers: Record<string, LambdaHandler> = {};
  if (request.machine) for (const [name, h] of request.machine.handlersByName()) handlers[name] = h as LambdaHandler;
  Object.assign(handlers, request.handlers ?? {});
  for (const [name, mock] of Object.entries(request.mocks ?? {})) handlers[name] = mockHandler(mock);

  const ledgers = new ChildLedgers();
  const executionName = `test-${Date.now().toString(36)}-${(++runCounter).toString(36)}`;
  let objects: SeedObject[] | undefined;
  const run = await runLocalExecution({
    definition,
    input: request.input ?? {},
    handlers,
    handlersSource: "handlers",
    objects: request.s3Objects,
    clock: request.clock ?? "virtual",
    stateMachineType: request.type,
    signal: request.signal,
    keepHistory: true,
    integrations: request.integrations,
    engine: { executionName, mapRunHooks: ledgers.hooks },
    afterRun: async ({ result, s3Client, buckets }) => {
      // A run that may be redriven keeps what its S3 held, so the redrive reads what it would have read.
      if (result.status !== "SUCCEEDED" && s3Client) objects = await snapshotObjects(s3Client, buckets);
    },
  });
  const out = toWorkflowRun(run, 0);
  const r = run.result;
  redrivable.set(out, {
    request,
    definition,
    handlers,
    objects,
    source: {
      definition,
      executionArn: r.executionArn,
      executionName,
      stateMachineArn: r.executionArn.replace(/:(execution|express):([^:]+):[^:]+$/, ":stateMachine:$2"),
      type: request.type ?? "STANDARD",
      status: r.status,
      history: r.history,
      ledgers,
      redriveCount: 0,
      mapRuns: r.mapRuns,
    },
  });
  return out;
}

export interface RedriveOptions {
  /** Handlers to use from now on (e.g. a fixed one), by function name; the run's own otherwise. */
  handlers?: Readonly<Record<string, LambdaHandler>>;
  mocks?: RunWorkflowRequest["mocks"];
  signal?: AbortSignal;
}

/**
 * Redrives a FAILED, ABORTED or TIMED_OUT run, as RedriveExecution does: it continues from the
 * failed state with that state's input, a failed Map Run re-runs only its failed, aborted and
 * not-started children (the succeeded ones are kept), and the run's history goes on after an
 * ExecutionRedriven event. Throws ExecutionNotRedrivable (with the reason) otherwise.
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html
 */
export async function redriveWorkflow(run: WorkflowRun, options: RedriveOptions = {}): Promise<WorkflowRun> {
  const from = redrivable.get(run);
  if (!from) throw new TypeError("redriveWorkflow: pass a run returned by runWorkflow or redriveWorkflow");
  const handlers = { ...from.handlers, ...(options.handlers ?? {}) };
  for (const [name, mock] of Object.entries(options.mocks ?? {})) handlers[name] = mockHandler(mock);
  const { request } = from;
  let objects: SeedObject[] | undefined;
  let redrive: Awaited<ReturnType<typeof redriveExecution>> | undefined;
  const local = await runLocalExecution({
    // The servers and handlers of the run; the engine is run by the redrive through `rerun`.
    definition: from.definition,
    input: null,
    handlers,
    handlersSource: "handlers",
    objects: from.objects ?? request.s3Objects,
    s3: from.objects || request.s3Objects ? "always" : "auto",
    clock: request.clock ?? "virtual",
    stateMachineType: request.type,
    signal: options.signal ?? request.signal,
    keepHistory: true,
    integrations: request.integrations,
    execute: async (rerun) => {
      redrive = await redriveExecution(from.source, rerun);
      return redrive.result;
    },
    afterRun: async ({ result, s3Client, buckets }) => {
      if (result.status !== "SUCCEEDED" && s3Client) objects = await snapshotObjects(s3Client, buckets);
    },
  });
  const result = local.result;
  const out = toWorkflowRun(local, redrive!.redriveCount, redrive!.redriveDate);
  redrivable.set(out, {
    ...from,
    handlers,
    objects,
    source: {
      ...from.source,
      status: result.status,
      history: result.history,
      redriveCount: redrive!.redriveCount,
      mapRuns: result.mapRuns,
    },
  });
  return out;
}

function toWorkflowRun(run: LocalExecution, redriveCount: number, redriveDate?: Date): WorkflowRun {
  const r = run.result;
  const counts = (c: MapRunCounts): MapRunCounts => ({
    total: c.total,
    succeeded: c.succeeded,
    failed: c.failed,
    timedOut: c.timedOut,
    aborted: c.aborted,
    running: c.running,
    pending: c.pending,
  });
  return {
    status: r.status,
    ...(r.output !== undefined ? { output: r.output } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.cause !== undefined ? { cause: r.cause } : {}),
    ...(run.failedState !== undefined ? { failedState: run.failedState } : {}),
    failures: run.failures,
    history: r.history,
    mapRuns: r.mapRuns.map((m) => ({
      name: m.label ?? m.stateName,
      status: m.status,
      items: counts(m.itemCounts),
      childExecutions: counts(m.executionCounts),
    })),
    stateTransitions: r.counters.stateTransitions,
    warnings: run.warnings,
    outbox: r.outbox,
    nestedExecutions: r.nestedExecutions,
    redriveCount,
    ...(redriveDate ? { redriveDate } : {}),
  };
}
