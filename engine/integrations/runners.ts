/**
 * How the local engine runs each integration module (asl/integrations): one runner per integration
 * id, in one registry typed by IntegrationId, so a module without a runner here does not compile.
 * An integration with no local behaviour says so (MOCK_ONLY) and fails its Task at run time with an
 * error naming it and how to give it a response (a MockConfigFile), never silently.
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import type { IntegrationId, IntegrationResource, ResolvedIntegration, ResourceOf } from "../../asl/integrations";
import { RuntimeError, TaskFailedError } from "../model/errors";
import type { Frame } from "../execution";
import { functionNameOf, invokeResponse, LambdaInvocation, resultText, resultValue } from "../lambda";
import { eventBridgePutEvents, snsPublish, sqsSendMessage, type OutboxSite } from "./outbox";
import { DynamoDbServiceError, type DynamoDbJsonClient } from "./dynamodb-json";
import { callSdk, sdkErrorName } from "./sdk";
import { startExecution } from "./start-execution";
import { eventResource, submitted } from "./task-events";

/** One call of an integration, as its runner gets it: the resource is the kind its id matches (ResourceOf). */
export interface RunnerCall<R extends IntegrationResource = IntegrationResource> {
  frame: Frame;
  stateName: string;
  resource: R;
  /** The Task's resolved Parameters / Arguments. */
  args: JsonValue;
}

export type LocalRunner<Id extends IntegrationId> = (call: RunnerCall<ResourceOf<Id>>) => Promise<JsonValue>;

/** An integration the local engine does not emulate: a MockConfigFile response runs it. */
export const MOCK_ONLY = "mock-only";

function noEmulator(call: RunnerCall): RuntimeError {
  return new RuntimeError(
    `The resource '${call.resource.arn}' of state '${call.stateName}' has no local emulator: give it a response in a MockConfigFile (CLI: --mock-config FILE --test-case [MACHINE/]NAME; API: integrations.mocks = MockedTestCase.from(file, "MACHINE/NAME"))`,
  );
}

/** Lambda for the patterns the one-reaction path does not take (`.waitForTaskToken`, mocks off). */
async function invokeLambda(
  frame: Frame,
  name: string,
  payload: JsonValue,
): Promise<{ value: JsonValue; text: string; requestId: string }> {
  const exec = frame.exec;
  const handler = exec.handlers[name];
  if (!handler)
    throw new TaskFailedError(
      "Lambda.ResourceNotFoundException",
      `Function not found: ${name} (no handler named '${name}' was given to the local engine: CLI --handlers MODULE, API handlers of run() / runWorkflow())`,
    );
  const requestId = exec.requestId();
  const invocation = new LambdaInvocation(name, requestId, exec, undefined, exec.clock);
  const returned = await exec.clock.track(LambdaInvocation.start(invocation, handler, JSON.stringify(payload) ?? "null"));
  const text = resultText(returned);
  return { value: resultValue(returned, text), text, requestId };
}

/**
 * DynamoDB's item and PartiQL actions: their answers hold only JSON values (AttributeValues, counts,
 * capacities, keys), the same with or without the SDK, so they go over the JSON protocol when the run
 * was given an endpoint. The others (describeTable, listBackups ...) answer dates, which the SDK path
 * turns into ISO strings, and stay on it.
 */
const DYNAMODB_JSON_ACTIONS: ReadonlySet<string> = new Set([
  "getItem",
  "putItem",
  "updateItem",
  "deleteItem",
  "query",
  "scan",
  "batchGetItem",
  "batchWriteItem",
  "transactGetItems",
  "transactWriteItems",
  "executeStatement",
  "batchExecuteStatement",
  "executeTransaction",
]);

/**
 * A DynamoDB call (optimized: `DynamoDB.*` errors; SDK: `DynamoDb.*`), on the run's endpoint over the
 * JSON protocol (./dynamodb-json.ts), or through the SDK client the caller gave. I/O of the run: the
 * virtual clock does not move while it is in flight.
 */
function dynamoDb(call: RunnerCall, action: string, errorService: "DynamoDB" | "DynamoDb"): Promise<JsonValue> {
  const { frame, stateName } = call;
  const services = frame.exec.services!;
  const failed = (e: Error) => Promise.reject(new RuntimeError(`State '${stateName}' (${call.resource.arn}): ${e.message}`));
  const viaSdk = () =>
    Promise.all([import("@aws-sdk/client-dynamodb"), services.dynamodb().catch(failed)]).then(([mod, client]) =>
      callSdk(mod as unknown as Record<string, unknown>, client, action, call.args, errorService),
    );
  if (!DYNAMODB_JSON_ACTIONS.has(action)) return frame.exec.clock.track(viaSdk());
  return frame.exec.clock.track(
    services
      .dynamoDbTarget()
      .catch(failed)
      .then((target) => (target.kind === "sdk" ? viaSdk() : callJson(target.client, stateName, action, call.args, errorService))),
  );
}

