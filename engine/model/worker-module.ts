/**
 * A worker thread running one of this package's modules: its compiled JavaScript in the published
 * package, its TypeScript source under tsx in the repository. A worker starts without its parent's
 * module hooks, and an eval'd one resolves modules from the process's folder, so tsx is named by the
 * path found from here.
 */
import { extname, join } from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts `<dir>/<base>` with the extension of `callerFile` (the caller passes its own `__dirname`
 * and `__filename`: the entry sits beside it, built or not).
 */
export function startModuleWorker(dir: string, base: string, callerFile: string, options: WorkerOptions = {}): Worker {
  const ext = extname(callerFile);
  const entry = join(dir, `${base}${ext}`);
  if (ext === ".ts") {
    const tsx = require.resolve("tsx/cjs");
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { ...options, eval: true });
  }
  return new Worker(entry, options);
}
