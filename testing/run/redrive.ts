/**
 * Redrive, as RedriveExecution does it, for the local engine (the testing API's `redriveWorkflow`
 * and the console's Redrive button both use this module).
 *
 * "Redriving executions": a FAILED, ABORTED or TIMED_OUT Standard execution continues from its
 * unsuccessful step with that step's input; the steps that succeeded are not run again and keep
 * their history; the execution keeps its ARN; `redriveCount` and `redriveDate` are set; the
 * history gets an `ExecutionRedriven` event and goes on from there. EXPRESS executions cannot be
 * redriven; an execution is not redrivable after 1,000 redrives.
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html
 *
 * "Redriving Map Runs": the unsuccessful step is found as a state with a `<stateType>Entered`
 * event and no `<stateType>Exited` event; when it is a Distributed Map whose Map Run failed or
 * was aborted, the Map Run is redriven: same Map Run ARN, only its failed, aborted, timed-out and
 * not-started children run again, the succeeded ones are kept (their results included in the
 * state's result and in the ResultWriter's files, written again to the Map Run's folder with a
 * new manifest).
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html
 *
 * Where the local engine differs (said in docs/console.md, "Redrive"): a Parallel or Inline Map state is run again
 * whole (AWS re-runs only its failed branches and iterations); a failed STANDARD child of a Map
 * Run is run again from its start (AWS redrives it from its own failed step); workflow variables
 * assigned before the failed step are not restored, so a definition that assigns variables is
 * refused rather than redriven wrongly.
 */
import type { JsonValue, StateMachineDefinition } from "../../asl/types";
import type { ChildOutcome, MapRunHooks, MapRunRecord, MapRunRedrive } from "../../engine/distributed/map-run-interface";
import type { ExecutionResult, ExecutionStatus, HistoryEvent, RunOptions } from "../../engine/types";

/** RedriveExecution's `ExecutionNotRedrivable`: the execution cannot be redriven, and why. */
export class ExecutionNotRedrivableError extends Error {
  override readonly name = "ExecutionNotRedrivable";
}

/** "You can redrive a Map Run up to 1000 times" / an execution: the hard limit. */
export const MAX_REDRIVES = 1000;

const enum ChildStatus {
  None = 0,
  Succeeded = 1,
  Failed = 2,
  Aborted = 3,
}

/** A failed child as the console's Map Run page lists it. */
export interface LedgerFailure {
  /** The child's position among the Map Run's children (reader order). */
  childIndex: number;
  /** `$$.Map.Item.Index` of its (first) item, when each child runs one item. */
  itemIndex?: number;
  items: number;
  status: "FAILED" | "ABORTED";
  executionArn: string;
  error?: string;
  cause?: string;
  state?: string;
  input: JsonValue;
  startDate: number;
  stopDate: number;
}

/** How many failed children a ledger keeps with their input and error (the rest are counted). */
export const FAILURES_KEPT = 10_000;

/**
 * One Map Run's children by position: one status byte each, and the failures. Nothing else is
 * kept per child: a redrive takes the succeeded children's results from the Map Run's result
 * (without a ResultWriter, handed over when it ends) or from its result files (with one).
 */
export class MapRunLedger {
  private statuses = new Uint8Array(1024);
  /** The failed children listed, by position, in the order they failed. */
  private readonly failed = new Map<number, LedgerFailure>();
  failuresDropped = 0;
  private batched = false;
  /** Without a ResultWriter: the Map Run's result per child position (MapRunHooks.onMapRunEnd). */
  outputs: JsonValue[] | undefined;
  constructor(
    readonly mapRunArn: string,
    readonly stateName: string,
  ) {}

  get failures(): LedgerFailure[] {
    return [...this.failed.values()];
  }
  get failureCount(): number {
    return this.failed.size;
  }

