/**
 * The Map Run's result sink: each finished child's result, either exported (ResultWriter files on
 * S3, spooled as children finish, in memory and past a budget to temporary files) or
 * kept in reader order as the state's result; and the Map Run's outcome counts.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue } from "../../asl/types";
import { StatesError, STATES_ERRORS } from "../model/errors";
import { FIRST_FAILURES_KEPT, type ChildOutcome, type MapRunCounts, type MapRunRecord } from "./map-run-interface";
import * as resultRecords from "./result-records";
import { SucceededRecordEncoder } from "./record-bytes";
import { ResultSpool } from "./result-writer";
import type { WriterPlan } from "./result-plan";
import type { UnitSink } from "./work-units";

// Bound once: under tsx every use of an imported name is a getter call (engine/README.md).
const { executionRecord, pendingRecord, transformedEntries, transformedEntriesJson } = resultRecords;

export class ResultSink implements UnitSink {
  readonly exporting: boolean;
  private readonly spool: ResultSpool | undefined;
  /** Without an export: per unit, in reader order, its output (COMPACT) or its entries (NONE, FLATTEN). */
  private readonly outputs: JsonValue[] = [];
  private readonly compact: boolean;
  private readonly items: MapRunCounts;
  private readonly execs: MapRunCounts;
  /** Exporting records (Transformation NONE): a succeeded child's record is written straight into the spool. */
  private readonly records: SucceededRecordEncoder | undefined;

  constructor(
    private readonly plan: WriterPlan,
    s3: S3Client,
    private readonly mapRunArn: string,
    /** The children's state machine ARN (in their records). */
    private readonly childMachineArn: string,
    private readonly record: MapRunRecord,
    /** Units are batches (a failure's `itemIndex` is then unknown). */
    private readonly batched: boolean,
    maxResultFileBytes?: number,
    spoolMemoryBytes?: number,
  ) {
    const t = plan.target;
    this.spool = t
      ? new ResultSpool(
          s3,
          { ...t, outputType: plan.outputType, transformation: plan.transformation },
          mapRunArn,
          maxResultFileBytes,
          spoolMemoryBytes,
        )
      : undefined;
    this.exporting = this.spool !== undefined;
    this.records = this.spool && plan.transformation === "NONE" ? new SucceededRecordEncoder() : undefined;
    this.compact = plan.transformation === "COMPACT";
    this.items = record.itemCounts;
    this.execs = record.executionCounts;
  }

  add(seq: number, n: number, outcome: ChildOutcome): void {
    const { spool, plan, record, items, execs } = this;
    if (spool) {
      const status = outcome.status === "SUCCEEDED" ? "SUCCEEDED" : "FAILED";
      const records = this.records;
      if (records?.set(outcome, this.childMachineArn)) spool.addEncoded(status, records);
      else for (const e of transformedEntriesJson(outcome, plan.transformation, this.childMachineArn)) spool.addJson(status, e);
    } else if (this.compact) {
      // The common case, kept allocation-free: one output per child, in reader order.
      this.outputs[seq] = outcome.status === "SUCCEEDED" ? outcome.output : executionRecord(outcome, this.childMachineArn);
    } else {
      this.outputs[seq] = transformedEntries(outcome, plan.transformation, this.childMachineArn);
    }
    if (outcome.historyEvents !== undefined || outcome.stateTransitions !== undefined) {
      const c = (record.childCounters ??= { stateTransitions: 0, historyEvents: 0, maxHistoryEvents: 0 });
      const h = outcome.historyEvents ?? 0;
      c.stateTransitions += outcome.stateTransitions ?? 0;
      c.historyEvents += h;
      if (h > c.maxHistoryEvents) c.maxHistoryEvents = h;
    }
    if (outcome.status === "SUCCEEDED") {
      items.succeeded += n;
      execs.succeeded++;
    } else if (outcome.status === "FAILED") {
      items.failed += n;
      execs.failed++;
      const kept = (record.firstFailures ??= []);
      if (kept.length < FIRST_FAILURES_KEPT) {
        kept.push({
          childIndex: seq,
          ...(this.batched ? {} : { itemIndex: seq }),
          items: n,
          executionArn: outcome.executionArn,
          error: outcome.error,
          cause: outcome.cause,
          ...(outcome.failedState !== undefined ? { state: outcome.failedState } : {}),
        });
      }
    } else {
      items.aborted += n;
      execs.aborted++;
    }
  }

  /**
   * Redrive ("Redriving Map Runs"): the earlier attempt's results of the children that succeeded.
   * Without a ResultWriter they are the earlier result per position; with one, the records of
   * the earlier SUCCEEDED files, written again into this attempt's files.
   */
  keptOutputs: JsonValue[] | undefined = undefined;

  async keepRecords(records: AsyncIterable<string>): Promise<void> {
    if (this.spool) for await (const r of records) this.spool.addJson("SUCCEEDED", r);
  }

  keep(seq: number, n: number): void {
    if (!this.spool && this.keptOutputs) this.outputs[seq] = this.keptOutputs[seq]!;
    this.items.succeeded += n;
    this.execs.succeeded++;
  }

  /** The result per child position, when there is no export (for a later redrive). */
  get resultsByPosition(): JsonValue[] | undefined {
    return this.spool ? undefined : this.outputs;
  }

  notStarted(input: JsonValue): void {
    this.spool?.add("PENDING", pendingRecord(input));
  }

  /**
   * The state's result: the ResultWriter's `{MapRunArn, ResultWriterDetails}` once every file and
   * the manifest are written (States.ResultWriterFailed when one cannot be), else the results kept.
   */
  async result(): Promise<JsonValue> {
    const { spool, plan } = this;
    if (spool && plan.target) {
      let manifestKey: string;
      try {
        ({ manifestKey } = await spool.upload());
      } catch (err) {
        throw err instanceof StatesError
          ? err
          : new StatesError(STATES_ERRORS.ResultWriterFailed, err instanceof Error ? err.message : String(err));
      }
      this.markResultsWritten();
      return { MapRunArn: this.mapRunArn, ResultWriterDetails: { Bucket: plan.target.bucket, Key: manifestKey } };
    }
    if (this.compact) return this.outputs;
    const flat: JsonValue[] = [];
    for (const entries of this.outputs as JsonValue[][]) if (entries) for (const e of entries) flat.push(e);
    return flat;
  }

  /** After the parent stopped: results are still exported; a failure to write them changes nothing. */
  async exportStopped(): Promise<void> {
    if (this.spool)
      await this.spool.upload().then(
        () => this.markResultsWritten(),
        () => undefined,
      );
  }

  dispose(): void {
    this.spool?.dispose();
  }

  private markResultsWritten(): void {
    const { items, execs } = this;
    items.resultsWritten = items.succeeded + items.failed + items.aborted + items.pending;
    execs.resultsWritten = execs.succeeded + execs.failed + execs.aborted + execs.pending;
  }
}
