/**
 * The local Step Functions engine: `run(definition, input, options)` executes any ASL definition
 * offline, Lambda tasks in-process, Distributed Map over the S3 API.
 */
import { seededRandom } from "./model/random";
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue, StateMachineDefinition } from "../asl/types";
import { validateDefinition } from "../asl/validator";
import { RealClock, VirtualClock, type Clock } from "./model/clock";
import { compileDefinition } from "./compile";
import { executionArn, REGION, stateMachineArn as localStateMachineArn } from "./model/local-account";
import { runExecution } from "./run-execution";
import { IntegrationServices, type StateMachineEntry } from "./integrations";
import { resources } from "./iam/actions";
import { machineWarning, validateLikeCli } from "./iam/validate";
import { JSON_MAX_DEPTH, valueDepth } from "../asl/json-text";
import { DefinitionRejectedError, InvalidExecutionInputError, type ExecutionResult, type RunOptions } from "./types";
import { trackedS3 } from "./tracked-io";
import { RunStalledError, RunWaits } from "./waits";

export * from "./types";
export { RealClock, VirtualClock, type Clock } from "./model/clock";
export { StatesError, STATES_ERRORS } from "./model/errors";
export { RunStalledError, describeWaiting, HOW_TO_ANSWER, type WaitingReport } from "./waits";
export {
  TaskTokens,
  TaskDoesNotExistError,
  TaskTimedOutError,
  TokenNotSentError,
  MockConfigError,
  MockedTestCase,
  type TaskTokenRequest,
  type TaskTokenHook,
  type WaitingTask,
  type OutboxMessage,
  type NestedExecutionRecord,
  type IntegrationOptions,
} from "./integrations";

/** Compiles (once per definition object) and returns the executable form. */
export { compileDefinition };
export { compileCount } from "./compile-count";

export { seededRandom };

function clockOf(option: RunOptions["clock"]): Clock {
  if (option === undefined || option === "real") return new RealClock();
  if (option === "virtual") return new VirtualClock();
  return option;
}

function s3Factory(option: RunOptions["s3"], clock: Clock): () => Promise<S3Client> {
  let client: Promise<S3Client> | undefined;
  return () => {
    if (!client) {
      client = (async () => {
        // Every request is the run's I/O: tracked on its clock (tracked-io.ts).
        if (option && "send" in option) return trackedS3(option as S3Client, clock);
        // Lazy: the AWS SDK loads only when a Distributed Map needs S3.
        const { S3Client: Client } = await import("@aws-sdk/client-s3");
        if (option && "endpoint" in option) {
          return trackedS3(
            new Client({
              endpoint: option.endpoint,
              forcePathStyle: true,
              // The middleware stack resolved once per command type (the run's own client: nothing adds middleware to it).
              cacheMiddleware: true,
              region: process.env.AWS_REGION ?? REGION,
              credentials: {
                accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "S3RVER",
                secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "S3RVER",
              },
            }),
            clock,
          );
        }
        return trackedS3(new Client({ cacheMiddleware: true }), clock);
      })();
    }
    return client;
  };
}

let executionCounter = 0;

const sdkTasks = new WeakMap<object, boolean>();
/** Whether any `Resource` (nested scopes included) is an AWS SDK integration; once per definition object. */
function hasSdkTask(definition: unknown): boolean {
  if (definition === null || typeof definition !== "object") return false;
  let v = sdkTasks.get(definition);
  if (v === undefined) sdkTasks.set(definition, (v = resources(definition).some((r) => r.includes(":::aws-sdk:"))));
  return v;
}