async function callJson(
  client: DynamoDbJsonClient,
  stateName: string,
  action: string,
  params: JsonValue,
  errorService: "DynamoDB" | "DynamoDb",
): Promise<JsonObject> {
  if (params === null || typeof params !== "object" || Array.isArray(params))
    throw new RuntimeError(`the ${action} parameters must be an object`);
  try {
    return await client.call(action[0]!.toUpperCase() + action.slice(1), params);
  } catch (e) {
    if (e instanceof DynamoDbServiceError) throw sdkErrorName(errorService, e);
    throw new RuntimeError(`State '${stateName}': DynamoDB at ${client.endpoint} did not answer ${action}: ${(e as Error).message}`);
  }
}

const optimizedDynamoDb = (call: RunnerCall<ResourceOf<"dynamodb:putItem">>) => dynamoDb(call, call.resource.action, "DynamoDB");

/** The outbox (SQS, SNS, EventBridge): recorded, nothing leaves the machine. */
const toOutbox =
  (send: (params: JsonObject, site: OutboxSite) => JsonObject) =>
  async ({ frame, stateName, args }: RunnerCall): Promise<JsonValue> =>
    send((args ?? {}) as JsonObject, {
      outbox: frame.exec.services!.outbox,
      executionArn: frame.exec.setup.arn,
      stateName,
      id: () => frame.exec.requestId(),
    });

/** The AWS SDK services with a local emulator; any other SDK call needs a mock. */
const SDK_RUNNERS: Readonly<Record<string, LocalRunner<"aws-sdk:*">>> = {
  // I/O of the run: the virtual clock does not move while it is in flight.
  s3: ({ frame, resource, args }) =>
    frame.exec.clock.track(
      Promise.all([import("@aws-sdk/client-s3"), frame.exec.setup.s3()]).then(([mod, client]) =>
        callSdk(mod as unknown as Record<string, unknown>, client, resource.action, args, "S3"),
      ),
    ),
  dynamodb: (call) => dynamoDb(call, call.resource.action, "DynamoDb"),
};

/** Every integration module's local behaviour, by id. */
export const RUNNERS = {
  "lambda:function": async ({ frame, resource, args }) => (await invokeLambda(frame, resource.functionName, args)).value,
  "lambda:invoke": async ({ frame, args }) => {
    const p = (args ?? {}) as JsonObject;
    if (typeof p.FunctionName !== "string") throw new RuntimeError("lambda:invoke needs a string FunctionName");
    const { value, text, requestId } = await invokeLambda(frame, functionNameOf(p.FunctionName), p.Payload === undefined ? {} : p.Payload);
    return invokeResponse(value, text, requestId, new Date(frame.exec.clock.now()));
  },
  "dynamodb:getItem": optimizedDynamoDb,
  "dynamodb:putItem": optimizedDynamoDb,
  "dynamodb:updateItem": optimizedDynamoDb,
  "dynamodb:deleteItem": optimizedDynamoDb,
  "sqs:sendMessage": toOutbox(sqsSendMessage),
  "sns:publish": toOutbox(snsPublish),
  "events:putEvents": toOutbox(eventBridgePutEvents),
  "states:startExecution": ({ frame, stateName, resource, args }) =>
    startExecution(frame, stateName, resource.pattern, args, (response) => submitted(frame, eventResource(resource), response)),
  // Not emulated: a MockConfigFile response runs it.
  "glue:startJobRun": MOCK_ONLY,
  "aws-sdk:*": (call) => {
    const run = SDK_RUNNERS[call.resource.service];
    return run ? run(call) : Promise.reject(noEmulator(call));
  },
} satisfies { [Id in IntegrationId]: LocalRunner<Id> | typeof MOCK_ONLY };

/** Runs the call with its integration's runner (or fails it, naming the integration, when there is none). */
export function runLocally(frame: Frame, stateName: string, integration: ResolvedIntegration, args: JsonValue): Promise<JsonValue> {
  // The module found for the resource is the one whose id keys the runner: its resource is of that kind.
  const runner = (RUNNERS as Readonly<Record<IntegrationId, ((call: RunnerCall) => Promise<JsonValue>) | typeof MOCK_ONLY>>)[
    integration.definition.id
  ];
  const call: RunnerCall = { frame, stateName, resource: integration.resource, args };
  if (runner === MOCK_ONLY) return Promise.reject(noEmulator(call));
  return runner(call);
}
