/**
 * 10,000,000 items end to end (`npm run bench -- seed-demo-10m`; until issue 31 this was scale.bench.ts,
 * which now prints issue 31's figures and cost curve): `npm start -- --input '{"number":50000000,"chunk":5}'` (the seed
 * demo, chunks of 5 → 10M child executions, ResultWriter files of gigabytes, the exactly-once check
 * streaming them back), in its own process (./start-process.ts): wall time and peak RSS beside the
 * 1 GiB budget. Long (about 15 minutes on a shared 2-core machine): skip it
 * with `SCALE_NUMBER=0`, or try a smaller run with `SCALE_NUMBER=1000000`.
 */
import { runStartProcess } from "./start-process";

const NUMBER = Number(process.env["SCALE_NUMBER"] ?? 50_000_000);
const BUDGET = 1024 ** 3;

function row(label: string, value: string, comparison = ""): void {
  process.stdout.write(`${label.padEnd(52)}${value.padStart(14)}   ${comparison}\n`);
}

async function main(): Promise<void> {
  if (NUMBER <= 0) {
    row("10M-item seed demo", "skipped", "SCALE_NUMBER=0");
    return;
  }
  const {
    summary,
    wallS,
    peakBytes: peak,
    code,
  } = await runStartProcess<{
    status: string;
    items: number;
    check: { passed: boolean; detail: string };
  }>(["--input", JSON.stringify({ number: NUMBER, chunk: 5 })]);
  const items = (NUMBER / 5).toLocaleString("en-US");
  row(`seed demo, ${items} items: status`, `${summary.status ?? `exit ${code}`}`, summary.check?.detail.slice(0, 90) ?? "");
  row("  exactly-once check", summary.check?.passed ? "PASSED" : "NOT PASSED");
  row("  wall time", `${wallS.toFixed(0)} s`, `${Math.round(NUMBER / 5 / wallS).toLocaleString("en-US")} items/s end to end`);
  row("  peak RSS", `${(peak / 1024 ** 2).toFixed(0)} MiB`, `budget < ${BUDGET / 1024 ** 2} MiB — ${peak < BUDGET ? "met" : "MISSED"}`);
  if (code !== 0 || !summary.check?.passed) process.exitCode = 1;
}

void main();
