/**
 * Fail state: ends the workflow with Error and Cause (literal, ErrorPath/CausePath, or JSONata).
 * It has no Exited event, as on AWS.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
 */
import type { JsonValue } from "../../asl/types";
import type { CompiledFail, StringSource } from "../compile";
import { RuntimeError, StatesError } from "../model/errors";
import { StateEnv, type Flow, type Frame } from "../execution";
import { StateEnteredDetails } from "../history";

export function runFail(state: CompiledFail, input: JsonValue, frame: Frame): Flow {
  frame.event("FailStateEntered", new StateEnteredDetails(state.name, input));
  const env = new StateEnv(frame, state.name, input);
  const error = stringOf(state.error, input, env);
  const cause = stringOf(state.cause, input, env);
  if (error instanceof Promise || cause instanceof Promise) {
    return Promise.all([error, cause]).then(
      ([e, c]) => {
        throw new StatesError(e ?? "", c ?? "");
      },
      (e: unknown) => {
        env.evaluationFailed(e);
        throw e;
      },
    );
  }
  throw new StatesError(error ?? "", cause ?? "");
}

/** ErrorPath/CausePath (or a JSONata Error/Cause): a string, or a promise of one for JSONata. */
function stringOf(src: StringSource | undefined, input: JsonValue, env: StateEnv): string | undefined | Promise<string> {
  if (!src) return undefined;
  if (src.kind === "literal") return src.value;
  if (src.kind === "dynamic") return mustBeString(src.eval(input, env));
  return src.expr(env).then(mustBeString);
}

function mustBeString(v: JsonValue): string {
  if (typeof v !== "string") throw new RuntimeError(`ErrorPath/CausePath of a Fail state must produce a string, got ${JSON.stringify(v)}`);
  return v;
}
