/**
 * The execution history: AWS-shaped events (id, previousEventId, timestamp, type, and the
 * `<type>EventDetails` object), numbered from 1, with the STANDARD-workflow quota enforced.
 *
 * Kept compact because an inline Map records several events per item: an event is one small
 * fixed-shape object; its `timestamp` Date, its `<type>EventDetails` property and the details'
 * payload strings (`input`, `output`) are made on first read or on JSON.stringify.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
import type { JsonValue } from "../asl/types";
import type { Clock } from "./model/clock";
import { RuntimeError } from "./model/errors";
import { functionArn } from "./lambda";
import type { EngineEvent, HistoryEvent } from "./types";

/** `{ name, input, inputDetails }` (stateEnteredEventDetails) with `input` serialized on demand. */
export class StateEnteredDetails {
  constructor(
    readonly name: string,
    private readonly value: JsonValue,
  ) {}
  get input(): string {
    return JSON.stringify(this.value);
  }
  get inputDetails(): { truncated: boolean } {
    return { truncated: false };
  }
  toJSON(): object {
    return { name: this.name, input: this.input, inputDetails: this.inputDetails };
  }
}

/** `{ name, output, outputDetails }` (stateExitedEventDetails). */
export class StateExitedDetails {
  constructor(
    readonly name: string,
    private readonly value: JsonValue,
  ) {}
  get output(): string {
    return JSON.stringify(this.value);
  }
  get outputDetails(): { truncated: boolean } {
    return { truncated: false };
  }
  toJSON(): object {
    return { name: this.name, output: this.output, outputDetails: this.outputDetails };
  }
}

/** lambdaFunctionScheduledEventDetails: `{ resource, input, inputDetails, timeoutInSeconds? }`. */
export class LambdaScheduledDetails {
  constructor(
    readonly resource: string,
    private readonly value: JsonValue,
    readonly timeoutInSeconds?: number,
  ) {}
  get input(): string {
    return JSON.stringify(this.value);
  }
  get inputDetails(): { truncated: boolean } {
    return { truncated: false };
  }
  toJSON(): object {
    const out: Record<string, unknown> = { resource: this.resource, input: this.input, inputDetails: this.inputDetails };
    if (this.timeoutInSeconds !== undefined) out.timeoutInSeconds = this.timeoutInSeconds;
    return out;
  }
}

/** `{ output, outputDetails }` (lambdaFunctionSucceededEventDetails, executionSucceededEventDetails). */
export class PlainOutputDetails {
  constructor(private readonly value: JsonValue) {}
  get output(): string {
    return JSON.stringify(this.value);
  }
  get outputDetails(): { truncated: boolean } {
    return { truncated: false };
  }
  toJSON(): object {
    return { output: this.output, outputDetails: this.outputDetails };
  }
}

/** Details whose `input` is a JSON string made on demand, after some plain fields. */
export class InputDetails {
  constructor(
    private readonly extra: Record<string, unknown>,
    private readonly value: JsonValue,
  ) {
    Object.assign(this, extra);
  }
  get input(): string {
    return JSON.stringify(this.value);
  }
  get inputDetails(): { truncated: boolean } {
    return { truncated: false };
  }
  toJSON(): object {
    return { ...this.extra, input: this.input, inputDetails: this.inputDetails };
  }
}

/** Details whose `output` is a JSON string made on demand, after some plain fields. */
export class OutputDetails {
  constructor(
    private readonly extra: Record<string, unknown>,
    private readonly value: JsonValue,
  ) {
    Object.assign(this, extra);
  }
  get output(): string {
    return JSON.stringify(this.value);
  }
  get outputDetails(): { truncated: boolean } {
    return { truncated: false };
  }
  toJSON(): object {
    return { ...this.extra, output: this.output, outputDetails: this.outputDetails };
  }
}

/**
 * Details recorded as their parts and made into an object only when read: the events an inline
 * Map records for every item (entered/exited, Lambda scheduled/succeeded, iteration started/succeeded).
 */
export enum Lazy {
  Entered = 1,
  Exited = 2,
  LambdaScheduled = 3,
  Output = 4,
  Iteration = 5,
}

function makeDetails(kind: Lazy, a: unknown, b: unknown): object {
  switch (kind) {
    case Lazy.Entered:
      return new StateEnteredDetails(a as string, b as JsonValue);
    case Lazy.Exited:
      return new StateExitedDetails(a as string, b as JsonValue);
    case Lazy.LambdaScheduled:
      return new LambdaScheduledDetails(functionArn(a as string), b as JsonValue);
    case Lazy.Output:
      return new PlainOutputDetails(b as JsonValue);
    case Lazy.Iteration:
      return { name: a as string, index: b as number };
  }
}

const keyCache = new Map<string, string>();

