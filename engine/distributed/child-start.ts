/**
 * How the scheduler starts a child execution: the executor's own start, handed over through the
 * DistributedMapContext (never imported), in its callback form.
 */
import { randomUUID } from "node:crypto";
import { StatesError, STATES_ERRORS } from "../model/errors";
import type { ChildStarter, DistributedMapContext } from "./map-run-interface";

/**
 * The context itself when it has `runChild` (the lean path: no promise per child); otherwise
 * `startChild`'s promise adapted to the callback, a child's rejection turned into its FAILED
 * outcome. `childMachineArn` names the child execution of such a failure.
 */
export function childStarter(ctx: DistributedMapContext, childMachineArn: string): ChildStarter {
  if (ctx.runChild) return ctx as ChildStarter;
  return {
    runChild(input, options, onDone, token) {
      const name = randomUUID();
      const startedAt = Date.now();
      ctx.startChild(input, { name, signal: options.signal }).then(
        (outcome) => onDone(outcome, token),
        (err: unknown) =>
          onDone(
            {
              status: "FAILED",
              error: err instanceof StatesError ? err.error : STATES_ERRORS.Runtime,
              cause: err instanceof StatesError ? err.causeText : err instanceof Error ? err.message : String(err),
              executionArn: `${childMachineArn.replace(":stateMachine:", ":execution:")}:${name}`,
              name,
              startDate: new Date(startedAt),
              stopDate: new Date(),
              input,
            },
            token,
          ),
      );
    },
  };
}
