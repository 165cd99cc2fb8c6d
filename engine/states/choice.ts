/**
 * Choice state: the first rule that matches names the next state, else Default, else
 * States.NoChoiceMatched. JSONPath rules are compiled predicates (../choice.ts) and run
 * synchronously; JSONata Conditions evaluate asynchronously.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import type { CompiledChoice, JsonataIO } from "../compile";
import { NoChoiceMatchedError, StatesError } from "../model/errors";
import type { Flow, Frame } from "../execution";
import * as execution from "../execution";
import * as io from "../state-io";
// Hot-path imports bound once at load (see ../state-io.ts): a Choice often runs for every Map item.
const { applyInputPath, applyOutputPath, entered, exited } = io;
const { checkPayloadSize } = execution;
const StateEnv = execution.StateEnv;
type StateEnv = execution.StateEnv;

export function runChoice(state: CompiledChoice, input: JsonValue, frame: Frame): Flow {
  entered(frame, "Choice", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  if (state.io.lang === "JSONata")
    return runChoiceJsonata(state, state.io, input, env).catch((e: unknown) => {
      env.evaluationFailed(e);
      throw e;
    });
  const io = state.io;
  const effective = applyInputPath(io, input, env);
  const branch = state.branches.find((b) => b.predicate!(effective, env));
  const next = branch?.next ?? state.defaultNext;
  if (next === undefined) noChoiceMatched(state);
  const assignT = branch?.assignPath ?? io.assign;
  const assigned = assignT ? (assignT(effective, env) as JsonObject) : undefined;
  const output = applyOutputPath(io, effective, env);
  if (assigned) frame.vars.assign(assigned);
  exited(frame, "Choice", state.name, output);
  frame.next = next;
  return output;
}

function noChoiceMatched(state: CompiledChoice): never {
  throw new NoChoiceMatchedError(`No Choice Rule matched and no Default was specified in state '${state.name}'`);
}

async function runChoiceJsonata(state: CompiledChoice, io: JsonataIO, input: JsonValue, env: StateEnv): Promise<JsonValue> {
  const frame = env.frame;
  let branch: (typeof state.branches)[number] | undefined;
  for (const b of state.branches) {
    const v = await b.condition!(env);
    if (typeof v !== "boolean")
      throw new StatesError(
        "States.QueryEvaluationError",
        `The Condition of a Choice rule in '${state.name}' must evaluate to a boolean, got ${JSON.stringify(v)}`,
      );
    if (v) {
      branch = b;
      break;
    }
  }
  const next = branch?.next ?? state.defaultNext;
  if (next === undefined) noChoiceMatched(state);
  const outT = branch?.output ?? io.output;
  const assignT = branch?.assignJsonata ?? io.assign;
  const output = outT ? await outT(env) : input;
  const assigned = assignT ? ((await assignT(env)) as JsonObject) : undefined;
  if (output !== input) checkPayloadSize(state.name, output);
  if (assigned) frame.vars.assign(assigned);
  exited(frame, "Choice", state.name, output);
  frame.next = next;
  return output;
}
