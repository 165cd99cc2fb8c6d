/**
 * End-to-end checks of a finished run, from what the workflow itself produced:
 * - the seed workflow: every number of [0, number) processed exactly once, proven from ProcessData's
 *   results as the ResultWriter exported them (or from the Map's output when there is no writer);
 * - the map-reduce workflow: the reduce step's totals equal the generated data set's.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { forEachChildRecord, readManifest, ResultWriterOutputSchema } from "../../handlers/map-reduce/result-files";
import type { ReduceResult } from "../../handlers/map-reduce/reduce-counts";
import { ProcessDataResultSchema, type ProcessDataResult } from "../../handlers/process-data";
import { ExactlyOnceCheck, type ExactlyOnceReport } from "../../handlers/process-data/exactly-once";
import type { CheckResult } from "../demo";
import type { DatasetTotals } from "./dataset";

export type { CheckResult } from "../demo";

export interface ResultWriterLocation {
  bucket: string;
  manifestKey: string;
}

/** Where the Map's ResultWriter put its manifest, if the output says so. */
export function resultWriterLocation(mapOutput: unknown): ResultWriterLocation | undefined {
  const parsed = ResultWriterOutputSchema.safeParse(mapOutput);
  return parsed.success ? { bucket: parsed.data.ResultWriterDetails.Bucket, manifestKey: parsed.data.ResultWriterDetails.Key } : undefined;
}

/**
 * ProcessData's results from the ResultWriter's files (streamed), or from a Map output that is the
 * results array, each given to `onResult` as it is read: nothing keeps them all.
 */
export async function forEachProcessDataResult(
  s3: S3Client,
  mapOutput: unknown,
  onResult: (result: ProcessDataResult) => void,
): Promise<{ source: string; unreadable: number }> {
  let unreadable = 0;
  const take = (value: unknown) => {
    const parsed = ProcessDataResultSchema.safeParse(value);
    if (parsed.success) onResult(parsed.data);
    else unreadable++;
  };
  const location = resultWriterLocation(mapOutput);
  if (location) {
    const manifest = await readManifest(s3, location.bucket, location.manifestKey);
    await forEachChildRecord(s3, manifest, (record) => {
      if (record.status === "SUCCEEDED") take(record.output);
    });
    return { source: `ResultWriter files listed in s3://${location.bucket}/${location.manifestKey}`, unreadable };
  }
  if (Array.isArray(mapOutput)) {
    mapOutput.forEach(take);
    return { source: "the Map state's output", unreadable };
  }
  return { source: "nothing (the Map produced no results)", unreadable };
}

export async function checkSeedExactlyOnce(s3: S3Client, mapOutput: unknown, number: number): Promise<CheckResult> {
  const check = new ExactlyOnceCheck();
  const { source, unreadable } = await forEachProcessDataResult(s3, mapOutput, (r) => check.add(r));
  const report = check.report(number);
  const problems = [...report.problems];
  if (unreadable > 0) problems.push(`${unreadable} results were not ProcessData results`);
  const passed = report.ok && unreadable === 0;
  return exactlyOnceResult(report, number, source, problems, passed);
}

/** The check's verdict in words, whichever evidence it read. */
function exactlyOnceResult(report: ExactlyOnceReport, number: number, source: string, problems: string[], passed: boolean): CheckResult {
  return {
    name: "exactly-once",
    passed,
    detail: passed
      ? `every number of [0, ${number.toLocaleString("en-US")}) processed exactly once: ${report.ranges.toLocaleString("en-US")} ranges, count ${report.reported.count.toLocaleString("en-US")}, sum ${report.reported.sum.toLocaleString("en-US")} (read from ${source})`
      : `FAILED (read from ${source}): ${problems.join("; ")}`,
    problems,
  };
}