  record(seq: number, items: number, outcome: ChildOutcome): void {
    if (seq >= this.statuses.length) {
      const grown = new Uint8Array(Math.max(seq + 1, this.statuses.length * 2));
      grown.set(this.statuses);
      this.statuses = grown;
    }
    if (outcome.status === "SUCCEEDED") {
      this.statuses[seq] = ChildStatus.Succeeded;
      if (this.failed.size > 0) this.failed.delete(seq);
      return;
    }
    if (items !== 1) this.batched = true;
    this.statuses[seq] = outcome.status === "FAILED" ? ChildStatus.Failed : ChildStatus.Aborted;
    // A redriven child that fails again replaces its earlier entry.
    this.failed.delete(seq);
    // Aborted children (stopped by the Map Run) are counted, not listed: the list is the failures.
    if (outcome.status !== "FAILED") return;
    if (this.failed.size >= FAILURES_KEPT) {
      this.failuresDropped++;
      return;
    }
    this.failed.set(seq, {
      childIndex: seq,
      ...(this.batched ? {} : { itemIndex: seq }),
      items,
      status: outcome.status,
      executionArn: outcome.executionArn,
      error: outcome.error,
      cause: outcome.cause,
      ...(outcome.failedState !== undefined ? { state: outcome.failedState } : {}),
      input: outcome.input,
      startDate: outcome.startDate.getTime(),
      stopDate: outcome.stopDate.getTime(),
    });
  }

  /** Whether the child at `seq` succeeded (a redrive keeps it). */
  succeeded(seq: number): boolean {
    return this.statuses[seq] === ChildStatus.Succeeded;
  }
}

/** Every top-level Map Run's ledger: give `hooks` to the engine (RunOptions.mapRunHooks). */
export class ChildLedgers {
  readonly byArn = new Map<string, MapRunLedger>();
  /** Called after each child is recorded (the console's live updates). */
  onRecorded?: (ledger: MapRunLedger, seq: number, outcome: ChildOutcome) => void;
  private ledger(mapRunArn: string, stateName: string): MapRunLedger {
    let ledger = this.byArn.get(mapRunArn);
    if (!ledger) this.byArn.set(mapRunArn, (ledger = new MapRunLedger(mapRunArn, stateName)));
    return ledger;
  }
  /** Children reported so far (the console keeps the histories of the first ones only). */
  seen = 0;
  /** MapRunHooks.keepChildHistory, when the owner wants children's histories (the console). */
  keepChildHistory?: () => boolean;
  readonly hooks: MapRunHooks = {
    keepChildHistory: () => this.keepChildHistory?.() ?? false,
    onChildDone: (mapRunArn, stateName, seq, items, outcome) => {
      this.seen++;
      const ledger = this.ledger(mapRunArn, stateName);
      ledger.record(seq, items, outcome);
      if (outcome.status !== "SUCCEEDED") this.onRecorded?.(ledger, seq, outcome);
    },
    onMapRunEnd: (mapRunArn, stateName, outputs) => {
      this.ledger(mapRunArn, stateName).outputs = outputs;
    },
  };
}

/** What a redrive needs to know of the execution it continues. */
export interface RedriveSource {
  definition: unknown;
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  type: "STANDARD" | "EXPRESS";
  status: ExecutionStatus;
  /** The execution's whole history (every attempt so far). */
  history: HistoryEvent[];
  ledgers: ChildLedgers;
  /** Redrives so far. */
  redriveCount: number;
  /** The Map Runs' last records (where a ResultWriter put its manifest). */
  mapRuns: ReadonlyArray<MapRunRecord>;
}

export interface RedrivePlan {
  /** The top-level state the execution continues from. */
  startAt: string;
  /** Its input, as it entered it. */
  input: JsonValue;
  /** The Map Run redriven, when the state is a Distributed Map whose Map Run did not succeed. */
  mapRun?: { mapRunArn: string; stateName: string };
}

const detailsOf = (e: HistoryEvent, key: string) => e[key] as Record<string, unknown> | undefined;

