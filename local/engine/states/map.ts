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
import { Frame, StateEnv, VarScope } from "../execution";
import * as execution from "../execution";
import { applyInputPath, entered, evalNumber, exited, finishJsonata, finishJsonPath, transition, withErrorHandling, type Flow } from "../interpreter";
import * as interpreter from "../interpreter";
import * as history from "../history";
import { abortPromise, linkedAbort } from "./abort";
import { runDistributed } from "./distributed";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name is a getter call on the exporting module, and these run for every Map item
// (measured: a fifth of a Distributed Map child's cost). What crosses the interpreter <-> states
// import cycle is function declarations, hoisted, so binding them works whatever loads first.
const { checkPayload } = execution;
const { Lazy } = history;
const { runWorkflowFlow } = interpreter;

/** Above this many iterations in flight only memory grows: iterations are independent and ordered by index. */
const MAX_IN_FLIGHT = 1000;

export async function runMap(state: CompiledMap, input: JsonValue, frame: Frame): Promise<JsonValue> {
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
  frame.next = outcome.caught ? outcome.next : transition(state);
  return outcome.output;
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
  const iteration: IterationContext = { state, items, effective, results, frame, signal: controller.signal, startedId };
  // MaxConcurrency 0 (or absent) means no limit.
  const limit = Math.min(items.length, maxConcurrency > 0 ? maxConcurrency : MAX_IN_FLIGHT, MAX_IN_FLIGHT);
  let failure: { error: unknown } | undefined;
  const all = new Promise<void>((resolve, reject) => {
    let nextIndex = 0;
    let running = 0;
    let finished = 0;
    const fail = (error: unknown): void => {
      if (failure) return;
      failure = { error };
      // Rejected before the abort, so the race below settles with this error.
      reject(error);
      controller.abort();
    };
    // Started callbacks, not a pool of async workers: an iteration that finishes starts the next
    // one in the same turn, with no promise of its own.
    const done = (): void => {
      running--;
      finished++;
      pump();
    };
    const pump = (): void => {
      while (!failure && running < limit && nextIndex < items.length) {
        const index = nextIndex++;
        running++;
        let pending: void | Promise<void>;
        try {
          pending = runIteration(iteration, index);
        } catch (e) {
          fail(e);
          return;
        }
        if (pending instanceof Promise) pending.then(done, fail);
        else {
          running--;
          finished++;
        }
      }
      if (!failure && finished === items.length) resolve();
    };
    pump();
  });
  try {
    // Raced once against the abort: a failed iteration (or a stop) ends the Map without waiting for
    // handlers still running in other iterations.
    await Promise.race([all, abortPromise(controller.signal)]);
  } catch (e) {
    // A stop of the execution ends the Map without an event of its own.
    if (failure) frame.event("MapStateFailed");
    throw e;
  } finally {
    release();
  }
  frame.event("MapStateSucceeded");
  return results;
}

/** What every iteration of one inline Map shares. */
interface IterationContext {
  state: CompiledMap;
  items: JsonValue[];
  effective: JsonValue;
  results: JsonValue[];
  frame: Frame;
  signal: AbortSignal;
  startedId: number;
}

// Module-level functions and inline arrows only: a named closure per item costs a `name`
// definition under tsx/esbuild's keepNames, more than the iteration's own bookkeeping.

/** One iteration: its result is stored at its index; a failure is thrown (or rejected). */
function runIteration(it: IterationContext, index: number): void | Promise<void> {
  const { state, frame } = it;
  const item = it.items[index];
  const mapItem: MapItemContext = { index, value: item };
  const iterFrame = new Frame(frame.exec, new VarScope(frame.vars), it.signal, it.startedId, mapItem);
  iterFrame.eventLazy("MapIterationStarted", Lazy.Iteration, state.name, index);
  if (state.itemSelectorPath) {
    const selected = state.itemSelectorPath(it.effective, new StateEnv(iterFrame, state.name, it.effective));
    checkPayload(state.name, selected);
    return iterationBody(it, iterFrame, index, selected);
  }
  if (state.itemSelectorJsonata) {
    return state.itemSelectorJsonata(new StateEnv(iterFrame, state.name, it.effective)).then((selected) => {
      checkPayload(state.name, selected);
      return iterationBody(it, iterFrame, index, selected);
    });
  }
  return iterationBody(it, iterFrame, index, item);
}

function iterationBody(it: IterationContext, iterFrame: Frame, index: number, input: JsonValue): void | Promise<void> {
  let flow: Flow;
  try {
    flow = runWorkflowFlow(it.state.processor, input, iterFrame);
  } catch (e) {
    return iterationFailed(it, iterFrame, index, e);
  }
  if (flow instanceof Promise) {
    return flow.then(
      (output) => iterationSucceeded(it, iterFrame, index, output),
      (e: unknown) => iterationFailed(it, iterFrame, index, e),
    );
  }
  iterationSucceeded(it, iterFrame, index, flow);
}

function iterationSucceeded(it: IterationContext, iterFrame: Frame, index: number, output: JsonValue): void {
  it.results[index] = output;
  iterFrame.eventLazy("MapIterationSucceeded", Lazy.Iteration, it.state.name, index);
}

function iterationFailed(it: IterationContext, iterFrame: Frame, index: number, e: unknown): never {
  iterFrame.event(e instanceof StatesError ? "MapIterationFailed" : "MapIterationAborted", { name: it.state.name, index });
  throw e;
}