export async function run(definition: StateMachineDefinition | unknown, input: JsonValue, options: RunOptions): Promise<ExecutionResult> {
  const type = options.stateMachineType ?? "STANDARD";
  if (options.validate !== false) {
    const check = async (def: unknown, t: "STANDARD" | "EXPRESS" | undefined, machine?: string) => {
      // As `validate` checks a file (IAM's action list and the SDK's operations only for AWS SDK tasks).
      const verdict = hasSdkTask(def) ? await validateLikeCli(def, t) : validateDefinition(def, t ? { stateMachineType: t } : {});
      const errors = verdict.diagnostics.filter((d) => d.severity === "ERROR");
      if (!verdict.valid || errors.length > 0) throw new DefinitionRejectedError(errors.length ? errors : verdict.diagnostics, machine);
      for (const d of verdict.diagnostics)
        if (d.severity === "WARNING") options.onValidationWarning?.(machineWarning(machine ?? "the state machine", d));
    };
    await check(definition, type);
    // Every machine `states:startExecution` may start is checked before this one starts: a broken
    // child must not surface only after the parent's Map Run has started its children.
    for (const [key, value] of Object.entries(options.integrations?.stateMachines ?? {})) {
      const entry =
        value !== null &&
        typeof value === "object" &&
        "definition" in value &&
        typeof value.definition === "object" &&
        value.definition !== null &&
        "StartAt" in value.definition
          ? (value as StateMachineEntry)
          : { definition: value as StateMachineDefinition, type: undefined };
      await check(entry.definition, entry.type, `nested machine ${key}`);
    }
  }
  if (valueDepth(input, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) {
    throw new InvalidExecutionInputError(
      `The provided JSON input data is not valid: it nests objects/arrays more than ${JSON_MAX_DEPTH} deep`,
    );
  }
  const def = definition as StateMachineDefinition;
  const compiled = compileDefinition(def);
  const services = new IntegrationServices(options.integrations, runExecution);
  services.mocks?.checkDefinitions([def, ...Object.values(options.integrations?.stateMachines ?? {})]);
  const stateMachineArn = options.stateMachineArn ?? localStateMachineArn("LocalStateMachine");
  const smName = stateMachineArn.slice(stateMachineArn.lastIndexOf(":") + 1);
  const random = typeof options.random === "number" ? seededRandom(options.random) : (options.random ?? Math.random);
  const name = options.executionName ?? `local-${Date.now().toString(36)}-${(++executionCounter).toString(36)}`;
  const arn = executionArn(smName, name, type);
  let clock = clockOf(options.clock);
  let signal = options.signal ?? new AbortController().signal;
  // A run whose machines can wait for task tokens is watched: when nothing can make progress, it
  // stops with RunStalledError instead of waiting forever (or ending silently).
  let waits: RunWaits | undefined;
  if (waitsForTokens(def, options.integrations?.stateMachines)) {
    const stop = new AbortController();
    waits = new RunWaits(clock, services.tokens, {
      answeredFromOutside: services.answeredFromOutside,
      onStall: () => stop.abort(new Error("the run can make no progress")),
      onWaiting: options.onWaiting,
      noticeMs: options.waitingNoticeSeconds === undefined ? undefined : options.waitingNoticeSeconds * 1000,
    });
    clock = waits;
    signal = AbortSignal.any([signal, stop.signal]);
  }
  let result: ExecutionResult;
  try {
    result = await runExecution(
      {
        arn,
        name,
        stateMachineArn,
        type,
        input,
        handlers: options.handlers,
        clock,
        random,
        keepHistory: options.keepHistory !== false,
        recordHistory: true,
        onEvent: options.onEvent,
        childEvents: options.childEvents === true,
        signal,
        s3: s3Factory(options.s3, clock),
        mapRuns: [],
        services,
        contextOverrides: options.context,
        mapRunHooks: options.mapRunHooks,
        childHistories: options.childHistories === true,
      },
      compiled,
      def.TimeoutSeconds,
    );
  } finally {
    waits?.dispose();
  }
  const stalled = waits?.stalled;
  if (stalled) {
    for (const t of stalled.tasks) services.tokens.forget(t.token);
    throw new RunStalledError(stalled, result);
  }
  return result;
}

const tokenTasks = new WeakMap<object, boolean>();
/** Whether the definition, or a machine it may start, has a `.waitForTaskToken` task (once per definition object). */
function waitsForTokens(definition: unknown, machines: Record<string, unknown> | undefined): boolean {
  const has = (d: unknown): boolean => {
    if (d === null || typeof d !== "object") return false;
    if ("definition" in d && !("StartAt" in d)) return has((d as { definition: unknown }).definition);
    let v = tokenTasks.get(d);
    if (v === undefined) tokenTasks.set(d, (v = resources(d).some((r) => r.endsWith(".waitForTaskToken"))));
    return v;
  };
  return has(definition) || Object.values(machines ?? {}).some(has);
}
