/**
 * Per-child state transitions and history events of a Distributed Map's children when the engine
 * does not report the children's own history events: the happy path of the processor (StartAt,
 * then each Next, no retries), with the history events AWS records for each state.
 *
 * History events per state, as the GetExecutionHistory of a Standard execution shows them: a Lambda
 * Task writes TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted,
 * LambdaFunctionSucceeded, TaskStateExited (5); a state without a service call writes Entered and
 * Exited (2); the execution adds ExecutionStarted and ExecutionSucceeded (2).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
import type { MapState, State, StateMachineDefinition, SubWorkflow } from "../../asl/types";

export interface ChildEstimate {
  stateName: string;
  /** The children's workflow type, from the Map's ProcessorConfig (STANDARD when omitted, as on AWS). */
  executionType: "STANDARD" | "EXPRESS";
  transitionsPerChild: number;
  historyEventsPerChild: number;
}

function happyPath(workflow: SubWorkflow): { transitions: number; events: number } {
  let transitions = 0;
  let events = 0;
  const seen = new Set<string>();
  let name: string | undefined = workflow.StartAt;
  while (name !== undefined && !seen.has(name)) {
    seen.add(name);
    const state: State | undefined = workflow.States[name];
    if (!state) break;
    transitions++;
    if (state.Type === "Task") events += /:lambda:|:function:/.test(state.Resource) ? 5 : 4;
    else if (state.Type === "Parallel") {
      events += 4; // Entered, ParallelStateStarted, ParallelStateSucceeded, Exited
      for (const b of state.Branches) {
        const inner = happyPath(b);
        transitions += inner.transitions;
        events += inner.events;
      }
    } else events += state.Type === "Succeed" || state.Type === "Fail" ? 1 : 2;
    name = state.Type === "Choice" ? (state.Default ?? state.Choices[0]?.Next) : "Next" in state ? state.Next : undefined;
  }
  return { transitions, events };
}

/** Estimates for each Distributed Map in the definition (nested ones included), by state name. */
export function estimateChildren(definition: StateMachineDefinition): Map<string, ChildEstimate> {
  const out = new Map<string, ChildEstimate>();
  const visit = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === "Map") {
        const map = state as MapState;
        const processor = map.ItemProcessor ?? map.Iterator;
        if (!processor) continue;
        if (map.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED") {
          const path = happyPath(processor);
          out.set(name, { stateName: name, executionType: map.ItemProcessor?.ProcessorConfig?.ExecutionType ?? "STANDARD", transitionsPerChild: path.transitions, historyEventsPerChild: path.events + 2 });
        }
        visit(processor.States);
      }
      if (state.Type === "Parallel") for (const b of state.Branches) visit(b.States);
    }
  };
  visit(definition.States);
  return out;
}