export function checkMapReduceTotals(output: ReduceResult, totals: DatasetTotals): CheckResult {
  const problems: string[] = [];
  const compare = (what: string, got: number, expected: number) => {
    if (got !== expected) problems.push(`${what}: reduce says ${got}, the data set has ${expected}`);
  };
  compare("objects", output.objects, totals.objects);
  compare("bytes", output.bytes, totals.bytes);
  compare("lines", output.lines, totals.lines);
  compare("words", output.words, totals.words);
  const expectedTop = [...totals.wordCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  const top = output.topWords[0];
  if (expectedTop && (!top || top.word !== expectedTop[0] || top.count !== expectedTop[1])) {
    problems.push(
      `top word: reduce says ${top ? `${top.word}×${top.count}` : "none"}, the data set has ${expectedTop[0]}×${expectedTop[1]}`,
    );
  }
  const passed = problems.length === 0;
  return {
    name: "reduce-totals",
    passed,
    detail: passed
      ? `reduce totals match the generated data set: ${totals.objects.toLocaleString("en-US")} objects, ${totals.bytes.toLocaleString("en-US")} bytes, ${totals.words.toLocaleString("en-US")} words`
      : `FAILED: ${problems.join("; ")}`,
    problems,
  };
}

/** Result files up to this size are read back whole for the check; larger exports are cross-checked by the manifest. */
export const FULL_READ_BYTES = 64 * 1024 * 1024;

/**
 * Exactly-once for the seed's pattern, choosing its evidence by size: the ResultWriter's exported
 * results when they are small enough to read back quickly (or when there is no writer), else the
 * ProcessData results observed in-process (every successful invocation, retries included, so a
 * duplicate still shows) cross-checked with the manifest (SUCCEEDED files only, none FAILED or
 * PENDING). Reading 300 MB of JSON back would cost more than the run itself at 2,000,000 numbers.
 */
/**
 * ProcessData's results as the handler returned them, folded into the exactly-once digest as they
 * come (the ranges only, no object per result: bounded memory at 10,000,000 items).
 */
export class ObservedProcessData {
  readonly check = new ExactlyOnceCheck();
  results = 0;
  unreadable = 0;

  add(_fn: string, r: unknown): void {
    // The common shape checked by hand (a zod parse per result costs more than the check itself at 400,000); anything else through the schema.
    const o = r as Partial<Record<"from" | "to" | "count" | "sum", unknown>> | null;
    if (
      o !== null &&
      typeof o === "object" &&
      typeof o.from === "number" &&
      typeof o.to === "number" &&
      typeof o.count === "number" &&
      typeof o.sum === "number" &&
      !("ranges" in o)
    ) {
      this.results++;
      this.check.add(o as ProcessDataResult);
      return;
    }
    const parsed = ProcessDataResultSchema.safeParse(r);
    if (parsed.success) {
      this.results++;
      this.check.add(parsed.data);
    } else this.unreadable++;
  }
}

export async function checkExactlyOnceBySize(
  s3: S3Client,
  mapOutput: unknown,
  number: number,
  observed: ObservedProcessData | undefined,
): Promise<CheckResult> {
  const location = resultWriterLocation(mapOutput);
  if (!location || !observed) return checkSeedExactlyOnce(s3, mapOutput, number);
  const manifest = await readManifest(s3, location.bucket, location.manifestKey);
  const files = manifest.ResultFiles;
  const bytes = (files.SUCCEEDED ?? []).reduce((sum, f) => sum + (f.Size ?? 0), 0);
  if (bytes <= FULL_READ_BYTES) return checkSeedExactlyOnce(s3, mapOutput, number);
  const report = observed.check.report(number);
  const problems = [...report.problems];
  if (observed.unreadable > 0) problems.push(`${observed.unreadable} results were not ProcessData results`);
  if ((files.FAILED ?? []).length + (files.PENDING ?? []).length > 0) problems.push("the manifest lists FAILED or PENDING result files");
  if ((files.SUCCEEDED ?? []).length === 0) problems.push("the manifest lists no SUCCEEDED result file");
  const passed = problems.length === 0;
  const source = `the ${observed.results.toLocaleString("en-US")} ProcessData results returned in-process, with the manifest s3://${location.bucket}/${location.manifestKey} listing ${(bytes / 1e6).toFixed(0)} MB of SUCCEEDED results only`;
  return exactlyOnceResult(report, number, source, problems, passed);
}
