/**
 * What the console shows of one run, kept as the run goes: the parent execution's history (each
 * event tagged with its state), each state's status, the Map Runs (live records and the per-child
 * ledgers), and the histories of failed child executions. The server reads it page by page: the
 * page never holds more than it shows, however many children a Map Run has.
 *
 * Statuses are the Step Functions console's: a state is running between its `*StateEntered` and
 * `*StateExited` events, succeeded when it exited, caught when it exited after a failure (a Catch
 * took it), failed when the execution ended while it was running.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-view-execution-details.html
 */
import type { JsonValue, StateMachineDefinition } from "../../asl/types";
import { walkStates } from "../../asl/walk";
import type { MapRunRecord } from "../../engine/distributed/map-run-interface";
import type { EngineEvent, ExecutionStatus, HistoryEvent, RunOptions } from "../../engine/types";
import type { RunFinished, RunObserver, RunStarting } from "../../testing/run/observer";
import {
  ChildLedgers,
  ExecutionNotRedrivableError,
  planRedrive,
  redriveExecution,
  shiftEvents,
  type LedgerFailure,
  type RedriveSource,
} from "../../testing/run/redrive";

export type StateStatus = "NOT_RUN" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CAUGHT" | "ABORTED";

/** One state's view in one execution (what a click on it shows). */
export interface StateView {
  status: StateStatus;
  /** Times it was entered (a loop, a retry of the whole state after a redrive). */
  entered: number;
  enteredAt?: number;
  exitedAt?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Failures seen while it ran (retried or caught). */
  failures: number;
  /** Distributed Map children: how many are in each status at this state. */
  children?: { running: number; succeeded: number; failed: number; caught: number };
}

/** Failure events: the state they happen in saw an error (retried, caught, or the end). */
const FAILURE = /(Failed|TimedOut|Aborted)$/;
const SUCCESS = /(Succeeded)$/;

/** One execution's history and the statuses it implies, built event by event. */
export class ExecutionView {
  readonly events: HistoryEvent[] = [];
  /** The state each event belongs to (the innermost state open when it happened), by index. */
  readonly eventState: (string | undefined)[] = [];
  readonly states = new Map<string, StateView>();
  private readonly open: string[] = [];
  status: ExecutionStatus | "RUNNING" = "RUNNING";
  startDate?: number;
  stopDate?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;

  /** `parentOf`: each nested state's enclosing Map or Parallel state (names are unique in a definition). */
  constructor(
    readonly arn: string,
    private readonly parentOf: ReadonlyMap<string, string> = new Map(),
  ) {}

  private isAncestor(ancestor: string, of: string): boolean {
    for (let p = this.parentOf.get(of); p !== undefined; p = this.parentOf.get(p)) if (p === ancestor) return true;
    return false;
  }

