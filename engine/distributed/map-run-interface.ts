/**
 * The interface between the interpreter (engine) and the Distributed Map run (engine/distributed).
 *
 * The interpreter owns states, paths, JSONata, history and error handling. When it reaches a Map
 * state whose ItemProcessor.ProcessorConfig.Mode is DISTRIBUTED, it has already applied InputPath (or,
 * in JSONata scope, made `$states.input` available) and calls `runDistributedMap(state, input, ctx)`.
 * That function runs the whole Map Run (read items, batch, start child executions with bounded
 * concurrency, tolerate failures, write results) and returns the Map state's raw result; the
 * interpreter then applies ResultSelector / ResultPath / OutputPath (or Output) and the payload limit.
 * A failure is thrown as a StatesError (States.ItemReaderFailed, States.ResultWriterFailed,
 * States.ExceedToleratedFailureThreshold, ...) for the interpreter's Retry/Catch to handle.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue, MapState } from "../../asl/types";

/** Facts about one item that the context object exposes to ItemSelector as `$$.Map.Item.*`. */
export interface MapItemContext {
  /** `$$.Map.Item.Index`: 0-based position of the item in the reader's order. */
  index: number;
  /** `$$.Map.Item.Value`: the item as read. */
  value: JsonValue;
  /** `$$.Map.Item.Source`: where the item came from: "STATE_DATA", or "S3://bucket/key" / "S3://bucket". */
  source?: string;
  /** (Additive.) `$$.Map.Item.Key`: set when the items are the key-value pairs of a JSON object. */
  key?: string;
}

/** (Additive.) Exact per-child counters, when the child ran in the interpreter. */
export interface ChildCounters {
  /** State transitions the child made. */
  stateTransitions?: number;
  /** Events in the child's history (counted even when the history is not kept). */
  historyEvents?: number;
}

/** (Additive.) The JSON text of the child's input and output, when the child already made it. */
export interface ChildTexts {
  inputText?: string;
  outputText?: string;
}

/**
 * (Additive.) What a ResultWriter record is made of, when the child has it without making the
 * full values (a ResultWriter formats one record per child): `startDate` and `stopDate` as epoch
 * milliseconds, and the ARN without the name (`executionArn` is `executionArnPrefix + name`).
 */
export interface ChildRecordParts {
  startTime?: number;
  stopTime?: number;
  executionArnPrefix?: string;
}

/** One event of a child's history (the engine's HistoryEvent, structurally). */
export interface ChildHistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

/** (Additive.) The child's history, when the run keeps children's histories (RunOptions.childHistories). */
export interface ChildHistory {
  readonly history?: ChildHistoryEvent[];
}

/** What a child execution ended with. */
export type ChildOutcome = ChildCounters &
  ChildHistory &
  ChildTexts &
  ChildRecordParts &
  (
    | { status: "SUCCEEDED"; output: JsonValue; executionArn: string; name: string; startDate: Date; stopDate: Date; input: JsonValue }
    | {
        status: "FAILED";
        error: string;
        cause: string;
        executionArn: string;
        name: string;
        startDate: Date;
        stopDate: Date;
        input: JsonValue;
        /** (Additive.) The child's state it failed in, when known. */ failedState?: string;
      }
    /** Stopped by the map run (threshold exceeded or parent stopped). */
    | { status: "ABORTED"; executionArn: string; name: string; startDate: Date; stopDate: Date; input: JsonValue }
  );

/** The live Map Run record, as the console's Map Run page shows it. */
export interface MapRunRecord {
  mapRunArn: string;
  stateName: string;
  label?: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";
  startDate: Date;
  stopDate?: Date;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  /** Item counts (after batching, AWS counts items, not batches, in itemCounts). */
  itemCounts: MapRunCounts;
  /** Child execution counts. */
  executionCounts: MapRunCounts;
  /** (Additive, optional.) Exact totals over finished children that reported ChildCounters. */
  childCounters?: MapRunChildCounters;
  /**
   * (Additive, optional.) The first failed child executions (at most FIRST_FAILURES_KEPT), in the
   * order they failed: what the console's Map Run page lists first when a run fails.
   */
  firstFailures?: MapRunChildFailure[];
  /** (Additive, optional.) Bytes the ItemReader has read so far (for a rate while the total is unknown). */
  readerBytes?: number;
  /** (Additive, optional.) True once the ItemReader (or the input array) has delivered every item: itemCounts.total is final. */
  readerDone?: boolean;
  /** (Additive, optional.) Where the ResultWriter put the manifest, once written. */
  resultWriterDetails?: { bucket: string; key: string };
  /** DescribeMapRun's `redriveCount` and `redriveDate`: set once the Map Run was redriven. */
  redriveCount?: number;
  redriveDate?: Date;
}

/**
 * (Additive.) What a tool may ask of a Map Run: each finished child's outcome, and on a redrive
 * the children to keep. "Redriving Map Runs": a redriven Map Run keeps its ARN, re-runs only its
 * unsuccessful (failed, aborted, timed out) and not-started children, and keeps the succeeded ones.
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html
 */
export interface MapRunHooks {
  /** A child ended (`seq`: its position among the Map Run's children, in reader order; `items`: items it ran). */
  onChildDone?(mapRunArn: string, stateName: string, seq: number, items: number, outcome: ChildOutcome): void;
  /**
   * The Map Run ended. Without a ResultWriter, `outputs` is its result per child position (what a
   * redrive keeps for the children that succeeded); nothing is copied.
   */
  onMapRunEnd?(mapRunArn: string, stateName: string, outputs: JsonValue[] | undefined): void;
  /** With RunOptions.childHistories: whether to keep the history of the child about to start. */
  keepChildHistory?(): boolean;
  /** Redrives the Map Run of `stateName` instead of starting a new one. */
  redrive?: MapRunRedrive;
}

