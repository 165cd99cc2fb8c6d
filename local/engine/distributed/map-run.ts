/**
 * One Map Run: read items, select, batch, start child executions with bounded concurrency,
 * tolerate failures up to the threshold, export results, and report the Map Run as it goes.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 *
 * Memory stays bounded by MaxConcurrency, not by the item count: items are pulled from a stream
 * only when a child slot is free, finished children are written to the result spool (temporary
 * files) and dropped. Only without a ResultWriter are the child outputs kept, because they are
 * the state's result.
 */
import { createHash, randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { z } from "zod";
import type { JsonValue, MapState, ResultWriterOutputType, ResultWriterTransformation } from "../../../asl/types";
import { S3_PUT_OBJECT } from "../../../asl/types";
import { StatesError, STATES_ERRORS } from "../errors";
import type { ChildOutcome, DistributedMapContext, MapRunRecord } from "./contract";
import { MapRunPublisher, zeroCounts } from "./map-run-record";
import { FIRST_FAILURES_KEPT } from "./contract";
import { meterReaderBytes } from "./readers/byte-meter";
import { readItems, STATE_DATA_SOURCE, type ItemBatch } from "./readers";
import { executionRecord, pendingRecord, RESULT_FILE_MAX_BYTES, ResultSpool, transformedEntries, transformedEntriesJson } from "./result-writer";
import { resolveSettings, type BatcherSettings, type MapRunSettings } from "./settings";

export interface MapRunOptions {
  /** Size at which a result file is split (default: S3's 5 GB single-PUT limit). Tests lower it. */
  maxResultFileBytes?: number;
  /** Least time between two progress callbacks (the final one is always sent). */
  progressIntervalMs?: number;
}

/** The scheduler yields to the event loop after this much work, checked every 64 launches... */
const YIELD_INTERVAL_MS = 10;
const YIELD_CHECK_MASK = 63;
/** Launches per burst (a power of two, minus one) and microtask hops awaited after each. */
const BURST_MASK = 511;
const BURST_HOPS = 16;
/** ...and at least every this many launches, whatever the clock says. */
const YIELD_EVERY_LAUNCHES = 4096;

/**
 * Consecutive work units (a child execution's input: one item, or one batch of items), as columns:
 * an object per unit would be made for every item and, with thousands read ahead of the running
 * children, outlive the young generation.
 */
interface Units {
  /** The first unit's position among units, in reader order (the output array's order). */
  firstSeq: number;
  inputs: JsonValue[];
  /** Items each unit carries (the batch sizes); absent when each carries one item. */
  items?: number[];
}

/**
 * Map Run ARN as AWS forms it from the state machine ARN, e.g.
 * `arn:aws:states:us-east-2:123456789012:mapRun:csvProcess/Map:ad9b5f27-090b-3ac6-9beb-243cd77144a7`
 * (the ResultWriter page's example output): `mapRun:<machine>/<label>:<uuid>`.
 */
/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — Label: "For
 * each Map Run, Step Functions adds the label to the Map Run ARN ... If you don't specify a label,
 * Step Functions automatically generates a unique label." Exported results show such labels as
 * UUIDs (`stateMachine:my-machine/8c9dd6c6-f907-3584-9153-f8a2f1bfe7ce`). Here the generated
 * label is a UUID derived from the machine ARN and the state's name: unique per Map state, and
 * the same on every run, so local ARNs are reproducible.
 */
export function mapRunLabel(stateMachineArn: string, stateName: string, label?: string): string {
  if (label !== undefined) return label;
  const h = createHash("sha1").update(`${stateMachineArn}#${stateName}`).digest("hex");
  // RFC 4122 layout, version 5 (name-based, SHA-1), variant 10xx.
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function mapRunArnFor(stateMachineArn: string, label: string, id: string): string {
  const m = /^(arn:[^:]+:states:[^:]*:[^:]*):stateMachine:(.+)$/.exec(stateMachineArn);
  const head = m ? m[1] : "arn:aws:states:us-east-1:123456789012";
  const machine = m ? m[2] : stateMachineArn;
  return `${head}:mapRun:${machine}/${label}:${id}`;
}

interface WriterPlan {
  /** Set when results go to S3 (Resource + Parameters/Arguments). */
  target?: { bucket: string; prefix: string };
  outputType: ResultWriterOutputType;
  transformation: ResultWriterTransformation;
}

const writerParams = z.object({
  Bucket: z.string().min(1, "Bucket must be a non-empty string"),
  Prefix: z.string().optional(),
}).passthrough();

function planWriter(state: MapState, input: JsonValue, ctx: DistributedMapContext): WriterPlan {
  const rw = state.ResultWriter;
  // "COMPACT - returns the output of the child workflow executions. Default when ResultWriter is
  // not specified." / "NONE - ... Default when exporting the child workflow execution results to
  // Amazon S3 and WriterConfig is not specified." (ResultWriter page)
  if (!rw) return { outputType: "JSON", transformation: "COMPACT" };
  const template = rw.Parameters ?? rw.Arguments;
  const toS3 = rw.Resource !== undefined || template !== undefined;
  const plan: WriterPlan = {
    outputType: rw.WriterConfig?.OutputType ?? "JSON",
    transformation: rw.WriterConfig?.Transformation ?? (toS3 ? "NONE" : "COMPACT"),
  };
  if (!toS3) return plan;
  if (rw.Resource !== S3_PUT_OBJECT) {
    throw new StatesError(STATES_ERRORS.Runtime, `ResultWriter.Resource must be ${S3_PUT_OBJECT} (got ${JSON.stringify(rw.Resource)})`);
  }
  if (template === undefined) {
    throw new StatesError(STATES_ERRORS.Runtime, "ResultWriter: Parameters (JSONPath) or Arguments (JSONata) are required with Resource");
  }
  const parsed = writerParams.safeParse(ctx.evaluateTemplate(template, input));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StatesError(
      STATES_ERRORS.Runtime,
      `ResultWriter.${rw.Parameters ? "Parameters" : "Arguments"}.${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  plan.target = { bucket: parsed.data.Bucket, prefix: parsed.data.Prefix ?? "" };
  return plan;
}

/** Items from the state input when there is no ItemReader (ItemsPath / Items). */
async function* itemsFromInput(state: MapState, input: JsonValue, ctx: DistributedMapContext): AsyncGenerator<ItemBatch> {
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html — "The input
  // can be a JSON array, a JSON object, or an array within a node of a JSON object. Step Functions
  // will iterate directly over the elements of an array, or the key-value pairs of a JSON object."
  // The page does not show a pair's child input; `{"Key", "Value"}` (with `$$.Map.Item.Key`) is
  // the shape other emulators use, taken here.
  const jsonata = ctx.queryLanguage === "JSONata";
  const items = jsonata
    ? state.Items === undefined ? input : ctx.evaluateTemplate(state.Items, input)
    : ctx.evaluatePath(state.ItemsPath ?? "$", input);
  if (Array.isArray(items)) {
    yield { source: STATE_DATA_SOURCE, values: items, total: items.length };
    return;
  }
  if (items !== null && typeof items === "object") {
    const keys = Object.keys(items);
    yield { source: STATE_DATA_SOURCE, values: keys.map((key) => items[key]), keys, total: keys.length };
    return;
  }
  throw new StatesError(
    jsonata ? STATES_ERRORS.QueryEvaluationError : STATES_ERRORS.Runtime,
    jsonata
      ? `Items must evaluate to a JSON array or object (got ${items === null ? "null" : typeof items})`
      : `ItemsPath ${state.ItemsPath ?? "$"} must select a JSON array or object (got ${items === null ? "null" : typeof items})`,
  );
}

/** Bytes of `{"Items":[],"BatchInput":...}` before any item, and the one-item ceiling check. */
function batchOverhead(b: BatcherSettings): number {
  const items = '{"Items":[]}'.length;
  return b.batchInput === undefined ? items : items + ',"BatchInput":'.length + Buffer.byteLength(JSON.stringify(b.batchInput));
}

function batchInputOf(b: BatcherSettings, items: JsonValue[]): JsonValue {
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html — the child
  // receives `{"Items": [...]}`, plus `BatchInput` when the state sets it.
  return b.batchInput === undefined ? { Items: items } : { BatchInput: b.batchInput, Items: items };
}

export async function runMapRun(
  state: MapState,
  input: JsonValue,
  ctx: DistributedMapContext,
  options: MapRunOptions = {},
): Promise<JsonValue> {
  const settings: MapRunSettings = resolveSettings(state, input, ctx);
  const writer = planWriter(state, input, ctx);
  const stateName = ctx.stateName ?? "Map";
  const label = mapRunLabel(ctx.stateMachineArn, stateName, state.Label);
  const mapRunArn = mapRunArnFor(ctx.stateMachineArn, label, randomUUID());
  const childMachineArn = `${ctx.stateMachineArn}/${label}`;
  const selector = state.ItemSelector ?? state.Parameters;
  // JSONata is asynchronous: an item-dependent ItemSelector needs the async evaluator.
  const selectAsync = ctx.queryLanguage === "JSONata" && ctx.evaluateTemplateAsync ? ctx.evaluateTemplateAsync.bind(ctx) : undefined;
  const batcher = settings.batcher;

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
  };
  const items = record.itemCounts;
  const execs = record.executionCounts;
  const progress = new MapRunPublisher(record, (r) => ctx.onMapRunUpdate(r), options.progressIntervalMs);

  const abort = new AbortController();
  // Shared by every running child (Wait states, Task timeouts listen on it): many listeners are
  // expected, not a leak.
  setMaxListeners(0, abort.signal);
  let parentAborted = ctx.signal.aborted;
  const onParentAbort = () => {
    parentAborted = true;
    abort.abort();
    wake();
  };
  ctx.signal.addEventListener("abort", onParentAbort, { once: true });

  const spool = writer.target
    ? new ResultSpool(
        ctx.s3,
        { ...writer.target, outputType: writer.outputType, transformation: writer.transformation },
        mapRunArn,
        options.maxResultFileBytes ?? RESULT_FILE_MAX_BYTES,
      )
    : undefined;
  /**
   * Without an S3 export: per unit, in reader order, its output (COMPACT) or its list of entries
   * (NONE, FLATTEN).
   */
  const outputs: JsonValue[] = [];
  const compact = writer.transformation === "COMPACT";

  ctx.emitHistory("MapRunStarted", { mapRunArn });
  progress.flush();

  // ---- the item stream: read → select → batch ----
  if (state.ItemReader) {
    meterReaderBytes(abort.signal, (bytes) => {
      record.readerBytes = (record.readerBytes ?? 0) + bytes;
      progress.changed();
    });
  }
  /** The Map Run's item count once a reader reports it before its end (ItemBatch.total). */
  let knownTotal: number | undefined;
  const flattening = state.ItemReader?.ReaderConfig?.Transformation === "LOAD_AND_FLATTEN";
  const source = state.ItemReader
    ? readItems(state.ItemReader, input, { s3: ctx.s3, evaluateTemplate: (t, i) => ctx.evaluateTemplate(t, i), signal: abort.signal }, settings.maxItems)
    : itemsFromInput(state, input, ctx);

  /**
   * Work units, a batch per batch of items read: the scheduler then pays one await per batch, not
   * per item. A failure part-way through a batch (an ItemSelector error) still hands over the
   * units made before it, so every item counted is accounted for.
   */
  async function* units(): AsyncGenerator<Units> {
    let index = 0;
    let seq = 0;
    const overhead = batcher ? batchOverhead(batcher) : 0;
    let batch: JsonValue[] = [];
    let batchBytes = overhead;
    const newUnits = (): Units => (batcher ? { firstSeq: seq, inputs: [], items: [] } : { firstSeq: seq, inputs: [] });
    const addUnit = (to: Units, value: JsonValue, n: number): Units => {
      execs.total++;
      execs.pending++;
      seq++;
      to.inputs.push(value);
      to.items?.push(n);
      return to;
    };
    try {
    for await (const read of source) {
      // LOAD_AND_FLATTEN reads several objects: one object's total is not the Map Run's.
      if (read.total !== undefined && !flattening) knownTotal = read.total;
      const out = newUnits();
      const { values, keys, source: itemSource } = read;
      try {
        for (let i = 0; i < values.length; i++) {
          const key = keys?.[i];
          const value = selector !== undefined && selectAsync
            ? await selectAsync(selector, input, { index, value: values[i], source: itemSource, key })
            : selectSync(values[i], itemSource, key);
          index++;
          items.total++;
          items.pending++;
          if (!batcher) {
            addUnit(out, value, 1);
            continue;
          }
          const bytes = Buffer.byteLength(JSON.stringify(value) ?? "null");
          if (overhead + bytes > batcher.maxBytes) {
            // The docs are silent on an item that alone exceeds the batch byte limit; it can never
            // be sent, so the Map Run fails rather than silently dropping it.
            throw new StatesError(
              STATES_ERRORS.DataLimitExceeded,
              `Item ${index - 1} is ${bytes} bytes; with the batch envelope it exceeds MaxInputBytesPerBatch (${batcher.maxBytes} bytes)`,
            );
          }
          if (batch.length > 0 && (batchBytes + 1 + bytes > batcher.maxBytes || (batcher.maxItems !== undefined && batch.length >= batcher.maxItems))) {
            addUnit(out, batchInputOf(batcher, batch), batch.length);
            batch = [];
            batchBytes = overhead;
          }
          batchBytes += (batch.length > 0 ? 1 : 0) + bytes;
          batch.push(value);
        }
      } catch (err) {
        if (out.inputs.length) yield out;
        // Items already selected into an unfinished batch are sent as a last batch.
        if (batcher && batch.length > 0) {
          const last = batch;
          batch = [];
          yield addUnit(newUnits(), batchInputOf(batcher, last), last.length);
        }
        throw err;
      }
      if (out.inputs.length) yield out;
    }
    } catch (err) {
      // The reader failed (or was stopped) between two reads: the items already counted into an
      // unfinished batch still go out as a last batch, so each is accounted for.
      if (batcher && batch.length > 0) {
        const last = batch;
        batch = [];
        yield addUnit(newUnits(), batchInputOf(batcher, last), last.length);
      }
      throw err;
    }
    if (batcher && batch.length > 0) yield addUnit(newUnits(), batchInputOf(batcher, batch), batch.length);

    function selectSync(value: JsonValue, itemSource: string, key: string | undefined): JsonValue {
      if (selector === undefined) return key === undefined ? value : { Key: key, Value: value };
      return ctx.evaluateTemplate(selector, input, { index, value, source: itemSource, key });
    }
  }

  // ---- the scheduler ----
  let running = 0;
  let readerDone = false;
  let stopError: StatesError | undefined;
  let waiter: (() => void) | undefined;
  function wake(): void {
    const w = waiter;
    waiter = undefined;
    w?.();
  }
  const idle = () => new Promise<void>((resolve) => (waiter = resolve));

  /**
   * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html (Setting
   * failure thresholds): "Step Functions calculates the percentage of failed items as the result
   * of the total number of failed or timed out items divided by the total number of items";
   * "Your Map Run fails if this value is exceeded"; "If you specify both values, the workflow
   * fails when it exceeds either value"; "The default percentage value is zero, which means that
   * the workflow fails if any one of its child workflow executions fails or times out" (the
   * default applies when neither field is set: a count alone is not undone by a 0% default).
   * A failed batch fails every item in it (thresholds count items).
   * "The total number of items" is judged against as soon as it is known: at once for an items
   * array in the state input or a JSON file (parsed whole), and otherwise (JSON Lines, CSV,
   * listings, which stream) once the reader is exhausted; 0% is exceeded by the first failure
   * whatever the total. Before the total is known, failures beyond the percentage of every item
   * that can still come are not knowable, so the Map Run runs on; the page allows for that: "Step
   * Functions may continue to run child workflows in a Map Run even after the tolerated failure
   * threshold is exceeded, but before the Map Run fails."
   */
  function thresholdExceeded(): boolean {
    const failed = items.failed + items.timedOut;
    if (failed === 0) return false;
    const { toleratedFailureCount: count, toleratedFailurePercentage: pct } = settings;
    if (count === undefined && pct === undefined) return true;
    if (count !== undefined && failed > count) return true;
    if (pct !== undefined) {
      if (pct === 0) return true;
      const total = readerDone ? items.total : knownTotal;
      if (total !== undefined && failed * 100 > pct * total) return true;
    }
    return false;
  }

  function checkThreshold(): void {
    if (stopError || !thresholdExceeded()) return;
    const parts = [
      settings.toleratedFailureCount !== undefined ? `ToleratedFailureCount ${settings.toleratedFailureCount}` : undefined,
      settings.toleratedFailurePercentage !== undefined ? `ToleratedFailurePercentage ${settings.toleratedFailurePercentage}` : undefined,
    ].filter(Boolean);
    stopError = new StatesError(
      STATES_ERRORS.ExceedToleratedFailureThreshold,
      `The specified tolerated failure threshold was exceeded (${parts.length ? parts.join(", ") : "no failures tolerated"}): ` +
        `${items.failed + items.timedOut} of ${readerDone ? items.total : (knownTotal ?? `${items.total}+`)} items failed in Map Run ${mapRunArn}`,
    );
    abort.abort();
  }

  function recordPending(input: JsonValue): void {
    spool?.add("PENDING", pendingRecord(input));
  }

  /** Items per running batch unit, by seq (without a batcher every unit is one item). */
  const batchSizes = batcher ? new Map<number, number>() : undefined;

  function finish(seq: number, outcome: ChildOutcome): void {
    let n = 1;
    if (batchSizes) {
      n = batchSizes.get(seq)!;
      batchSizes.delete(seq);
    }
    running--;
    finishedSinceYield++;
    items.running -= n;
    execs.running--;
    if (spool) {
      const status = outcome.status === "SUCCEEDED" ? "SUCCEEDED" : "FAILED";
      for (const e of transformedEntriesJson(outcome, writer.transformation, childMachineArn)) spool.addJson(status, e);
    } else if (compact) {
      // The common case, kept allocation-free: one output per child, in reader order.
      outputs[seq] = outcome.status === "SUCCEEDED" ? outcome.output : executionRecord(outcome, childMachineArn);
    } else {
      outputs[seq] = transformedEntries(outcome, writer.transformation, childMachineArn);
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
        kept.push({ childIndex: seq, ...(batchSizes ? {} : { itemIndex: seq }), items: n, executionArn: outcome.executionArn, error: outcome.error, cause: outcome.cause, ...(outcome.failedState !== undefined ? { state: outcome.failedState } : {}) });
      }
      checkThreshold();
    } else {
      items.aborted += n;
      execs.aborted++;
    }
    progress.changed();
    wake();
  }

  const childOptions = { signal: abort.signal };
  const finishChild = (outcome: ChildOutcome, seq: number): void => finish(seq, outcome);

  function launch(seq: number, input: JsonValue, n: number): void {
    running++;
    items.pending -= n;
    items.running += n;
    execs.pending--;
    execs.running++;
    batchSizes?.set(seq, n);
    if (ctx.runChild) {
      ctx.runChild(input, childOptions, finishChild, seq);
    } else {
      const name = randomUUID();
      const startedAt = Date.now();
      ctx.startChild(input, { name, signal: abort.signal }).then(
        (outcome) => finish(seq, outcome),
        (err: unknown) =>
          finish(seq, {
            status: "FAILED",
            error: err instanceof StatesError ? err.error : STATES_ERRORS.Runtime,
            cause: err instanceof StatesError ? err.causeText : err instanceof Error ? err.message : String(err),
            executionArn: `${childMachineArn.replace(":stateMachine:", ":execution:")}:${name}`,
            name,
            startDate: new Date(startedAt),
            stopDate: new Date(),
            input,
          }),
      );
    }
    progress.changed();
  }

  let launched = 0;
  let finishedSinceYield = 0;
  let lastYield = performance.now();
  let readError: unknown;
  const iterator = units();
  try {
    reading: for (;;) {
      let next: IteratorResult<Units>;
      try {
        next = await iterator.next();
      } catch (err) {
        readError = err;
        break;
      }
      if (next.done) break;
      const { firstSeq, inputs, items: sizes } = next.value;
      for (let u = 0; u < inputs.length; u++) {
        while (running >= settings.maxConcurrency && !stopError && !parentAborted) await idle();
        if (parentAborted && !spool) break reading;
        if (stopError || parentAborted) {
          // Stopped (threshold exceeded, or the parent stopped): keep reading so every item is
          // accounted for in PENDING_n.json, "child workflow executions that weren't started
          // because the Map Run failed or aborted" (ResultWriter page).
          recordPending(inputs[u]);
          continue;
        }
        launch(firstSeq + u, inputs[u], sizes ? sizes[u] : 1);
        // Children whose handlers resolve at once finish within a few microtask hops: letting
        // them finish between bursts keeps thousands of half-started children from piling up (and
        // surviving into the old GC generation). Microtasks only, so children that really wait
        // still fill MaxConcurrency.
        if ((launched & BURST_MASK) === BURST_MASK) for (let hop = 0; hop < BURST_HOPS; hop++) await undefined;
        // Children whose handlers resolve at once run entirely on microtasks: without a turn of
        // the event loop now and then, signals (Ctrl-C), timers and I/O wait for the whole run.
        // Only once children finish: while the first MaxConcurrency children start, nothing can
        // be starved and a yield would only let early finishers keep the run below its concurrency.
        if ((++launched & YIELD_CHECK_MASK) === 0 && finishedSinceYield > 0 && (launched % YIELD_EVERY_LAUNCHES === 0 || performance.now() - lastYield >= YIELD_INTERVAL_MS)) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
          finishedSinceYield = 0;
        }
      }
    }
    if (readError === undefined && !(parentAborted && !spool)) {
      readerDone = true;
      record.readerDone = true;
      checkThreshold();
    } else {
      // A read failure ends the Map Run: stop the children that are still running.
      abort.abort();
      await iterator.return(undefined).catch(() => undefined);
    }
    while (running > 0) await idle();
  } finally {
    ctx.signal.removeEventListener("abort", onParentAbort);
  }

  const markResultsWritten = () => {
    items.resultsWritten = items.succeeded + items.failed + items.aborted + items.pending;
    execs.resultsWritten = execs.succeeded + execs.failed + execs.aborted + execs.pending;
  };
  const finishRecord = (status: MapRunRecord["status"]) => {
    record.status = status;
    record.stopDate = new Date();
    progress.flush();
  };

  try {
    if (parentAborted) {
      // Results are still exported; a failure to write them changes nothing for a stopped parent.
      if (spool) await spool.upload().then(markResultsWritten, () => undefined);
      ctx.emitHistory("MapRunAborted", {});
      finishRecord("ABORTED");
      return null;
    }
    let error: StatesError | undefined = stopError;
    if (!error && readError !== undefined) {
      error = readError instanceof StatesError
        ? readError
        : new StatesError(STATES_ERRORS.ItemReaderFailed, readError instanceof Error ? readError.message : String(readError));
    }
    if (!error) checkThreshold(), (error = stopError);

    let output: JsonValue = null;
    if (spool && writer.target) {
      try {
        const { manifestKey } = await spool.upload();
        markResultsWritten();
        output = { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: writer.target.bucket, Key: manifestKey } };
      } catch (err) {
        if (!error) {
          error = err instanceof StatesError
            ? err
            : new StatesError(STATES_ERRORS.ResultWriterFailed, err instanceof Error ? err.message : String(err));
        }
      }
    } else {
      if (compact) {
        output = outputs;
      } else {
        const flat: JsonValue[] = [];
        for (const entries of outputs as JsonValue[][]) if (entries) for (const e of entries) flat.push(e);
        output = flat;
      }
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
    progress.close();
    spool?.dispose();
  }
}