  add(event: HistoryEvent): void {
    const type = event.type;
    const time = (event.timestamp as Date).getTime();
    let stateName: string | undefined = this.open[this.open.length - 1];
    if (type.endsWith("StateEntered")) {
      const d = event["stateEnteredEventDetails"] as { name: string; input?: string };
      stateName = d.name;
      // A state still open with an error when another (not inside it) is entered was left by a
      // Catch: the engine records no *StateExited for it.
      for (let i = this.open.length - 1; i >= 0; i--) {
        const name = this.open[i]!;
        const o = this.states.get(name)!;
        if (o.error === undefined || this.isAncestor(name, d.name)) continue;
        o.status = "CAUGHT";
        o.exitedAt = time;
        this.open.splice(i, 1);
      }
      let s = this.states.get(d.name);
      if (!s) this.states.set(d.name, (s = { status: "RUNNING", entered: 0, failures: 0 }));
      s.status = "RUNNING";
      s.entered++;
      s.enteredAt = time;
      s.exitedAt = undefined;
      s.input = d.input;
      s.error = s.cause = undefined;
      this.open.push(d.name);
    } else if (type.endsWith("StateExited")) {
      const d = event["stateExitedEventDetails"] as { name: string; output?: string };
      stateName = d.name;
      const s = this.states.get(d.name);
      if (s) {
        s.status = s.error !== undefined ? "CAUGHT" : "SUCCEEDED";
        s.exitedAt = time;
        s.output = d.output;
      }
      const at = this.open.lastIndexOf(d.name);
      if (at >= 0) this.open.splice(at, 1);
    } else if (type === "ExecutionStarted") {
      this.startDate = time;
      this.input = (event["executionStartedEventDetails"] as { input?: string } | undefined)?.input;
    } else if (type === "ExecutionRedriven") {
      this.status = "RUNNING";
      this.stopDate = undefined;
      this.error = this.cause = undefined;
    } else if (type === "ExecutionSucceeded" || type === "ExecutionFailed" || type === "ExecutionAborted" || type === "ExecutionTimedOut") {
      this.status =
        type === "ExecutionSucceeded"
          ? "SUCCEEDED"
          : type === "ExecutionFailed"
            ? "FAILED"
            : type === "ExecutionAborted"
              ? "ABORTED"
              : "TIMED_OUT";
      this.stopDate = time;
      const d = (event[detailsKeyOf(type)] ?? {}) as { output?: string; error?: string; cause?: string };
      if (type === "ExecutionSucceeded") this.output = d.output;
      this.error = d.error;
      this.cause = d.cause;
      // Every state still open ends with the execution.
      for (const name of this.open) {
        const s = this.states.get(name)!;
        s.status = type === "ExecutionAborted" ? "ABORTED" : "FAILED";
        s.error ??= d.error;
        s.cause ??= d.cause;
        s.exitedAt = time;
      }
      this.open.length = 0;
    } else if (stateName !== undefined && FAILURE.test(type)) {
      const s = this.states.get(stateName);
      const d = (event[detailsKeyOf(type)] ?? {}) as { error?: string; cause?: string };
      if (s) {
        s.failures++;
        s.error = d.error ?? type;
        s.cause = d.cause;
      }
    } else if (stateName !== undefined && SUCCESS.test(type)) {
      // A retry that succeeded: the state is no longer in error.
      const s = this.states.get(stateName);
      if (s) s.error = s.cause = undefined;
    }
    this.events.push(event);
    this.eventState.push(stateName);
  }
}

function detailsKeyOf(type: string): string {
  return type[0]!.toLowerCase() + type.slice(1) + "EventDetails";
}

/** How many failed children's histories are kept (the rest are listed with their error, not their history). */
export const CHILD_HISTORIES_KEPT = 1_000;
/**
 * Children whose histories are recorded, per run and per redrive: the first ones. Recording a
 * child's history costs it ~15 % (bench/console.bench.ts); past these, a failed child is listed with
 * its item, input, error, cause and failed state, without its events, and a big Map Run pays
 * for its first 10,000 children only.
 */
export const CHILD_HISTORIES_RECORDED = 10_000;

export interface ExecutionSummary {
  arn: string;
  name: string;
  status: ExecutionView["status"];
  startDate?: number;
  stopDate?: number;
  error?: string;
  cause?: string;
  output?: string;
  redriveCount: number;
  redriveDate?: number;
  redrivable: boolean;
  redriving: boolean;
  /** Why Redrive is not offered, when it is not. */
  notRedrivable?: string;
}

export class ConsoleSession implements RunObserver {
  definition: StateMachineDefinition | undefined;
  type: "STANDARD" | "EXPRESS" = "STANDARD";
  buckets: string[] = [];
  parent: ExecutionView | undefined;
  readonly ledgers = new ChildLedgers();
  readonly mapRuns = new Map<string, MapRunRecord>();
  /** Failed (and aborted) children's views, by ARN, with the Map Run they belong to. */
  readonly children = new Map<string, { view: ExecutionView; mapRunArn?: string; processorOf?: string }>();
  /** Which Distributed Map state each processor state belongs to. */
  readonly processorOwner = new Map<string, string>();
  /** Each nested state's enclosing Map or Parallel state. */
  readonly parentOf = new Map<string, string>();
  redriveCount = 0;
  redriveDate: number | undefined;
  redriving = false;
  private idOffset = 0;
  private finishedRun: RunFinished | undefined;
  /** Bumped on every change; the server sends a tick when it moved. */
  version = 0;
  private readonly listeners = new Set<() => void>();
  childHistoriesDropped = 0;