export interface MapRunRedrive {
  stateName: string;
  /** The original Map Run's ARN (kept on redrive). */
  mapRunArn: string;
  /** This redrive's number (1 for the first). */
  redriveCount: number;
  redriveDate: Date;
  /** Whether the child at `seq` succeeded before: it is not run again. */
  succeeded(seq: number): boolean;
  /** Without a ResultWriter: the earlier attempt's results by child position (onMapRunEnd's `outputs`). */
  outputs?: JsonValue[];
  /** With a ResultWriter: the earlier attempt's manifest, whose SUCCEEDED files hold the kept children's records. */
  manifest?: { bucket: string; key: string };
}

/** How many failed children a Map Run record keeps for display. */
export const FIRST_FAILURES_KEPT = 5;

export interface MapRunChildFailure {
  /** The child's position among the Map Run's child executions (0-based, in reader order). */
  childIndex: number;
  /** The item's index (`$$.Map.Item.Index`) when each child runs one item; the first item's index of a batch otherwise, when known. */
  itemIndex?: number;
  /** Items the child ran (1 without an ItemBatcher). */
  items: number;
  executionArn: string;
  error: string;
  cause: string;
  /** The child's state it failed in, when the engine knows it. */
  state?: string;
}

export interface MapRunChildCounters {
  /** State transitions of all finished children. */
  stateTransitions: number;
  /** History events of all finished children. */
  historyEvents: number;
  /** The largest history of one child (STANDARD children stop at 25,000 events). */
  maxHistoryEvents: number;
}

export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

export interface DistributedMapContext {
  /** S3 client for ItemReader and ResultWriter (embedded server or any endpoint). */
  s3: S3Client;
  /** ARN of the parent execution; map run and child ARNs derive from it as AWS forms them. */
  executionArn: string;
  stateMachineArn: string;
  /**
   * Name of the Map state in its (sub)machine (additive, optional): used for the MapRunRecord's
   * `stateName` and, when the state has no `Label`, for the Map Run ARN. Defaults to "Map".
   */
  stateName?: string;
  /**
   * (Additive, optional.) The Map Run label (`mapRunLabel` of the machine ARN, the state name and
   * its Label), when the state already made it for its child ARNs; made by the Map Run otherwise.
   */
  label?: string;
  /** (Additive, optional.) The id of the Map state's MapStateEntered event: AWS's error causes name it. */
  enteredEventId?: number;
  /** Query language in force for this state (state's own, else the machine's, else JSONPath). */
  queryLanguage: "JSONPath" | "JSONata";
  /**
   * Evaluates a payload template of this state in its scope: a JSONPath `Parameters`-style object
   * (`.$` keys, intrinsics, `$$` context) or a JSONata value (`{% %}` strings, `$states.input`).
   * `item` adds `$$.Map.Item.*` (JSONPath) / `$states.context.Map.Item.*` (JSONata).
   */
  evaluateTemplate(template: JsonValue, input: JsonValue, item?: MapItemContext): JsonValue;
  /**
   * (Additive, optional.) The same, asynchronously: JSONata evaluates asynchronously, so an
   * ItemSelector that depends on the item (`$states.context.Map.Item.*`) needs this form. The Map
   * Run uses it for the per-item ItemSelector when present.
   */
  evaluateTemplateAsync?(template: JsonValue, input: JsonValue, item?: MapItemContext): Promise<JsonValue>;
  /** Evaluates a reference path (`MaxItemsPath`, `ToleratedFailureCountPath`, ...) against the input. */
  evaluatePath(path: string, input: JsonValue): JsonValue;
  /**
   * Runs the ItemProcessor once as a child execution on `input`. STANDARD children keep their own
   * history (and their own 25,000-event limit); EXPRESS children keep none. Never throws for a
   * child's failure: the outcome says FAILED. `signal` aborts a running child.
   */
  startChild(input: JsonValue, options: { name: string; signal: AbortSignal }): Promise<ChildOutcome>;
  /**
   * (Additive, optional.) The same, reporting the outcome through `onDone` (at once when the child
   * finished without waiting) instead of a promise: a Map Run starts thousands of children per
   * second, and a promise per child is a visible share of each one's cost. The child's name is
   * the interpreter's to choose (a UUID, made when first read: most Map Runs never read it) and
   * comes back in the outcome. `token` is handed back to `onDone`, so one callback serves every
   * child. Used when present.
   */
  runChild?<T>(input: JsonValue, options: { signal: AbortSignal }, onDone: (outcome: ChildOutcome, token: T) => void, token: T): void;
  /** Adds an event to the parent's history (MapRunStarted, MapRunSucceeded, MapRunFailed, ...). */
  emitHistory(type: string, details?: Record<string, JsonValue>): void;
  /** Reports the live Map Run record for progress displays; called as counts change (throttle is the caller's). */
  onMapRunUpdate(record: MapRunRecord): void;
  /** Aborted when the parent execution stops; the map run stops its children and returns. */
  signal: AbortSignal;
  /** (Additive, optional.) See MapRunHooks. */
  hooks?: MapRunHooks;
}

/**
 * (Additive.) What the Map Run's scheduler starts children with: the executor's `runChild`, given
 * to it (the context itself when it has one), never imported.
 */
export type ChildStarter = Required<Pick<DistributedMapContext, "runChild">>;

export type RunDistributedMap = (state: MapState, input: JsonValue, ctx: DistributedMapContext) => Promise<JsonValue>;
