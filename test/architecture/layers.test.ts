/**
 * DESIGN.md "Layers": one table of which folder may import which, read from the source and counting
 * every kind of import (static, `import type`, re-exports, `import()`, `require()`): a type from a
 * higher layer would still tie a lower one to it (its declaration files would name that module).
 * The chain is asl < engine < emulators < testing < tools (one row each below; a layer may hold
 * several folders); this repository's own code (handlers,
 * workflows, the catalog, the Pulumi library and stack) sits beside it. And no import circle,
 * counting `import type` too.
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");

/**
 * The layers, each the folders it holds (a layer may hold several; each here has its own top
 * folder). A move changes only this table.
 */
const LAYER_FOLDERS = {
  asl: ["asl"],
  config: ["config"],
  engine: ["engine"],
  emulators: ["emulators"],
  testing: ["testing"],
  tools: ["tools"],
  handlers: ["handlers"],
  workflows: ["workflows"],
  app: ["app"],
  infra: ["infra"],
  stack: ["stack"],
  scripts: ["scripts"],
} as const;
type Layer = keyof typeof LAYER_FOLDERS;

/** Each layer and the layers (or single files) it may import, its own always. The one table of directions. */
const ALLOWED: Record<Layer, readonly string[]> = {
  asl: [],
  config: ["asl"],
  engine: ["asl"],
  emulators: ["asl", "engine"],
  testing: ["asl", "config", "engine", "emulators"],
  tools: ["asl", "config", "engine", "emulators", "testing", "handlers", "workflows", "app", "infra/names.ts"],
  handlers: ["asl"],
  workflows: ["asl"],
  app: ["asl", "config", "handlers", "workflows"],
  infra: ["asl"],
  stack: ["asl", "config", "handlers", "workflows", "app", "infra"],
  scripts: ["asl", "config", "engine", "emulators", "testing", "tools", "infra"],
};
/** Packages only some layers may use: Pulumi in the Pulumi library and this repo's stack alone. */
const PACKAGE_RULES: ReadonlyArray<{ pattern: RegExp; only: readonly string[]; why: string }> = [
  {
    pattern: /^@pulumi\//,
    only: ["infra", "stack", "scripts"],
    why: "only infra/ and the stack import Pulumi (the CLI must start without it)",
  },
];

/**
 * Known debts, each an exact file → file edge, so that no new one can hide among them. Remove a line
 * when its edge goes; the test fails on a line that no longer matches anything.
 */
const KNOWN_DEBTS: ReadonlyArray<{ from: string; to: string; why: string }> = [];

/** Known circles, each the exact files in it (none left). Add none: break a circle with a type parameter or a leaf module. */
const KNOWN_CIRCLES: ReadonlyArray<readonly string[]> = [];

const LAYERS = Object.keys(LAYER_FOLDERS) as Layer[];

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? (f === "node_modules" ? [] : sources(p)) : p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

/** Every module specifier a file names: imports and re-exports (type-only included), `import("...")`, `require("...")`. */
export function specifiersOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gms)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

const rel = (p: string) => relative(ROOT, p).split(sep).join("/");
const inFolder = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);
const layerOf = (path: string): Layer | undefined => LAYERS.find((l) => LAYER_FOLDERS[l].some((f) => inFolder(path, f)));

/** The file a relative specifier names (with .ts, or the folder's index.ts), from the repo root. */
function target(file: string, spec: string): string {
  const base = resolve(dirname(file), spec);
  for (const c of [`${base}.ts`, join(base, "index.ts"), base]) if (existsSync(c) && statSync(c).isFile()) return rel(c);
  return rel(base);
}

function allowed(fromLayer: Layer, to: string): boolean {
  const toLayer = layerOf(to);
  if (toLayer === undefined || toLayer === fromLayer) return true; // outside the table (tests, bench, index.ts) or within the layer
  return ALLOWED[fromLayer].some((a) => (a.endsWith(".ts") ? to === a : a === toLayer));
}

interface Edge {
  from: string;
  spec: string;
  to?: string;
  why: string;
}

