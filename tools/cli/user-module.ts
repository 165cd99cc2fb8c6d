/**
 * Loads a module of the user's (a builder module, a --handlers module) from the compiled CLI, in a
 * project that has only this package installed.
 *
 * JavaScript (.js/.mjs/.cjs) is imported as Node imports it. TypeScript (.ts/.mts/.cts) needs a
 * loader: the one already registered (this repository runs the CLI under tsx), else the project's
 * tsx, else its ts-node, else Node's own type stripping (Node 22.18+ and 23.6+ strip erasable
 * TypeScript by default: https://nodejs.org/api/typescript.html). Without any of them the error
 * says what to install.
 */
import { createRequire } from "node:module";
import { dirname, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The module cannot be loaded; the message names the file and what to do. */
export class UserModuleError extends Error {
  override readonly name = "UserModuleError";
}

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts"]);

/**
 * A real `import()`: this file is compiled to CommonJS, where TypeScript would turn `import()` into
 * `require()`, which cannot load ES modules or file URLs.
 */
const importNative = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

/** Whether a TypeScript hook is registered in this process already (tsx and ts-node both add `.ts` to require's extensions). */
const tsHookRegistered = (): boolean => ".ts" in require.extensions;

/** Node strips types itself (`process.features.typescript` is "strip" or "transform"). */
const nodeStripsTypes = (): boolean => Boolean((process.features as { typescript?: unknown }).typescript);

function resolveFrom(request: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    try {
      return createRequire(resolve(dir, "noop.js")).resolve(request);
    } catch {
      /* not installed there */
    }
  }
  return undefined;
}

/**
 * A CommonJS module imported by import() may show its exports only as `default` (when Node's
 * static detection of named exports does not see them): its members are merged in, so callers
 * find `exports.x` as `x` either way.
 */
function withDefaultMembers(namespace: Record<string, unknown>): Record<string, unknown> {
  const d = namespace.default;
  return d !== null && typeof d === "object" && !Array.isArray(d) ? { ...(d as Record<string, unknown>), ...namespace } : namespace;
}

/** The module's namespace (for a CommonJS module: its exports, plus `default`). */
export async function loadUserModule(file: string, what: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  const url = pathToFileURL(path).href;
  const fail = (e: unknown): never => {
    throw new UserModuleError(`cannot load ${what} '${file}': ${e instanceof Error ? e.message : String(e)}`);
  };
  // A TypeScript hook is registered (this repository runs the CLI under tsx): require() through it, as
  // before this loader existed; an ES module falls back to import().
  if (TS_EXTENSIONS.has(extname(path)) && tsHookRegistered()) {
    try {
      return require(path) as Record<string, unknown>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ESM") return fail(e);
    }
  }
  if (!TS_EXTENSIONS.has(extname(path)) || tsHookRegistered()) return importNative(url).then(withDefaultMembers, fail);
  const lookIn = [process.cwd(), dirname(path)];
  const tsx = resolveFrom("tsx/cjs/api", lookIn);
  if (tsx) {
    // tsx's hook for require() (https://tsx.is/dev-api/register-cjs), registered for the rest of the
    // run, so what the module requires later (a handler's own modules) loads too. Not tsx.require():
    // it gives the module and everything it imports a cache of their own, so this package would
    // load twice, the user's builders apart from the CLI's (and the schema's facts, kept per
    // instance, would not be found).
    (require(tsx) as { register(): () => void }).register();
    try {
      return require(path) as Record<string, unknown>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ESM") return fail(e);
      return importNative(url).then(withDefaultMembers, fail);
    }
  }
  const tsNode = resolveFrom("ts-node", lookIn);
  if (tsNode) {
    // ts-node hooks require(); the module is compiled to CommonJS whatever the project's tsconfig says.
    (require(tsNode) as { register(options: object): void }).register({
      transpileOnly: true,
      compilerOptions: { module: "commonjs", moduleResolution: "node" },
    });
    try {
      return require(path) as Record<string, unknown>;
    } catch (e) {
      return fail(e);
    }
  }
  if (nodeStripsTypes()) return importNative(url).then(withDefaultMembers, fail);
  throw new UserModuleError(
    `cannot load ${what} '${file}': it is TypeScript, and this project has neither tsx nor ts-node installed, and Node ${process.version} does not strip types itself (22.18+ does). ` +
      `Install one (npm install --save-dev tsx), or give the compiled .js file.`,
  );
}
