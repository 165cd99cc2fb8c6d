/** dynalite ships no types: the one function this project calls (https://github.com/architect/dynalite). */
declare module "dynalite" {
  import type { Server } from "node:http";
  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** LevelDB folder; in memory when omitted. */
    path?: string;
  }
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
