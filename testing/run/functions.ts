/**
 * Which Lambda functions a definition invokes, by name, and in which states: the contract between
 * a definition and a `--handlers` module (or a test's `handlers`). Resolution is loud: a function a
 * state uses and the module lacks is an error before the run (it lists the exports present); an
 * export no state uses is a warning.
 */
import { LAMBDA_INVOKE, type State } from "../../asl/types";
import { functionNameOf, lambdaTarget } from "../../engine/lambda";

export interface FunctionUse {
  name: string;
  /** State paths (`Map/Processor` for nested states) that invoke it. */
  states: string[];
}

/** Every function a definition's Task states invoke by a static name (a `FunctionName.$` chosen at run time cannot be known). */
export function functionsUsed(definition: unknown): FunctionUse[] {
  const uses = new Map<string, string[]>();
  const add = (name: string, state: string) => {
    const list = uses.get(name) ?? [];
    list.push(state);
    uses.set(name, list);
  };
  const visit = (states: unknown, path: string) => {
    if (!states || typeof states !== "object") return;
    for (const [name, raw] of Object.entries(states as Record<string, unknown>)) {
      const state = raw as State & Record<string, unknown>;
      const at = path ? `${path}/${name}` : name;
      if (!state || typeof state !== "object") continue;
      if (state.Type === "Task" && typeof state.Resource === "string") {
        const target = lambdaTarget(state.Resource);
        if (target?.kind === "direct") add(target.functionName, at);
        else if (state.Resource.startsWith(LAMBDA_INVOKE)) {
          const args = (state["Parameters"] ?? state["Arguments"]) as Record<string, unknown> | undefined;
          const fn = args?.["FunctionName"];
          if (typeof fn === "string" && !fn.startsWith("{%")) add(functionNameOf(fn), at);
        }
      }
      const processor = (state["ItemProcessor"] ?? state["Iterator"]) as { States?: unknown } | undefined;
      if (processor) visit(processor.States, at);
      const branches = state["Branches"];
      if (Array.isArray(branches)) branches.forEach((b, i) => visit((b as { States?: unknown }).States, `${at}[${i}]`));
    }
  };
  visit((definition as { States?: unknown })?.States, "");
  return [...uses.entries()].map(([name, states]) => ({ name, states }));
}

export class HandlerResolutionError extends Error {
  override readonly name = "HandlerResolutionError";
}

/**
 * Checks the handlers against the functions the definition uses. Throws when one is missing (the
 * message names the state and lists what the module exports); returns warnings for unused exports.
 */
export function resolveHandlers<H>(
  used: ReadonlyArray<FunctionUse>,
  handlers: Readonly<Record<string, H>>,
  source: string,
): { handlers: Record<string, H>; warnings: string[] } {
  const exported = Object.keys(handlers);
  const missing = used.filter((u) => !(u.name in handlers));
  if (missing.length > 0) {
    throw new HandlerResolutionError(
      missing.map((m) => `function "${m.name}" (used by state ${m.states.join(", ")}) has no handler in ${source}`).join("\n") +
        `\n${source} exports: ${exported.length ? exported.join(", ") : "nothing"}` +
        (exported.length ? `\nExport a handler under each function's name, or a { FunctionName: handler } map.` : ""),
    );
  }
  const usedNames = new Set(used.map((u) => u.name));
  const warnings = exported
    .filter((e) => !usedNames.has(e))
    .map((e) => `${source}: export "${e}" is not used by any state (functions used: ${[...usedNames].join(", ") || "none"})`);
  return { handlers: { ...handlers }, warnings };
}
