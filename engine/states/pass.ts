/**
 * Pass state: its input (or Result, or Parameters/Arguments) to its output, with the I/O fields.
 * JSONPath runs synchronously; JSONata evaluates asynchronously, so that form returns a promise.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html
 */
import type { JsonValue } from "../../asl/types";
import type { CompiledPass } from "../compile";
import type { Flow, Frame } from "../execution";
import * as execution from "../execution";
import * as io from "../state-io";
// Hot-path imports bound once at load (see ../state-io.ts): a Pass often runs for every Map item.
const { applyInputPath, entered, finishJsonata, finishJsonPath, leave } = io;
const StateEnv = execution.StateEnv;

export function runPass(state: CompiledPass, input: JsonValue, frame: Frame): Flow {
  entered(frame, "Pass", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  if (state.io.lang === "JSONPath") {
    const io = state.io;
    const effective = applyInputPath(io, input, env);
    // "Result ... is treated as the output of a virtual task"; Parameters wins when both are given.
    const result = io.parameters ? io.parameters(effective, env) : state.result !== undefined ? state.result : effective;
    return leave(frame, "Pass", state, finishJsonPath(io, input, result, env, false));
  }
  return finishJsonata(state.io, input, input, env, true, true).then(
    (output) => leave(frame, "Pass", state, output),
    (e: unknown) => {
      env.evaluationFailed(e);
      throw e;
    },
  );
}
