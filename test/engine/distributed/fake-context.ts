/**
 * A stand-in for the interpreter: a DistributedMapContext whose children are plain JS functions,
 * with just enough JSONPath (`.$` keys, `$`/`$$` paths via jsonpath-plus) to evaluate the
 * templates the Map Run hands it. Records history events and Map Run updates for assertions.
 */
import { JSONPath } from "jsonpath-plus";
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue, MapState } from "../../../asl/types";
import type { ChildOutcome, DistributedMapContext, MapItemContext, MapRunRecord } from "../../../engine/distributed/map-run-interface";

/** A Distributed Map state whose children are one Pass state, plus `extra`. */
export function distributed(extra: Partial<MapState>): MapState {
  return {
    Type: "Map",
    ItemProcessor: {
      ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
      StartAt: "P",
      States: { P: { Type: "Pass", End: true } },
    },
    End: true,
    ...extra,
  };
}

export const MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Seed";
export const EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:Seed:run-1";

export type ChildFn = (input: JsonValue, signal: AbortSignal) => JsonValue | Promise<JsonValue>;

export class ChildError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

function readPath(path: string, input: JsonValue, context: JsonValue): JsonValue {
  const root = path.startsWith("$$") ? context : input;
  const p = path.startsWith("$$") ? path.slice(1) : path;
  if (p === "$") return root;
  const found = JSONPath({ path: p, json: root as object, wrap: true }) as JsonValue[];
  if (found.length === 0) throw new Error(`path ${path} not found`);
  return found[0];
}

export function evaluateTemplate(template: JsonValue, input: JsonValue, item?: MapItemContext): JsonValue {
  const context: JsonValue = item
    ? {
        Map: {
          Item: {
            Index: item.index,
            Value: item.value,
            ...(item.source ? { Source: item.source } : {}),
            ...(item.key !== undefined ? { Key: item.key } : {}),
          },
        },
      }
    : {};
  const walk = (t: JsonValue): JsonValue => {
    if (Array.isArray(t)) return t.map(walk);
    if (t === null || typeof t !== "object") return t;
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(t)) {
      if (k.endsWith(".$") && typeof v === "string") out[k.slice(0, -2)] = readPath(v, input, context);
      else out[k] = walk(v);
    }
    return out;
  };
  return walk(template);
}

export interface FakeContext extends DistributedMapContext {
  history: { type: string; details?: Record<string, JsonValue> }[];
  updates: MapRunRecord[];
  /** Inputs each child was started with, in start order. */
  started: JsonValue[];
  maxRunning: number;
  parent: AbortController;
}

export function fakeContext(s3: S3Client, child: ChildFn, overrides: Partial<DistributedMapContext> = {}): FakeContext {
  const parent = new AbortController();
  let running = 0;
  const ctx: FakeContext = {
    s3,
    executionArn: EXECUTION_ARN,
    stateMachineArn: MACHINE_ARN,
    stateName: "MapData",
    queryLanguage: "JSONPath",
    history: [],
    updates: [],
    started: [],
    maxRunning: 0,
    parent,
    signal: parent.signal,
    evaluateTemplate,
    evaluatePath: (path, input) => readPath(path, input, {}),
    emitHistory(type, details) {
      ctx.history.push({ type, details });
    },
    onMapRunUpdate(record) {
      ctx.updates.push(record);
    },
    async startChild(input, { name, signal }): Promise<ChildOutcome> {
      ctx.started.push(input);
      running++;
      ctx.maxRunning = Math.max(ctx.maxRunning, running);
      const startDate = new Date();
      const executionArn = `arn:aws:states:us-east-1:123456789012:execution:Seed/MapData:${name}`;
      const copy = JSON.parse(JSON.stringify(input)) as JsonValue;
      try {
        const output = await child(copy, signal);
        if (signal.aborted) return { status: "ABORTED", executionArn, name, startDate, stopDate: new Date(), input };
        return { status: "SUCCEEDED", output, executionArn, name, startDate, stopDate: new Date(), input };
      } catch (err) {
        if (signal.aborted) return { status: "ABORTED", executionArn, name, startDate, stopDate: new Date(), input };
        const e = err as Error & { error?: string };
        return {
          status: "FAILED",
          error: e.error ?? e.name,
          cause: JSON.stringify({ errorMessage: e.message, errorType: e.error ?? e.name }),
          executionArn,
          name,
          startDate,
          stopDate: new Date(),
          input,
        };
      } finally {
        running--;
      }
    },
    ...overrides,
  };
  return ctx;
}

/** A seeded PRNG so fault tests are deterministic. */
export { seededRandom } from "../../../engine/model/random";
