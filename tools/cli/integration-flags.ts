/**
 * The exec CLI's service-integration flags, kept apart from the CLI's own:
 *   --mock-config FILE --test-case NAME   AWS Step Functions Local MockConfigFile (mocked states need no handler or emulator)
 *   --state-machine NAME=DEF.json         a machine `states:startExecution` may start (repeatable)
 *   --dynamodb-table NAME:KEY[:SORTKEY]   a table of the embedded DynamoDB (dynalite), started on first use (repeatable)
 *   --dynamodb-endpoint URL               an existing DynamoDB endpoint instead
 *   --task-token succeed[=JSON] | fail[=ERROR[:CAUSE]]   how every `.waitForTaskToken` task is answered
 *   --task-token-handler MODULE           or a module exporting `onTaskToken(request, tokens)` that answers
 *                                         (tokens.sendTaskSuccess/sendTaskFailure/sendTaskHeartbeat), e.g. a fake approver
 */
import { readBoundedFile } from "../../config/bounded-read";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import type { StateMachineDefinition, JsonValue } from "../../asl/types";
import type { TableSpec } from "../../emulators/dynamodb/server";
import { startServers, type LocalServers } from "../../emulators/servers";
import { embeddedDynamoDb } from "../../emulators/servers/dynamodb";
import type { IntegrationOptions } from "../../engine";

export const INTEGRATION_USAGE = `[--mock-config FILE --test-case NAME] [--state-machine NAME=DEF.json]...
                        [--dynamodb-table NAME:KEY[:SORTKEY]]... [--dynamodb-endpoint URL] [--task-token succeed[=JSON]|fail[=ERROR[:CAUSE]] | --task-token-handler MODULE]`;

export const INTEGRATION_OPTIONS = {
  "mock-config": { type: "string" },
  "test-case": { type: "string" },
  "state-machine": { type: "string", multiple: true },
  "dynamodb-table": { type: "string", multiple: true },
  "dynamodb-endpoint": { type: "string" },
  "task-token": { type: "string" },
  "task-token-handler": { type: "string" },
} as const;

export const IntegrationFlags = z
  .object({
    "mock-config": z.string().optional(),
    "test-case": z.string().optional(),
    "state-machine": z.array(z.string().regex(/^[A-Za-z0-9_-]+=.+$/, "must be NAME=DEF.json")).default([]),
    "dynamodb-table": z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{3,255}:[^:]+(:[^:]+)?$/, "must be NAME:KEY or NAME:KEY:SORTKEY (string keys)"))
      .default([]),
    "dynamodb-endpoint": z.url({ message: "--dynamodb-endpoint must be a URL" }).optional(),
    "task-token": z
      .string()
      .regex(/^(succeed(=.*)?|fail(=.*)?)$/s, "must be succeed[=JSON] or fail[=ERROR[:CAUSE]]")
      .optional(),
    "task-token-handler": z.string().min(1).optional(),
  })
  .superRefine((f, ctx) => {
    if ((f["mock-config"] === undefined) !== (f["test-case"] === undefined))
      ctx.addIssue({ code: "custom", path: ["test-case"], message: "--mock-config and --test-case go together" });
    if (f["task-token"] !== undefined && f["task-token-handler"] !== undefined)
      ctx.addIssue({ code: "custom", path: ["task-token-handler"], message: "give --task-token or --task-token-handler, not both" });
    if (f["dynamodb-endpoint"] !== undefined && f["dynamodb-table"].length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["dynamodb-table"],
        message: "--dynamodb-table creates tables in the embedded DynamoDB; not with --dynamodb-endpoint",
      });
  });
export type IntegrationFlags = z.infer<typeof IntegrationFlags>;

export class IntegrationFlagError extends Error {}

