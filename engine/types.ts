/** The engine's public types: what `run` takes and returns. */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Diagnostic } from "../asl/diagnostics";
import type { JsonValue } from "../asl/types";
import type { Clock } from "./model/clock";
import type { MapRunHooks, MapRunRecord } from "./distributed/map-run-interface";
import type { IntegrationOptions, NestedExecutionRecord } from "./integrations/options";
import type { OutboxMessage } from "./integrations/outbox";
import type { WaitingTask } from "./integrations/task-tokens";

/** The subset of the Lambda Node.js context object handlers commonly read. */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/**
 * A handler as Lambda calls it. Declared through a method so its parameter is bivariant: a handler
 * typed `(event: MyEvent) => ...` (validated inside, as ours are) is accepted without a cast.
 */
interface HandlerSignature {
  handle(event: unknown, context: LambdaContext): Promise<unknown> | unknown;
}
export type LambdaHandler = HandlerSignature["handle"];

/** One event of an execution history, shaped like the GetExecutionHistory API's HistoryEvent. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export type EngineEvent = { kind: "history"; executionArn: string; event: HistoryEvent } | { kind: "mapRun"; record: MapRunRecord };

export type ExecutionStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
export type StateMachineType = "STANDARD" | "EXPRESS";

export interface RunOptions {
  /** Handlers by Lambda function NAME (resolved from direct, qualified and partial ARNs and lambda:invoke's FunctionName). */
  handlers: Record<string, LambdaHandler>;
  /** S3 for Distributed Map readers/writers: a client, or an endpoint (a client is made lazily). */
  s3?: S3Client | { endpoint: string };
  /** "real" (default), "virtual" (Wait/back-off/timeouts take no real time), or a Clock. */
  clock?: "real" | "virtual" | Clock;
  /** History events as they happen, and Map Run updates. */
  onEvent?: (event: EngineEvent) => void;
  executionName?: string;
  stateMachineArn?: string;
  stateMachineType?: StateMachineType;
  /** Seedable randomness (jitter, UUIDs, MathRandom): a function in [0,1) or a seed. */
  random?: (() => number) | number;
  /** Default true: refuse definitions the validator rejects. */
  validate?: boolean;
  /**
   * The validator's warnings on each machine the run may start (`nested machine Child: TASK_TOKEN_NOT_SENT
   * at /States/...: ...`), told before it starts: what AWS accepts but cannot work is warned of, not refused.
   */
  onValidationWarning?: (warning: string) => void;
  /** Stops the execution (status ABORTED). */
  signal?: AbortSignal;
  /** Keep the history array in the result (default true). Events still go to onEvent when false. */
  keepHistory?: boolean;
  /**
   * Also send Distributed Map child executions' history events to onEvent (default false: they
   * cost an event object each). Each carries the child's `executionArn`. The Map Run record's
   * `childCounters` are exact either way.
   */
  childEvents?: boolean;
  /**
   * Service integrations (asl/integrations): DynamoDB endpoint, the machines startExecution may
   * start, the task-token callback API and hook, a MockConfigFile test case.
   */
  integrations?: IntegrationOptions;
  /**
   * While tasks wait for task tokens, told every `waitingNoticeSeconds` (default 10) of real time
   * what the run waits for (the exec CLI prints it). A run that can make no progress at all rejects
   * with RunStalledError instead.
   */
  onWaiting?: (report: WaitingReport) => void;
  /** Fields of the context object's `Execution` and `StateMachine` to use instead of the run's own (a one-state test's `context`). */
  context?: { Execution?: Record<string, JsonValue>; StateMachine?: Record<string, JsonValue> };
  waitingNoticeSeconds?: number;
  /**
   * (For tools.) The top-level Map Runs' per-child outcomes, and a redriven Map Run's kept children
   * (see testing/run/redrive.ts). Nested executions and Map Runs inside children get none.
   */
  mapRunHooks?: MapRunHooks;
  /**
   * Keep each STANDARD Distributed Map child's history until it ends, readable on its outcome
   * (`ChildOutcome.history`; the console shows failed children's). Off by default; costs a small
   * buffer per child, far less than `childEvents`.
   */
  childHistories?: boolean;
}

export interface ExecutionCounters {
  stateTransitions: number;
  historyEvents: number;
}

export interface ExecutionResult {
  executionArn: string;
  status: ExecutionStatus;
  output?: JsonValue;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  mapRuns: MapRunRecord[];
  counters: ExecutionCounters;
  startDate: Date;
  stopDate: Date;
  durationMs: number;
  /** SQS/SNS/EventBridge calls the run made (recorded, never sent), nested executions included. */
  outbox: OutboxMessage[];
  /** Executions started by `states:startExecution` (their state transitions are billed too). */
  nestedExecutions: NestedExecutionRecord[];
}

/** Thrown by `run` when validation is on and the definition is invalid. */
/**
 * StartExecution's `InvalidExecutionInput` ("The provided JSON input data is not valid"): the input
 * nests deeper than JSON_MAX_DEPTH (asl/json-text.ts), refused before any recursive walk.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export class InvalidExecutionInputError extends Error {
  override readonly name = "InvalidExecutionInput";
}

export class DefinitionRejectedError extends Error {
  override readonly name = "DefinitionRejectedError";
  constructor(
    readonly diagnostics: Diagnostic[],
    /** Which machine, when not the one being run: `nested machine Child`. */
    readonly machine?: string,
  ) {
    super(
      `The state machine definition${machine ? ` of ${machine}` : ""} is invalid${machine ? " (nothing was started)" : ""}:\n` +
        diagnostics.map((d) => `  ${d.severity} ${d.code} at ${d.location || "/"}: ${d.message}`).join("\n"),
    );
  }
}

/** What a run waits for, told to RunOptions.onWaiting and carried by RunStalledError (./waits.ts). */
export interface WaitingReport {
  tasks: Array<WaitingTask & { answerable: boolean }>;
  /** Handler calls and S3/DynamoDB requests in flight. */
  inFlight: number;
  /** Timers pending (Wait states, retry back-offs, timeouts). */
  timers: number;
  /** Real milliseconds since the first task began waiting. */
  waitedMs: number;
}
