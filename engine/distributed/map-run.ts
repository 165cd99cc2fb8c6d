/**
 * One Map Run, composed of its three parts: the item stream (read → select → batch), the scheduler
 * (MaxConcurrency, child starts, tolerated failures, abort) and the result sink (ResultWriter or
 * in-memory results, counts); this file reports the Map Run (history events, the live record).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 *
 * Memory stays bounded by MaxConcurrency, not by the item count: items are pulled from the stream
 * only when a child slot is free, finished children are written to the result spool (temporary
 * files) and dropped. Only without a ResultWriter are the child outputs kept, because they are
 * the state's result.
 */
import { randomUUID } from "node:crypto";
import type { JsonValue, MapState } from "../../asl/types";
import type { StatesError } from "../model/errors";
import { childStarter } from "./child-start";
import type { DistributedMapContext, MapRunRecord } from "./map-run-interface";
import { ItemStream } from "./item-stream";
import { mapRunArnFor, mapRunLabel } from "./map-run-arn";
import { MapRunPublisher, zeroCounts } from "./map-run-record";
import { planWriter } from "./result-plan";
import { ResultSink } from "./result-sink";
import { Scheduler } from "./scheduler";
import { resolveSettings } from "./settings";

export { mapRunArnFor, mapRunLabel } from "./map-run-arn";

export interface MapRunOptions {
  /** Size at which a result file is split (default: S3's 5 GB single-PUT limit). Tests lower it. */
  maxResultFileBytes?: number;
  /** Result bytes a ResultWriter holds in memory before it spills to temporary files (for tests). */
  spoolMemoryBytes?: number;
  /** Least time between two progress callbacks (the final one is always sent). */
  progressIntervalMs?: number;
}

export async function runMapRun(
  state: MapState,
  input: JsonValue,
  ctx: DistributedMapContext,
  options: MapRunOptions = {},
): Promise<JsonValue> {
  const settings = resolveSettings(state, input, ctx);
  const plan = planWriter(state, input, ctx);
  const stateName = ctx.stateName ?? "Map";
  const label = ctx.label ?? mapRunLabel(ctx.stateMachineArn, stateName, state.Label);
  // "Redriving Map Runs": the redriven Map Run keeps its ARN (so its ResultWriter folder too).
  const redrive = ctx.hooks?.redrive?.stateName === stateName ? ctx.hooks.redrive : undefined;
  const mapRunArn = redrive?.mapRunArn ?? mapRunArnFor(ctx.stateMachineArn, label, randomUUID());
  const childMachineArn = `${ctx.stateMachineArn}/${label}`;
  const record: MapRunRecord = {
    mapRunArn,
    stateName,
    label: state.Label,
    status: "RUNNING",
    startDate: new Date(),
    maxConcurrency: settings.maxConcurrency,
    toleratedFailurePercentage: settings.toleratedFailurePercentage ?? 0,
    toleratedFailureCount: settings.toleratedFailureCount ?? 0,
    itemCounts: zeroCounts(),
    executionCounts: zeroCounts(),
    ...(redrive ? { redriveCount: redrive.redriveCount, redriveDate: redrive.redriveDate } : {}),
  };
  const progress = new MapRunPublisher(record, (r) => ctx.onMapRunUpdate(r), options.progressIntervalMs);
  const onChange = () => progress.changed();
  const sink = new ResultSink(
    plan,
    ctx.s3,
    mapRunArn,
    childMachineArn,
    record,
    settings.batcher !== undefined,
    options.maxResultFileBytes,
    options.spoolMemoryBytes,
  );
  const children = childStarter(ctx, childMachineArn);
  // The scheduler listens to the parent's signal from here on (so a stop during the first
  // progress report is seen) until its run ends.
  const onChildDone = ctx.hooks?.onChildDone;
  const scheduler = new Scheduler({
    settings,
    mapRunArn,
    record,
    progress,
    children,
    sink,
    parentSignal: ctx.signal,
    onChildDone: onChildDone ? (seq, n, outcome) => onChildDone(mapRunArn, stateName, seq, n, outcome) : undefined,
    kept: redrive ? (seq) => redrive.succeeded(seq) : undefined,
  });
  if (redrive) {
    sink.keptOutputs = redrive.outputs;
    if (redrive.manifest) await sink.keepRecords(earlierRecords(ctx, redrive.manifest));
  }
  const stream = new ItemStream(state, input, ctx, settings, record, scheduler.signal, onChange);

  const finishRecord = (status: MapRunRecord["status"]) => {
    record.status = status;
    record.stopDate = new Date();
    progress.flush();
  };
  try {
    // A redriven Map Run records MapRunRedriven (HistoryEvent's mapRunRedrivenEventDetails), not MapRunStarted.
    if (redrive) ctx.emitHistory("MapRunRedriven", { mapRunArn, redriveCount: redrive.redriveCount });
    else ctx.emitHistory("MapRunStarted", { mapRunArn });
    progress.flush();
    await scheduler.run(stream);

    if (scheduler.parentAborted) {
      await sink.exportStopped();
      ctx.emitHistory("MapRunAborted", {});
      finishRecord("ABORTED");
      return null;
    }
    let error = scheduler.error();
    let output: JsonValue = null;
    try {
      output = await sink.result();
      const details = (output as { ResultWriterDetails?: { Bucket: string; Key: string } } | null)?.ResultWriterDetails;
      if (details && !Array.isArray(output)) record.resultWriterDetails = { bucket: details.Bucket, key: details.Key };
    } catch (err) {
      error ??= err as StatesError;
    }
    if (error) {
      ctx.emitHistory("MapRunFailed", { error: error.error, cause: error.causeText });
      finishRecord("FAILED");
      throw error;
    }
    ctx.emitHistory("MapRunSucceeded", {});
    finishRecord("SUCCEEDED");
    return output;
  } finally {
    ctx.hooks?.onMapRunEnd?.(mapRunArn, stateName, sink.resultsByPosition);
    progress.close();
    sink.dispose();
  }
}

/**
 * The records of an earlier attempt's SUCCEEDED files (its manifest's `ResultFiles.SUCCEEDED`,
 * JSON arrays or JSON Lines), one JSON text each: a redriven Map Run writes them again.
 */
async function* earlierRecords(ctx: DistributedMapContext, manifest: { bucket: string; key: string }): AsyncIterable<string> {
  const { GetObjectCommand } = await import("@aws-sdk/client-s3");
  const text = async (key: string) =>
    await (await ctx.s3.send(new GetObjectCommand({ Bucket: manifest.bucket, Key: key }))).Body!.transformToString();
  const m = JSON.parse(await text(manifest.key)) as { ResultFiles?: { SUCCEEDED?: Array<{ Key: string }> } };
  for (const f of m.ResultFiles?.SUCCEEDED ?? []) {
    const body = await text(f.Key);
    if (f.Key.endsWith(".jsonl")) {
      for (const line of body.split("\n")) if (line.trim() !== "") yield line;
    } else {
      for (const r of JSON.parse(body) as JsonValue[]) yield JSON.stringify(r);
    }
  }
}
