/**
 * `npm start` in a process of its own, as the benches that measure a whole local run take it
 * (seed-demo-10m.bench.ts, scale/map-reduce-run.ts): `--json`, CI mode, a fresh LOCAL_S3_DIR removed
 * afterwards; the wall time, the process's CPU seconds (utime + stime) and peak RSS (VmHWM), both
 * sampled every 200 ms from /proc, and the summary it printed last.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface StartProcessRun<Summary> {
  /** The last line it printed, parsed (`{}` when it printed none that parses). */
  summary: Partial<Summary>;
  wallS: number;
  cpuS: number;
  peakBytes: number;
  code: number | null;
}

function hwmBytes(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** `tools/cli/start.ts --json ...args`, measured. */
export async function runStartProcess<Summary>(args: readonly string[]): Promise<StartProcessRun<Summary>> {
  const dataRoot = mkdtempSync(join(tmpdir(), "bench-start-"));
  const root = join(__dirname, "..");
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "tools/cli/start.ts"), "--json", ...args], {
    cwd: root,
    env: { ...process.env, CI: "true", LOCAL_S3_DIR: dataRoot, NODE_OPTIONS: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  let peakBytes = 0;
  let cpuS = 0;
  const sample = () => {
    peakBytes = Math.max(peakBytes, hwmBytes(child.pid!) ?? 0);
    try {
      // utime + stime, in clock ticks (100 a second on Linux).
      const f = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      cpuS = (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      /* exited */
    }
  };
  const sampler = setInterval(sample, 200);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(sampler);
  const wallS = (performance.now() - started) / 1000;
  rmSync(dataRoot, { recursive: true, force: true });
  let summary: Partial<Summary> = {};
  try {
    summary = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Partial<Summary>;
  } catch {
    /* reported as a failed run */
  }
  return { summary, wallS, cpuS, peakBytes, code };
}
