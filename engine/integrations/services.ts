/**
 * What the integrations of one run share (its nested and Distributed Map child executions too):
 * the emulator clients, the outbox, the task tokens, the mocked responses, the state machines a
 * StartExecution may start, and the record of nested executions (for the billing estimate).
 */
import type { CompiledWorkflow } from "../compile";
import type { ExecutionResult } from "../types";
import type { IntegrationOptions, NestedExecutionRecord, StateMachineEntry } from "./options";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { StateMachineDefinition } from "../../asl/types";
import { stateMachineNameOf } from "../../asl/integrations";
import type { MockedTestCase } from "./mock-config";
import type { OutboxMessage } from "./outbox";
import { TaskTokens, type TaskTokenHook } from "./task-tokens";

export type { IntegrationOptions, NestedExecutionRecord, StateMachineEntry } from "./options";

/**
 * The executor's entry (run-execution.ts `runExecution`), as nested executions call it. `Setup` is
 * the execution's setup (execution.ts `ExecutionSetup`), a parameter so that this module, which the
 * setup names, does not name the setup back.
 */
export type RunExecution<Setup> = (setup: Setup, workflow: CompiledWorkflow, timeoutSeconds?: number) => Promise<ExecutionResult>;

export class IntegrationServices<Setup = unknown> {
  readonly outbox: OutboxMessage[] = [];
  readonly nested: NestedExecutionRecord[] = [];
  readonly tokens: TaskTokens;
  readonly mocks: MockedTestCase | undefined;
  readonly onTaskToken: IntegrationOptions["onTaskToken"];
  /** Whether the caller holds the TaskTokens (`taskTokens` given) and may answer from outside the run. */
  readonly answeredFromOutside: boolean;
  private readonly machines = new Map<string, StateMachineEntry>();
  private dynamo?: Promise<DynamoDBClient>;

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

  dynamodb(): Promise<DynamoDBClient> {
    this.dynamo ??= (async () => {
      const option = this.options.dynamodb;
      if (typeof option === "function") return option();
      if (option && "send" in option) return option;
      if (!option) {
        throw new Error(
          "no DynamoDB endpoint was given to the local engine (CLI: --dynamodb-table NAME:KEY starts the embedded dynalite with the table, --dynamodb-endpoint URL uses yours; API: integrations.dynamodb of run() / runWorkflow())",
        );
      }
      const { DynamoDBClient: Client } = await import("@aws-sdk/client-dynamodb");
      return new Client({
        endpoint: option.endpoint,
        // The middleware stack resolved once per command type, not on every putItem (the engine's own client).
        cacheMiddleware: true,
        region: process.env.AWS_REGION ?? "us-east-1",
        credentials: option.credentials ?? {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
        },
      });
    })();
    return this.dynamo;
  }

  /** Nested executions' state transitions (billed like any other: the estimate adds them). */
  get nestedStateTransitions(): number {
    return this.nested.reduce((n, r) => n + r.stateTransitions, 0);
  }
}
