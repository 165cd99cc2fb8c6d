/**
 * Engine conformance: the AWS-documented examples of test/engine/conformance/cases.ts (expected
 * outputs from the docs), run through our engine and through aws-local-stepfunctions (devDependency)
 * on the same definitions and inputs. Prints each engine's pass rate and the cases where they differ.
 * A case passes when the execution succeeds with exactly the documented output, or fails with the
 * documented error name.
 */
import type { JsonValue } from "../asl/types";
import { run } from "../engine";
import { CONFORMANCE_CASES, type ConformanceCase } from "../test/engine/conformance/cases";
import { isDeepStrictEqual } from "node:util";
import { loadAwsLocal } from "./aws-local";

type Verdict = { pass: boolean; detail: string };

function judge(c: ConformanceCase, got: { output?: JsonValue; error?: string }): Verdict {
  if ("output" in c.expected) {
    if (got.error !== undefined) return { pass: false, detail: `failed with ${got.error}` };
    return isDeepStrictEqual(got.output, c.expected.output)
      ? { pass: true, detail: "" }
      : { pass: false, detail: `output ${JSON.stringify(got.output)?.slice(0, 80)}` };
  }
  return got.error === c.expected.error
    ? { pass: true, detail: "" }
    : { pass: false, detail: got.error ? `error ${got.error}` : "succeeded" };
}

async function ours(c: ConformanceCase): Promise<Verdict> {
  const r = await run(c.definition, c.input, { handlers: {}, clock: "virtual", random: 1 });
  return judge(c, r.status === "SUCCEEDED" ? { output: r.output } : { error: r.error ?? r.status });
}

async function theirs(c: ConformanceCase): Promise<Verdict> {
  const { StateMachine } = await loadAwsLocal();
  try {
    const machine = new StateMachine(c.definition as never, { validationOptions: { checkArn: false } });
    const output = (await machine.run(c.input as never, { overrides: { waitTimeOverrides: { W: 0 } } }).result) as JsonValue;
    return judge(c, { output });
  } catch (e) {
    // An ExecutionError wraps the runtime error; its name is the States error name.
    const err = e as { name?: string; message?: string; cause?: { name?: string } };
    const name = err.cause?.name ?? /^Execution has failed with the following error: (.*)$/.exec(err.message ?? "")?.[0] ?? err.name;
    const wrapped = (e as { getWrappedError?: () => { name?: string } }).getWrappedError?.()?.name;
    return judge(c, { error: wrapped ?? name ?? "Error" });
  }
}

async function main(): Promise<void> {
  const rows: Array<[string, Verdict, Verdict]> = [];
  for (const c of CONFORMANCE_CASES) rows.push([c.name, await ours(c), await theirs(c)]);
  const n = rows.length;
  const pct = (k: number) => `${((100 * k) / n).toFixed(1)}%`;
  const a = rows.filter((r) => r[1].pass).length;
  const b = rows.filter((r) => r[2].pass).length;
  console.log(`AWS-documented examples (test/engine/conformance/cases.ts), ${n} cases:`);
  console.log(`  ours                          ${String(a).padStart(3)}/${n}  ${pct(a)}`);
  console.log(`  aws-local-stepfunctions 3.0.0 ${String(b).padStart(3)}/${n}  ${pct(b)}`);
  const differ = rows.filter((r) => !r[1].pass || !r[2].pass);
  if (differ.length) {
    console.log("  cases not passed by both:");
    for (const [name, o, t] of differ)
      console.log(
        `    ${name}: ours ${o.pass ? "pass" : `FAIL (${o.detail})`}; aws-local-stepfunctions ${t.pass ? "pass" : `FAIL (${t.detail})`}`,
      );
  }
}

void main();
