/**
 * Map state. INLINE: the items of ItemsPath/Items, each through ItemSelector (with
 * `$$.Map.Item.Index/Value`) into the ItemProcessor, at most MaxConcurrency at a time, results in
 * item order. DISTRIBUTED: handed to the Map Run (engine/distributed) through its interface (distributed/map-run-interface.ts).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import type { JsonValue } from "../../asl/types";
import { LIMITS } from "../../asl/types";
import type { CompiledMap } from "../compile";
import type { MapItemContext } from "../distributed/map-run-interface";
import { QueryEvaluationError, RuntimeError, StatesError, STATES_ERRORS } from "../model/errors";
import type { Executor, Flow, WorkflowSink } from "../execution";
import * as execution from "../execution";
import { abortPromise, linkedAbort, stopFlagOf, type StopFlag } from "../model/abort";
import { withErrorHandling } from "../error-handling";
import { applyInputPath, entered, evalNumber, finishJsonata, finishJsonPath, leaveHandled } from "../state-io";
import { queryEvaluationCause, unexpectedResultType } from "../jsonata";
import * as history from "../history";
import { runDistributed } from "./distributed";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name, `new` included, is a getter call on the exporting module, and these run for every
// Map item (measured: a fifth of a Distributed Map child's cost). The engine's imports have no
// cycle (test/architecture), so every bound name exists when it is bound. A class's name is also its type.
const { checkPayloadSize } = execution;
const DELIVERED: typeof execution.DELIVERED = execution.DELIVERED;
const { Lazy } = history;
const Frame = execution.Frame;
type Frame = execution.Frame;
const StateEnv = execution.StateEnv;
type StateEnv = execution.StateEnv;

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html — "In this mode, the
 * Map state supports up to 40 concurrent iterations." MaxConcurrency 0 (no limit) and values
 * above 40 run 40 at a time.
 */
const MAX_IN_FLIGHT = 40;

export async function runMap(state: CompiledMap, input: JsonValue, frame: Frame): Promise<JsonValue> {
  entered(frame, "Map", state.name, input);
  const env = new StateEnv(frame, state.name, input, true);
  const outcome = await withErrorHandling(state, input, env, async () => {
    try {
      return await mapBody(state, input, env);
    } catch (e) {
      // An evaluation of the Map's own fields that failed (Items, ItemSelector, MaxConcurrency...):
      // AWS records EvaluationFailed, then MapStateFailed (see StateEnv.evaluationFailed).
      if (e instanceof StatesError && e.error === STATES_ERRORS.QueryEvaluationError && !env.evaluationFailedHere) {
        env.evaluationFailed(e);
        if (env.evaluationFailedHere) env.owedFailedEvent = "MapStateFailed";
      }
      throw e;
    }
  });
  return leaveHandled(frame, "Map", state, outcome);
}

async function mapBody(state: CompiledMap, input: JsonValue, env: StateEnv): Promise<JsonValue> {
  const effective = state.io.lang === "JSONPath" ? applyInputPath(state.io, input, env) : input;
  let result: JsonValue;
  let withinLimit = false;
  if (state.distributed) result = await runDistributed(state, effective, env);
  else ({ results: result, withinLimit } = await runInline(state, effective, env));
  // "a Map output over the limit fails": the result array is one payload.
  if (!withinLimit) checkPayloadSize(state.name, result);
  if (state.io.lang === "JSONPath") return finishJsonPath(state.io, input, result, env, true);
  return finishJsonata(state.io, input, result, env, true);
}

