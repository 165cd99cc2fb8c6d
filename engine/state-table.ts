/**
 * The types of the executor's table of state handlers, keyed by state type. The table itself is
 * built in one module, `states/index.ts` (STATE_HANDLERS), and handed to the executor
 * (`createStateLoop(STATE_HANDLERS)` in run-execution.ts); the states get the executor from their
 * Execution (`frame.exec.executor`). Neither imports the other, so the engine's import graph has no cycle.
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

/** One handler per state type: a state type without one is a compile error where the table is built. */
export type StateHandlers = { readonly [T in StateType]: StateHandler<Extract<CompiledState, { type: T }>> };
