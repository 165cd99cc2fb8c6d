/**
 * Runs one definition locally, end to end, the way `npm run exec` and the testing API both do:
 *   handlers checked against the functions the definition uses (loud: missing = error, unused = warning)
 *   → the embedded S3 server when the definition touches S3 (or objects are seeded), buckets created
 *     as needed, objects seeded, the SDK's standard environment set for the handlers
 *   → the local engine
 *   → what the run wrote downloaded (`outDir`), the first failed children collected
 *   → the server stopped and its data folder removed (unless `keep`), also on error and on abort.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue } from "../../asl/types";
import { disposePayloadS3Client } from "../../handlers/shared/s3-client";
import { run } from "../engine";
import type { Clock } from "../engine/clock";
import type { EngineEvent, ExecutionResult, LambdaHandler, StateMachineType } from "../engine/types";
import type { IntegrationOptions } from "../engine";
import { firstFailures, processorTaskOf, type ChildFailure } from "../runner/failures";
import { startEmbeddedS3, type EmbeddedS3 } from "../s3/server";
import { setEnv } from "./env";
import { functionsUsed, resolveHandlers } from "./functions";
import { downloadChanged, listAll, putObject, uploadFile, type SeedObject } from "./objects";
import { definitionUsesS3, staticBuckets } from "./s3-needs";

export interface LocalExecutionRequest {
  /** The ASL definition (JSON object). */
  definition: unknown;
  input: JsonValue;
  /** Handlers by function name. */
  handlers: Readonly<Record<string, LambdaHandler>>;
  /** Named in handler messages ("--handlers ./x.ts", "handlers"). */
  handlersSource?: string;
  /** Objects to seed from memory. */
  objects?: ReadonlyArray<SeedObject>;
  /** Files to seed (from `--put`). */
  files?: ReadonlyArray<{ bucket: string; key: string; file: string }>;
  /** "auto" (default): the embedded S3 when the definition touches S3 or objects are seeded; or an endpoint of the user's own. */
  s3?: "auto" | "always" | "never" | { endpoint: string };
  /** Keep the embedded S3's data folder (its path is in the result). */
  keep?: boolean;
  /** Download every object the run created or changed to this folder. */
  outDir?: string;
  signal?: AbortSignal;
  clock?: "real" | "virtual" | Clock;
  stateMachineType?: StateMachineType;
  /** Keep the history in the result (default true). */
  keepHistory?: boolean;
  onEvent?: (event: EngineEvent) => void;
  /** Service integrations: DynamoDB, nested machines, task tokens, a MockConfigFile test case. */
  integrations?: IntegrationOptions;
}

export interface LocalExecution {
  result: ExecutionResult;
  /** The parent state the execution failed in (the last one it entered). */
  failedState?: string;
  /** The first failed children of each Map Run. */
  failures: ChildFailure[];
  warnings: string[];
  /** The kept data folder (`keep`), holding one folder per bucket. */
  s3DataDir?: string;
  /** Files written to `outDir`. */
  downloaded: string[];
}

export async function runLocalExecution(request: LocalExecutionRequest): Promise<LocalExecution> {
  const { definition } = request;
  // A state a MockConfigFile test case answers needs no handler.
  const mocks = request.integrations?.mocks;
  const used = functionsUsed(definition)
    .map((u) => ({ ...u, states: u.states.filter((path) => !mocks?.answers(path.split("/").pop()!)) }))
    .filter((u) => u.states.length > 0);
  const { handlers, warnings } = resolveHandlers(used, request.handlers, request.handlersSource ?? "handlers");
  const seeds = [...(request.objects ?? []), ...(request.files ?? [])];
  const mode = request.s3 ?? "auto";
  const wantS3 = mode === "always" || (mode === "auto" && (definitionUsesS3(definition) || seeds.length > 0 || request.outDir !== undefined));

  let server: EmbeddedS3 | undefined;
  let client: S3Client | undefined;
  let restoreEnv: (() => void) | undefined;
  let s3DataDir: string | undefined;
  try {
    let s3Option: S3Client | { endpoint: string } | undefined;
    const buckets = [...new Set([...staticBuckets(definition), ...seeds.map((s) => s.bucket)])];
    if (typeof mode === "object") s3Option = mode;
    else if (wantS3) {
      s3DataDir = request.keep ? await mkdtemp(join(tmpdir(), "sfn-exec-s3-")) : undefined;
      server = await startEmbeddedS3({ buckets, dataDir: s3DataDir });
      client = server.client();
      s3Option = client;
      restoreEnv = setEnv(server.env);
      for (const o of request.objects ?? []) await putObject(client, o);
      for (const f of request.files ?? []) await uploadFile(client, f.bucket, f.key, f.file);
    }
    const before = client && request.outDir !== undefined ? await listAll(client, buckets) : undefined;

    let parentArn: string | undefined;
    let lastState: string | undefined;
    const onEvent = (event: EngineEvent) => {
      request.onEvent?.(event);
      if (event.kind !== "history") return;
      parentArn ??= event.executionArn;
      if (event.executionArn === parentArn && event.event.type.endsWith("StateEntered")) {
        lastState = (event.event["stateEnteredEventDetails"] as { name?: string } | undefined)?.name ?? lastState;
      }
    };
    const result = await run(definition, request.input, {
      handlers,
      s3: s3Option,
      clock: request.clock,
      stateMachineType: request.stateMachineType,
      signal: request.signal,
      keepHistory: request.keepHistory ?? true,
      onEvent,
      integrations: request.integrations,
    });
    const downloaded = client && before && request.outDir !== undefined ? await downloadChanged(client, buckets, before, request.outDir) : [];
    return {
      result,
      ...(result.status === "FAILED" || result.status === "TIMED_OUT" ? { failedState: lastState } : {}),
      failures: firstFailures(result.mapRuns, processorTaskOf(definition as never)),
      warnings,
      ...(s3DataDir ? { s3DataDir } : {}),
      downloaded,
    };
  } finally {
    disposePayloadS3Client();
    restoreEnv?.();
    // Stops listening and removes the data folder unless it is kept (a temporary one is the server's own).
    await server?.stop();
  }
}
