/**
 * Every Task that is not the plain Lambda path runs here: the row of the integration table says
 * how (asl/integrations LocalBehaviour), a MockConfigFile answer replaces the call, and
 * `.waitForTaskToken` waits for the token after the call. Timeouts: TimeoutSeconds bounds the
 * whole task (States.Timeout); HeartbeatSeconds the time between heartbeats of a token wait, or
 * the call itself when nothing can heartbeat (States.HeartbeatTimeout).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html#task-state-fields
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import { type IntegrationResource, type ResolvedIntegration } from "../../asl/integrations";
import {
  ExecutionAbortedError,
  HeartbeatTimeoutError,
  RuntimeError,
  StatesError,
  TaskFailedError,
  TaskTimeoutError,
} from "../model/errors";
import type { Frame } from "../execution";
import { functionNameOf, invokeResponse, lambdaError, LambdaInvocation, REGION, resultText, resultValue } from "../lambda";
import { sendToOutbox } from "./outbox";
import { callSdk } from "./sdk";
import { startExecution } from "./start-execution";
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

export function eventResource(r: IntegrationResource): { resourceType: string; resource: string } {
  if (r.kind === "lambda-function") return { resourceType: "lambda", resource: "invoke" };
  const suffix = r.pattern === "request-response" ? "" : `.${r.pattern}`;
  return { resourceType: r.kind === "aws-sdk" ? `aws-sdk:${r.service}` : r.service, resource: `${r.action}${suffix}` };
}

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
  const result = await perform(frame, call);
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

/** The TaskSubmitted event of a callback or `.sync` task. */
export function submitted(frame: Frame, ids: { resourceType: string; resource: string }, response: JsonValue): void {
  frame.event(
    "TaskSubmitted",
    frame.recording ? { ...ids, output: JSON.stringify(response), outputDetails: { truncated: false } } : undefined,
  );
}

async function perform(frame: Frame, call: IntegrationCall): Promise<JsonValue> {
  const { integration, args } = call;
  const r = integration.resource;
  const behaviour = integration.row.local(r);
  const services = frame.exec.services!;
  switch (behaviour) {
    case "lambda":
      return invokeLambda(frame, r, args);
    case "s3": {
      if (r.kind !== "aws-sdk") break;
      // I/O of the run: the virtual clock does not move while it is in flight.
      return frame.exec.clock.track(
        Promise.all([import("@aws-sdk/client-s3"), frame.exec.setup.s3()]).then(([mod, client]) =>
          callSdk(mod as unknown as Record<string, unknown>, client, r.action, args, "S3"),
        ),
      );
    }
    case "dynamodb": {
      if (r.kind === "lambda-function") break;
      const service = r.kind === "aws-sdk" ? "DynamoDb" : "DynamoDB";
      return frame.exec.clock.track(
        Promise.all([
          import("@aws-sdk/client-dynamodb"),
          services.dynamodb().catch((e: Error) => Promise.reject(new RuntimeError(`State '${call.stateName}' (${r.arn}): ${e.message}`))),
        ]).then(([mod, client]) => callSdk(mod as unknown as Record<string, unknown>, client, r.action, args, service)),
      );
    }
    case "outbox":
      if (r.kind === "lambda-function") break;
      return sendToOutbox(
        `${r.service}:${r.action}`,
        (args ?? {}) as JsonObject,
        services.outbox,
        { executionArn: frame.exec.setup.arn, stateName: call.stateName },
        () => frame.exec.requestId(),
      );
    case "startExecution":
      if (r.kind !== "optimized") break;
      return startExecution(frame, call.stateName, r.pattern, args, (response) => submitted(frame, eventResource(r), response));
    case "mock-only":
      break;
  }
  throw new RuntimeError(
    `The resource '${r.arn}' of state '${call.stateName}' has no local emulator: give it a response in a MockConfigFile (CLI: --mock-config FILE --test-case [MACHINE/]NAME; API: integrations.mocks = MockedTestCase.from(file, "MACHINE/NAME"))`,
  );
}

/** Lambda for the patterns the one-reaction path does not take (`.waitForTaskToken`, mocks off). */
async function invokeLambda(frame: Frame, r: IntegrationResource, args: JsonValue): Promise<JsonValue> {
  const exec = frame.exec;
  let name: string;
  let payload: JsonValue;
  if (r.kind === "lambda-function") {
    name = r.functionName;
    payload = args;
  } else {
    const p = (args ?? {}) as JsonObject;
    if (typeof p.FunctionName !== "string") throw new RuntimeError("lambda:invoke needs a string FunctionName");
    name = functionNameOf(p.FunctionName);
    payload = p.Payload === undefined ? {} : p.Payload;
  }
  const handler = exec.handlers[name];
  if (!handler)
    throw new TaskFailedError(
      "Lambda.ResourceNotFoundException",
      `Function not found: ${name} (no handler named '${name}' was given to the local engine: CLI --handlers MODULE, API handlers of run() / runWorkflow())`,
    );
  const requestId = exec.requestId();
  const invocation = new LambdaInvocation(name, requestId, exec, undefined, exec.clock);
  const returned = await exec.clock.track(LambdaInvocation.start(invocation, handler, JSON.stringify(payload) ?? "null"));
  const text = resultText(returned);
  const value = resultValue(returned, text);
  return r.kind === "lambda-function" ? value : invokeResponse(value, text, requestId, new Date(exec.clock.now()));
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
