import type { State, StateMachineDefinition } from "../../../asl/types";
import { lambda, machine, type Chainable, type MachineOptions } from "../../../asl/builders";

export const fn = lambda("Fn", async (event: { n: number }) => ({ doubled: event.n * 2 }));
export const other = lambda("Other", async (_event: unknown) => "ok");

/** Renders `chain` as a whole machine with local ARNs (validated). */
export function render(chain: Chainable, options: MachineOptions = {}): StateMachineDefinition {
  return machine(chain, options).renderLocal();
}

/** Renders `chain` and returns one state's JSON as a plain record for deep comparisons. */
export function stateOf(chain: Chainable, name: string, options: MachineOptions = {}): Record<string, unknown> {
  const def = render(chain, options);
  const state: State | undefined = def.States[name];
  if (!state) throw new Error(`no state ${name} in ${JSON.stringify(def)}`);
  return state as unknown as Record<string, unknown>;
}

export const FN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:Fn";
export const OTHER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:Other";
