/**
 * The one walk over a definition's states: every state of every scope, nested Parallel branches and
 * Map processors (under either name, ItemProcessor or its deprecated Iterator) included, in document
 * order, each with its JSON location and what encloses it. Readers that only need "every state"
 * use this instead of writing the recursion again.
 */
import type { ItemProcessor, MapState, State, StateMachineDefinition, SubWorkflow } from "./types";

export interface VisitedState {
  name: string;
  state: State;
  /** JSON-pointer segments of the state, e.g. ["States", "M", "ItemProcessor", "States", "P"]. */
  at: ReadonlyArray<string | number>;
  /** True inside the child workflow of a Distributed Map (at any depth). */
  inDistributedChild: boolean;
  /** The Map state whose processor holds this state, if any (the innermost). */
  enclosingMap?: { name: string; state: MapState };
}

/** A Map's processor, under whichever name it is written. */
export function mapProcessor(state: MapState): { processor: ItemProcessor; key: "ItemProcessor" | "Iterator" } | undefined {
  if (state.ItemProcessor) return { processor: state.ItemProcessor, key: "ItemProcessor" };
  if (state.Iterator) return { processor: state.Iterator, key: "Iterator" };
  return undefined;
}

/** Visits every state of `definition`, depth first, parents before their nested states. */
export function walkStates(definition: StateMachineDefinition | SubWorkflow, visit: (v: VisitedState) => void): void {
  const scope = (wf: SubWorkflow | StateMachineDefinition, at: ReadonlyArray<string | number>, inChild: boolean, enclosingMap: VisitedState["enclosingMap"]) => {
    for (const [name, state] of Object.entries(wf.States ?? {})) {
      const stateAt = [...at, "States", name];
      visit({ name, state, at: stateAt, inDistributedChild: inChild, enclosingMap });
      if (state.Type === "Parallel") {
        (state.Branches ?? []).forEach((b, i) => scope(b, [...stateAt, "Branches", i], inChild, enclosingMap));
      } else if (state.Type === "Map") {
        const p = mapProcessor(state);
        if (p) scope(p.processor, [...stateAt, p.key], inChild || p.processor.ProcessorConfig?.Mode === "DISTRIBUTED", { name, state });
      }
    }
  };
  scope(definition, [], false, undefined);
}
