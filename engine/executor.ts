/**
 * The executor: walks a compiled workflow from StartAt to a terminal state, one transition at a
 * time. It knows no state type: it is made with a table of state handlers (`createStateLoop(table)`;
 * the engine hands it `states/index.ts`'s STATE_HANDLERS in run-execution.ts), and each handler does
 * the state's input/output processing (state-io.ts) and Retry/Catch (error-handling.ts); the
 * executor counts transitions, checks for a stop, and follows `frame.next`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-transitions.html
 */
import { performance } from "node:perf_hooks";
import type { JsonValue } from "../asl/types";
import type { CompiledState, CompiledWorkflow } from "./compile";
import { RuntimeError } from "./model/errors";
import type { Executor, Flow, Frame } from "./execution";
import * as execution from "./execution";
import type { StateHandler, StateHandlers } from "./state-table";
// Hot-path imports bound once at load: under tsx (esbuild's CommonJS output) every use of an
// imported name is a getter call on the exporting module, and these run for every Map item
// (measured: a fifth of a Distributed Map child's cost).
const DELIVERED: typeof execution.DELIVERED = execution.DELIVERED;

/**
 * States that settle at once (Pass, Choice) run in one synchronous stretch, and so do chains of
 * promises that are already resolved: a Choice loop would hold the thread for ever, so no timer
 * (the execution's TimeoutSeconds) and no signal (Ctrl-C) could ever run. Every 1024 transitions,
 * if the loop has not let the event loop turn for YIELD_AFTER_MS, it lets it turn once.
 */
const YIELD_AFTER_MS = 20;
let transitionsSinceCheck = 0;
let lastTurn = performance.now();
const turnOfEventLoop = (): Promise<void> =>
  new Promise((resolve) =>
    setImmediate(() => {
      lastTurn = performance.now();
      resolve();
    }),
  );

/** The executor's two ways to run a workflow; run-execution.ts adds child executions to make an Executor. */
export type StateLoop = Pick<Executor, "runFlow" | "run">;

/** The state loop over `table`: one handler per state type (a missing one is a compile error in the table's module). */
export function createStateLoop(table: StateHandlers): StateLoop {
  // Bound once: the loop looks a handler up by the state's type for every transition.
  const handlers = table as unknown as Readonly<Record<string, StateHandler>>;

  /** The state loop: synchronous while states settle at once, continued from the first promise. */
  function runFrom(wf: CompiledWorkflow, first: CompiledState, input: JsonValue, frame: Frame): Flow {
    let state = first;
    let value = input;
    for (;;) {
      frame.checkAborted();
      if ((++transitionsSinceCheck & 1023) === 0 && performance.now() - lastTurn > YIELD_AFTER_MS) {
        const at = state;
        const atValue = value;
        // As after any wait: the result travels by promise from here on (see continueAfter).
        return turnOfEventLoop().then(() => {
          frame.sink = undefined;
          return runFrom(wf, at, atValue, frame) as JsonValue | Promise<JsonValue>;
        });
      }
      frame.exec.stateTransitions++;
      frame.next = undefined;
      frame.outputText = undefined;
      frame.current = state.name;
      const out = handlers[state.type]!(state, value, frame);
      if (out === DELIVERED) return out;
      if (out instanceof Promise) {
        // A last state that cannot be redirected by a Catch: its result is the workflow's.
        if (state.end && !(state as { catchers?: unknown[] }).catchers?.length) return out;
        const from = state;
        return out.then((output) => continueAfter(wf, from, output, frame));
      }
      if (frame.next === undefined) return out;
      state = stateNamed(wf, state, frame.next);
      value = out;
    }
  }

  function continueAfter(wf: CompiledWorkflow, from: CompiledState, output: JsonValue, frame: Frame): JsonValue | Promise<JsonValue> {
    if (frame.next === undefined) return output;
    // Past the first wait, results travel by promise: the sink is for the common one-wait case.
    frame.sink = undefined;
    return runFrom(wf, stateNamed(wf, from, frame.next), output, frame) as JsonValue | Promise<JsonValue>;
  }

  /**
   * Runs a workflow from StartAt to a terminal state: its output, or a promise of it when a state
   * waits, or DELIVERED when the frame's sink got it. Throws (or rejects with) the StatesError that
   * ends it; callers handle both.
   */
  const runFlow = (wf: CompiledWorkflow, input: JsonValue, frame: Frame): Flow =>
    runFrom(wf, wf.states.get(wf.startAt) as CompiledState, input, frame);

  /** The same as a promise, for callers that await anyway. */
  const run = (wf: CompiledWorkflow, input: JsonValue, frame: Frame): Promise<JsonValue> => {
    try {
      const flow = runFlow(wf, input, frame);
      if (flow === DELIVERED) throw new RuntimeError("runWorkflow: a frame with a sink delivers its result there");
      return flow instanceof Promise ? flow : Promise.resolve(flow);
    } catch (e) {
      return Promise.reject(e);
    }
  };

  return { runFlow, run };
}

function stateNamed(wf: CompiledWorkflow, from: CompiledState, name: string): CompiledState {
  const next = wf.states.get(name);
  if (!next) throw new RuntimeError(`State '${from.name}' transitions to '${name}', which does not exist`);
  return next;
}
