/**
 * The state handlers, keyed by state type, as the executor calls them. The executor looks a state's
 * handler up here instead of importing `states/`, and `states/register.ts` (loaded by the engine's
 * entry, index.ts) fills the table; the states get the executor from their Execution
 * (`frame.exec.executor`). Neither imports the other, so the engine's import graph has no cycle.
 */
import type { JsonValue } from "../asl/types";
import type { CompiledState } from "./compile";
import type { Flow, Frame } from "./execution";

export type StateType = CompiledState["type"];

/**
 * Runs one compiled state on its raw input: records its events, applies its input/output fields,
 * sets `frame.next` (undefined when the workflow ends there) and returns its output (see Flow).
 */
export type StateHandler<S extends CompiledState = CompiledState> = (state: S, input: JsonValue, frame: Frame) => Flow;

export type StateHandlers = { [T in StateType]: StateHandler<Extract<CompiledState, { type: T }>> };

const missing = (type: string) => () => {
  throw new Error(`the local engine's ${type} state is not registered: load the engine through engine (index.ts)`);
};

/** One object for the life of the process, one field per state type: the executor binds it once. */
export const stateHandlers: StateHandlers = {
  Pass: missing("Pass"),
  Choice: missing("Choice"),
  Wait: missing("Wait"),
  Succeed: missing("Succeed"),
  Fail: missing("Fail"),
  Task: missing("Task"),
  Parallel: missing("Parallel"),
  Map: missing("Map"),
};

export function registerStates(handlers: StateHandlers): void {
  Object.assign(stateHandlers, handlers);
}
