/**
 * `sfn-local validate [--json] [--type STANDARD|EXPRESS] FILE|DIR...`
 *
 * Validates ASL JSON files (a directory stands for every *.json file under it). Human output by
 * default; `--json` prints exactly `[{"file","valid","diagnostics":[{"code","location","message","severity"}]}]`
 * on stdout and nothing else. Exit code 0 when every file is valid, 1 when any is invalid (including
 * unreadable files and files that are not JSON), 2 on usage errors.
 */
import { readdirSync, statSync } from "node:fs";
import { FileReadError, readBoundedFile } from "../../config/bounded-read";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { Diagnostic, ValidationResult } from "../../asl/diagnostics";
import { decodeUtf8, DEFINITION_MAX_CHARS, JsonTextError } from "../../asl/json-text";
import { validateLikeCli } from "../../engine/iam/validate";
import { UsageError } from "./usage";
import { formatIssues } from "../../asl/zod-issues";

const USAGE = "usage: sfn-local validate [--json] [--type STANDARD|EXPRESS] FILE|DIR...";

const argsSchema = z.object({
  json: z.boolean(),
  type: z.enum(["STANDARD", "EXPRESS"], { error: "--type must be STANDARD or EXPRESS" }).optional(),
  help: z.boolean(),
  files: z.array(z.string().min(1, { error: "file names must not be empty" })),
});
type Args = z.infer<typeof argsSchema>;

function parseCommandLine(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { json: { type: "boolean" }, type: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const r = argsSchema.safeParse({
    json: parsed.values.json ?? false,
    type: parsed.values.type,
    help: parsed.values.help ?? false,
    files: parsed.positionals,
  });
  if (!r.success) throw new UsageError(formatIssues(r.error, { messagesOnly: true }));
  if (!r.data.help && r.data.files.length === 0) throw new UsageError("no files given");
  return r.data;
}

interface FileResult extends ValidationResult {
  file: string;
}

/** Expands directories into their *.json files (sorted, recursive); files are kept as given. */
function expand(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      /* unreadable: reported when read */
    }
    if (!isDir) {
      if (explicit || p.endsWith(".json") || p.endsWith(".asl.json")) out.push(p);
      return;
    }
    for (const entry of readdirSync(p).sort()) visit(join(p, entry), false);
  };
  for (const p of paths) visit(p, true);
  return out;
}

async function validateFile(file: string, type: Args["type"]): Promise<FileResult> {
  const invalid = (message: string): FileResult => ({
    file,
    valid: false,
    diagnostics: [{ code: "INVALID_JSON_DESCRIPTION", location: "", message, severity: "ERROR" }],
  });
  let text: string;
  try {
    // Bigger than CreateStateMachine accepts even at three bytes (the most UTF-8 takes) per character: not read whole, not decoded.
    const tooLarge = (bytes: number) => ({
      file,
      valid: false,
      diagnostics: [
        {
          code: "DEFINITION_TOO_LARGE",
          location: "",
          message: `the definition is ${bytes.toLocaleString("en-US")} bytes; AWS accepts at most ${DEFINITION_MAX_CHARS.toLocaleString("en-US")} characters (CreateStateMachine definition)`,
          severity: "ERROR" as const,
        },
      ],
    });
    const size = statSync(file).size;
    if (size > 3 * DEFINITION_MAX_CHARS) return tooLarge(size);
    // A FIFO or a device is refused, not waited on; a file that grew meanwhile is still read no further than the limit.
    const bytes = readBoundedFile(file, 3 * DEFINITION_MAX_CHARS, "definition file");
    text = decodeUtf8(bytes, file);
  } catch (e) {
    if (e instanceof JsonTextError || e instanceof FileReadError) return invalid(e.message);
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message;
    return invalid(`cannot read ${file}: ${reason}`);
  }
  try {
    // The one validation `exec` and the engine also run before a run starts (engine/iam/validate.ts).
    const r = await validateLikeCli(text, type);
    return { file, valid: r.valid, diagnostics: r.diagnostics };
  } catch (e) {
    // A bug of ours must not hide the other files' results, nor print a stack trace.
    return invalid(`the validator failed on this file (please report it): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

function formatHuman(results: FileResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const errors = r.diagnostics.filter((d) => d.severity === "ERROR").length;
    const warnings = r.diagnostics.length - errors;
    const summary = r.valid
      ? warnings
        ? `OK (${warnings} warning${warnings > 1 ? "s" : ""})`
        : "OK"
      : `INVALID (${errors} error${errors > 1 ? "s" : ""}${warnings ? `, ${warnings} warning${warnings > 1 ? "s" : ""}` : ""})`;
    lines.push(`${r.file}: ${summary}`);
    for (const d of r.diagnostics) lines.push(`  ${d.severity.padEnd(7)} ${d.code} at ${d.location || "/"}: ${d.message}`);
  }
  const invalid = results.filter((r) => !r.valid).length;
  if (results.length > 1) lines.push(`${results.length} files, ${invalid} invalid`);
  return lines.join("\n") + "\n";
}

const pick = (d: Diagnostic): Diagnostic => ({ code: d.code, location: d.location, message: d.message, severity: d.severity });

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`validate: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(
      `${USAGE}\n  --json   print [{"file","valid","diagnostics":[...]}] only\n  --type   STANDARD or EXPRESS: also run checks that depend on the state machine type\n`,
    );
    return 0;
  }
  const files = expand(args.files);
  if (files.length === 0) {
    process.stderr.write(`validate: no .json files found in ${args.files.join(", ")}\n${USAGE}\n`);
    return 2;
  }
  const results = await Promise.all(files.map((f) => validateFile(f, args.type)));
  if (args.json) {
    process.stdout.write(
      JSON.stringify(results.map((r) => ({ file: r.file, valid: r.valid, diagnostics: r.diagnostics.map(pick) }))) + "\n",
    );
  } else process.stdout.write(formatHuman(results));
  return results.every((r) => r.valid) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`validate: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
    process.exitCode = 1;
  },
);
