/**
 * Task state. Lambda resources run in-process: a direct function ARN returns the handler's result;
 * `arn:aws:states:::lambda:invoke` wraps it as the Invoke API response (Payload, StatusCode, ...).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import type { CompiledTask, JsonPathIO } from "../compile";
import {
  ExecutionAbortedError,
  HeartbeatTimeoutError,
  RuntimeError,
  StatesError,
  TaskFailedError,
  TaskTimeoutError,
} from "../model/errors";
import type { Flow, Frame } from "../execution";
import * as execution from "../execution";
import { LambdaScheduledDetails, OutputDetails } from "../history";
import * as history from "../history";
import { REGION } from "../model/local-account";
import * as lambda from "../lambda";
import { runIntegration } from "../integrations";
import * as errorHandling from "../error-handling";
import * as io from "../state-io";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name, `new` included, is a getter call on the exporting module, and these run for every
// Map item (measured: a fifth of a Distributed Map child's cost). The engine's imports have no
// cycle (test/architecture), so every bound name exists when it is bound. A class's name is also its type.
const { Lazy } = history;
const { functionArn, functionNameOf, invokeResponse, lambdaError, resultText, resultValue } = lambda;
const { checkInputPayload, checkPayload, checkPayloadText } = execution;
const DELIVERED: typeof execution.DELIVERED = execution.DELIVERED;
const { applyInputPath, entered, evalNumber, exited, finishJsonata, finishJsonPath, leaveHandled, transition } = io;
const { withErrorHandling } = errorHandling;
const StateEnv = execution.StateEnv;
type StateEnv = execution.StateEnv;
const LambdaInvocation = lambda.LambdaInvocation;
type LambdaInvocation = lambda.LambdaInvocation;

export function runTask(state: CompiledTask, input: JsonValue, frame: Frame): Flow {
  entered(frame, "Task", state.name, input);
  const io = state.io;
  if (state.simple && io.lang === "JSONPath" && frame.exec.services?.mocks === undefined) {
    // The common Task (JSONPath, no Retry/Catch, no timeouts): everything up to the call and
    // everything after it is synchronous, so the handler's promise gets a single reaction. A Task
    // without input/output fields (`io.plain`) passes its input and returns the call's result:
    // no state environment to make.
    const env = io.plain ? undefined : new StateEnv(frame, state.name, input, true);
    let args = input;
    if (env) {
      const effective = applyInputPath(io, input, env);
      args = io.parameters ? io.parameters(effective, env) : effective;
    }
    const call = startCall(state, args, frame, undefined, undefined, undefined);
    const sink = frame.sink;
    if (sink !== undefined && state.end) {
      // The workflow's last state, and its runner takes the result directly: one reaction in all.
      LambdaInvocation.pending(call).then(
        (returned) => {
          let output: JsonValue = null;
          let text: string | undefined;
          try {
            // An object or array result, when nothing but the sink can read it (no I/O fields,
            // events not recorded): its text goes to the sink, parsed only if its value is read
            // (a ResultWriter record needs the text alone; the parse was 6 % of a seed-demo run).
            if (
              env === undefined &&
              sink.doneText !== undefined &&
              state.target!.kind === "direct" &&
              typeof returned === "object" &&
              returned !== null &&
              !frame.recording
            )
              text = completeCallText(state, returned, frame);
            else output = completeCall(state, io, input, env, call, returned, frame);
          } catch (e) {
            return sink.fail(e);
          }
          frame.next = undefined;
          if (text !== undefined) sink.doneText!(text);
          else sink.done(output);
        },
        (thrown: unknown) => {
          let error: unknown;
          try {
            error = callFailed(thrown, frame, state.target!.kind === "invoke");
          } catch (e) {
            error = e;
          }
          sink.fail(error);
        },
      );
      return DELIVERED;
    }
    return LambdaInvocation.pending(call).then(
      (returned) => {
        const output = completeCall(state, io, input, env, call, returned, frame);
        frame.next = transition(state);
        return output;
      },
      (thrown: unknown) => {
        throw callFailed(thrown, frame, state.target!.kind === "invoke");
      },
    );
  }
  return runTaskHandled(state, input, new StateEnv(frame, state.name, input, true));
}

/** The one-reaction path's second half: the result as Lambda returns it, the I/O fields, TaskStateExited. */
function completeCall(
  state: CompiledTask,
  io: JsonPathIO,
  input: JsonValue,
  env: StateEnv | undefined,
  call: LambdaInvocation,
  returned: unknown,
  frame: Frame,
): JsonValue {
  let output = finishCall(state, call, returned, frame);
  if (env) output = finishIO(io, input, output, env);
  exited(frame, "Task", state.name, output);
  return output;
}

