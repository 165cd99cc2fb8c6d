/**
 * The test API for users' own suites (package subpath `sfn-distributed-map/testing`): runs a
 * builder machine or an ASL definition in-process, exactly as `npm run exec` does (the same
 * runLocalExecution: loud handler resolution, the embedded S3 started when the definition touches
 * S3 or objects are seeded, stopped afterwards), and returns what a test asserts on. Pulumi-free.
 *
 *   const run = await runWorkflow({ machine, input: { bucket: "in", key: "rows.csv" },
 *     handlers: { Double: async (row) => ... }, s3Objects: [{ bucket: "in", key: "rows.csv", body: "a,b\n1,2\n" }] });
 *   assert.equal(run.status, "SUCCEEDED");
 */
import type { StateMachine } from "../../asl/builders";
import type { JsonValue } from "../../asl/types";
import type { HistoryEvent, LambdaHandler } from "../engine/types";
import type { IntegrationOptions, NestedExecutionRecord, OutboxMessage } from "../engine";
import { runLocalExecution } from "../exec/run-local";
import type { SeedObject } from "../exec/objects";
import type { ChildFailure } from "../runner/failures";

export type { SeedObject } from "../exec/objects";
export type { ChildFailure } from "../runner/failures";
export type { LambdaHandler, LambdaContext, HistoryEvent } from "../engine/types";
export { TaskTokens, MockedTestCase, MockConfigError, RunStalledError, TaskTimedOutError } from "../engine";
export { testState, TestStateRequestError, type TestStateRequest, type TestStateResult, type InspectionData, type InspectionLevel } from "./test-state";
export type { IntegrationOptions, NestedExecutionRecord, OutboxMessage, TaskTokenRequest, TaskTokenHook, WaitingReport } from "../engine";

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
   * Service integrations (README "Service integrations"): a DynamoDB client or endpoint, the machines
   * `states:startExecution` may start, task-token answers, a MockConfigFile test case.
   */
  integrations?: IntegrationOptions;
}

export type RunWorkflowRequest = RunWorkflowBase & ({ machine: StateMachine; definition?: never } | { definition: unknown; machine?: never });

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
  /** Handler exports no state uses. */
  warnings: string[];
  /** SQS/SNS/EventBridge calls, recorded and never sent. */
  outbox: OutboxMessage[];
  nestedExecutions: NestedExecutionRecord[];
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

export async function runWorkflow(request: RunWorkflowRequest): Promise<WorkflowRun> {
  const definition = request.machine ? request.machine.renderLocal() : request.definition;
  const handlers: Record<string, LambdaHandler> = {};
  if (request.machine) for (const [name, h] of request.machine.handlersByName()) handlers[name] = h as LambdaHandler;
  Object.assign(handlers, request.handlers ?? {});
  for (const [name, mock] of Object.entries(request.mocks ?? {})) handlers[name] = mockHandler(mock);

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
  });
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
    mapRuns: r.mapRuns.map((m) => ({ name: m.label ?? m.stateName, status: m.status, items: counts(m.itemCounts), childExecutions: counts(m.executionCounts) })),
    stateTransitions: r.counters.stateTransitions,
    warnings: run.warnings,
    outbox: r.outbox,
    nestedExecutions: r.nestedExecutions,
  };
}
