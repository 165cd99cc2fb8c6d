/**
 * `sfn-local graph DEF.json|MODULE --out DIR`: draws the state machine, as `npm run synth` draws
 * the catalog's: DIR/<name>.mmd (Mermaid) and DIR/<name>.svg (laid out with ELK, Map processors and
 * Parallel branches nested). Exit 0 written, 1 invalid definition, 2 bad usage.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { InvalidDefinitionError } from "../../asl/diagnostics";
import { localLambdaArn } from "../../asl/builders/lambda";
import { DefinitionSourceError, loadDefinitionSource } from "./definition-source";
import { UserModuleError } from "./user-module";
import { formatIssues } from "../../asl/zod-issues";

export const GRAPH_USAGE = `usage: sfn-local graph DEF.json|MODULE --out DIR [--title TEXT] [--json]

Draws the state machine: DIR/<name>.mmd (Mermaid flowchart) and DIR/<name>.svg (Map processors and
Parallel branches nested, as Workflow Studio draws them). <name> is the file's name without .asl.json/.json/.ts.
  --out DIR       the folder to write to (created if missing)
  --title TEXT    the SVG's title (default: <name>)
  --json          print {"mermaid": FILE, "svg": FILE} instead of the file names
Exit status: 0 written, 1 invalid definition, 2 bad usage.`;

const Flags = z
  .object({
    file: z.string({ error: "a definition file (DEF.json) or workflow module is required" }).min(1),
    out: z.string({ error: "--out DIR is required" }).min(1, { error: "--out needs a folder" }),
    title: z.string().optional(),
    json: z.boolean().default(false),
  })
  .strict();

export async function main(argv: string[]): Promise<number> {
  const usage = (message: string) => {
    process.stderr.write(`graph: ${message}\n${GRAPH_USAGE}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: "string" }, title: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    return usage((e as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  if (parsed.values.help) {
    process.stdout.write(GRAPH_USAGE + "\n");
    return 0;
  }
  if (parsed.positionals.length > 1)
    return usage(`expected one definition file, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`);
  const { help: _help, ...values } = parsed.values;
  const flags = Flags.safeParse({ ...values, file: parsed.positionals[0] });
  if (!flags.success) return usage(formatIssues(flags.error, { messagesOnly: true, separator: "\n" }));
  const { file, out, title, json } = flags.data;
  try {
    const source = await loadDefinitionSource(file);
    // A module's functions drawn by their reference names, as synth draws the catalog's.
    const definition = source.kind === "module" ? source.machine.render(localLambdaArn) : source.definition;
    const { toMermaid, toSvg } = await import("../../asl/graph");
    const svg = await toSvg(definition, { title: title ?? source.name });
    const dir = resolve(out);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return usage(
        `--out ${out}: cannot create ${dir}: ${code === "ENOTDIR" || code === "EEXIST" ? "a file is in the way (--out must be a folder)" : (e as Error).message}`,
      );
    }
    const files: Array<[string, string]> = [
      [`${source.name}.mmd`, toMermaid(definition)],
      [`${source.name}.svg`, svg],
    ];
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    const written = files.map(([name]) => relative(process.cwd(), join(dir, name)) || name);
    process.stdout.write(json ? JSON.stringify({ mermaid: written[0], svg: written[1] }) + "\n" : written.join("  ") + "\n");
    return 0;
  } catch (e) {
    if (e instanceof DefinitionSourceError) {
      process.stderr.write(
        `graph: ${e.message}\n${e.diagnostics.map((d) => `  ${d.severity} ${d.code} at ${d.location || "/"}: ${d.message}\n`).join("")}`,
      );
      return 1;
    }
    if (e instanceof UserModuleError || e instanceof InvalidDefinitionError) {
      process.stderr.write(`graph: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
