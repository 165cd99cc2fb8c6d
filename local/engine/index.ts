/**
 * The local Step Functions engine: `run(definition, input, options)` executes any ASL definition
 * offline, Lambda tasks in-process, Distributed Map over the S3 API.
 */
import { seededRandom } from "./random";
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue, StateMachineDefinition } from "../../asl/types";
import { validateDefinition } from "../../asl/validator";
import { RealClock, VirtualClock, type Clock } from "./clock";
import { compileDefinition } from "./compile";
import { ACCOUNT, REGION } from "./lambda";
import { runExecution } from "./run-execution";
// Every state type's handler into the executor's table (before any run; see state-table.ts).
import "./states/register";
import { IntegrationServices } from "./integrations";
import { iamCatalogFor, resources } from "../iam/actions";
import { JSON_MAX_DEPTH, valueDepth } from "../../asl/json-text";
import { DefinitionRejectedError, InvalidExecutionInputError, type ExecutionResult, type RunOptions } from "./types";

export * from "./types";
export { RealClock, VirtualClock, type Clock } from "./clock";
export { StatesError, STATES_ERRORS } from "./errors";
export { TaskTokens, TaskDoesNotExistError, MockConfigSchema, MockedTestCase, type MockConfigFile, type TaskTokenRequest, type OutboxMessage, type NestedExecutionRecord, type IntegrationOptions } from "./integrations";

/** Compiles (once per definition object) and returns the executable form. */
export { compileDefinition };
export { compileCount } from "./compile-count";

export { seededRandom };

function clockOf(option: RunOptions["clock"]): Clock {
  if (option === undefined || option === "real") return new RealClock();
  if (option === "virtual") return new VirtualClock();
  return option;
}

function s3Factory(option: RunOptions["s3"]): () => Promise<S3Client> {
  let client: Promise<S3Client> | undefined;
  return () => {
    if (!client) {
      client = (async () => {
        if (option && "send" in option) return option as S3Client;
        // Lazy: the AWS SDK loads only when a Distributed Map needs S3.
        const { S3Client: Client } = await import("@aws-sdk/client-s3");
        if (option && "endpoint" in option) {
          return new Client({
            endpoint: option.endpoint,
            forcePathStyle: true,
            region: process.env.AWS_REGION ?? REGION,
            credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "S3RVER", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "S3RVER" },
          });
        }
        return new Client({});
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
    // IAM's action list only when the definition has AWS SDK tasks (the common definition needs no file read).
    const iamActions = hasSdkTask(definition) ? await iamCatalogFor(definition) : undefined;
    const verdict = validateDefinition(definition, { stateMachineType: type, iamActions });
    const errors = verdict.diagnostics.filter((d) => d.severity === "ERROR");
    if (!verdict.valid || errors.length > 0) throw new DefinitionRejectedError(errors.length ? errors : verdict.diagnostics);
  }
  if (valueDepth(input, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) {
    throw new InvalidExecutionInputError(`The provided JSON input data is not valid: it nests objects/arrays more than ${JSON_MAX_DEPTH} deep`);
  }
  const def = definition as StateMachineDefinition;
  const compiled = compileDefinition(def);
  const stateMachineArn = options.stateMachineArn ?? `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:LocalStateMachine`;
  const smName = stateMachineArn.slice(stateMachineArn.lastIndexOf(":") + 1);
  const random = typeof options.random === "number" ? seededRandom(options.random) : (options.random ?? Math.random);
  const name = options.executionName ?? `local-${Date.now().toString(36)}-${(++executionCounter).toString(36)}`;
  const arn = `arn:aws:states:${REGION}:${ACCOUNT}:${type === "EXPRESS" ? "express" : "execution"}:${smName}:${name}`;
  return runExecution(
    {
      arn,
      name,
      stateMachineArn,
      type,
      input,
      handlers: options.handlers,
      clock: clockOf(options.clock),
      random,
      keepHistory: options.keepHistory !== false,
      recordHistory: true,
      onEvent: options.onEvent,
      childEvents: options.childEvents === true,
      signal: options.signal ?? new AbortController().signal,
      s3: s3Factory(options.s3),
      mapRuns: [],
      services: new IntegrationServices(options.integrations, runExecution),
      mapRunHooks: options.mapRunHooks,
      childHistories: options.childHistories === true,
    },
    compiled,
    def.TimeoutSeconds,
  );
}
