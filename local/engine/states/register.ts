/** Puts the states of this folder in the interpreter's table (see ../state-table.ts). */
import { registerStateRunners } from "../state-table";
import { runMap } from "./map";
import { runParallel } from "./parallel";
import { runTask } from "./task";

registerStateRunners({ Task: runTask, Parallel: runParallel, Map: runMap });
