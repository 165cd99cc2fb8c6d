/**
 * Retry then Catch around a state's work, and the error output a Catch hands on.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
import type { JsonObject, JsonValue, Retrier } from "../asl/types";
import type { CompiledCatcher, JsonataIO, JsonPathIO } from "./compile";
import { StatesError } from "./model/errors";
import type { StateEnv } from "./execution";
import * as execution from "./execution";
import * as retry from "./retry";
import * as stateIo from "./state-io";
// Bound once at load (see state-io.ts): a Task with a Retry runs this for every Map item.
const { checkPayloadSize } = execution;
const { findCatcher } = retry;
const { placeResult } = stateIo;
const RetryTracker = retry.RetryTracker;

export interface StepOutcome {
  output: JsonValue;
  /** Name of the next state; undefined when the workflow ends here. */
  next?: string;
}

export function errorOutput(e: StatesError): JsonObject {
  const out: JsonObject = { Error: e.error };
  if (e.causeText !== "") out.Cause = e.causeText;
  return out;
}

/**
 * Retry then Catch around a state's work. "When a state has both Retry and Catch fields, Step
 * Functions uses any appropriate retriers first, and only afterward applies the matching catcher."
 */
export async function withErrorHandling(
  state: { name: string; retriers: Retrier[]; catchers: CompiledCatcher[]; io: JsonPathIO | JsonataIO },
  rawInput: JsonValue,
  env: StateEnv,
  body: () => Promise<JsonValue>,
): Promise<StepOutcome & { caught?: boolean }> {
  const frame = env.frame;
  const tracker = state.retriers.length > 0 ? new RetryTracker(state.retriers) : null;
  for (;;) {
    try {
      return { output: await body() };
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      env.evaluationFailed(e);
      const delay = tracker ? tracker.next(e.error, frame.exec.setup.random) : null;
      // A Map's or Parallel's failure event waits for this: a retried attempt records none.
      const owed = env.owedFailedEvent;
      env.owedFailedEvent = undefined;
      if (delay === null && owed !== undefined) frame.event(owed);
      if (delay !== null) {
        env.retryCount++;
        // "Retries are treated as state transitions."
        frame.exec.stateTransitions++;
        await frame.exec.clock.sleep(delay, frame.signal);
        frame.checkAborted();
        continue;
      }
      const catcher = findCatcher(state.catchers, e.error);
      if (!catcher) throw e;
      // The output is the error output now, whatever text the failed work had noted.
      frame.outputText = undefined;
      const errOut = errorOutput(e);
      let output: JsonValue;
      if (state.io.lang === "JSONPath") {
        const assigned = catcher.assignPath ? (catcher.assignPath(errOut, env) as JsonObject) : undefined;
        output = placeResult(catcher.resultPath, rawInput, errOut);
        checkPayloadSize(state.name, output);
        if (assigned) frame.vars.assign(assigned);
      } else {
        env.states.errorOutput = errOut;
        output = catcher.output ? await catcher.output(env) : errOut;
        const assigned = catcher.assignJsonata ? ((await catcher.assignJsonata(env)) as JsonObject) : undefined;
        checkPayloadSize(state.name, output);
        if (assigned) frame.vars.assign(assigned);
      }
      return { output, next: catcher.next, caught: true };
    }
  }
}