  starting(run: RunStarting): Pick<RunOptions, "onEvent" | "mapRunHooks" | "childEvents" | "childHistories"> {
    this.definition = run.definition as StateMachineDefinition;
    this.type = run.stateMachineType;
    this.buckets = run.buckets;
    walkStates(this.definition, ({ name, state, at }) => {
      // `at` ends [..., "States", <container>, ("ItemProcessor" | "Branches", i), "States", name].
      for (let j = at.length - 3; j >= 1; j--) {
        if (at[j - 1] === "States") {
          this.parentOf.set(name, String(at[j]));
          break;
        }
      }
      const s = state as { Type?: string; ItemProcessor?: { ProcessorConfig?: { Mode?: string }; States?: Record<string, unknown> } };
      if (s.Type === "Map" && s.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED") {
        for (const inner of Object.keys(s.ItemProcessor.States ?? {})) this.processorOwner.set(inner, name);
      }
    });
    this.ledgers.keepChildHistory = () => this.ledgers.seen < CHILD_HISTORIES_RECORDED && this.children.size < CHILD_HISTORIES_KEPT;
    // Failed children's histories come with their outcome (childHistories): no event per child.
    this.ledgers.onRecorded = (ledger, _seq, outcome) => {
      if (outcome.status === "SUCCEEDED") return;
      const history = outcome.history;
      if (!history) {
        if (outcome.status === "FAILED") this.childHistoriesDropped++;
        return;
      }
      if (this.children.size >= CHILD_HISTORIES_KEPT) {
        this.childHistoriesDropped++;
        return;
      }
      const view = new ExecutionView(outcome.executionArn, this.parentOf);
      for (const e of history) view.add(e as HistoryEvent);
      this.children.set(outcome.executionArn, { view, mapRunArn: ledger.mapRunArn, processorOf: ledger.stateName });
    };
    return { onEvent: (event) => this.ingest(event), mapRunHooks: this.ledgers.hooks, childHistories: true };
  }

