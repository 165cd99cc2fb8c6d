/**
 * DESIGN.md: the engine is acyclic, and `asl/` is pure. Read from the source text: every runtime
 * import (not `import type`, not `export type`), resolved to a file; a cycle anywhere under the
 * library folders fails with its path. Imports of `asl/` must name nothing that does I/O or talks AWS.
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const ROOT = join(__dirname, "..", "..");
const FOLDERS = ["asl", "engine", "emulators", "testing", "tools", "infra", "app", "workflows", "handlers", "config", "stack"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

/** Specifiers of runtime imports and re-exports, static and dynamic (`import("...")`). */
function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\b)([^;]*?)\s+from\s+"([^"]+)"/gms)) {
    // `import { type A, type B } from` loads nothing at run time either.
    const names = m[2]!
      .replace(/[{}\s]/g, "")
      .split(",")
      .filter(Boolean);
    if (m[2]!.trim().startsWith("{") && names.length > 0 && names.every((n) => n.startsWith("type"))) continue;
    out.push(m[3]!);
  }
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) out.push(m[1]!);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = join(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) if (existsSync(candidate)) return candidate;
  return undefined;
}

const graph = new Map<string, string[]>();
const bare = new Map<string, string[]>();
for (const folder of FOLDERS) {
  for (const file of sources(join(ROOT, folder))) {
    const specs = runtimeImports(readFileSync(file, "utf8"));
    graph.set(
      file,
      specs.map((s) => resolveLocal(file, s)).filter((f): f is string => f !== undefined),
    );
    bare.set(
      file,
      specs.filter((s) => !s.startsWith(".")),
    );
  }
}

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "visiting");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "visiting") found.push(stack.slice(stack.indexOf(next)).map((f) => relative(ROOT, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe("architecture (DESIGN.md)", () => {
  it("the import graph reads the source: it finds the engine's executor and its states", () => {
    const files = [...graph.keys()].map((f) => relative(ROOT, f));
    assert.ok(files.includes("engine/run-execution.ts") && files.includes("engine/states/task.ts"));
    assert.ok((graph.get(join(ROOT, "engine/index.ts")) ?? []).length > 3);
  });

  it("no runtime import cycle in the library folders (the engine included)", () => {
    assert.deepEqual(cycles(), []);
  });

  it("the engine's states never load the executor, and the executor never loads the states (run-execution.ts hands the executor the states' table)", () => {
    const reach = (from: string): Set<string> => {
      const seen = new Set<string>();
      const todo = [from];
      while (todo.length) for (const next of graph.get(todo.pop()!) ?? []) if (!seen.has(next)) (seen.add(next), todo.push(next));
      return seen;
    };
    const engine = (f: string) => join(ROOT, "engine", f);
    const entries = ["executor.ts", "run-execution.ts", "child-execution.ts", "index.ts"].map(engine);
    const statesDir = engine("states") + "/";
    const stateFiles = [...graph.keys()].filter((f) => f.startsWith(statesDir));
    assert.ok(stateFiles.length >= 9, "one file per state type");
    const offending = stateFiles.flatMap((f) =>
      [...reach(f)].filter((g) => entries.includes(g)).map((g) => `${relative(ROOT, f)} -> ${relative(ROOT, g)}`),
    );
    assert.deepEqual(offending, []);
    const executorLoads = [...reach(engine("executor.ts"))].filter((g) => g.startsWith(statesDir)).map((g) => relative(ROOT, g));
    assert.deepEqual(executorLoads, []);
  });

  it("asl/ imports nothing that does I/O or talks to AWS (no node:fs/net/http/child_process, no AWS SDK, no Pulumi)", () => {
    const banned = /^(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|tls)$|^@aws-sdk\/|^@smithy\/|^@pulumi\//;
    const offending = [...bare]
      .filter(([file]) => relative(ROOT, file).startsWith("asl/"))
      .flatMap(([file, specs]) => specs.filter((s) => banned.test(s)).map((s) => `${relative(ROOT, file)}: ${s}`));
    assert.deepEqual(offending, []);
  });
});
