/**
 * DESIGN.md "Layers" and issue 15 part 4: `local/engine` is a reusable library. It may import
 * `asl/`, the AWS SDK and well-kept libraries, never the tooling above it (the runner, the CLIs,
 * exec, the testing API, the embedded servers), this project's workflows, catalog, Pulumi program
 * or `@pulumi/*`. Type-only imports count too: a type from the runner would still tie the library
 * to it (its declaration files would name the runner's modules).
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");
const ENGINE = join(ROOT, "local", "engine");

/** Folders (from the repository root) the engine must not reach. */
const FORBIDDEN_FOLDERS = ["local/runner", "local/cli", "local/exec", "local/testing", "local/servers", "local/s3", "local/dynamodb", "workflows", "app", "infra", "stack"];
const FORBIDDEN_FILES = ["index.ts"];
const FORBIDDEN_PACKAGES = /^@pulumi\//;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Every module specifier a file names: static imports and re-exports (type-only included), `import("...")`, `require("...")`. */
function specifiersOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gms)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

/** Why `spec`, imported by `file`, is outside what the engine may use; undefined when it is fine. */
function violation(file: string, spec: string): string | undefined {
  if (FORBIDDEN_PACKAGES.test(spec)) return "a Pulumi package";
  if (!spec.startsWith(".")) return undefined;
  const target = relative(ROOT, resolve(dirname(file), spec)).split(sep).join("/");
  if (FORBIDDEN_FILES.some((f) => target === f.replace(/\.ts$/, "") || target === f)) return "the repository's Pulumi program";
  const folder = FORBIDDEN_FOLDERS.find((f) => target === f || target.startsWith(`${f}/`));
  return folder ? `${folder}/ (tooling or project code above the engine)` : undefined;
}

function violations(files: ReadonlyArray<{ file: string; text: string }>): string[] {
  return files.flatMap(({ file, text }) =>
    specifiersOf(text)
      .map((spec) => ({ spec, why: violation(file, spec) }))
      .filter((v) => v.why !== undefined)
      .map((v) => `${relative(ROOT, file)} imports "${v.spec}": ${v.why}`),
  );
}

describe("architecture: local/engine is a reusable library (issue 15, part 4)", () => {
  const engineFiles = sources(ENGINE).map((file) => ({ file, text: readFileSync(file, "utf8") }));

  it("reads the engine's sources (the check sees its files and their imports)", () => {
    assert.ok(engineFiles.length > 20);
    assert.ok(engineFiles.some(({ text }) => specifiersOf(text).some((s) => s.startsWith("../../asl/"))));
  });

  it("nothing under local/engine imports the runner, CLIs, exec, testing API, servers, workflows, app, infra, stack or @pulumi", () => {
    assert.deepEqual(violations(engineFiles), []);
  });

  it("the check catches each kind of forbidden import (static, type-only, re-export, dynamic, package)", () => {
    const file = join(ENGINE, "distributed", "x.ts");
    const found = violations([
      {
        file,
        text: [
          `import { runLocal } from "../../runner/run";`,
          `import type { WORKFLOWS } from "../../../app/catalog";`,
          `export { seedWorkflow } from "../../../workflows/seed";`,
          `const m = await import("../../cli/args");`,
          `import * as pulumi from "@pulumi/pulumi";`,
          `import { startServers } from "../../servers";`,
          `import { Component } from "../../../infra/component";`,
          `import { ok } from "../../../asl/types";`,
          `import { S3Client } from "@aws-sdk/client-s3";`,
          `import { retry } from "../retry";`,
        ].join("\n"),
      },
    ]);
    assert.equal(found.length, 7, found.join("\n"));
    assert.ok(found.every((line) => line.startsWith("local/engine/distributed/x.ts imports ")));
  });
});
