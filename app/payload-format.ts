/**
 * The format a payload-writing function must write: the InputType of the ItemReader that reads it.
 * A function whose Task hands its output (`{bucket, key}`) to a Distributed Map reading `Bucket.$`/
 * `Key.$` writes what that reader expects, so the format is inferred from the definition rather than
 * written twice (a JSONL reader over a JSON payload fails only at run time).
 */
import { localLambdaArn, type StateMachine } from "../asl/builders";
import type { State, StateMachineDefinition, SubWorkflow } from "../asl/types";

export type PayloadFormat = "json" | "jsonl";

/** Every format the machines' readers expect of this function's output (usually one). */
export function payloadFormatsReadFrom(functionName: string, machines: ReadonlyArray<StateMachine>): Set<PayloadFormat> {
  const arn = localLambdaArn({ name: functionName });
  const found = new Set<PayloadFormat>();
  const visit = (scope: StateMachineDefinition | SubWorkflow) => {
    const states = scope.States as Record<string, State>;
    for (const state of Object.values(states)) {
      if (state.Type === "Task" && state.Resource === arn && "Next" in state && typeof state.Next === "string") {
        const next = states[state.Next];
        const type = next?.Type === "Map" ? next.ItemReader?.ReaderConfig?.InputType : undefined;
        if (type === "JSON") found.add("json");
        if (type === "JSONL") found.add("jsonl");
      }
      if (state.Type === "Parallel") state.Branches.forEach(visit);
      if (state.Type === "Map") {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (processor) visit(processor);
      }
    }
  };
  for (const m of machines) visit(m.renderUnchecked(localLambdaArn));
  return found;
}