/**
 * completeCall for a direct Lambda Task without I/O fields whose events are not recorded: the same
 * payload check and the same events (only counted: their details are never made), the result kept
 * as its JSON text.
 */
function completeCallText(state: CompiledTask, returned: object, frame: Frame): string {
  const text = resultText(returned);
  try {
    checkPayloadText(state.name, text);
  } catch (e) {
    if (e instanceof StatesError) failEvent(frame, false, "Failed", e);
    throw e;
  }
  frame.event("LambdaFunctionSucceeded");
  frame.outputText = text;
  frame.event("TaskStateExited");
  return text;
}

async function runTaskHandled(state: CompiledTask, input: JsonValue, env: StateEnv): Promise<JsonValue> {
  const frame = env.frame;
  const outcome = await withErrorHandling(state, input, env, () => taskBody(state, input, env));
  return leaveHandled(frame, "Task", state, outcome);
}

/** A handler's rejection as the Task error, with its Failed/TimedOut event recorded. */
function callFailed(thrown: unknown, frame: Frame, optimized: boolean): unknown {
  const e =
    thrown instanceof TaskTimeoutError || thrown instanceof HeartbeatTimeoutError || thrown instanceof ExecutionAbortedError
      ? thrown
      : lambdaError(thrown);
  if (e instanceof TaskTimeoutError || e instanceof HeartbeatTimeoutError) failEvent(frame, optimized, "TimedOut", e);
  else if (e instanceof StatesError) failEvent(frame, optimized, "Failed", e);
  return e;
}

/**
 * Input processing, the call, result processing: what a retry repeats. One async function around
 * the handler's promise: starting and finishing the call are synchronous.
 */
async function taskBody(state: CompiledTask, input: JsonValue, env: StateEnv): Promise<JsonValue> {
  const frame = env.frame;
  const services = frame.exec.services;
  // A new token per attempt, in `$$.Task.Token` before the Parameters/Arguments that pass it on.
  const token = state.waitsForToken && services ? services.tokens.issue() : undefined;
  if (token !== undefined) env.taskToken = token;
  let args: JsonValue;
  let effective: JsonValue = input;
  if (state.io.lang === "JSONPath") {
    effective = applyInputPath(state.io, input, env);
    args = state.io.parameters ? state.io.parameters(effective, env) : effective;
  } else {
    args = state.io.arguments ? await state.io.arguments(env) : input;
  }
  const timeout = state.timeout ? await evalNumber(state.timeout, effective, env, "TimeoutSeconds") : undefined;
  const heartbeat = state.heartbeat ? await evalNumber(state.heartbeat, effective, env, "HeartbeatSeconds") : undefined;
  if (!state.target || services?.mocks?.has(state.name)) {
    // Every other integration, and any mocked state: its integration's runner (integrations/runners.ts) runs it.
    if (!state.integration || !services) {
      throw new RuntimeError(
        `The resource '${state.resource}' of state '${state.name}' is not supported by the local engine (see asl/integrations for the integrations it runs; a MockConfigFile response runs any other: CLI --mock-config FILE --test-case [MACHINE/]NAME, API integrations.mocks)`,
      );
    }
    checkInputPayload(state.name, JSON.stringify(args) ?? "null");
    const result = await runIntegration(frame, { stateName: state.name, integration: state.integration, args, token, timeout, heartbeat });
    const text = checkPayload(state.name, result);
    frame.outputText = text;
    if (state.io.lang === "JSONPath") return finishIO(state.io, input, result, env);
    frame.outputText = undefined;
    return finishJsonata(state.io, input, result, env, true);
  }
  const call = startCall(state, args, frame, env.enteredTime, timeout, heartbeat);
  let returned: unknown;
  try {
    returned = await raceTimeouts(LambdaInvocation.pending(call), frame, timeout, heartbeat);
  } catch (thrown) {
    throw callFailed(thrown, frame, state.target!.kind === "invoke");
  }
  const result = finishCall(state, call, returned, frame);
  if (state.io.lang === "JSONPath") return finishIO(state.io, input, result, env);
  // The output is Output's, its text unknown.
  frame.outputText = undefined;
  return finishJsonata(state.io, input, result, env, true);
}

