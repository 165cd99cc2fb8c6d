/**
 * Succeed state: ends the workflow (or the Map iteration, or the Parallel branch) with its
 * input, through InputPath/OutputPath or Output.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-succeed.html
 */
import type { JsonValue } from "../../asl/types";
import type { CompiledSucceed } from "../compile";
import type { Flow, Frame } from "../execution";
import * as execution from "../execution";
import * as io from "../state-io";
// Hot-path imports bound once at load (see ../state-io.ts): a Succeed often ends every Map item.
const { applyInputPath, applyOutputPath, entered, exited } = io;
const { checkPayloadSize } = execution;
const StateEnv = execution.StateEnv;

export function runSucceed(state: CompiledSucceed, input: JsonValue, frame: Frame): Flow {
  entered(frame, "Succeed", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  const succeed = (output: JsonValue): JsonValue => {
    if (output !== input) checkPayloadSize(state.name, output);
    exited(frame, "Succeed", state.name, output);
    frame.next = undefined;
    return output;
  };
  if (state.io.lang === "JSONPath") return succeed(applyOutputPath(state.io, applyInputPath(state.io, input, env), env));
  return state.io.output
    ? state.io.output(env).then(succeed, (e: unknown) => {
        env.evaluationFailed(e);
        throw e;
      })
    : succeed(input);
}