/** Whether a definition assigns workflow variables anywhere (their values are not restored by a local redrive). */
function assignsVariables(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(assignsVariables);
  if (value === null || typeof value !== "object") return false;
  for (const [k, v] of Object.entries(value)) if (k === "Assign" || assignsVariables(v)) return true;
  return false;
}

/** Where the execution continues: the last top-level state entered and not exited, with its input. */
export function planRedrive(source: RedriveSource): RedrivePlan {
  if (source.type === "EXPRESS")
    throw new ExecutionNotRedrivableError("EXPRESS executions cannot be redriven (RedriveExecution supports Standard workflows only)");
  if (source.status !== "FAILED" && source.status !== "ABORTED" && source.status !== "TIMED_OUT") {
    throw new ExecutionNotRedrivableError(`only a FAILED, ABORTED or TIMED_OUT execution can be redriven; this one is ${source.status}`);
  }
  if (source.redriveCount >= MAX_REDRIVES)
    throw new ExecutionNotRedrivableError(`the execution was already redriven ${MAX_REDRIVES} times (the limit)`);
  if (assignsVariables(source.definition)) {
    throw new ExecutionNotRedrivableError(
      "the definition assigns workflow variables, and the local engine does not restore their values on a redrive",
    );
  }
  const def = source.definition as StateMachineDefinition;
  const topLevel = new Set(Object.keys(def.States ?? {}));
  // Entered/Exited pairs of top-level states, in order; nested states (branches, iterations) share
  // the parent's history but are not where a top-level redrive starts.
  const open = new Map<string, HistoryEvent>();
  let lastOpen: HistoryEvent | undefined;
  for (const e of source.history) {
    if (e.type.endsWith("StateEntered")) {
      const name = detailsOf(e, "stateEnteredEventDetails")?.name as string | undefined;
      if (name !== undefined && topLevel.has(name)) {
        open.set(name, e);
        lastOpen = e;
      }
    } else if (e.type.endsWith("StateExited")) {
      const name = detailsOf(e, "stateExitedEventDetails")?.name as string | undefined;
      if (name !== undefined && open.get(name)) {
        if (lastOpen === open.get(name)) lastOpen = undefined;
        open.delete(name);
      }
    }
  }
  let startAt: string;
  let input: JsonValue;
  if (lastOpen) {
    const d = detailsOf(lastOpen, "stateEnteredEventDetails")!;
    startAt = d.name as string;
    input = JSON.parse(d.input as string) as JsonValue;
  } else {
    // Failed before any state was entered (its input, say): continue from StartAt with the execution's input.
    const started = source.history.find((e) => e.type === "ExecutionStarted");
    startAt = def.StartAt;
    input = JSON.parse((detailsOf(started!, "executionStartedEventDetails")?.input as string | undefined) ?? "{}") as JsonValue;
  }
  const state = def.States[startAt] as { Type?: string; ItemProcessor?: { ProcessorConfig?: { Mode?: string } } } | undefined;
  let mapRun: RedrivePlan["mapRun"];
  if (state?.Type === "Map" && state.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED") {
    // The Map Run this state started last (MapRunStarted / MapRunRedriven after its entry).
    const from = lastOpen ? source.history.indexOf(lastOpen) : 0;
    for (let i = source.history.length - 1; i > from; i--) {
      const e = source.history[i]!;
      if (e.type === "MapRunStarted" || e.type === "MapRunRedriven") {
        const arn =
          (detailsOf(e, e.type === "MapRunStarted" ? "mapRunStartedEventDetails" : "mapRunRedrivenEventDetails")?.mapRunArn as
            string | undefined) ?? undefined;
        if (arn) mapRun = { mapRunArn: arn, stateName: startAt };
        break;
      }
    }
  }
  return { startAt, input, ...(mapRun ? { mapRun } : {}) };
}

