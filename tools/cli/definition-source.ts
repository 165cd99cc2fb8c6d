/**
 * What `iam` and `graph` read: an ASL JSON file, or a module (JavaScript or TypeScript) that exports
 * one builder machine. The definition is checked as the component checks it before deploying: a
 * JSON file by the validator, a machine by its own validated render.
 */
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import type { StateMachine } from "../../asl/builders/machine";
import type { Diagnostic } from "../../asl/diagnostics";
import { decodeUtf8, definitionLimits, parseJsonText } from "../../asl/json-text";
import type { StateMachineDefinition } from "../../asl/types";
import { loadUserModule } from "./user-module";

export const MODULE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

/** The file cannot be used: unreadable, not JSON, no machine exported, or an invalid definition. */
export class DefinitionSourceError extends Error {
  override readonly name = "DefinitionSourceError";
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
  }
}

export type DefinitionSource =
  { kind: "json"; name: string; definition: StateMachineDefinition } | { kind: "module"; name: string; machine: StateMachine };

/** The name the outputs are called by: the file's name without `.asl.json`, `.json` or the module extension. */
export const sourceName = (file: string): string =>
  basename(file)
    .replace(/(\.asl)?\.json$/, "")
    .replace(/\.[cm]?[jt]s$/, "");

const isMachine = (v: unknown): v is StateMachine =>
  typeof v === "object" && v !== null && typeof (v as { renderChecked?: unknown }).renderChecked === "function";

export async function loadDefinitionSource(file: string): Promise<DefinitionSource> {
  const name = sourceName(file);
  if (MODULE_EXTENSIONS.includes(extname(file))) {
    const mod = await loadUserModule(file, "workflow module");
    // A CommonJS module's exports may come as the namespace's `default` only (no named-export detection).
    const candidates = [
      ...Object.values(mod),
      ...(typeof mod.default === "object" && mod.default !== null ? Object.values(mod.default) : []),
    ];
    const machines = [...new Set(candidates.filter(isMachine))];
    if (machines.length !== 1) {
      throw new DefinitionSourceError(
        machines.length === 0
          ? `workflow module '${file}' exports no builder machine (a value made by machine(...))`
          : `workflow module '${file}' exports ${machines.length} machines; export one per module`,
      );
    }
    return { kind: "module", name, machine: machines[0]! };
  }
  let definition: unknown;
  try {
    definition = parseJsonText(decodeUtf8(readFileSync(file), `definition file '${file}'`), definitionLimits(`definition file '${file}'`));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DefinitionSourceError(code === "ENOENT" ? `cannot read definition file '${file}': file not found` : (e as Error).message);
  }
  const { validateDefinition } = await import("../../asl/validator");
  const result = validateDefinition(definition);
  if (!result.valid)
    throw new DefinitionSourceError(
      `definition file '${file}' is not a valid state machine`,
      result.diagnostics.filter((d) => d.severity === "ERROR"),
    );
  return { kind: "json", name, definition: definition as StateMachineDefinition };
}
