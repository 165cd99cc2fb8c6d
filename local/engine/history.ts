/**
 * The execution history: AWS-shaped events (id, previousEventId, timestamp, type, and the
 * `<type>EventDetails` object), numbered from 1, with the STANDARD-workflow quota enforced.
 * Payload strings (`input`, `output`) are serialized lazily, on first read or on JSON.stringify,
 * so a long run does not pay for strings nobody reads.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
import type { JsonValue } from "../../asl/types";
import type { Clock } from "./clock";
import { RuntimeError } from "./errors";
import type { EngineEvent, HistoryEvent } from "./types";

/** Details whose `input` is a JSON string made on demand. */
export class InputDetails {
  constructor(
    extra: Record<string, unknown>,
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
  toJSON(): Record<string, unknown> {
    return { ...(this as unknown as Record<string, unknown>), value: undefined, input: this.input, inputDetails: this.inputDetails };
  }
}

/** Details whose `output` is a JSON string made on demand. */
export class OutputDetails {
  constructor(
    extra: Record<string, unknown>,
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
  toJSON(): Record<string, unknown> {
    return { ...(this as unknown as Record<string, unknown>), value: undefined, output: this.output, outputDetails: this.outputDetails };
  }
}

/** `TaskStateEntered` → `stateEnteredEventDetails`, as the API names them. */
export function detailsKey(type: string): string {
  if (type.endsWith("StateEntered")) return "stateEnteredEventDetails";
  if (type.endsWith("StateExited")) return "stateExitedEventDetails";
  return type[0].toLowerCase() + type.slice(1) + "EventDetails";
}

export interface HistoryOptions {
  executionArn: string;
  clock: Clock;
  /** Quota on events (STANDARD: 25,000); undefined for none. */
  limit?: number;
  /** Keep events in memory (the result's `history`). */
  keep: boolean;
  onEvent?: (event: EngineEvent) => void;
}

export class History {
  readonly events: HistoryEvent[] = [];
  private count = 0;

  constructor(private readonly options: HistoryOptions) {}

  get size(): number {
    return this.count;
  }

  /**
   * Appends an event and returns its id. Past the quota it throws States.Runtime, except for the
   * terminal Execution* event (`force`), which AWS records to close the history.
   * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html — "Maximum execution history size: 25,000 events"
   */
  add(type: string, previousEventId: number, details?: object, force = false): number {
    const { limit } = this.options;
    if (limit !== undefined && this.count >= limit && !force) {
      throw new RuntimeError(
        `The execution reached the maximum number of history events (${limit}). https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html`,
      );
    }
    const id = ++this.count;
    if (!this.options.keep && !this.options.onEvent) return id;
    const event: HistoryEvent = { id, previousEventId, timestamp: new Date(this.options.clock.now()), type };
    if (details) event[detailsKey(type)] = details;
    if (this.options.keep) this.events.push(event);
    this.options.onEvent?.({ kind: "history", executionArn: this.options.executionArn, event });
    return id;
  }
}
