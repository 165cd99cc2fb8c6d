/**
 * Wraps each in-process Lambda handler to count its invocations and their billed durations
 * (each rounded up to Lambda's 1 ms unit), which is what the bill estimate needs.
 *
 * The duration is the handler's wall time in this process. With many handlers interleaved on one
 * event loop it can include time spent waiting for others, so it errs on the high side.
 */
import { performance } from "node:perf_hooks";
import { billedMs, PRICE_TABLE } from "../pricing";

export interface FunctionMeter {
  invocations: number;
  errors: number;
  billedDurationMs: number;
}

export interface MeteredHandlers<H> {
  handlers: Record<string, H>;
  meters: Map<string, FunctionMeter>;
}

/**
 * In-process handlers that return at once resolve as microtasks, and a Map Run of them can keep the
 * event loop from ever reaching its I/O phase: Ctrl-C (a signal is delivered there) and the progress
 * timer would wait for the whole run. On Lambda every invocation is a network round trip; here a
 * handler call yields to the event loop when it has not for this long.
 */
const YIELD_EVERY_MS = 25;
let lastYield = performance.now();

async function yieldToEventLoopIfDue(): Promise<void> {
  if (performance.now() - lastYield < YIELD_EVERY_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}

export function meterHandlers<H extends (...args: never[]) => unknown>(
  byName: ReadonlyMap<string, H> | Record<string, H>,
  onResult: Readonly<Record<string, (result: unknown) => void>> = {},
): MeteredHandlers<H> {
  const entries = byName instanceof Map ? [...byName.entries()] : Object.entries(byName as Record<string, H>);
  const meters = new Map<string, FunctionMeter>();
  const handlers: Record<string, H> = {};
  for (const [name, handler] of entries) {
    const meter: FunctionMeter = { invocations: 0, errors: 0, billedDurationMs: 0 };
    const observe = onResult[name];
    meters.set(name, meter);
    handlers[name] = (async (...args: Parameters<H>) => {
      await yieldToEventLoopIfDue();
      const started = performance.now();
      meter.invocations++;
      try {
        const result = await handler(...args);
        observe?.(result);
        return result;
      } catch (error) {
        meter.errors++;
        throw error;
      } finally {
        meter.billedDurationMs += billedMs(performance.now() - started, PRICE_TABLE.lambda.durationRoundingMs);
      }
    }) as unknown as H;
  }
  return { handlers, meters };
}
