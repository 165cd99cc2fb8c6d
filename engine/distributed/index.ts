/**
 * Entry point of the Distributed Map run: the interpreter imports `runDistributedMap` from here.
 * See ./map-run-interface.ts for the seam and ./map-run.ts for the run itself.
 */
import type { RunDistributedMap } from "./map-run-interface";
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
} from "./map-run-interface";
export { runMapRun, type MapRunOptions } from "./map-run";
export { mapRunArnFor, mapRunLabel } from "./map-run-arn";

export const runDistributedMap: RunDistributedMap = (state, input, ctx) => runMapRun(state, input, ctx);