/** JSONPath result processing after a call; the output's text is the call's only if unchanged. */
function finishIO(io: JsonPathIO, input: JsonValue, result: JsonValue, env: StateEnv): JsonValue {
  const output = finishJsonPath(io, input, result, env, true);
  if (output !== result) env.frame.outputText = undefined;
  return output;
}

function failEvent(frame: Frame, optimized: boolean, type: "Failed" | "TimedOut", e: StatesError): void {
  if (optimized)
    frame.event(type === "Failed" ? "TaskFailed" : "TaskTimedOut", {
      resourceType: "lambda",
      resource: "invoke",
      error: e.error,
      cause: e.causeText,
    });
  else frame.event(type === "Failed" ? "LambdaFunctionFailed" : "LambdaFunctionTimedOut", { error: e.error, cause: e.causeText });
}

const INVOKE_RESOURCE = { resourceType: "lambda", resource: "invoke" } as const;

/**
 * Resolves the function, checks the payload, records Scheduled/Started and calls the handler; the
 * call's result is `LambdaInvocation.pending(call)`.
 */
function startCall(
  state: CompiledTask,
  args: JsonValue,
  frame: Frame,
  enteredTime: number | undefined,
  timeout: number | undefined,
  heartbeat: number | undefined,
): LambdaInvocation {
  const target = state.target;
  if (!target) {
    throw new RuntimeError(
      `The resource '${state.resource}' of state '${state.name}' is not supported by the local engine (supported: Lambda function ARNs and arn:aws:states:::lambda:invoke)`,
    );
  }
  const exec = frame.exec;
  let functionName: string;
  let eventValue: JsonValue;
  const optimized = target.kind === "invoke";
  if (target.kind === "direct") {
    functionName = target.functionName;
    eventValue = args;
  } else {
    const params = args as JsonObject;
    if (params === null || typeof params !== "object" || typeof params.FunctionName !== "string") {
      throw new RuntimeError(
        `State '${state.name}': lambda:invoke needs a string FunctionName in its ${state.io.lang === "JSONPath" ? "Parameters" : "Arguments"}`,
      );
    }
    functionName = functionNameOf(params.FunctionName);
    eventValue = params.Payload === undefined ? {} : params.Payload;
  }
  // The execution's own input is serialized once: kept for the Map Run's result records.
  let eventText: string;
  if (eventValue !== exec.input) eventText = JSON.stringify(eventValue) ?? "null";
  else eventText = exec.inputText ??= JSON.stringify(eventValue) ?? "null";
  // "When, after Parameters processing, the input of a state is larger than the payload size quota."
  checkInputPayload(state.name, optimized ? JSON.stringify(args) : eventText);

  const recording = frame.recording;
  if (optimized) {
    let scheduled: Record<string, unknown> | undefined;
    if (recording) {
      scheduled = { ...INVOKE_RESOURCE, region: REGION, parameters: JSON.stringify(args) };
      if (timeout !== undefined) scheduled.timeoutInSeconds = timeout;
      if (heartbeat !== undefined) scheduled.heartbeatInSeconds = heartbeat;
    }
    frame.event("TaskScheduled", scheduled);
    frame.event("TaskStarted", INVOKE_RESOURCE);
  } else {
    if (timeout === undefined) frame.eventLazy("LambdaFunctionScheduled", Lazy.LambdaScheduled, functionName, eventValue);
    else
      frame.event(
        "LambdaFunctionScheduled",
        recording ? new LambdaScheduledDetails(functionArn(functionName), eventValue, timeout) : undefined,
      );
    frame.event("LambdaFunctionStarted");
  }

  const handler = exec.handlers[functionName];
  if (!handler) {
    // What Lambda answers for a function that does not exist.
    const e = new TaskFailedError(
      "Lambda.ResourceNotFoundException",
      `Function not found: ${functionArn(functionName)} (no handler named '${functionName}' was given to the local engine (CLI: --handlers MODULE; API: handlers of run() / runWorkflow()); known: ${Object.keys(exec.handlers).join(", ") || "none"})`,
    );
    failEvent(frame, optimized, "Failed", e);
    throw e;
  }
  const call = new LambdaInvocation(
    functionName,
    optimized ? exec.requestId() : undefined,
    exec,
    // The state's entry time stands for the call's start (no extra clock read per call).
    timeout === undefined || enteredTime === undefined ? undefined : enteredTime + timeout * 1000,
    exec.clock,
  );
  exec.clock.track(LambdaInvocation.start(call, handler, eventText));
  return call;
}