/** `TaskStateEntered` → `stateEnteredEventDetails`, as the API names them. */
export function detailsKey(type: string): string {
  let key = keyCache.get(type);
  if (key === undefined) {
    if (type.endsWith("StateEntered")) key = "stateEnteredEventDetails";
    else if (type.endsWith("StateExited")) key = "stateExitedEventDetails";
    else key = type[0].toLowerCase() + type.slice(1) + "EventDetails";
    keyCache.set(type, key);
  }
  return key;
}

/** One history event. Reads like the API's HistoryEvent; serializes exactly like it. */
class RecordedEvent {
  [details: string]: unknown;
  constructor(
    readonly id: number,
    readonly previousEventId: number,
    private readonly time: number,
    readonly type: string,
    private readonly details: object | undefined,
  ) {}
  get timestamp(): Date {
    return new Date(this.time);
  }
  toJSON(): object {
    const out: Record<string, unknown> = { id: this.id, previousEventId: this.previousEventId, timestamp: this.timestamp, type: this.type };
    if (this.details !== undefined) out[detailsKey(this.type)] = this.details;
    return out;
  }
}

// The details object is reachable under its API name (e.g. `event.taskSucceededEventDetails`):
// a getter per known name on the prototype, so events keep one shape whatever their type.
const KNOWN_TYPES = [
  "ExecutionStarted",
  "ExecutionSucceeded",
  "ExecutionFailed",
  "ExecutionAborted",
  "ExecutionTimedOut",
  "TaskStateEntered",
  "TaskStateExited",
  "LambdaFunctionScheduled",
  "LambdaFunctionStarted",
  "LambdaFunctionSucceeded",
  "LambdaFunctionFailed",
  "LambdaFunctionTimedOut",
  "LambdaFunctionScheduleFailed",
  "LambdaFunctionStartFailed",
  "TaskScheduled",
  "TaskStarted",
  "TaskSucceeded",
  "TaskFailed",
  "TaskTimedOut",
  "TaskSubmitted",
  "TaskSubmitFailed",
  "TaskStartFailed",
  "MapStateStarted",
  "MapIterationStarted",
  "MapIterationSucceeded",
  "MapIterationFailed",
  "MapIterationAborted",
  "MapRunStarted",
  "MapRunSucceeded",
  "MapRunFailed",
  "MapRunAborted",
  "MapRunRedriven",
  "EvaluationFailed",
];
for (const key of new Set(KNOWN_TYPES.map(detailsKey))) {
  Object.defineProperty(RecordedEvent.prototype, key, {
    get(this: RecordedEvent) {
      const self = this as unknown as { details: object | undefined; type: string };
      return self.details !== undefined && detailsKey(self.type) === key ? self.details : undefined;
    },
    enumerable: false,
    configurable: true,
  });
}
const KNOWN_KEYS = new Set(KNOWN_TYPES.map(detailsKey));
const knownType = new Map<string, boolean>();
function isKnownType(type: string): boolean {
  let known = knownType.get(type);
  if (known === undefined) {
    known = KNOWN_KEYS.has(detailsKey(type));
    knownType.set(type, known);
  }
  return known;
}

/**
 * Events are stored in columns (type, previous id, time, details) and become event objects only
 * when someone reads `events` (or an onEvent listener is set): a big inline Map records several
 * events per item, and most runs never look at them.
 */
/** Events per chunk of columns. */
const CHUNK_EVENTS = 1024;
/**
 * Events in the first chunk: most kept histories are short (a Distributed Map child's, kept for
 * the console, has a handful of events), so the first chunk is small and the next ones full size.
 */
const FIRST_CHUNK_EVENTS = 16;
/** First chunks given back by released histories (a succeeded child's, see History.release), reused. */
const firstChunks: Chunk[] = [];
const FIRST_CHUNKS_POOLED = 4096;

/**
 * One chunk of columns: per event four slots of `objects` (type, details or lazy kind, part a,
 * part b) and two of `numbers` (previousEventId, time). The numbers have a typed array of their
 * own: a time in an ordinary array is a boxed number, one allocation per event that a kept
 * history would carry into the old generation.
 */
class Chunk {
  readonly objects: unknown[];
  readonly numbers: Float64Array;
  constructor(readonly size: number) {
    this.objects = new Array(4 * size);
    this.numbers = new Float64Array(2 * size);
  }
}

export class History {
  private count = 0;
  readonly recording: boolean;
  /** Full chunks; appending never copies what is already stored. */
  private chunks?: Chunk[];
  // Allocated on the first kept event: most Distributed Map children keep none.
  private chunk: Chunk | undefined;
  private used = 0;
  private stored = 0;
  private materialized?: HistoryEvent[];
  private closed = false;

  /** Positional, not an options object: one History is made per Distributed Map child. */
  constructor(
    /** The execution the history belongs to (its ARN is read only when an event is sent). */
    private readonly execution: { readonly arn: string },
    private readonly clock: Clock,
    /** Quota on events (STANDARD: 25,000); undefined for none. */
    private readonly limit: number | undefined,
    /** Keep events in memory (the result's `history`). */
    private readonly keep: boolean,
    private readonly onEvent: ((event: EngineEvent) => void) | undefined,
  ) {
    this.recording = keep || onEvent !== undefined;
  }

