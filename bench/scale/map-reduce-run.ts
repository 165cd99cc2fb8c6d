/**
 * One run of seed 002's map-reduce demo in a process of its own (`npm start -- --workflow map-reduce
 * --objects N --json`, ../start-process.ts): the data set's generation (reported apart), the Map
 * Run's own duration, the wall time, the process's CPU seconds and peak RSS, and the reduce step's
 * check. Used by seed002.bench.ts and scale.bench.ts.
 */
import { runStartProcess } from "../start-process";

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

export async function runMapReduce(objects: number): Promise<MapReduceRun> {
  const { summary, wallS, cpuS, peakBytes, code } = await runStartProcess<MapReduceSummary>([
    "--workflow",
    "map-reduce",
    "--objects",
    String(objects),
  ]);
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
