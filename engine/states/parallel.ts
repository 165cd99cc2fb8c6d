/**
 * Parallel state: every branch gets the same input; the result is the array of branch outputs in
 * branch order. "If any branch fails ... the entire Parallel state fails" and the other branches stop.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
 */
import type { JsonValue } from "../../asl/types";
import type { CompiledParallel } from "../compile";
import { abortPromise, linkedAbort } from "../model/abort";
import { withErrorHandling } from "../error-handling";
import { Frame, StateEnv } from "../execution";
import { applyInputPath, entered, finishJsonata, finishJsonPath, leaveHandled } from "../state-io";

export async function runParallel(state: CompiledParallel, input: JsonValue, frame: Frame): Promise<JsonValue> {
  entered(frame, "Parallel", state.name, input);
  const env = new StateEnv(frame, state.name, input, true);
  const outcome = await withErrorHandling(state, input, env, async () => {
    let branchInput: JsonValue;
    if (state.io.lang === "JSONPath") {
      const effective = applyInputPath(state.io, input, env);
      branchInput = state.io.parameters ? state.io.parameters(effective, env) : effective;
    } else {
      branchInput = state.io.arguments ? await state.io.arguments(env) : input;
    }
    const startedId = frame.event("ParallelStateStarted");
    const executor = frame.exec.executor;
    const { controller, release } = linkedAbort(frame.signal);
    let results: JsonValue[];
    let branchFailure: { error: unknown } | undefined;
    try {
      const all = Promise.all(
        state.branches.map(async (branch) => {
          const branchFrame = new Frame(frame.exec, frame.vars, controller.signal, startedId);
          try {
            return await executor.run(branch, branchInput, branchFrame);
          } catch (e) {
            branchFailure ??= { error: e };
            controller.abort();
            throw e;
          }
        }),
      );
      results = await Promise.race([all, abortPromise(controller.signal)]);
    } catch (e) {
      // A branch's failure is recorded once no retrier takes it (error-handling.ts); a stop at once, as before.
      if (branchFailure) env.owedFailedEvent = "ParallelStateFailed";
      else frame.event("ParallelStateFailed");
      throw branchFailure ? branchFailure.error : e;
    } finally {
      release();
    }
    frame.event("ParallelStateSucceeded");
    if (state.io.lang === "JSONPath") return finishJsonPath(state.io, input, results, env, false);
    return finishJsonata(state.io, input, results, env, false);
  });
  return leaveHandled(frame, "Parallel", state, outcome);
}