  get size(): number {
    return this.count;
  }

  /** Whether events are kept (the result's `history`, a child's for the console). */
  get keeps(): boolean {
    return this.keep;
  }

  /**
   * Drops the kept events and gives a small first chunk back for the next history (a Distributed
   * Map child kept for the console that succeeded: nobody reads it). The history is closed.
   */
  release(): void {
    this.closed = true;
    const c = this.chunk;
    this.chunk = undefined;
    this.stored = 0;
    if (c === undefined || this.chunks !== undefined || c.size !== FIRST_CHUNK_EVENTS || firstChunks.length >= FIRST_CHUNKS_POOLED) return;
    c.objects.fill(undefined, 0, 4 * this.used);
    this.used = 0;
    firstChunks.push(c);
  }

  /** The kept events, in order (made from the columns on first read, then cached). */
  get events(): HistoryEvent[] {
    const out = (this.materialized ??= []);
    for (let i = out.length; i < this.stored; i++) out.push(this.eventAt(i));
    return out;
  }

  private eventAt(i: number): HistoryEvent {
    // The first chunk holds FIRST_CHUNK_EVENTS events, every later one CHUNK_EVENTS.
    const chunkIndex = i < FIRST_CHUNK_EVENTS ? 0 : 1 + Math.floor((i - FIRST_CHUNK_EVENTS) / CHUNK_EVENTS);
    const chunks = this.chunks ?? [];
    const c = chunkIndex < chunks.length ? chunks[chunkIndex] : this.chunk!;
    const at = i < FIRST_CHUNK_EVENTS ? i : (i - FIRST_CHUNK_EVENTS) % CHUNK_EVENTS;
    const o = c.objects;
    const type = o[4 * at] as string;
    const slot = o[4 * at + 1];
    const details = typeof slot === "number" ? makeDetails(slot as Lazy, o[4 * at + 2], o[4 * at + 3]) : (slot as object | undefined);
    const event = new RecordedEvent(i + 1, c.numbers[2 * at], c.numbers[2 * at + 1], type, details);
    if (details !== undefined && !isKnownType(type)) event[detailsKey(type)] = details;
    return event as unknown as HistoryEvent;
  }

  /**
   * Appends an event and returns its id. Past the quota it throws States.Runtime, except for the
   * terminal Execution* event (`force`), which AWS records to close the history.
   * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html — "Maximum execution history size: 25,000 events"
   */
  add(type: string, previousEventId: number, details?: object, force = false): number {
    return this.record(type, previousEventId, details, undefined, undefined, force);
  }

  /** Like `add`, with the details given as parts (see Lazy) so nothing is allocated unless read. */
  addLazy(type: string, previousEventId: number, kind: Lazy, a: unknown, b: unknown): number {
    return this.record(type, previousEventId, kind, a, b, false);
  }

  private record(
    type: string,
    previousEventId: number,
    details: object | Lazy | undefined,
    a: unknown,
    b: unknown,
    force: boolean,
  ): number {
    // After the terminal event the history is closed: work still finishing in the background
    // (a handler that outlived a stop, an iteration of a failed Map) records nothing more.
    if (this.closed) return this.count;
    if (force) this.closed = true;
    const limit = this.limit;
    if (limit !== undefined && this.count >= limit && !force) {
      throw new RuntimeError(
        `The execution reached the maximum number of history events (${limit}). https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html`,
      );
    }
    const id = ++this.count;
    if (!this.recording) return id;
    const time = this.clock.now();
    if (this.keep) {
      if (this.used === (this.chunk?.size ?? 0)) {
        if (this.chunk) (this.chunks ??= []).push(this.chunk);
        this.chunk = this.chunk ? new Chunk(CHUNK_EVENTS) : (firstChunks.pop() ?? new Chunk(FIRST_CHUNK_EVENTS));
        this.used = 0;
      }
      const c = this.chunk!;
      const u = this.used;
      const o = c.objects;
      o[4 * u] = type;
      o[4 * u + 1] = details;
      o[4 * u + 2] = a;
      o[4 * u + 3] = b;
      c.numbers[2 * u] = previousEventId;
      c.numbers[2 * u + 1] = time;
      this.used = u + 1;
      this.stored++;
    }
    if (this.onEvent) {
      const made = typeof details === "number" ? makeDetails(details, a, b) : details;
      const event = new RecordedEvent(id, previousEventId, time, type, made);
      if (made !== undefined && !isKnownType(type)) event[detailsKey(type)] = made;
      this.onEvent({ kind: "history", executionArn: this.execution.arn, event: event as unknown as HistoryEvent });
    }
    return id;
  }
}
