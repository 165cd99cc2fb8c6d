/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own Node process, one after another, so
 * that each one's memory figures (peak RSS) are its own and no benchmark warms another's caches.
 * Pass names to run a subset: `npm run bench -- validator engine`.
 * Old names that issues and notes quote keep working as aliases (ALIASES).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = __dirname;
/** Names a bench had before it was renamed: issue 31 asks for `npm run bench -- engine15`. */
const ALIASES: Readonly<Record<string, string>> = { engine15: "engine-vs-peer" };
const wanted = process.argv.slice(2).map((w) => ALIASES[w] ?? w);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${file.replace(/\.bench\.ts$/, "")} ===\n`);
  const res = spawnSync(process.execPath, ["--import", "tsx", join(dir, file)], {
    stdio: "inherit",
    // The SDK's one-time notice that it will need Node 22 (printed on Node 20) is not a figure: off in benches.
    env: { ...process.env, NODE_OPTIONS: "--expose-gc", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  if (res.status !== 0) {
    failed++;
    process.stdout.write(`!!! ${file} exited with ${res.status ?? res.signal}\n`);
  }
}
process.exit(failed ? 1 : 0);
