/**
 * Entry point of the Distributed Map run: the interpreter imports `runDistributedMap` from here.
 * See ./contract.ts for the seam.
 */
import type { RunDistributedMap } from "./contract";
import { StatesError, STATES_ERRORS } from "../errors";

export type { RunDistributedMap } from "./contract";

export const runDistributedMap: RunDistributedMap = async (state) => {
  throw new StatesError(STATES_ERRORS.Runtime, `Distributed Map is not implemented yet (state with Label ${state.Label ?? "(none)"})`);
};
