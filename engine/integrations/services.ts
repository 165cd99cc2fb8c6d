/**
 * What the integrations of one run share (its nested and Distributed Map child executions too):
 * the emulator clients, the outbox, the task tokens, the mocked responses, the state machines a
 * StartExecution may start, and the record of nested executions (for the billing estimate).
 */
import type { CompiledWorkflow } from "../compile";
import type { ExecutionResult } from "../types";
import type { DynamoDbEndpoint, IntegrationOptions, NestedExecutionRecord, StateMachineEntry } from "./options";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbJsonClient } from "./dynamodb-json";
import type { StateMachineDefinition } from "../../asl/types";
import { stateMachineNameOf } from "../../asl/integrations";
import type { MockedTestCase } from "./mock-config";
import type { OutboxMessage } from "./outbox";
import { TaskTokens, type TaskTokenHook } from "./task-tokens";

export type { DynamoDbEndpoint, IntegrationOptions, NestedExecutionRecord, StateMachineEntry } from "./options";

/**
 * The executor's entry (run-execution.ts `runExecution`), as nested executions call it. `Setup` is
 * the execution's setup (execution.ts `ExecutionSetup`), a parameter so that this module, which the
 * setup names, does not name the setup back.
 */
export type RunExecution<Setup> = (setup: Setup, workflow: CompiledWorkflow, timeoutSeconds?: number) => Promise<ExecutionResult>;

/** The run's DynamoDB: an SDK client the caller gave, or the JSON-protocol client of the endpoint they gave. */
export type DynamoDbTarget =
  { kind: "sdk"; client: DynamoDBClient } | { kind: "json"; client: DynamoDbJsonClient; endpoint: DynamoDbEndpoint };

/** The region and keys the engine's DynamoDB client has always had for an endpoint (read when the run first calls DynamoDB). */
function clientSettings(given: DynamoDbEndpoint): { region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return {
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: given.credentials ?? {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
    },
  };
}

export class IntegrationServices<Setup = unknown> {
  readonly outbox: OutboxMessage[] = [];
  readonly nested: NestedExecutionRecord[] = [];
  readonly tokens: TaskTokens;
  readonly mocks: MockedTestCase | undefined;
  readonly onTaskToken: IntegrationOptions["onTaskToken"];
  /** Whether the caller holds the TaskTokens (`taskTokens` given) and may answer from outside the run. */
  readonly answeredFromOutside: boolean;
  private readonly machines = new Map<string, StateMachineEntry>();
  private dynamo?: Promise<DynamoDbTarget>;
  private dynamoSdk?: Promise<DynamoDBClient>;

  /**
   * @param runExecution how a nested execution runs: the engine passes its executor in, so this
   * folder (below the states) never imports the executor back.
   */
  constructor(
    private readonly options: IntegrationOptions = {},
    readonly runExecution?: RunExecution<Setup>,
  ) {
    this.tokens = options.taskTokens ?? new TaskTokens();
    this.answeredFromOutside = options.taskTokens !== undefined;
    this.mocks = options.mocks;
    this.onTaskToken = options.onTaskToken;
    for (const [key, value] of Object.entries(options.stateMachines ?? {})) {
      const entry =
        "definition" in value && "StartAt" in (value.definition as object)
          ? (value as StateMachineEntry)
          : { definition: value as StateMachineDefinition };
      this.machines.set(stateMachineNameOf(key), entry);
    }
  }

  /** The machine a StateMachineArn names (by its name: aliases and versions run the one definition). */
  stateMachine(arnOrName: string): StateMachineEntry | undefined {
    return this.machines.get(stateMachineNameOf(arnOrName));
  }

  get knownStateMachines(): string[] {
    return [...this.machines.keys()];
  }

  /**
   * Where the run's DynamoDB calls go: the client the caller gave (the SDK path: they chose that
   * client, its configuration holds), or the endpoint they gave, which the engine calls over
   * DynamoDB's JSON protocol (./dynamodb-json.ts) with the region and keys the SDK client would get.
   */
  dynamoDbTarget(): Promise<DynamoDbTarget> {
    this.dynamo ??= (async (): Promise<DynamoDbTarget> => {
      const option = this.options.dynamodb;
      if (!option) {
        throw new Error(
          "no DynamoDB endpoint was given to the local engine (CLI: --dynamodb-table NAME:KEY starts the embedded dynalite with the table, --dynamodb-endpoint URL uses yours; API: integrations.dynamodb of run() / runWorkflow())",
        );
      }
      const given = typeof option === "function" ? await option() : option;
      if ("send" in given) return { kind: "sdk", client: given };
      const { region, credentials } = clientSettings(given);
      return { kind: "json", client: new DynamoDbJsonClient(given.endpoint, credentials, region), endpoint: given };
    })();
    return this.dynamo;
  }

  /**
   * An SDK client of the run's DynamoDB: the caller's, or one made for their endpoint, for the calls
   * the JSON path does not make (DynamoDB's control-plane actions, whose dates the SDK turns into ISO
   * strings, and names DynamoDB does not have).
   */
  dynamodb(): Promise<DynamoDBClient> {
    this.dynamoSdk ??= this.dynamoDbTarget().then(async (target) => {
      if (target.kind === "sdk") return target.client;
      const { DynamoDBClient: Client } = await import("@aws-sdk/client-dynamodb");
      return new Client({
        endpoint: target.endpoint.endpoint,
        // The middleware stack resolved once per command type, not on every call.
        cacheMiddleware: true,
        ...clientSettings(target.endpoint),
      });
    });
    return this.dynamoSdk;
  }

  /** Nested executions' state transitions (billed like any other: the estimate adds them). */
  get nestedStateTransitions(): number {
    return this.nested.reduce((n, r) => n + r.stateTransitions, 0);
  }
}
