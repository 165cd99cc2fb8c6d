/**
 * The command line's start time, as a user meets it: the compiled `sfn-local validate FILE` (dist/,
 * plain node, no tsx) next to a bare `node -e ''` on the same machine, in turns, median of
 * BENCH_RUNS (default 7) each. Goal: validate of one file within 0.4 s of bare node (the CLI
 * loads only what the command needs: validate never loads the engine, the S3 server or the graph).
 * Builds dist/ first when it is missing (`npm run build`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "tools", "cli", "main.js");
const FILE = join(ROOT, "examples", "exec", "csv-map.asl.json");
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const GOAL_MS = 400;

if (!existsSync(CLI)) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });

const env = { ...process.env, NODE_OPTIONS: "" };
function timed(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bare: number[] = [];
const validate: number[] = [];
timed(["-e", ""]); // the first start warms the file cache for both
timed([CLI, "validate", FILE]);
for (let i = 0; i < RUNS; i++) {
  bare.push(timed(["-e", ""]));
  validate.push(timed([CLI, "validate", FILE]));
}
const over = median(validate) - median(bare);
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
console.log(`node ${process.version}, ${RUNS} runs each, in turns`);
console.log(`bare node -e ''                       ${fmt(bare)}`);
console.log(`sfn-local validate csv-map.asl.json   ${fmt(validate)}`);
console.log(`validate over bare node: ${over.toFixed(0)} ms (goal ≤ ${GOAL_MS} ms) — ${over <= GOAL_MS ? "met" : "MISSED"}`);