export function violations(files: ReadonlyArray<{ file: string; text: string }>): Edge[] {
  const out: Edge[] = [];
  for (const { file, text } of files) {
    const from = rel(file);
    const layer = layerOf(from);
    if (layer === undefined) continue;
    for (const spec of specifiersOf(text)) {
      if (!spec.startsWith(".")) {
        const rule = PACKAGE_RULES.find((r) => r.pattern.test(spec) && !r.only.includes(layer));
        if (rule) out.push({ from, spec, why: rule.why });
        continue;
      }
      const to = target(file, spec);
      if (!allowed(layer, to))
        out.push({ from, spec, to, why: `the ${layer} layer may import ${ALLOWED[layer].join(", ") || "nothing of ours"}` });
    }
  }
  return out;
}

const FILES = LAYERS.flatMap((l) => LAYER_FOLDERS[l].flatMap((f) => sources(join(ROOT, f)))).map((file) => ({
  file,
  text: readFileSync(file, "utf8"),
}));
const isDebt = (e: Edge) => KNOWN_DEBTS.some((d) => d.from === e.from && d.to === e.to);

describe("architecture: one table of layers (DESIGN.md)", () => {
  it("reads the sources of every layer", () => {
    for (const l of LAYERS)
      for (const f of LAYER_FOLDERS[l])
        assert.ok(
          FILES.some(({ file }) => inFolder(rel(file), f)),
          `${l}: ${f}`,
        );
  });

  it("no file imports a layer its row does not allow (known debts aside, each named)", () => {
    const found = violations(FILES).filter((e) => !isDebt(e));
    assert.deepEqual(
      found.map((e) => `${e.from} imports "${e.spec}"${e.to ? ` (${e.to})` : ""}: ${e.why}`),
      [],
    );
  });

  it("the engine's model (types of a run aside: errors, clock, the local account, ids) is a leaf: it imports asl and itself only", () => {
    const model = FILES.filter(({ file }) => inFolder(rel(file), "engine/model"));
    assert.ok(model.length >= 5);
    const out = model.flatMap(({ file, text }) =>
      specifiersOf(text)
        .filter((s) => s.startsWith("."))
        .map((s) => ({ from: rel(file), to: target(file, s) }))
        .filter(({ to }) => !inFolder(to, "engine/model") && !inFolder(to, "asl")),
    );
    assert.deepEqual(out, []);
  });

  it("every known debt still exists (remove the line when its edge goes)", () => {
    const edges = violations(FILES);
    const gone = KNOWN_DEBTS.filter((d) => !edges.some((e) => e.from === d.from && e.to === d.to));
    assert.deepEqual(gone, []);
  });

  it("the check catches each kind of import across layers (static, type-only, re-export, dynamic, require, package)", () => {
    const file = join(ROOT, "engine", "distributed", "x.ts");
    const found = violations([
      {
        file,
        text: [
          `import { runLocal } from "../../tools/runner/run";`,
          `import type { WORKFLOWS } from "../../app/catalog";`,
          `export { seedWorkflow } from "../../workflows/seed";`,
          `const m = await import("../../tools/cli/args");`,
          `const s = require("../../emulators/servers");`,
          `import * as pulumi from "@pulumi/pulumi";`,
          `import { ok } from "../../asl/types";`,
          `import { S3Client } from "@aws-sdk/client-s3";`,
          `import { retry } from "../retry";`,
        ].join("\n"),
      },
    ]);
    assert.equal(found.length, 6, found.map((e) => e.spec).join("\n"));
  });

  it("no import circle, counting import type", () => {
    const graph = new Map<string, string[]>();
    for (const { file, text } of FILES) {
      graph.set(
        rel(file),
        specifiersOf(text)
          .filter((s) => s.startsWith("."))
          .map((s) => target(file, s)),
      );
    }
    const circles: string[][] = [];
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, "visiting");
      stack.push(f);
      for (const next of graph.get(f) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === "visiting") circles.push(stack.slice(stack.indexOf(next)));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(f, "done");
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f);
    const known = (c: readonly string[]) => KNOWN_CIRCLES.some((k) => k.length === c.length && k.every((f) => c.includes(f)));
    assert.deepEqual(
      circles.filter((c) => !known(c)),
      [],
    );
    assert.deepEqual(
      KNOWN_CIRCLES.filter((k) => !circles.some((c) => k.length === c.length && k.every((f) => c.includes(f)))),
      [],
      "a known circle is gone: remove its line",
    );
  });
});
