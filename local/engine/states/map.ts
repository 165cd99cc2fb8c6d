/**
 * Map state. INLINE: the items of ItemsPath/Items, each through ItemSelector (with
 * `$$.Map.Item.Index/Value`) into the ItemProcessor, at most MaxConcurrency at a time, results in
 * item order. DISTRIBUTED: handed to the Map Run (local/engine/distributed) through its contract.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import type { JsonValue } from "../../../asl/types";
import type { CompiledMap } from "../compile";
import type { MapItemContext } from "../distributed/contract";
import { RuntimeError, StatesError } from "../errors";
import { checkPayload, Frame, StateEnv, VarScope } from "../execution";
import { applyInputPath, entered, evalNumber, exited, finishJsonata, finishJsonPath, runWorkflow, transition, withErrorHandling, type StepOutcome } from "../interpreter";
import { Lazy } from "../history";
import { abortPromise, linkedAbort } from "./abort";
import { runDistributed } from "./distributed";

/** Above this many workers a pool only costs memory: iterations are independent and ordered by index. */
const MAX_WORKERS = 1000;

export async function runMap(state: CompiledMap, input: JsonValue, frame: Frame): Promise<StepOutcome> {
  entered(frame, "Map", state.name, input);
  const env = new StateEnv(frame, state.name, input);
  const outcome = await withErrorHandling(state, input, env, async () => {
    const effective = state.io.lang === "JSONPath" ? applyInputPath(state.io, input, env) : input;
    const result = state.distributed ? await runDistributed(state, effective, env) : await runInline(state, effective, env);
    // "a Map output over the limit fails": the result array is one payload.
    checkPayload(state.name, result);
    if (state.io.lang === "JSONPath") return finishJsonPath(state.io, input, result, env, true);
    return finishJsonata(state.io, input, result, env, true);
  });
  if (!outcome.caught) exited(frame, "Map", state.name, outcome.output);
  return { output: outcome.output, next: outcome.caught ? outcome.next : transition(state) };
}

async function itemsOf(state: CompiledMap, effective: JsonValue, env: StateEnv): Promise<JsonValue[]> {
  let items: JsonValue | undefined;
  if (state.io.lang === "JSONPath") {
    items = state.itemsPath ? state.itemsPath.evaluate(effective, env) : effective;
    if (items === undefined) throw new RuntimeError(`Invalid path '${state.itemsPath?.source}' : No results for path (state '${state.name}', ItemsPath)`);
  } else {
    items = state.items ? await state.items(env) : effective;
  }
  if (!Array.isArray(items)) {
    throw new RuntimeError(`The Map state '${state.name}' needs a JSON array of items, got ${items === null ? "null" : typeof items}`);
  }
  return items;
}

async function runInline(state: CompiledMap, effective: JsonValue, env: StateEnv): Promise<JsonValue[]> {
  const frame = env.frame;
  const items = await itemsOf(state, effective, env);
  const maxConcurrency = (await evalNumber(state.maxConcurrency, effective, env, "MaxConcurrency")) ?? 0;
  const startedId = frame.event("MapStateStarted", { length: items.length });
  const results: JsonValue[] = new Array(items.length);
  const { controller, release } = linkedAbort(frame.signal);
  let failure: unknown;
  let nextIndex = 0;
  const name = state.name;

  const runOne = async (index: number): Promise<void> => {
    const item = items[index];
    const mapItem: MapItemContext = { index, value: item };
    const iterFrame = new Frame(frame.exec, new VarScope(frame.vars), controller.signal, startedId, mapItem);
    iterFrame.eventLazy("MapIterationStarted", Lazy.Iteration, name, index);
    let iterInput: JsonValue = item;
    if (state.itemSelectorPath || state.itemSelectorJsonata) {
      const selEnv = new StateEnv(iterFrame, name, effective);
      iterInput = state.itemSelectorPath ? state.itemSelectorPath(effective, selEnv) : await state.itemSelectorJsonata!(selEnv);
      checkPayload(name, iterInput);
    }
    try {
      results[index] = await runWorkflow(state.processor, iterInput, iterFrame);
    } catch (e) {
      iterFrame.event(e instanceof StatesError ? "MapIterationFailed" : "MapIterationAborted", { name, index });
      throw e;
    }
    iterFrame.eventLazy("MapIterationSucceeded", Lazy.Iteration, name, index);
  };

  // MaxConcurrency 0 (or absent) means no limit.
  const workers = Math.min(items.length, maxConcurrency > 0 ? maxConcurrency : MAX_WORKERS, MAX_WORKERS);
  const worker = async () => {
    while (failure === undefined && nextIndex < items.length) {
      const index = nextIndex++;
      try {
        await runOne(index);
      } catch (e) {
        if (failure === undefined) failure = e;
        controller.abort();
      }
    }
  };
  try {
    // Raced once against the abort: a failed iteration (or a stop) ends the Map without waiting for
    // handlers still running in other iterations.
    await Promise.race([Promise.all(Array.from({ length: workers }, worker)), abortPromise(controller.signal)]).catch((e: unknown) => {
      if (failure === undefined) throw e;
    });
  } finally {
    release();
  }
  if (failure !== undefined) {
    frame.event("MapStateFailed");
    throw failure;
  }
  frame.event("MapStateSucceeded");
  return results;
}
