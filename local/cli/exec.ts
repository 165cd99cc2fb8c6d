/**
 * `npm run exec -- DEF.json [--input JSON | --input-file F] [--handlers MODULE] [--json]`
 * `npm run exec -- --batch CASES.jsonl [--handlers MODULE]`
 * Runs any ASL definition on the local engine. Exit 0 when SUCCEEDED, 1 otherwise, 2 on bad usage.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { decodeUtf8, definitionLimits, executionInputLimits, JSON_MAX_DEPTH, jsonTextDepth, parseJsonText } from "../../asl/json-text";
import type { JsonValue } from "../../asl/types";
import type { ExecutionResult, LambdaHandler, RunOptions } from "../engine/types";

const USAGE = `usage: npm run exec -- DEF.json [--input JSON | --input-file FILE] [--handlers MODULE] [--json]
                        [--clock real|virtual] [--type STANDARD|EXPRESS] [--s3-endpoint URL]
       npm run exec -- --batch CASES.jsonl [--handlers MODULE] [--clock real|virtual] [--type ...] [--s3-endpoint URL]`;

class UsageError extends Error {}

const jsonText = (what: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as JsonValue;
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `${what} is not valid JSON: ${(e as Error).message}` });
      return z.NEVER;
    }
  });

const Flags = z
  .object({
    definition: z.string().min(1).optional(),
    input: z.string().optional(),
    "input-file": z.string().optional(),
    handlers: z.string().optional(),
    json: z.boolean().default(false),
    batch: z.string().optional(),
    clock: z.enum(["real", "virtual"]).default("real"),
    type: z.enum(["STANDARD", "EXPRESS"]).default("STANDARD"),
    "s3-endpoint": z.url({ message: "--s3-endpoint must be a URL" }).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.input !== undefined && f["input-file"] !== undefined) ctx.addIssue({ code: "custom", path: ["input"], message: "give --input or --input-file, not both" });
    if (f.batch === undefined && f.definition === undefined) ctx.addIssue({ code: "custom", path: ["definition"], message: "a definition file (DEF.json) is required unless --batch is given" });
    if (f.batch !== undefined && f.definition !== undefined) ctx.addIssue({ code: "custom", path: ["batch"], message: "--batch takes its definitions from the cases file; do not also give DEF.json" });
  });

const BatchCase = z.object({ name: z.string(), definition: z.unknown(), input: z.unknown().default({}) });

function parseFlags(argv: string[]): z.infer<typeof Flags> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        input: { type: "string" },
        "input-file": { type: "string" },
        handlers: { type: "string" },
        json: { type: "boolean" },
        batch: { type: "string" },
        clock: { type: "string" },
        type: { type: "string" },
        "s3-endpoint": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (parsed.positionals.length > 1) throw new UsageError(`expected one definition file, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`);
  const { help: _help, ...values } = parsed.values;
  const result = Flags.safeParse({ ...values, definition: parsed.positionals[0] });
  if (!result.success) {
    throw new UsageError(result.error.issues.map((i) => `${i.path.length ? "--" + i.path.join(".") + ": " : ""}${i.message}`).join("\n"));
  }
  return result.data;
}

function readText(file: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${what} '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return decodeUtf8(bytes, `${what} '${file}'`);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Size and depth are checked on the text, before JSON.parse and anything recursive. */
function parseJson(text: string, what: string, limits: "definition" | "input" | "none" = "none"): JsonValue {
  try {
    if (limits === "definition") return parseJsonText(text, definitionLimits(what)) as JsonValue;
    if (limits === "input") return parseJsonText(text, executionInputLimits(what)) as JsonValue;
    if (jsonTextDepth(text, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) return parseJsonText(text, { what }) as JsonValue;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const r = jsonText(what).safeParse(text);
  if (!r.success) throw new UsageError(r.error.issues[0].message);
  return r.data;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * The handlers a module offers, by function name: every exported function under its export name,
 * and every object export whose values are all functions (a `{ FunctionName: handler }` map such as
 * handlers/index.ts's HANDLERS) merged in; the same for properties of a default export.
 */
async function loadHandlers(modulePath: string | undefined): Promise<Record<string, LambdaHandler>> {
  if (!modulePath) return {};
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`cannot load --handlers module '${modulePath}': ${(e as Error).message}`);
  }
  const handlers: Record<string, LambdaHandler> = {};
  const collect = (o: unknown): void => {
    if (!isPlainObject(o)) return;
    for (const [k, v] of Object.entries(o)) {
      if (k === "default" || k === "module.exports") continue;
      if (typeof v === "function") handlers[k] = v as LambdaHandler;
      else if (isPlainObject(v) && Object.keys(v).length > 0 && Object.values(v).every((f) => typeof f === "function")) {
        for (const [name, f] of Object.entries(v)) handlers[name] = f as LambdaHandler;
      }
    }
  };
  collect(mod.default);
  collect(mod["module.exports"]);
  collect(mod);
  if (Object.keys(handlers).length === 0) throw new UsageError(`--handlers module '${modulePath}' exports no functions`);
  return handlers;
}

function summary(result: ExecutionResult): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = { status: result.status };
  if (result.status === "SUCCEEDED") out.output = result.output ?? null;
  else {
    out.error = result.error ?? null;
    out.cause = result.cause ?? null;
  }
  out.stateTransitions = result.counters.stateTransitions;
  out.historyEvents = result.counters.historyEvents;
  out.durationMs = result.durationMs;
  return out;
}

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  const handlers = await loadHandlers(flags.handlers);
  const { run, DefinitionRejectedError, InvalidExecutionInputError } = await import("../engine/index");
  const options: RunOptions = {
    handlers,
    clock: flags.clock,
    stateMachineType: flags.type,
    keepHistory: false,
    // Without --s3-endpoint a Distributed Map uses `new S3Client({})`: the SDK's standard env vars decide.
    s3: flags["s3-endpoint"] ? { endpoint: flags["s3-endpoint"] } : undefined,
  };

  const runOne = async (definition: unknown, input: JsonValue): Promise<Record<string, JsonValue>> => {
    try {
      return summary(await run(definition, input, options));
    } catch (e) {
      if (e instanceof DefinitionRejectedError) {
        // The name CreateStateMachine's API error uses for a definition AWS refuses.
        return { status: "FAILED", error: "InvalidDefinition", cause: e.message, stateTransitions: 0, historyEvents: 0, durationMs: 0 };
      }
      if (e instanceof InvalidExecutionInputError) {
        return { status: "FAILED", error: "InvalidExecutionInput", cause: e.message, stateTransitions: 0, historyEvents: 0, durationMs: 0 };
      }
      throw e;
    }
  };

  if (flags.batch !== undefined) {
    const lines = readText(flags.batch, "--batch file").split(/\r?\n/);
    let allSucceeded = true;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === "") continue;
      const parsed = BatchCase.safeParse(parseJson(lines[i], `line ${i + 1} of ${flags.batch}`));
      if (!parsed.success) {
        throw new UsageError(`line ${i + 1} of ${flags.batch}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "(case)"}: ${x.message}`).join("; ")}`);
      }
      const result = await runOne(parsed.data.definition, parsed.data.input as JsonValue);
      if (result.status !== "SUCCEEDED") allSucceeded = false;
      process.stdout.write(JSON.stringify({ name: parsed.data.name, ...result }) + "\n");
    }
    return allSucceeded ? 0 : 1;
  }

  const definition = parseJson(readText(flags.definition!, "definition file"), `definition file '${flags.definition}'`, "definition");
  let input: JsonValue = {};
  if (flags.input !== undefined) input = parseJson(flags.input, "--input", "input");
  if (flags["input-file"] !== undefined) input = parseJson(readText(flags["input-file"], "--input-file"), `--input-file '${flags["input-file"]}'`, "input");
  const result = await runOne(definition, input);
  if (flags.json) process.stdout.write(JSON.stringify(result) + "\n");
  else {
    process.stdout.write(`status: ${result.status}\n`);
    if (result.status === "SUCCEEDED") process.stdout.write(`output: ${JSON.stringify(result.output, null, 2)}\n`);
    else process.stdout.write(`error:  ${result.error}\ncause:  ${result.cause}\n`);
    process.stdout.write(`state transitions: ${result.stateTransitions}, history events: ${result.historyEvents}, ${result.durationMs} ms\n`);
  }
  return result.status === "SUCCEEDED" ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UsageError) {
      process.stderr.write(`exec: ${e.message}\n${USAGE}\n`);
      process.exit(2);
    }
    // No stack trace for the user: the error's name and message say what failed.
    process.stderr.write(`exec: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
    process.exit(1);
  },
);