  async finished(run: RunFinished): Promise<void> {
    this.finishedRun = run;
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  ingest(event: EngineEvent): void {
    if (event.kind === "mapRun") {
      this.mapRuns.set(event.record.mapRunArn, event.record);
      this.changed();
      return;
    }
    const arn = event.executionArn;
    if (!this.parent) this.parent = new ExecutionView(arn, this.parentOf);
    if (arn === this.parent.arn) {
      let e = event.event;
      if (this.idOffset > 0) {
        // A redrive's own run: its ExecutionStarted is the ExecutionRedriven already recorded, its ids follow on.
        if (e.type === "ExecutionStarted") return;
        e = shiftEvents([e], this.idOffset + 1)[0]!;
      }
      this.parent.add(e);
      this.changed();
      return;
    }
  }

  /**
   * The processor states of each Distributed Map, from its Map Run: running while it runs;
   * failed where listed children failed; succeeded once it ended with succeeded children. (A
   * child's own Retry/Catch shows in that child's graph, opened from the failures.)
   */
  processorStates(): Map<string, { status: StateStatus; running: number; succeeded: number; failed: number }> {
    const out = new Map<string, { status: StateStatus; running: number; succeeded: number; failed: number }>();
    const latest = new Map<string, MapRunRecord>();
    for (const r of this.mapRuns.values()) latest.set(r.stateName, r);
    for (const [inner, owner] of this.processorOwner) {
      const r = latest.get(owner);
      if (!r) continue;
      let failedHere = 0;
      for (const f of this.ledgers.byArn.get(r.mapRunArn)?.failures ?? []) if (f.state === inner) failedHere++;
      const c = r.executionCounts;
      const status: StateStatus =
        failedHere > 0
          ? "FAILED"
          : r.status === "RUNNING"
            ? c.running > 0 || c.succeeded > 0
              ? "RUNNING"
              : "NOT_RUN"
            : c.succeeded > 0
              ? "SUCCEEDED"
              : "NOT_RUN";
      out.set(inner, { status, running: c.running, succeeded: c.succeeded, failed: failedHere });
    }
    return out;
  }

  summary(): ExecutionSummary | undefined {
    const p = this.parent;
    if (!p) return undefined;
    let notRedrivable: string | undefined;
    if (!this.finishedRun) notRedrivable = p.status === "RUNNING" ? "the execution is running" : "the run is finishing";
    else {
      try {
        planRedrive(this.redriveSource());
      } catch (e) {
        notRedrivable = e instanceof ExecutionNotRedrivableError ? e.message : String(e);
      }
    }
    return {
      arn: p.arn,
      name: p.arn.slice(p.arn.lastIndexOf(":") + 1),
      status: p.status,
      startDate: p.startDate,
      stopDate: p.stopDate,
      error: p.error,
      cause: p.cause,
      output: p.output,
      redriveCount: this.redriveCount,
      redriveDate: this.redriveDate,
      redrivable: notRedrivable === undefined && !this.redriving,
      redriving: this.redriving,
      ...(notRedrivable !== undefined ? { notRedrivable } : {}),
    };
  }

  private redriveSource(): RedriveSource {
    const p = this.parent!;
    const smArn = p.arn.replace(/:(execution|express):([^:]+):[^:]+$/, ":stateMachine:$2");
    return {
      definition: this.definition,
      executionArn: p.arn,
      executionName: p.arn.slice(p.arn.lastIndexOf(":") + 1),
      stateMachineArn: smArn,
      type: this.type,
      status: p.status === "RUNNING" ? "FAILED" : p.status,
      history: p.events,
      ledgers: this.ledgers,
      redriveCount: this.redriveCount,
      mapRuns: [...this.mapRuns.values()],
    };
  }

  /** Redrives the execution (RedriveExecution); resolves when the redriven run ends. */
  async redrive(): Promise<ExecutionStatus> {
    const run = this.finishedRun;
    if (!run || !this.parent) throw new ExecutionNotRedrivableError("the run has not finished");
    if (this.redriving) throw new ExecutionNotRedrivableError("a redrive is already running");
    const source = this.redriveSource();
    planRedrive(source); // throws ExecutionNotRedrivable before anything changes
    this.redriving = true;
    this.redriveCount++;
    this.redriveDate = Date.now();
    // The history goes on: ExecutionRedriven, then the redrive's events (renumbered in ingest).
    const p = this.parent;
    const redrivenId = p.events.length + 1;
    p.add({
      id: redrivenId,
      previousEventId: p.events.length,
      timestamp: new Date(this.redriveDate),
      type: "ExecutionRedriven",
      executionRedrivenEventDetails: { redriveCount: this.redriveCount },
    });
    this.idOffset = redrivenId - 1;
    this.ledgers.seen = 0;
    // Failed children that are run again leave the failure list when they succeed (the ledger does
    // that); their kept histories are dropped, as the redrive makes new ones.
    this.changed();
    try {
      const outcome = await redriveExecution({ ...source, history: p.events.slice(0, redrivenId - 1) }, run.rerun);
      this.finishedRun = { ...run, result: outcome.result };
      return outcome.result.status;
    } finally {
      this.redriving = false;
      this.changed();
    }
  }

  /** The failed children of a Map Run, page by page. */
  failures(
    mapRunArn: string,
    offset: number,
    limit: number,
  ): { total: number; dropped: number; items: Array<LedgerFailure & { history: boolean }> } {
    const ledger = this.ledgers.byArn.get(mapRunArn);
    if (!ledger) return { total: 0, dropped: 0, items: [] };
    const list = ledger.failures;
    return {
      total: list.length,
      dropped: ledger.failuresDropped,
      items: list.slice(offset, offset + limit).map((f) => ({ ...f, history: this.children.has(f.executionArn) })),
    };
  }

  execution(arn: string): ExecutionView | undefined {
    if (this.parent?.arn === arn) return this.parent;
    return this.children.get(arn)?.view;
  }

  /** The definition an execution runs: the machine, or a Distributed Map's ItemProcessor for a child. */
  definitionOf(arn: string): StateMachineDefinition | undefined {
    if (!this.definition) return undefined;
    if (this.parent?.arn === arn) return this.definition;
    const view = this.children.get(arn)?.view;
    if (!view) return undefined;
    const first = view.events.find((e) => e.type.endsWith("StateEntered"));
    const name = first ? (first["stateEnteredEventDetails"] as { name: string }).name : undefined;
    const owner = name ? this.processorOwner.get(name) : undefined;
    let processor: StateMachineDefinition | undefined;
    walkStates(this.definition, ({ name: n, state }) => {
      if (n === owner) processor = (state as { ItemProcessor?: StateMachineDefinition }).ItemProcessor;
    });
    return processor;
  }

  input(): JsonValue | undefined {
    return this.parent?.input !== undefined ? (JSON.parse(this.parent.input) as JsonValue) : undefined;
  }

  get s3Client() {
    return this.finishedRun?.s3Client;
  }
}
