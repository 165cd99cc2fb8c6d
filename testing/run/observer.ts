/**
 * What a tool that watches a run (the console) is told by the runners (`npm run exec`'s
 * runLocalExecution, `npm start`'s runLocal): what will run and, after the run and before the
 * embedded servers stop, the run's result and a way to run the engine again with the same
 * handlers, S3 and clock (a redrive).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue } from "../../asl/types";
import type { ExecutionResult, RunOptions } from "../../engine/types";

export type EngineRerun = (
  definition: unknown,
  input: JsonValue,
  options: Pick<RunOptions, "validate" | "executionName" | "stateMachineArn" | "mapRunHooks" | "stateMachineType">,
) => Promise<ExecutionResult>;

export interface RunStarting {
  definition: unknown;
  stateMachineType: "STANDARD" | "EXPRESS";
  /** The buckets the run uses (where the console looks for result files). */
  buckets: string[];
}

export interface RunFinished {
  result: ExecutionResult;
  /** The embedded S3's client, when the run has one. */
  s3Client?: S3Client;
  rerun: EngineRerun;
}

export interface RunObserver {
  /** Before the engine starts; returns the engine options the observer needs. */
  starting(run: RunStarting): Pick<RunOptions, "onEvent" | "mapRunHooks" | "childEvents" | "childHistories">;
  /** After the run, before the servers stop: resolves when the observer is done (the console is closed). */
  finished(run: RunFinished): Promise<void>;
}
