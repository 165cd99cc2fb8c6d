/**
 * Entry point of the Distributed Map run: the interpreter imports `runDistributedMap` from here.
 * See ./contract.ts for the seam and ./map-run.ts for the run itself.
 */
import type { RunDistributedMap } from "./contract";
import { runMapRun } from "./map-run";

export type {
  RunDistributedMap,
  DistributedMapContext,
  MapRunRecord,
  ChildOutcome,
  MapItemContext,
  ChildCounters,
  MapRunChildCounters,
  ChildStarter,
} from "./contract";
export { runMapRun, type MapRunOptions } from "./map-run";
export { mapRunArnFor, mapRunLabel } from "./map-run-arn";

export const runDistributedMap: RunDistributedMap = (state, input, ctx) => runMapRun(state, input, ctx);
