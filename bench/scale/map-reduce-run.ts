/**
 * One run of seed 002's map-reduce demo in a process of its own (`npm start -- --workflow map-reduce
 * --objects N --json`): the data set's generation (reported apart), the Map Run's own duration, the
 * wall time, the process's CPU seconds and peak RSS (VmHWM and utime+stime sampled every 200 ms from
 * /proc), and the reduce step's check. Used by seed002.bench.ts and scale.bench.ts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface MapReduceSummary {
  status?: string;
  phasesMs?: { dataset: number; execution: number };
  mapRuns?: Array<{ items: number; durationMs?: number }>;
  check?: { passed: boolean; detail: string };
}

export interface MapReduceRun {
  objects: number;
  summary: MapReduceSummary;
  /** The data set's generation (PutObject of every object, straight into the data folder). */
  datasetS: number;
  /** The Map Run's own duration (the execution's when the summary has no Map Run). */
  mapS: number;
  objectsPerS: number;
  wallS: number;
  cpuS: number;
  peakBytes: number;
  passed: boolean;
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

export async function runMapReduce(objects: number): Promise<MapReduceRun> {
  const dataRoot = mkdtempSync(join(tmpdir(), "seed002-bench-"));
  const root = join(__dirname, "..", "..");
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "tools/cli/start.ts"), "--workflow", "map-reduce", "--objects", String(objects), "--json"],
    {
      cwd: root,
      env: { ...process.env, CI: "true", LOCAL_S3_DIR: dataRoot, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
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
  let summary: MapReduceSummary = {};
  try {
    summary = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as MapReduceSummary;
  } catch {
    /* reported as a failed run */
  }
  const mapS = (summary.mapRuns?.[0]?.durationMs ?? summary.phasesMs?.execution ?? NaN) / 1000;
  return {
    objects,
    summary,
    datasetS: (summary.phasesMs?.dataset ?? NaN) / 1000,
    mapS,
    objectsPerS: objects / mapS,
    wallS,
    cpuS,
    peakBytes,
    passed: summary.check?.passed === true && code === 0,
    code,
  };
}