async function itemsOf(state: CompiledMap, effective: JsonValue, env: StateEnv): Promise<JsonValue[]> {
  let items: JsonValue | undefined;
  if (state.io.lang === "JSONPath") {
    items = state.itemsPath ? state.itemsPath.evaluate(effective, env) : effective;
    if (items === undefined)
      throw new RuntimeError(`Invalid path '${state.itemsPath?.source}' : No results for path (state '${state.name}', ItemsPath)`);
  } else {
    items = state.items ? await state.items(env) : effective;
  }
  if (!Array.isArray(items)) {
    if (state.io.lang === "JSONata" && typeof state.raw.Items === "string")
      throw unexpectedResultType(env, state.raw.Items, "Items", "array", items);
    // A JSONata Map without Items iterates its input; one that is not an array is what AWS reports
    // as States.QueryEvaluationError "Map state input must be an array but was: 1" (executions
    // recorded on AWS for a number, string, boolean, object and null input: localstack/localstack
    // tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json,
    // test_map_state_items_input_types; "Items ... The default is $states.input",
    // https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html).
    if (state.io.lang === "JSONata" && state.raw.Items === undefined)
      throw new QueryEvaluationError(
        queryEvaluationCause(env, `Map state input must be an array but was: ${JSON.stringify(items) ?? "null"}`),
      );
    throw new RuntimeError(`The Map state '${state.name}' needs a JSON array of items, got ${items === null ? "null" : typeof items}`);
  }
  return items;
}

/** The results, and whether their sizes alone show the array is within the payload quota. */
async function runInline(state: CompiledMap, effective: JsonValue, env: StateEnv): Promise<{ results: JsonValue[]; withinLimit: boolean }> {
  const frame = env.frame;
  const items = await itemsOf(state, effective, env);
  const maxConcurrency = (await evalNumber(state.maxConcurrency, effective, env, "MaxConcurrency")) ?? 0;
  const startedId = frame.event("MapStateStarted", { length: items.length });
  const { controller, release } = linkedAbort(frame.signal);
  // MaxConcurrency 0 (or absent) means no limit of the state's own.
  const limit = Math.min(items.length, maxConcurrency > 0 ? maxConcurrency : MAX_IN_FLIGHT, MAX_IN_FLIGHT);
  const run = new InlineIterations(state, items, effective, frame, controller, startedId, limit);
  run.pump();
  try {
    // Raced once against the abort: a failed iteration (or a stop) ends the Map without waiting for
    // handlers still running in other iterations.
    await Promise.race([run.all, abortPromise(controller.signal)]);
  } catch (e) {
    // A stop of the execution ends the Map without an event of its own.
    if (run.failure) env.owedFailedEvent = "MapStateFailed";
    throw e;
  } finally {
    release();
  }
  frame.event("MapStateSucceeded");
  return { results: run.results, withinLimit: run.withinLimit() };
}

/**
 * The iterations of one inline Map and their scheduling: started by callbacks, not by a pool of
 * async workers, so an iteration that finishes starts the next one in the same turn and costs no
 * promise of its own.
 */
class InlineIterations {
  readonly results: JsonValue[];
  readonly all: Promise<void>;
  failure: { error: unknown } | undefined = undefined;
  readonly stop: StopFlag;
  /** Runs each iteration's processor (the execution's executor, bound once per Map). */
  readonly executor: Executor;
  /** Sum of the iterations' output text lengths, while every iteration's is known. */
  private outputChars = 0;
  private outputCharsKnown = true;
  private nextIndex = 0;
  private running = 0;
  private finished = 0;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor(
    readonly state: CompiledMap,
    readonly items: JsonValue[],
    readonly effective: JsonValue,
    readonly frame: Frame,
    readonly controller: AbortController,
    readonly startedId: number,
    private readonly limit: number,
  ) {
    this.results = new Array(items.length);
    this.stop = stopFlagOf(controller.signal);
    this.executor = frame.exec.executor;
    this.all = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  pump(): void {
    while (!this.failure && this.running < this.limit && this.nextIndex < this.items.length) {
      const index = this.nextIndex++;
      this.running++;
      let finishedNow: boolean;
      try {
        finishedNow = runIteration(this, index);
      } catch (e) {
        this.fail(e);
        return;
      }
      if (finishedNow) {
        this.running--;
        this.finished++;
      }
    }
    if (!this.failure && this.finished === this.items.length) this.resolve();
  }

  noteOutput(text: string | undefined): void {
    if (text === undefined) this.outputCharsKnown = false;
    else this.outputChars += text.length;
  }

  /**
   * True when the result array's JSON, `[` + the outputs joined by `,` + `]`, is surely within the
   * payload quota: at most 3 UTF-8 bytes per UTF-16 unit. Otherwise the array is measured.
   */
  withinLimit(): boolean {
    const chars = 2 + this.outputChars + Math.max(0, this.items.length - 1);
    return this.outputCharsKnown && 3 * chars <= LIMITS.payloadBytes;
  }

  /** An iteration that waited has succeeded. */
  done(): void {
    this.running--;
    this.finished++;
    this.pump();
  }

  fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    // Rejected before the abort, so the race in runInline settles with this error.
    this.reject(error);
    this.controller.abort();
  }
}

