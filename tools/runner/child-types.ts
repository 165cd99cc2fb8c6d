/**
 * The execution type each Distributed Map of a definition runs its children as (nested maps
 * included), by state name: the bill prices STANDARD children by state transitions and EXPRESS
 * children by requests and duration. The children's counts themselves come from the engine's Map
 * Run records (childCounters), which are exact.
 */
import type { ChildExecutionType, StateMachineDefinition } from "../../asl/types";
import { mapProcessor, walkStates } from "../../asl/walk";

export function distributedMapChildTypes(definition: StateMachineDefinition): Map<string, ChildExecutionType> {
  const out = new Map<string, ChildExecutionType>();
  walkStates(definition, ({ name, state }) => {
    if (state.Type !== "Map") return;
    const config = mapProcessor(state)?.processor.ProcessorConfig;
    // A DISTRIBUTED processor must name its ExecutionType (the validator reports MISSING_EXECUTION_TYPE);
    // STANDARD only covers a definition run without validation.
    if (config?.Mode === "DISTRIBUTED") out.set(name, config.ExecutionType ?? "STANDARD");
  });
  return out;
}
