/**
 * AWS-recorded executions replayed: the execution histories LocalStack recorded against AWS for its
 * Step Functions snapshot tests, for every state machine that needs nothing but its definition and
 * input (no Resource: no Task, ItemReader or ResultWriter). Each case is run through our engine and
 * its outcome compared with the one AWS recorded: status, output, and for a failure error and cause.
 *
 * Data: bench/data/aws-recorded.json, extracted by bench/data/extract-aws-recorded.py from
 * localstack/localstack (Apache-2.0; the source commit is in the file's `source` field).
 * LocalStack's snapshots replace run-specific values (ARNs, dates, ids) with placeholders such as
 * `<ExecArnPart_0idx>`, `date`, `uuid`; a recorded string holding one matches any string of ours.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonValue } from "../asl/types";
import { run } from "../engine";

interface RecordedCase {
  id: string;
  template: string;
  input: JsonValue;
  expected: { status: string; output?: JsonValue; error?: string; cause?: JsonValue };
  /** The recorded history's event types, in order; null where LocalStack's snapshot rewrote them (Parallel branches). */
  eventTypes: string[] | null;
}
interface RecordedData {
  source: string;
  licence: string;
  definitions: Record<string, unknown>;
  cases: RecordedCase[];
}

const data = JSON.parse(readFileSync(join(__dirname, "data", "aws-recorded.json"), "utf8")) as RecordedData;

/** A placeholder LocalStack's snapshot transformers put where AWS returned a run-specific value. */
const PLACEHOLDER =
  /<[A-Za-z_]+[A-Za-z0-9_:-]*>|^(date|timestamp|uuid|generated-uuid|snf_role_arn|start-time|start-date|entered-time|RandomNumberGenerated)$/;

function parsedIfJson(v: JsonValue | undefined): JsonValue | undefined {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as JsonValue;
  } catch {
    return v;
  }
}

function matches(expected: JsonValue | undefined, got: JsonValue | undefined): boolean {
  if (typeof expected === "string" && PLACEHOLDER.test(expected)) return typeof got === "string" || typeof got === "number";
  if (expected === null || typeof expected !== "object") return expected === got;
  if (got === null || typeof got !== "object" || Array.isArray(expected) !== Array.isArray(got)) return false;
  if (Array.isArray(expected)) {
    const g = got as JsonValue[];
    return expected.length === g.length && expected.every((e, i) => matches(e, g[i]));
  }
  const g = got as Record<string, JsonValue>;
  const ek = Object.keys(expected);
  return ek.length === Object.keys(g).length && ek.every((k) => k in g && matches(expected[k], g[k]));
}

/** A case whose recorded input LocalStack's snapshot rewrote (a date or id replaced by a placeholder) cannot be replayed. */
function rewritten(v: JsonValue): boolean {
  if (typeof v === "string") return PLACEHOLDER.test(v);
  if (v === null || typeof v !== "object") return false;
  return (Array.isArray(v) ? v : Object.values(v)).some(rewritten);
}

type Verdict = { kind: "same"; events?: string } | { kind: "differs" | "cause"; detail: string; events?: string };

/** Where our history's event types first part from AWS's, or undefined when they are the same. */
function eventsDiffer(want: string[], got: string[]): string | undefined {
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  if (i === want.length && i === got.length) return undefined;
  return `event ${i + 1}: ours ${got[i] ?? "(end)"}, AWS ${want[i] ?? "(end)"} (${got.length} vs ${want.length} events)`;
}

async function replay(c: RecordedCase): Promise<Verdict> {
  const definition = data.definitions[c.template];
  let r;
  try {
    // The recorded input and output are JSON text unless LocalStack's snapshot parsed them (objects).
    r = await run(definition, parsedIfJson(c.input) ?? null, { handlers: {}, clock: "virtual", random: 1 });
  } catch (e) {
    return { kind: "differs", detail: `not run: ${(e as Error).message.split("\n")[0]?.slice(0, 160)}` };
  }
  const events =
    c.eventTypes === null
      ? undefined
      : eventsDiffer(
          c.eventTypes,
          r.history.map((e) => e.type),
        );
  const verdict = outcome(c, r);
  return events === undefined ? verdict : { ...verdict, events };
}

function outcome(c: RecordedCase, r: Awaited<ReturnType<typeof run>>): Verdict {
  const want = c.expected;
  const cut = (v: unknown) => JSON.stringify(v)?.slice(0, 2400);
  if (r.status !== want.status) return { kind: "differs", detail: `${r.status} ${r.error ?? ""} ${cut(r.cause ?? r.output)}` };
  if (want.status === "SUCCEEDED" && !matches(parsedIfJson(want.output), r.output))
    return { kind: "differs", detail: `output ${cut(r.output)}\n      AWS    ${cut(want.output)}` };
  if (want.status !== "SUCCEEDED") {
    if (want.error !== r.error) return { kind: "differs", detail: `error ${r.error} (AWS: ${want.error})` };
    if (want.cause !== undefined && !matches(parsedIfJson(want.cause), parsedIfJson(r.cause)))
      return { kind: "cause", detail: `cause ${cut(r.cause)}\n      AWS   ${cut(want.cause)}` };
  }
  return { kind: "same" };
}

async function main(): Promise<void> {
  const replayable = data.cases.filter((c) => !rewritten(c.input));
  const verdicts: Array<[RecordedCase, Verdict]> = [];
  for (const c of replayable) verdicts.push([c, await replay(c)]);
  const n = replayable.length;
  const differs = verdicts.filter(([, v]) => v.kind === "differs");
  const cause = verdicts.filter(([, v]) => v.kind === "cause");
  const folder = (c: RecordedCase) => c.id.split("::")[0]!.split("/")[0]!;
  const byKind = new Map<string, number>();
  for (const c of replayable) byKind.set(folder(c), (byKind.get(folder(c)) ?? 0) + 1);
  console.log(`AWS-recorded executions (${data.source}, ${data.licence.split(";")[0]}):`);
  console.log(`  ${data.cases.length} extracted, ${data.cases.length - n} not replayable (input rewritten by the snapshot)`);
  console.log(`  by folder: ${[...byKind].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(
    `  reproduced ${n - differs.length}/${n} (status, output, error); with the cause text too ${n - differs.length - cause.length}/${n}`,
  );
  const histories = verdicts.filter(([, v]) => v.events !== undefined);
  const comparable = replayable.filter((c) => c.eventTypes !== null).length;
  console.log(
    `  history event types in AWS's order: ${comparable - histories.length}/${comparable} (${n - comparable} with Parallel branches LocalStack's snapshot rewrote, not compared)`,
  );
  for (const [c, v] of [...differs, ...cause])
    console.log(`  ${v.kind === "differs" ? "DIFFERS" : "CAUSE  "} ${c.id} (${c.template})\n      ours   ${"detail" in v ? v.detail : ""}`);
  for (const [c, v] of histories) console.log(`  HISTORY ${c.id} (${c.template})\n      ${v.events}`);
}

void main();
