/**
 * Command-line flags of `npm start` and `npm run synth`: parsed by node:util's parseArgs (strict:
 * unknown flags are errors), then checked by zod so every message names the flag and the rule.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { executionInputLimits, parseJsonText } from "../../asl/json-text";
import { parseArgsMessage, UsageError } from "./usage";
import { stackNameSchema } from "../../config/names";
import { formatIssues } from "../../asl/zod-issues";

export { UsageError } from "./usage";

const stackFlag = stackNameSchema("--stack").default("dev");

const jsonObject = z.string().transform((text, ctx) => {
  let value: unknown;
  try {
    // StartExecution's 256 KiB and the nesting limit, checked on the text before it is parsed.
    value = parseJsonText(text, executionInputLimits("--input"));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    ctx.addIssue({
      code: "custom",
      message: message.includes("not valid JSON")
        ? `--input must be JSON: ${message.replace(/^--input is not valid JSON: /, "")}`
        : message,
    });
    return z.NEVER;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    ctx.addIssue({ code: "custom", message: `--input must be a JSON object, e.g. '{"number": 1000, "chunk": 5}'` });
    return z.NEVER;
  }
  return value as Record<string, unknown>;
});

/** `--ui-port`: where the console listens (127.0.0.1 only); 0 or absent = a free port. */
export const uiPort = z
  .string()
  .regex(/^\d+$/, { error: "--ui-port must be a port number, e.g. --ui-port 8080" })
  .transform(Number)
  .pipe(z.number().int().min(0, { error: "--ui-port must be 0-65535" }).max(65535, { error: "--ui-port must be 0-65535" }));

/** AWS documents no cap on objects under a prefix; ours bounds the generated data set so a typo cannot fill the disk. */
export const MAX_OBJECTS = 1_000_000;

const startFlags = z
  .object({
    stack: stackFlag,
    workflow: z.string().min(1, { error: "--workflow needs a name" }).optional(),
    input: jsonObject.optional(),
    inline: z.boolean().default(false),
    variant: z.string().min(1, { error: "--variant needs a name, e.g. --variant inline" }).optional(),
    "what-if": z.boolean().default(false),
    json: z.boolean().default(false),
    ui: z.boolean().default(false),
    "ui-port": uiPort.optional(),
    objects: z
      .string()
      .regex(/^\d+$/, { error: "--objects must be a whole number, e.g. --objects 1000" })
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(1, { error: "--objects must be at least 1" })
          .max(MAX_OBJECTS, { error: `--objects must be at most ${MAX_OBJECTS}` }),
      )
      .optional(),
    help: z.boolean().default(false),
  })
  .strict();

export type StartFlags = z.output<typeof startFlags>;

const synthFlags = z
  .object({
    stack: stackFlag,
    out: z.string().min(1, { error: "--out needs a folder" }).default("out"),
    help: z.boolean().default(false),
  })
  .strict();

export type SynthFlags = z.output<typeof synthFlags>;

function parseWith<T extends z.ZodType>(argv: string[], options: ParseArgsConfig["options"], schema: T): z.output<T> {
  let values: Record<string, unknown>;
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    values = parsed.values;
  } catch (e) {
    // parseArgs's messages name the flag; reworded, with the nearest known flag for a typo.
    throw new UsageError(e instanceof Error ? parseArgsMessage(e.message, Object.keys(options ?? {})) : String(e));
  }
  const result = schema.safeParse(values);
  if (!result.success) throw new UsageError(formatIssues(result.error, { messagesOnly: true, separator: "\n" }));
  return result.data;
}

export function parseStartArgs(argv: string[]): StartFlags {
  const flags = parseWith(
    argv,
    {
      stack: { type: "string" },
      workflow: { type: "string" },
      input: { type: "string" },
      inline: { type: "boolean" },
      variant: { type: "string" },
      "what-if": { type: "boolean" },
      json: { type: "boolean" },
      ui: { type: "boolean" },
      "ui-port": { type: "string" },
      objects: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    startFlags,
  );
  return flags;
}

export function parseSynthArgs(argv: string[]): SynthFlags {
  return parseWith(argv, { stack: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } }, synthFlags);
}

export const START_USAGE = `Usage: npm start -- [--stack dev] [--workflow NAME] [--input JSON] [--variant NAME | --inline] [--what-if] [--json] [--objects N]

Runs a workflow of the stack locally, end to end: embedded S3 with the stack's bucket, the local
Step Functions engine, the Lambda handlers in-process; live Map Run progress, then a summary.

  --stack NAME     stack whose Pulumi.<stack>.yaml configures the run (default: dev)
  --workflow NAME  workflow to run (default: the first in app/catalog.ts)
  --input JSON     execution input (default: the workflow's demo input, e.g. {"number": 100000, "chunk": 5} for seed)
  --variant NAME   run a variant of the workflow's demo (the catalog entry lists them)
  --inline         = --variant inline: the seed's original Inline Map variant (fails at 256 KiB, as on AWS)
  --what-if        compare EXPRESS vs STANDARD children and 2-3 batch sizes: projected AWS duration and bill
  --objects N      the size of the demo's generated data set (map-reduce: objects under the input prefix, default 1,500)
  --json           print one JSON summary object on stdout and nothing else
  --ui             serve the local console (graph, Map Runs, events, Redrive) on 127.0.0.1 while
                   the run goes and after it, until Ctrl-C; its URL is printed on stderr
  --ui-port N      the console's port (default: a free one)
Exit status: 0 succeeded, 1 failed, 2 bad usage or bad config.`;

export const SYNTH_USAGE = `Usage: npm run synth -- [--stack dev] [--out DIR]

Writes, per workflow of the stack: DIR/<stack>/<workflow>.asl.json (ARNs as \${...} placeholders),
<workflow>.policy.json (the state machine role's policy, derived from the definition),
<workflow>.mmd (Mermaid) and <workflow>.svg (the state graph, Map processors nested).`;
