/**
 * The handlers as one CommonJS file that goes into every Lambda zip.
 *
 * Why not let CallbackFunction serialize the handler closures directly: Pulumi's closure serializer
 * walks every value a handler captures, and the handlers capture zod schemas, whose methods are
 * bound functions (`function () { [native code] }`) it cannot serialize ("Error serializing function
 * 'processData': captured variable 'BatchSchema' which indirectly referenced function 'bound
 * safeParse'"). So the program bundles the catalog's handlers with esbuild (npm packages stay
 * external: CallbackFunction already zips the production dependencies), includes the bundle in the
 * zip (codePathOptions.extraIncludePaths) and gives CallbackFunction a tiny `callbackFactory` that
 * requires it at cold start and returns the handler by name. The handler code is the same code the
 * local engine runs; nothing is written twice.
 */
import { buildSync } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Relative to the program's working directory (the project folder under `pulumi up`); gitignored `out/`. */
export const HANDLER_BUNDLE_PATH = "out/lambda-bundle/handlers.js";

/** Lambda's Node.js 22 runtime. */
const TARGET = "node22";

/** Builds the bundle (once per process) and returns its path relative to the working directory. */
let built: string | undefined;
export function buildHandlerBundle(projectDir: string = process.cwd()): string {
  if (built !== undefined) return built;
  const result = buildSync({
    stdin: {
      // Every catalog Lambda by name → its handler function.
      contents:
        'const { LAMBDAS } = require("./app/catalog");\n' +
        "module.exports = Object.fromEntries(Object.entries(LAMBDAS).map(([name, entry]) => [name, entry.ref.handler]));\n",
      resolveDir: projectDir,
      sourcefile: "lambda-entry.js",
      loader: "js",
    },
    absWorkingDir: projectDir,
    bundle: true,
    platform: "node",
    target: TARGET,
    format: "cjs",
    packages: "external",
    keepNames: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const text = result.outputFiles[0]!.text;
  const out = join(projectDir, HANDLER_BUNDLE_PATH);
  mkdirSync(dirname(out), { recursive: true });
  // Rewrite only on change, so the zip (and `pulumi preview`) stays stable between runs.
  let previous: string | undefined;
  try {
    previous = readFileSync(out, "utf8");
  } catch {
    previous = undefined;
  }
  if (previous !== text) writeFileSync(out, text);
  built = HANDLER_BUNDLE_PATH;
  return built;
}

/**
 * The Lambda entry point factory for one function. Serialized by Pulumi: it captures only the two
 * strings, and `require` resolves the bundle inside the zip at cold start.
 */
export function handlerFactory(bundlePath: string, lambdaName: string): () => (event: unknown) => Promise<unknown> {
  const request = `./${bundlePath}`;
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const handlers = require(request) as Record<string, (event: unknown) => Promise<unknown>>;
    const handler = handlers[lambdaName];
    if (typeof handler !== "function") throw new Error(`no handler named ${lambdaName} in ${request}`);
    return handler;
  };
}
