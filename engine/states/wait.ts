/**
 * Wait state: Seconds, SecondsPath, Timestamp or TimestampPath (or their JSONata forms) on the
 * execution's clock (real or virtual), then the input passes on.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import type { CompiledWait } from "../compile";
import { parseTimestamp } from "../choice";
import { QueryEvaluationError, RuntimeError } from "../model/errors";
import { StateEnv, type Frame } from "../execution";
import { queryEvaluationCause, unexpectedResultType } from "../jsonata";
import { applyInputPath, applyOutputPath, entered, evalNumber, finishJsonata, leave } from "../state-io";

export async function runWait(state: CompiledWait, input: JsonValue, frame: Frame): Promise<JsonValue> {
  entered(frame, "Wait", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  try {
    return await waitBody(state, input, frame, env);
  } catch (e) {
    env.evaluationFailed(e);
    throw e;
  }
}

async function waitBody(state: CompiledWait, input: JsonValue, frame: Frame, env: StateEnv): Promise<JsonValue> {
  const effective = state.io.lang === "JSONPath" ? applyInputPath(state.io, input, env) : input;
  let ms = 0;
  if (state.seconds) {
    const seconds = await evalNumber(state.seconds, effective, env, "Seconds");
    ms = (seconds ?? 0) * 1000;
  } else if (state.timestamp) {
    const ts = state.timestamp;
    let v: JsonValue | undefined;
    if (ts.kind === "literal") v = ts.value;
    else if (ts.kind === "path") v = ts.path.evaluate(effective, env);
    else v = await ts.expr(env);
    const at = parseTimestamp(v);
    if (at === null) {
      // A string that is not a timestamp, in AWS's words (executions recorded on AWS: localstack/localstack
      // tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.py::test_wait_timestamp_path and
      // test_wait_timestamp_jsonata, for "2016-12-05 21:29:29Z", "2016-12-05T21:29:29", "2016-13-05T21:29:29Z", ...).
      if (ts.kind === "jsonata") {
        if (typeof v !== "string") throw unexpectedResultType(env, ts.text, "Timestamp", "timestamp", v);
        throw new QueryEvaluationError(
          queryEvaluationCause(env, `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${v}`),
        );
      }
      if (ts.kind === "path")
        throw new RuntimeError(
          queryEvaluationCause(
            env,
            `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${ts.text} == ${typeof v === "string" ? v : JSON.stringify(v)}`,
          ),
        );
      throw new RuntimeError(`The Timestamp of Wait state '${state.name}' is not an RFC3339 timestamp: ${JSON.stringify(v)}`);
    }
    ms = Math.max(0, at - frame.exec.clock.now());
  }
  if (ms > 0) await frame.exec.clock.sleep(ms, frame.signal);
  frame.checkAborted();
  let output: JsonValue;
  if (state.io.lang === "JSONPath") {
    const assigned = state.io.assign ? (state.io.assign(effective, env) as JsonObject) : undefined;
    output = applyOutputPath(state.io, effective, env);
    if (assigned) frame.vars.assign(assigned);
  } else {
    output = await finishJsonata(state.io, input, input, env, true, true);
  }
  return leave(frame, "Wait", state, output);
}
