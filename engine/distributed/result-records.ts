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
import type { JsonValue, ResultWriterTransformation } from "../../asl/types";
import type { ChildOutcome } from "./map-run-interface";

/** The NONE-transformation record of a finished child execution. */
export function executionRecord(outcome: ChildOutcome, stateMachineArn: string): JsonValue {
  return JSON.parse(executionRecordJson(outcome, stateMachineArn)) as JsonValue;
}

const q = JSON.stringify;

/**
 * JSON.stringify of a string: most here (UUIDs, ARNs, the short JSON texts of inputs and outputs)
 * need no escape, and checking by hand costs a fraction of a JSON.stringify call (measured: that
 * call was a third of a record's cost).
 */
function stringLiteral(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return q(s);
  }
  return `"${s}"`;
}

/** JSON.stringify of a JSON value (a finite number prints as String does). */
function jsonText(value: JsonValue): string {
  return typeof value === "number" ? String(value) : typeof value === "string" ? stringLiteral(value) : q(value);
}

/** The last ARN prefix seen (one per Map Run) and whether it needs escaping. */
let prefixSeen: string | undefined;
let prefixPlain = false;

/**
 * The ExecutionArn's literal, from the ARN's prefix and the child's name (and its literal) when the
 * child has them: the ARN itself is then never made.
 */
function executionArnLiteral(outcome: ChildOutcome, name: string, nameLiteral: string): string {
  const prefix = outcome.executionArnPrefix;
  if (prefix === undefined) return stringLiteral(outcome.executionArn);
  if (prefix !== prefixSeen) {
    prefixSeen = prefix;
    prefixPlain = stringLiteral(prefix).length === prefix.length + 2;
  }
  return prefixPlain && nameLiteral.length === name.length + 2 ? `"${prefix}${name}"` : q(prefix + name);
}

/**
 * `new Date(ms).toISOString()`, from the text of its second: the children of a busy Map Run start
 * and stop many to a second, and formatting two dates was a tenth of a ResultWriter record's cost.
 */
let isoSecond = NaN;
let isoPrefix = "";
function iso(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, -4); // "2026-12-03T16:43:06."
  }
  const milli = ms - second * 1000;
  return `${isoPrefix}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
}

/** The fixed parts of one state machine's records (one machine per Map Run), kept for the last one asked (none yet: undefined, so that "" is made too). */
let partsOf: string | undefined;
let parts = { succeededTail: "", failedTail: "", abortedTail: "" };
function partsFor(stateMachineArn: string): typeof parts {
  if (stateMachineArn !== partsOf) {
    partsOf = stateMachineArn;
    const machine = `","StateMachineArn":${q(stateMachineArn)},"Status":"`;
    parts = {
      succeededTail: `${machine}SUCCEEDED","StopDate":"`,
      failedTail: `${machine}FAILED","StopDate":"`,
      abortedTail: `${machine}ABORTED","StopDate":"`,
    };
  }
  return parts;
}

/**
 * The same record, serialized directly: a Map Run with a ResultWriter writes one per child (about
 * 550 bytes each), so this skips building an object only to stringify it, and joins constant
 * parts (the fields are in AWS's order). The input and output are JSON strings inside the record:
 * the child's own texts are used when it has them. (Joining the pieces with Array#join makes the
 * flat string at once, where concatenation makes a tree that writing it out copies flat again:
 * 40 % less garbage, but measured no faster, alternated in case (4), and slower alone.)
 */
export function executionRecordJson(outcome: ChildOutcome, stateMachineArn: string): string {
  const p = partsFor(stateMachineArn);
  // A caller's own Clock (RunOptions.clock) may give fractional times: truncated, as Date does.
  const start = iso(Math.trunc(outcome.startTime ?? outcome.startDate.getTime()));
  const stop = iso(Math.trunc(outcome.stopTime ?? outcome.stopDate.getTime()));
  const name = outcome.name;
  const nameLiteral = stringLiteral(name);
  const head = `"ExecutionArn":${executionArnLiteral(outcome, name, nameLiteral)},"Input":${stringLiteral(outcome.inputText ?? jsonText(outcome.input))},"InputDetails":{"Included":true},"Name":${nameLiteral},`;
  if (outcome.status === "SUCCEEDED") {
    return (
      `{${head}"Output":${stringLiteral(outcome.outputText ?? jsonText(outcome.output))},"OutputDetails":{"Included":true},"RedriveCount":0,` +
      `"RedriveStatus":"NOT_REDRIVABLE","RedriveStatusReason":"Execution is SUCCEEDED and cannot be redriven","StartDate":"${start}${p.succeededTail}${stop}"}`
    );
  }
  const failure = outcome.status === "FAILED" ? `"Cause":${q(outcome.cause)},"Error":${q(outcome.error)},` : "";
  const tail = outcome.status === "FAILED" ? p.failedTail : p.abortedTail;
  return `{${failure}${head}"RedriveCount":0,"RedriveStatus":"REDRIVABLE_BY_MAP_RUN","StartDate":"${start}${tail}${stop}"}`;
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
