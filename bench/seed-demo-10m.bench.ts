/**
 * 10,000,000 items end to end (`npm run bench -- seed-demo-10m`; until issue 31 this was scale.bench.ts,
 * which now prints issue 31's figures and cost curve): `npm start -- --input '{"number":50000000,"chunk":5}'` (the seed
 * demo, chunks of 5 → 10M child executions, ResultWriter files of gigabytes, the exactly-once check
 * streaming them back), in its own process: wall time and peak RSS (VmHWM, sampled every 200 ms
 * from /proc) beside the 1 GiB budget. Long (about 15 minutes on a shared 2-core machine): skip it
 * with `SCALE_NUMBER=0`, or try a smaller run with `SCALE_NUMBER=1000000`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const NUMBER = Number(process.env["SCALE_NUMBER"] ?? 50_000_000);
const BUDGET = 1024 ** 3;

function row(label: string, value: string, comparison = ""): void {
  process.stdout.write(`${label.padEnd(52)}${value.padStart(14)}   ${comparison}\n`);
}

function hwmBytes(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (NUMBER <= 0) {
    row("10M-item seed demo", "skipped", "SCALE_NUMBER=0");
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), "scale-bench-"));
  const root = join(__dirname, "..");
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "tools/cli/start.ts"), "--json", "--input", JSON.stringify({ number: NUMBER, chunk: 5 })],
    {
      cwd: root,
      env: { ...process.env, CI: "true", LOCAL_S3_DIR: dataRoot, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, hwmBytes(child.pid!) ?? 0)), 200);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(sampler);
  const wallS = (performance.now() - started) / 1000;
  rmSync(dataRoot, { recursive: true, force: true });
  const summary = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
    status?: string;
    items?: number;
    check?: { passed: boolean; detail: string };
  };
  const items = (NUMBER / 5).toLocaleString("en-US");
  row(`seed demo, ${items} items: status`, `${summary.status ?? `exit ${code}`}`, summary.check?.detail.slice(0, 90) ?? "");
  row("  exactly-once check", summary.check?.passed ? "PASSED" : "NOT PASSED");
  row("  wall time", `${wallS.toFixed(0)} s`, `${Math.round(NUMBER / 5 / wallS).toLocaleString("en-US")} items/s end to end`);
  row("  peak RSS", `${(peak / 1024 ** 2).toFixed(0)} MiB`, `budget < ${BUDGET / 1024 ** 2} MiB — ${peak < BUDGET ? "met" : "MISSED"}`);
  if (code !== 0 || !summary.check?.passed) process.exitCode = 1;
}

void main();
