/** Puts the state handlers of this folder in the executor's table (see ../state-table.ts), one per state type. */
import { registerStates } from "../state-table";
import { runChoice } from "./choice";
import { runFail } from "./fail";
import { runMap } from "./map";
import { runParallel } from "./parallel";
import { runPass } from "./pass";
import { runSucceed } from "./succeed";
import { runTask } from "./task";
import { runWait } from "./wait";

registerStates({
  Pass: runPass,
  Choice: runChoice,
  Wait: runWait,
  Succeed: runSucceed,
  Fail: runFail,
  Task: runTask,
  Parallel: runParallel,
  Map: runMap,
});
