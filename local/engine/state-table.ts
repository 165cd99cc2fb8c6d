/**
 * The state types that live in `states/` (Task, Parallel, Map), as the interpreter calls them.
 * The interpreter looks them up here instead of importing `states/`, and `states/register.ts` (loaded
 * by the engine's entry, index.ts) fills the table: the states import the executor's helpers, the
 * executor never imports the states, so the engine's import graph has no cycle.
 */
import type { JsonValue } from "../../asl/types";
import type { CompiledMap, CompiledParallel, CompiledTask } from "./compile";
import type { Frame } from "./execution";
import type { Flow } from "./interpreter";

export interface StateRunners {
  Task(state: CompiledTask, input: JsonValue, frame: Frame): Flow;
  Parallel(state: CompiledParallel, input: JsonValue, frame: Frame): Flow;
  Map(state: CompiledMap, input: JsonValue, frame: Frame): Flow;
}

const missing = (type: string) => () => {
  throw new Error(`the local engine's ${type} state is not registered: load the engine through local/engine (index.ts)`);
};

/** One object for the life of the process: the interpreter binds it once and reads its fields. */
export const stateRunners: StateRunners = { Task: missing("Task"), Parallel: missing("Parallel"), Map: missing("Map") };

export function registerStateRunners(runners: StateRunners): void {
  Object.assign(stateRunners, runners);
}
