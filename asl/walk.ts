/**
 * The one walk over a definition's states: every state of every scope, nested Parallel branches and
 * Map processors (under either name, ItemProcessor or its deprecated Iterator) included, in document
 * order, each with its JSON location, its query language and what encloses it. Readers that need
 * "every state" (permissions, graph, runner, engine) use this instead of writing the recursion again;
 * `childWorkflows` is the one place that knows which fields of a state hold nested workflows.
 */
import type { ItemProcessor, MapState, QueryLanguage, State, StateMachineDefinition, SubWorkflow } from "./types";

export type Workflow = StateMachineDefinition | SubWorkflow;

export interface VisitedState {
  name: string;
  state: State;
  /** JSON-pointer segments of the state, e.g. ["States", "M", "ItemProcessor", "States", "P"]. */
  at: ReadonlyArray<string | number>;
  /** The workflow (machine, branch or processor) whose `States` hold this state, i.e. its siblings. */
  scope: Workflow;
  /**
   * The language the state is evaluated in: its own QueryLanguage, else its scope's, else the
   * machine's. A nested scope defaults to the machine's language, not the enclosing state's, as the
   * engine and the validator read it: "If the state does not contain a QueryLanguage field, it uses
   * the language specified in the top-level QueryLanguage field"
   * (https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html).
   */
  queryLanguage: QueryLanguage;
  /** True inside the child workflow of a Distributed Map (at any depth). */
  inDistributedChild: boolean;
  /** The Map state whose processor holds this state, if any (the innermost). */
  enclosingMap?: { name: string; state: MapState };
}

/** A nested workflow of a state, with the JSON key segments that lead to it from the state. */
export type ChildWorkflow =
  | { kind: "branch"; workflow: SubWorkflow; index: number; key: readonly ["Branches", number] }
  | { kind: "processor"; workflow: ItemProcessor; key: readonly ["ItemProcessor" | "Iterator"] };

/** A Map's processor, under whichever name it is written (ItemProcessor wins when both are). */
export function mapProcessor(state: MapState): { processor: ItemProcessor; key: "ItemProcessor" | "Iterator" } | undefined {
  if (state.ItemProcessor) return { processor: state.ItemProcessor, key: "ItemProcessor" };
  if (state.Iterator) return { processor: state.Iterator, key: "Iterator" };
  return undefined;
}

/** The workflows nested in `state`: a Parallel's branches in order, a Map's processor. */
export function childWorkflows(state: State): ChildWorkflow[] {
  if (state.Type === "Parallel")
    return (state.Branches ?? []).map((workflow, index) => ({ kind: "branch", workflow, index, key: ["Branches", index] as const }));
  if (state.Type === "Map") {
    const p = mapProcessor(state);
    return p ? [{ kind: "processor", workflow: p.processor, key: [p.key] as const }] : [];
  }
  return [];
}

export interface WalkHandlers {
  /** Called for each state before its nested states. */
  enter?: (v: VisitedState) => void;
  /** Called for each state after its nested states (e.g. to act on a Map once its processor is read). */
  leave?: (v: VisitedState) => void;
}

/**
 * Visits every state of `definition`, depth first, in document order: `enter` before a state's
 * nested states, `leave` after them. A function is the `enter` handler.
 */
export function walkStates(definition: Workflow, handlers: WalkHandlers | ((v: VisitedState) => void)): void {
  const { enter, leave } = typeof handlers === "function" ? { enter: handlers, leave: undefined } : handlers;
  const top: QueryLanguage = definition.QueryLanguage ?? "JSONPath";
  const scope = (wf: Workflow, at: ReadonlyArray<string | number>, inChild: boolean, enclosingMap: VisitedState["enclosingMap"]) => {
    const scopeLanguage = wf.QueryLanguage ?? top;
    for (const [name, state] of Object.entries(wf.States ?? {})) {
      const stateAt = [...at, "States", name];
      const visited: VisitedState = {
        name,
        state,
        at: stateAt,
        scope: wf,
        queryLanguage: state.QueryLanguage ?? scopeLanguage,
        inDistributedChild: inChild,
        enclosingMap,
      };
      enter?.(visited);
      for (const child of childWorkflows(state)) {
        if (child.kind === "branch") scope(child.workflow, [...stateAt, ...child.key], inChild, enclosingMap);
        else if (state.Type === "Map")
          scope(child.workflow, [...stateAt, ...child.key], inChild || child.workflow.ProcessorConfig?.Mode === "DISTRIBUTED", {
            name,
            state,
          });
      }
      leave?.(visited);
    }
  };
  scope(definition, [], false, undefined);
}
