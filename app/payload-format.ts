/**
 * The format a payload-writing function must write: the InputType of the ItemReader that reads it.
 * A function whose Task hands its output (`{bucket, key}`) to a Distributed Map reading `Bucket.$`/
 * `Key.$` writes what that reader expects, so the format is inferred from the definition rather than
 * written twice (a JSONL reader over a JSON payload fails only at run time).
 */
import { localLambdaArn, type StateMachine } from "../asl/builders";
import type { StateMachineDefinition } from "../asl/types";
import { walkStates } from "../asl/walk";

export type PayloadFormat = "json" | "jsonl";

/** Every format the machines' readers expect of this function's output (usually one). */
export function payloadFormatsReadFrom(functionName: string, machines: ReadonlyArray<StateMachine>): Set<PayloadFormat> {
  const arn = localLambdaArn({ name: functionName });
  const found = new Set<PayloadFormat>();
  const visit = (definition: StateMachineDefinition) =>
    walkStates(definition, ({ state, scope }) => {
      if (state.Type !== "Task" || state.Resource !== arn || typeof state.Next !== "string") return;
      const next = scope.States[state.Next];
      const type = next?.Type === "Map" ? next.ItemReader?.ReaderConfig?.InputType : undefined;
      if (type === "JSON") found.add("json");
      if (type === "JSONL") found.add("jsonl");
    });
  for (const m of machines) visit(m.renderUnchecked(localLambdaArn));
  return found;
}
