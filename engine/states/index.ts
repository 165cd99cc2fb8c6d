/**
 * The table of state handlers, one per state type, that the executor is made with
 * (run-execution.ts: `createStateLoop(STATE_HANDLERS)`). Typed as StateHandlers, so a state type
 * without a handler fails to compile here; nothing registers itself by being imported.
 */
import type { StateHandlers } from "../state-table";
import { runChoice } from "./choice";
import { runFail } from "./fail";
import { runMap } from "./map";
import { runParallel } from "./parallel";
import { runPass } from "./pass";
import { runSucceed } from "./succeed";
import { runTask } from "./task";
import { runWait } from "./wait";

export const STATE_HANDLERS: StateHandlers = {
  Pass: runPass,
  Choice: runChoice,
  Wait: runWait,
  Succeed: runSucceed,
  Fail: runFail,
  Task: runTask,
  Parallel: runParallel,
  Map: runMap,
};
