/**
 * The entries a finished child contributes to a Map Run's results.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 *
 * - Records (Transformation NONE, the default when exporting): `ExecutionArn`, `Input` (a JSON
 *   string), `InputDetails`, `Name`, `Output` (a JSON string), `OutputDetails`, `RedriveCount`,
 *   `RedriveStatus`, `RedriveStatusReason`, `StartDate`, `StateMachineArn`, `Status`, `StopDate`;
 *   failed ones carry `Error` and `Cause` instead of `Output`.
 * - COMPACT / FLATTEN: the succeeded entries are the child outputs themselves (FLATTEN spreads an
 *   array output into its elements). "If a child workflow execution fails, Step Functions returns
 *   its execution result unchanged. The results would be equivalent to having set Transformation
 *   to NONE."
 */
import type { JsonValue, ResultWriterTransformation } from "../../../asl/types";
import type { ChildOutcome } from "./contract";

/** The NONE-transformation record of a finished child execution. */
export function executionRecord(outcome: ChildOutcome, stateMachineArn: string): JsonValue {
  return JSON.parse(executionRecordJson(outcome, stateMachineArn)) as JsonValue;
}

const q = JSON.stringify;

/** The last timestamp formatted: the children of a busy Map Run end many to a millisecond. */
let isoMs = NaN;
let isoText = "";
function iso(date: Date): string {
  const ms = date.getTime();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = date.toISOString();
  }
  return isoText;
}

/** The last state machine ARN quoted: one per Map Run, asked for once per record. */
let quotedArnOf = "";
let quotedArn = "";
function quotedMachine(arn: string): string {
  if (arn !== quotedArnOf) {
    quotedArnOf = arn;
    quotedArn = q(arn);
  }
  return quotedArn;
}

/**
 * The same record, serialized directly: a Map Run with a ResultWriter writes one per child, so
 * this skips building an object only to stringify it (the fields are in AWS's order). The input
 * and output are JSON strings inside the record: the child's own texts are used when it has them.
 */
export function executionRecordJson(outcome: ChildOutcome, stateMachineArn: string): string {
  const failure = outcome.status === "FAILED" ? `"Cause":${q(outcome.cause)},"Error":${q(outcome.error)},` : "";
  const head =
    `{${failure}"ExecutionArn":${q(outcome.executionArn)},"Input":${q(outcome.inputText ?? q(outcome.input))},` +
    `"InputDetails":{"Included":true},"Name":${q(outcome.name)},`;
  const tail =
    `"StartDate":"${iso(outcome.startDate)}","StateMachineArn":${quotedMachine(stateMachineArn)},` +
    `"Status":"${outcome.status}","StopDate":"${iso(outcome.stopDate)}"}`;
  if (outcome.status === "SUCCEEDED") {
    return (
      `${head}"Output":${q(outcome.outputText ?? q(outcome.output))},"OutputDetails":{"Included":true},"RedriveCount":0,` +
      `"RedriveStatus":"NOT_REDRIVABLE","RedriveStatusReason":"Execution is SUCCEEDED and cannot be redriven",${tail}`
    );
  }
  return `${head}"RedriveCount":0,"RedriveStatus":"REDRIVABLE_BY_MAP_RUN",${tail}`;
}

/** The record of an item whose child execution never started (the Map Run ended first). */
export function pendingRecord(input: JsonValue): JsonValue {
  return { Input: JSON.stringify(input), InputDetails: { Included: true }, Status: "PENDING" };
}

/** Entries a finished child contributes under `transformation` (FLATTEN may give several). */
export function transformedEntries(
  outcome: ChildOutcome,
  transformation: ResultWriterTransformation,
  stateMachineArn: string,
): JsonValue[] {
  if (outcome.status !== "SUCCEEDED" || transformation === "NONE") return [executionRecord(outcome, stateMachineArn)];
  if (transformation === "FLATTEN" && Array.isArray(outcome.output)) return outcome.output;
  return [outcome.output];
}

/** The same entries as JSON text, for the spool. */
export function transformedEntriesJson(
  outcome: ChildOutcome,
  transformation: ResultWriterTransformation,
  stateMachineArn: string,
): string[] {
  if (outcome.status !== "SUCCEEDED" || transformation === "NONE") return [executionRecordJson(outcome, stateMachineArn)];
  if (transformation === "FLATTEN" && Array.isArray(outcome.output)) return outcome.output.map((e) => q(e));
  return [outcome.outputText ?? q(outcome.output)];
}
