/**
 * What a caller gives the integrations (IntegrationOptions) and what a run reports of its nested
 * executions: plain data types in a leaf module, so the engine's shared types (../types.ts) can name
 * them without importing the integrations' runtime (no import circle, counting `import type`).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { StateMachineDefinition } from "../../asl/types";
import type { MockedTestCase } from "./mock-config";
import type { TaskTokenHook, TaskTokens } from "./task-tokens";

export interface StateMachineEntry {
  definition: StateMachineDefinition;
  type?: "STANDARD" | "EXPRESS";
}

/** A nested execution started by `states:startExecution` (any pattern). */
export interface NestedExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  parentExecutionArn: string;
  stateName: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  stateTransitions: number;
  /** Wall time on the engine's clock (EXPRESS billing is by duration). */
  durationMs: number;
  type: "STANDARD" | "EXPRESS";
}

/**
 * A DynamoDB endpoint (a local emulator: dynalite, DynamoDB Local) with the keys it accepts (default:
 * the environment's, else "local" — inside a local run the environment holds the run's own keys,
 * which an emulator that checks signatures refuses: give its keys here).
 */
export interface DynamoDbEndpoint {
  /** The endpoint's URL, http or https (`http://127.0.0.1:8000`). */
  endpoint: string;
  /** The keys requests are signed with (SigV4). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface IntegrationOptions {
  /**
   * DynamoDB for `dynamodb:*` and `aws-sdk:dynamodb:*`: an endpoint, which the engine calls over
   * DynamoDB's JSON protocol as Step Functions does (the SDK only for control-plane actions such as
   * describeTable); or your own SDK client, which then makes every call with its configuration; or a
   * function giving either on the first DynamoDB call (a server started on demand).
   */
  dynamodb?: DynamoDBClient | DynamoDbEndpoint | (() => Promise<DynamoDBClient | DynamoDbEndpoint>);
  /** The machines `states:startExecution` may start, by name or ARN. */
  stateMachines?: Record<string, StateMachineDefinition | StateMachineEntry>;
  /** The callback API for `.waitForTaskToken` tasks (one is made when absent). */
  taskTokens?: TaskTokens;
  /**
   * Told of every task token a task sent (found in its evaluated Parameters/Arguments), after the
   * call was made: answer through `tokens`. Return a promise when the answer comes later: the run
   * waits for it (see TaskTokenHook). A token the task did not send reaches no hook, as on AWS.
   */
  onTaskToken?: TaskTokenHook;
  /** A MockConfigFile test case: its states answer from the file, with no handler or emulator. */
  mocks?: MockedTestCase;
}