function readJson(file: string, what: string, texts?: Array<{ what: string; text: string }>): unknown {
  let text: string;
  try {
    // A mock config or child definition: regular files only, at most 16 MiB.
    text = readBoundedFile(file, 16 * 2 ** 20, what).toString("utf8");
  } catch (e) {
    throw new IntegrationFlagError(`cannot read ${what} '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    texts?.push({ what, text });
    return value;
  } catch (e) {
    throw new IntegrationFlagError(`${what} '${file}' is not valid JSON: ${(e as Error).message}`);
  }
}

/** The engine's integration options for these flags, and what to stop afterwards (the embedded DynamoDB). */
export async function integrationOptions(
  flags: IntegrationFlags,
): Promise<{ options: IntegrationOptions; stop(): Promise<void>; machines: Array<{ what: string; text: string }> }> {
  // The nested machines' JSON texts, validated by the run like any file (duplicate keys included).
  const machines: Array<{ what: string; text: string }> = [];
  const { MockConfigError, MockedTestCase } = await import("../../engine");
  const options: IntegrationOptions = {};
  if (flags["mock-config"] !== undefined) {
    const config = readJson(flags["mock-config"], "--mock-config");
    try {
      options.mocks = MockedTestCase.from(config, flags["test-case"]!);
    } catch (e) {
      throw new IntegrationFlagError(
        e instanceof MockConfigError ? `--mock-config '${flags["mock-config"]}': ${e.message}` : `--test-case: ${(e as Error).message}`,
      );
    }
  }
  if (flags["state-machine"].length > 0) {
    options.stateMachines = {};
    for (const spec of flags["state-machine"]) {
      const [name, file] = [spec.slice(0, spec.indexOf("=")), spec.slice(spec.indexOf("=") + 1)];
      options.stateMachines[name] = readJson(file, `nested machine ${name} (--state-machine ${spec})`, machines) as StateMachineDefinition;
    }
  }
  let servers: LocalServers | undefined;
  if (flags["dynamodb-endpoint"] !== undefined) options.dynamodb = { endpoint: flags["dynamodb-endpoint"] };
  else {
    const tables: TableSpec[] = flags["dynamodb-table"].map((t) => {
      const [name, key, sort] = t.split(":") as [string, string, string | undefined];
      return { name, partitionKey: key, ...(sort ? { sortKey: sort } : {}) };
    });
    // Started on the first DynamoDB call only: most definitions have none. The exec run sets the
    // process environment itself (with its S3 server): this one leaves it alone.
    servers = await startServers({ dynamodb: embeddedDynamoDb({ tables, lazy: true }), setProcessEnv: false });
    options.dynamodb = servers.dynamodbEndpoint;
  }
  const answer = flags["task-token"];
  if (answer !== undefined) {
    // An answer in progress (a promise): the run waits for it, so it beats any later heartbeat or
    // timeout, on the virtual clock too. A task that timed out first gets TaskTimedOut, as a
    // consumer answering late would: the history already says the task timed out.
    options.onTaskToken = async (request, tokens) => {
      await new Promise((resolve) => setImmediate(resolve));
      try {
        if (answer.startsWith("succeed")) {
          const text = answer.slice("succeed=".length);
          let output: JsonValue = {};
          if (text !== "") output = JSON.parse(text) as JsonValue;
          tokens.sendTaskSuccess(request.token, output);
        } else {
          const [error, ...cause] = answer.slice("fail=".length).split(":");
          tokens.sendTaskFailure(request.token, error || "TaskFailed", cause.join(":"));
        }
      } catch (e) {
        if ((e as Error).name !== "TaskTimedOut") throw e;
      }
    };
    if (answer.startsWith("succeed=")) {
      try {
        JSON.parse(answer.slice("succeed=".length));
      } catch (e) {
        throw new IntegrationFlagError(`--task-token succeed=JSON: ${(e as Error).message}`);
      }
    }
  }
  if (flags["task-token-handler"] !== undefined) {
    const file = flags["task-token-handler"];
    let mod: { onTaskToken?: unknown; default?: { onTaskToken?: unknown } };
    try {
      mod = (await import(pathToFileURL(resolve(file)).href)) as typeof mod;
    } catch (e) {
      throw new IntegrationFlagError(`cannot load --task-token-handler module '${file}': ${(e as Error).message}`);
    }
    const hook = mod.onTaskToken ?? mod.default?.onTaskToken;
    if (typeof hook !== "function")
      throw new IntegrationFlagError(`--task-token-handler module '${file}' must export a function onTaskToken(request, tokens)`);
    options.onTaskToken = hook as NonNullable<IntegrationOptions["onTaskToken"]>;
  }
  return { options, stop: async () => servers?.stop(), machines };
}