/** Runs the engine for a redrive: the caller supplies the handlers, S3 and clock it ran with. */
export type RedriveRunner = (
  definition: unknown,
  input: JsonValue,
  options: Pick<RunOptions, "validate" | "executionName" | "stateMachineArn" | "mapRunHooks" | "stateMachineType">,
) => Promise<ExecutionResult>;

export interface RedriveOutcome {
  result: ExecutionResult;
  plan: RedrivePlan;
  redriveCount: number;
  redriveDate: Date;
}

/**
 * Continues `source` from its unsuccessful step. The result's history is the whole execution's:
 * the earlier attempts, `ExecutionRedriven`, then this attempt's events (its own
 * ExecutionStarted left out, ids continued).
 */
export async function redriveExecution(source: RedriveSource, runner: RedriveRunner): Promise<RedriveOutcome> {
  const plan = planRedrive(source);
  const redriveCount = source.redriveCount + 1;
  const redriveDate = new Date();
  const def = source.definition as StateMachineDefinition;
  // The same definition entered at the failed step (validated when the execution first started:
  // the original StartAt is unreachable from here, which the validator would report).
  const definition = { ...def, StartAt: plan.startAt };
  const ledger = plan.mapRun ? source.ledgers.byArn.get(plan.mapRun.mapRunArn) : undefined;
  const manifest = plan.mapRun ? source.mapRuns.find((r) => r.mapRunArn === plan.mapRun!.mapRunArn)?.resultWriterDetails : undefined;
  const mapRun: MapRunRedrive | undefined = plan.mapRun
    ? {
        stateName: plan.mapRun.stateName,
        mapRunArn: plan.mapRun.mapRunArn,
        redriveCount,
        redriveDate,
        succeeded: (seq) => ledger?.succeeded(seq) ?? false,
        ...(ledger?.outputs ? { outputs: ledger.outputs } : {}),
        ...(manifest ? { manifest } : {}),
      }
    : undefined;
  const hooks: MapRunHooks = { ...source.ledgers.hooks, ...(mapRun ? { redrive: mapRun } : {}) };
  const result = await runner(definition, plan.input, {
    validate: false,
    executionName: source.executionName,
    stateMachineArn: source.stateMachineArn,
    stateMachineType: source.type,
    mapRunHooks: hooks,
  });
  return {
    result: { ...result, history: continueHistory(source.history, result.history, redriveCount, redriveDate) },
    plan,
    redriveCount,
    redriveDate,
  };
}

/** A history event as a plain object (the engine's events serialize lazily through toJSON). */
export function plainEvent(e: HistoryEvent): HistoryEvent {
  const json = (e as { toJSON?: () => HistoryEvent }).toJSON?.() ?? e;
  return { ...json };
}

/** The earlier attempts' events, ExecutionRedriven, then the new attempt's (ids continued). */
export function continueHistory(before: HistoryEvent[], attempt: HistoryEvent[], redriveCount: number, redriveDate: Date): HistoryEvent[] {
  const out = before.map(plainEvent);
  const redrivenId = out.length + 1;
  out.push({
    id: redrivenId,
    previousEventId: out.length,
    timestamp: redriveDate,
    type: "ExecutionRedriven",
    executionRedrivenEventDetails: { redriveCount },
  });
  out.push(...shiftEvents(attempt, redrivenId));
  return out;
}

/** The attempt's events after its ExecutionStarted, renumbered to follow `redrivenId`. */
export function shiftEvents(attempt: HistoryEvent[], redrivenId: number): HistoryEvent[] {
  const offset = redrivenId - 1; // attempt event 2 becomes redrivenId + 1
  const out: HistoryEvent[] = [];
  for (const e of attempt) {
    if (e.type === "ExecutionStarted") continue;
    const p = plainEvent(e);
    out.push({ ...p, id: p.id + offset, previousEventId: p.previousEventId <= 1 ? redrivenId : p.previousEventId + offset });
  }
  return out;
}