/** Serializes the result as Lambda would, wraps it for lambda:invoke, checks its size, records success. */
function finishCall(state: CompiledTask, call: LambdaInvocation, returned: unknown, frame: Frame): JsonValue {
  const optimized = state.target!.kind === "invoke";
  let text = resultText(returned);
  let value = resultValue(returned, text);
  if (optimized) {
    value = invokeResponse(value, text, call.awsRequestId, new Date(frame.exec.clock.now()));
    text = JSON.stringify(value);
  }
  try {
    checkPayload(state.name, value, text);
  } catch (e) {
    if (e instanceof StatesError) failEvent(frame, optimized, "Failed", e);
    throw e;
  }
  const recording = frame.recording;
  if (optimized) frame.event("TaskSucceeded", recording ? new OutputDetails(INVOKE_RESOURCE, value) : undefined);
  else frame.eventLazy("LambdaFunctionSucceeded", Lazy.Output, undefined, value);
  frame.outputText = text;
  return value;
}

/** Reason given when a finished task cancels its timeout timer (avoids a DOMException per task). */
const TIMER_CANCELLED = Symbol("task finished");

/**
 * TimeoutSeconds → States.Timeout; HeartbeatSeconds (a Lambda never heartbeats) → States.HeartbeatTimeout.
 * Stopping is not raced here, per task: the execution, each Map and each Parallel race their own
 * work against their abort signal once, so a stop ends them at once while a handler already
 * running finishes in the background (as a Lambda invocation does when its execution is stopped),
 * and its workflow stops at the next state.
 */
function raceTimeouts<T>(work: Promise<T>, frame: Frame, timeout: number | undefined, heartbeat: number | undefined): Promise<T> {
  if (timeout === undefined && heartbeat === undefined) return work;
  return raceWithTimer(work, frame.exec.stopPromise(frame.signal), frame, timeout, heartbeat);
}

async function raceWithTimer<T>(
  work: Promise<T>,
  aborted: Promise<never>,
  frame: Frame,
  timeout: number | undefined,
  heartbeat: number | undefined,
): Promise<T> {
  const useHeartbeat = heartbeat !== undefined && (timeout === undefined || heartbeat < timeout);
  const seconds = useHeartbeat ? heartbeat! : timeout!;
  const cancel = new AbortController();
  const timer = frame.exec.clock.sleep(seconds * 1000, cancel.signal).then(
    () => {
      throw useHeartbeat ? new HeartbeatTimeoutError() : new TaskTimeoutError();
    },
    () => new Promise<never>(() => undefined),
  );
  try {
    return await Promise.race([work, aborted, timer]);
  } finally {
    cancel.abort(TIMER_CANCELLED);
  }
}
