/**
 * The first failed children of each Map Run, as the console's Map Run page lists them: which item,
 * which error and cause, and in which state. The execution's own error and cause (e.g.
 * States.ExceedToleratedFailureThreshold) stay exactly AWS's; these say what is behind them.
 */
import type { StateMachineDefinition } from "../asl/types";
import { mapProcessor, walkStates } from "../asl/walk";
import type { MapRunChildFailure, MapRunRecord } from "../engine/distributed/map-run-interface";

/** The engine's record of a failed child, with its Map Run and the full state path. */
export interface ChildFailure extends Omit<MapRunChildFailure, "state"> {
  /** The state path of the failure: the Distributed Map state, then the child's state when known. */
  state: string;
  mapRunArn: string;
}

/**
 * The engine names the child's state a failure happened in; for a record without it,
 * `childStateOf` falls back on the processor's only Task state, if it has exactly one.
 */
export function firstFailures(
  mapRuns: ReadonlyArray<MapRunRecord>,
  childStateOf: (mapStateName: string) => string | undefined = () => undefined,
): ChildFailure[] {
  const out: ChildFailure[] = [];
  for (const r of mapRuns) {
    for (const { state, ...f } of r.firstFailures ?? []) {
      const inner = state ?? childStateOf(r.stateName);
      out.push({ state: inner ? `${r.stateName}/${inner}` : r.stateName, mapRunArn: r.mapRunArn, ...f });
    }
  }
  return out;
}

/** For each Distributed Map (nested ones included) whose processor runs exactly one Task state: that state. */
export function processorTaskOf(definition: StateMachineDefinition): (mapStateName: string) => string | undefined {
  const found = new Map<string, string>();
  walkStates(definition, ({ name, state }) => {
    if (state.Type !== "Map") return;
    const processor = mapProcessor(state)?.processor;
    const tasks = Object.entries(processor?.States ?? {}).filter(([, s]) => s.Type === "Task");
    if (tasks.length === 1) found.set(name, tasks[0]![0]);
  });
  return (name) => found.get(name);
}
