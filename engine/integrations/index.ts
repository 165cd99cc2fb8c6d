/**
 * Every Task that is not the plain Lambda path runs here: its integration's runner (runners.ts,
 * keyed by integration id) makes the call, a MockConfigFile answer replaces it, and
 * `.waitForTaskToken` waits for the token after the call. Timeouts: TimeoutSeconds bounds the
 * whole task (States.Timeout); HeartbeatSeconds the time between heartbeats of a token wait, or
 * the call itself when nothing can heartbeat (States.HeartbeatTimeout).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html#task-state-fields
 */
import type { JsonValue } from "../../asl/types";
import type { ResolvedIntegration } from "../../asl/integrations";
import {
  ExecutionAbortedError,
  HeartbeatTimeoutError,
  RuntimeError,
  StatesError,
  TaskFailedError,
  TaskTimeoutError,
} from "../model/errors";
import type { Frame } from "../execution";
import { lambdaError } from "../lambda";
import { REGION } from "../model/local-account";
import { runLocally } from "./runners";
import { eventResource, submitted } from "./task-events";
import type { TaskTokenRequest } from "./task-tokens";

export { IntegrationServices, type IntegrationOptions, type NestedExecutionRecord, type StateMachineEntry } from "./services";
export {
  TaskTokens,
  TaskDoesNotExistError,
  TaskTimedOutError,
  TokenNotSentError,
  carriesToken,
  type TaskTokenRequest,
  type TaskTokenHook,
  type WaitingTask,
} from "./task-tokens";
export { MockConfigError, MockedTestCase } from "./mock-config";
export type { OutboxMessage } from "./outbox";
export { eventResource, submitted } from "./task-events";

export interface IntegrationCall {
  stateName: string;
  integration: ResolvedIntegration;
  args: JsonValue;
  /** The token in `$$.Task.Token` for a `.waitForTaskToken` task. */
  token: string | undefined;
  timeout: number | undefined;
  heartbeat: number | undefined;
}

/** Runs the call with its events (TaskScheduled, TaskStarted, TaskSucceeded | TaskFailed | TaskTimedOut). */
export async function runIntegration(frame: Frame, call: IntegrationCall): Promise<JsonValue> {
  const { integration, args, stateName, token } = call;
  const ids = eventResource(integration.resource);
  // The details (and the parameters' JSON text) only when history is recorded: a Distributed Map
  // child records none unless asked to.
  let scheduled: Record<string, unknown> | undefined;
  if (frame.recording) {
    scheduled = { ...ids, region: REGION, parameters: JSON.stringify(args) };
    if (call.timeout !== undefined) scheduled.timeoutInSeconds = call.timeout;
    if (call.heartbeat !== undefined) scheduled.heartbeatInSeconds = call.heartbeat;
  }
  frame.event("TaskScheduled", scheduled);
  frame.event("TaskStarted", ids);
  const services = frame.exec.services!;
  try {
    const output = await withTimeouts(frame, call);
    frame.event("TaskSucceeded", frame.recording ? { ...ids, output: JSON.stringify(output) } : undefined);
    return output;
  } catch (thrown) {
    if (token) services.tokens.forget(token);
    if (thrown instanceof ExecutionAbortedError) throw thrown;
    const e = thrown instanceof StatesError ? thrown : lambdaError(thrown);
    const timedOut = e instanceof TaskTimeoutError || e instanceof HeartbeatTimeoutError;
    frame.event(timedOut ? "TaskTimedOut" : "TaskFailed", { ...ids, error: e.error, cause: e.causeText });
    throw e;
  }
}

/** The call (or its mocked answer), then the token wait for `.waitForTaskToken`. */
async function dispatch(frame: Frame, call: IntegrationCall, onHeartbeat?: () => void): Promise<JsonValue> {
  const services = frame.exec.services!;
  const mock = services.mocks?.next(call.stateName, (frame.exec.mockCalls ??= new Map()));
  if (mock === "exhausted")
    throw new RuntimeError(
      `the mock config's test case '${services.mocks!.name}' has no response for this invocation of state '${call.stateName}'`,
    );
  if (mock) {
    if ("Throw" in mock) throw new TaskFailedError(mock.Throw.Error, mock.Throw.Cause ?? "");
    // A mocked `.waitForTaskToken` state answers with the callback's output, as Step Functions Local does.
    return mock.Return;
  }
  const tokens = services.tokens;
  // Whether the token travels in what the task sends: the only way an answerer can learn it.
  const sent = call.token !== undefined && tokens.markSent(call.token, call.args);
  const result = await runLocally(frame, call.stateName, call.integration, call.args);
  const r = call.integration.resource;
  if (r.kind !== "lambda-function" && r.pattern !== "request-response") {
    // "TaskSubmitted: the response from a resource when a task has started" (the SendMessage /
    // Invoke response of a callback task). https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskSubmittedEventDetails.html
    // (`.sync` records its own, when the nested execution has started: start-execution.ts.)
    if (r.pattern === "waitForTaskToken") submitted(frame, eventResource(r), result);
  }
  if (!call.token) return result;
  const clock = frame.exec.clock;
  const waiting = tokens.wait(call.token, onHeartbeat ?? (() => undefined), {
    executionArn: frame.exec.setup.arn,
    stateName: call.stateName,
    resource: r.arn,
    since: clock.now(),
  });
  const hook = services.onTaskToken;
  if (hook && sent) {
    const request: TaskTokenRequest = {
      token: call.token,
      executionArn: frame.exec.setup.arn,
      stateName: call.stateName,
      resource: r.arn,
      parameters: call.args,
    };
    try {
      const answering = hook(request, tokens);
      // An answer in progress: the run waits for it (the virtual clock does not jump past it).
      if (answering && typeof (answering as Promise<unknown>).then === "function")
        tokens.answering(call.token, clock.track(Promise.resolve(answering)));
      else tokens.hookReturned(call.token);
    } catch (e) {
      tokens.hookFailed(call.token, e);
    }
  }
  return waiting;
}

/**
 * TimeoutSeconds over the whole task; HeartbeatSeconds restarted by each SendTaskHeartbeat of a
 * token wait (without a token nothing can heartbeat, so it bounds the call, as for Lambda).
 */
function withTimeouts(frame: Frame, call: IntegrationCall): Promise<JsonValue> {
  const { timeout, heartbeat } = call;
  if (timeout === undefined && heartbeat === undefined) return dispatch(frame, call);
  const clock = frame.exec.clock;
  return new Promise<JsonValue>((resolve, reject) => {
    let settled = false;
    const timers: AbortController[] = [];
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      for (const t of timers) t.abort();
      f();
    };
    const arm = (seconds: number, error: () => StatesError): AbortController => {
      const c = new AbortController();
      timers.push(c);
      clock.sleep(seconds * 1000, c.signal).then(
        () => finish(() => reject(error())),
        () => undefined,
      );
      return c;
    };
    if (timeout !== undefined) arm(timeout, () => new TaskTimeoutError());
    let beat: AbortController | undefined;
    if (heartbeat !== undefined) beat = arm(heartbeat, () => new HeartbeatTimeoutError());
    const onHeartbeat = () => {
      if (settled || heartbeat === undefined) return;
      beat?.abort();
      beat = arm(heartbeat, () => new HeartbeatTimeoutError());
    };
    const stop = frame.exec.stopPromise(frame.signal);
    stop.catch((e: unknown) => finish(() => reject(e)));
    dispatch(frame, call, onHeartbeat).then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