// Module-level functions and inline arrows only: a named closure per item costs a `name`
// definition under tsx/esbuild's keepNames, more than the iteration's own bookkeeping.

/**
 * One iteration: its result is stored at its index. True when it finished at once; false when it
 * waits, and then reports to `it.done()` or `it.fail()`. A failure at once is thrown.
 */
function runIteration(it: InlineIterations, index: number): boolean {
  const { state, frame } = it;
  // One object per iteration: its `$$.Map.Item` and, when it waits, where its result arrives.
  const iteration = new Iteration(it, index, it.items[index]);
  const iterFrame = (iteration.frame = new Frame(frame.exec, frame.vars, it.controller.signal, it.startedId, iteration, it.stop));
  iterFrame.eventLazy("MapIterationStarted", Lazy.Iteration, state.name, index);
  if (state.itemSelectorPath) {
    const selected = state.itemSelectorPath(it.effective, new StateEnv(iterFrame, state.name, it.effective, true));
    checkPayloadSize(state.name, selected);
    return iterationBody(iteration, selected);
  }
  if (state.itemSelectorJsonata) {
    state.itemSelectorJsonata(new StateEnv(iterFrame, state.name, it.effective, true)).then(
      (selected) => {
        try {
          checkPayloadSize(state.name, selected);
          if (iterationBody(iteration, selected)) it.done();
        } catch (e) {
          it.fail(e);
        }
      },
      (e: unknown) => it.fail(e),
    );
    return false;
  }
  return iterationBody(iteration, iteration.value);
}

function iterationBody(iteration: Iteration, input: JsonValue): boolean {
  const { it, frame, index } = iteration;
  frame.sink = iteration;
  let flow: Flow;
  try {
    flow = it.executor.runFlow(it.state.processor, input, frame);
  } catch (e) {
    iterationFailed(it, frame, index, e);
    throw e;
  }
  if (flow === DELIVERED) return false;
  if (flow instanceof Promise) {
    flow.then(
      (output) => iteration.done(output),
      (e: unknown) => iteration.fail(e),
    );
    return false;
  }
  iterationSucceeded(it, frame, index, flow);
  return true;
}

/** One iteration: the item as `$$.Map.Item` (Index, Value) and, when it waits, where its result arrives. */
class Iteration implements MapItemContext, WorkflowSink {
  frame!: Frame;

  constructor(
    readonly it: InlineIterations,
    readonly index: number,
    readonly value: JsonValue,
  ) {}

  done(output: JsonValue): void {
    try {
      // Recording the event can fail too (a STANDARD history at its 25,000-event quota).
      iterationSucceeded(this.it, this.frame, this.index, output);
    } catch (e) {
      return this.it.fail(e);
    }
    this.it.done();
  }

  fail(e: unknown): void {
    try {
      iterationFailed(this.it, this.frame, this.index, e);
    } catch {
      // The Map fails with the iteration's error either way.
    }
    this.it.fail(e);
  }
}

function iterationSucceeded(it: InlineIterations, iterFrame: Frame, index: number, output: JsonValue): void {
  it.results[index] = output;
  it.noteOutput(iterFrame.outputText);
  iterFrame.eventLazy("MapIterationSucceeded", Lazy.Iteration, it.state.name, index);
}

function iterationFailed(it: InlineIterations, iterFrame: Frame, index: number, e: unknown): void {
  iterFrame.event(e instanceof StatesError ? "MapIterationFailed" : "MapIterationAborted", { name: it.state.name, index });
}
