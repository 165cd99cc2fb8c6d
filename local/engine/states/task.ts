/**
 * Task state. Lambda resources run in-process: a direct function ARN returns the handler's result;
 * `arn:aws:states:::lambda:invoke` wraps it as the Invoke API response (Payload, StatusCode, ...).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import type { JsonObject, JsonValue } from "../../../asl/types";
import type { CompiledTask } from "../compile";
import { ExecutionAbortedError, HeartbeatTimeoutError, RuntimeError, StatesError, TaskFailedError, TaskTimeoutError } from "../errors";
import { checkInputPayload, checkPayload, type Frame, StateEnv } from "../execution";
import { InputDetails, OutputDetails } from "../history";
import { functionArn, functionNameOf, invokeHandler, invokeResponse, REGION, type InvokeOutcome } from "../lambda";
import { applyInputPath, entered, evalNumber, exited, finishJsonata, finishJsonPath, transition, withErrorHandling, type StepOutcome } from "../interpreter";

/** "If not provided, the default value [of TimeoutSeconds] is 99999999." (ASL spec, Task state) */
const DEFAULT_TIMEOUT_SECONDS = 99_999_999;

export async function runTask(state: CompiledTask, input: JsonValue, frame: Frame): Promise<StepOutcome> {
  entered(frame, "Task", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  const outcome = await withErrorHandling(state, input, env, async () => {
    let args: JsonValue;
    let effective: JsonValue = input;
    if (state.io.lang === "JSONPath") {
      effective = applyInputPath(state.io, input, env);
      args = state.io.parameters ? state.io.parameters(effective, env) : effective;
    } else {
      args = state.io.arguments ? await state.io.arguments(env) : input;
    }
    const timeout = await evalNumber(state.timeout, effective, env, "TimeoutSeconds");
    const heartbeat = await evalNumber(state.heartbeat, effective, env, "HeartbeatSeconds");
    const result = await invoke(state, args, frame, timeout, heartbeat);
    if (state.io.lang === "JSONPath") return finishJsonPath(state.io, input, result.value, env, true);
    return finishJsonata(state.io, input, result.value, env, true);
  });
  if (!outcome.caught) exited(frame, "Task", state.name, outcome.output);
  return { output: outcome.output, next: outcome.caught ? outcome.next : transition(state) };
}

interface TaskResult {
  value: JsonValue;
}

async function invoke(state: CompiledTask, args: JsonValue, frame: Frame, timeout: number | undefined, heartbeat: number | undefined): Promise<TaskResult> {
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
      throw new RuntimeError(`State '${state.name}': lambda:invoke needs a string FunctionName in its ${state.io.lang === "JSONPath" ? "Parameters" : "Arguments"}`);
    }
    functionName = functionNameOf(params.FunctionName);
    eventValue = params.Payload === undefined ? {} : params.Payload;
  }
  const eventText = JSON.stringify(eventValue) ?? "null";
  // "When, after Parameters processing, the input of a state is larger than the payload size quota."
  checkInputPayload(state.name, optimized ? JSON.stringify(args) : eventText);

  const timeoutSeconds = timeout ?? DEFAULT_TIMEOUT_SECONDS;
  const resourceDetails = optimized ? { resourceType: "lambda", resource: "invoke" } : undefined;
  if (optimized) {
    const scheduled: Record<string, unknown> = { ...resourceDetails, region: REGION, parameters: JSON.stringify(args) };
    if (timeout !== undefined) scheduled.timeoutInSeconds = timeout;
    if (heartbeat !== undefined) scheduled.heartbeatInSeconds = heartbeat;
    frame.event("TaskScheduled", scheduled);
    frame.event("TaskStarted", resourceDetails);
  } else {
    const extra: Record<string, unknown> = { resource: functionArn(functionName) };
    if (timeout !== undefined) extra.timeoutInSeconds = timeout;
    frame.event("LambdaFunctionScheduled", new InputDetails(extra, eventValue));
    frame.event("LambdaFunctionStarted");
  }

  const failEvent = (type: "Failed" | "TimedOut", e: StatesError) => {
    const details = { error: e.error, cause: e.causeText };
    if (optimized) frame.event(`Task${type}`, { ...resourceDetails, ...details });
    else frame.event(`LambdaFunction${type}`, details);
  };

  const handler = exec.setup.handlers[functionName];
  if (!handler) {
    // What Lambda answers for a function that does not exist.
    const e = new TaskFailedError(
      "Lambda.ResourceNotFoundException",
      `Function not found: ${functionArn(functionName)} (no handler named '${functionName}' was given to the local engine; known: ${Object.keys(exec.setup.handlers).join(", ") || "none"})`,
    );
    failEvent("Failed", e);
    throw e;
  }

  const requestId = exec.requestId();
  const started = exec.clock.now();
  const call = invokeHandler({
    handler,
    functionName,
    eventText,
    requestId,
    deadline: started + timeoutSeconds * 1000,
    now: () => exec.clock.now(),
  });
  let outcome: InvokeOutcome;
  try {
    outcome = await raceTimeouts(exec.clock.track(call), frame, timeout, heartbeat);
  } catch (e) {
    if (e instanceof TaskTimeoutError || e instanceof HeartbeatTimeoutError) failEvent("TimedOut", e);
    else if (e instanceof StatesError) failEvent("Failed", e);
    throw e;
  }

  let value = outcome.value;
  let text = outcome.text;
  if (optimized) {
    value = invokeResponse(outcome.value, outcome.text, requestId, new Date(exec.clock.now()));
    text = JSON.stringify(value);
  }
  try {
    checkPayload(state.name, value, text);
  } catch (e) {
    if (e instanceof StatesError) failEvent("Failed", e);
    throw e;
  }
  if (optimized) frame.event("TaskSucceeded", new OutputDetails(resourceDetails!, value));
  else frame.event("LambdaFunctionSucceeded", new OutputDetails({}, value));
  return { value };
}

/**
 * TimeoutSeconds → States.Timeout; HeartbeatSeconds (a Lambda never heartbeats) → States.HeartbeatTimeout;
 * a stopped execution stops waiting for its task.
 */
async function raceTimeouts<T>(work: Promise<T>, frame: Frame, timeout: number | undefined, heartbeat: number | undefined): Promise<T> {
  const cancel = new AbortController();
  let onParentAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onParentAbort = () => reject(new ExecutionAbortedError());
  });
  aborted.catch(() => undefined);
  if (frame.signal.aborted) throw new ExecutionAbortedError();
  frame.signal.addEventListener("abort", onParentAbort, { once: true });
  const racers: Array<Promise<T>> = [work, aborted];
  if (timeout !== undefined || heartbeat !== undefined) {
    const useHeartbeat = heartbeat !== undefined && (timeout === undefined || heartbeat < timeout);
    const seconds = useHeartbeat ? heartbeat! : timeout!;
    racers.push(
      frame.exec.clock.sleep(seconds * 1000, cancel.signal).then(
        () => {
          throw useHeartbeat ? new HeartbeatTimeoutError() : new TaskTimeoutError();
        },
        () => new Promise<never>(() => undefined),
      ),
    );
  }
  try {
    return await Promise.race(racers);
  } finally {
    cancel.abort();
    frame.signal.removeEventListener("abort", onParentAbort);
  }
}
