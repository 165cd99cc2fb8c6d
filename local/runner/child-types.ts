/**
 * The execution type each Distributed Map of a definition runs its children as (nested maps
 * included), by state name: the bill prices STANDARD children by state transitions and EXPRESS
 * children by requests and duration. The children's counts themselves come from the engine's Map
 * Run records (childCounters), which are exact.
 */
import type { ChildExecutionType, MapState, State, StateMachineDefinition } from "../../asl/types";

export function distributedMapChildTypes(definition: StateMachineDefinition): Map<string, ChildExecutionType> {
  const out = new Map<string, ChildExecutionType>();
  const visit = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === "Map") {
        const map = state as MapState;
        const config = (map.ItemProcessor ?? map.Iterator)?.ProcessorConfig;
        // A DISTRIBUTED processor must name its ExecutionType (the validator reports MISSING_EXECUTION_TYPE);
        // STANDARD only covers a definition run without validation.
        if (config?.Mode === "DISTRIBUTED") out.set(name, config.ExecutionType ?? "STANDARD");
        const processor = map.ItemProcessor ?? map.Iterator;
        if (processor) visit(processor.States);
      }
      if (state.Type === "Parallel") for (const b of state.Branches) visit(b.States);
    }
  };
  visit(definition.States);
  return out;
}
