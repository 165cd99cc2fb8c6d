/**
 * The registry's functions marked `localThreads` run, in `npm start`, on worker threads: each thread
 * a warm Lambda "container" with its own module state (its SDK clients), as concurrent invocations on
 * AWS run in separate execution environments
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 *
 * Why: a local run is one thread otherwise, and a function whose invocation reads hundreds of S3
 * objects (map-reduce's CountWords: a batch of 250) spends it in the SDK's client (signing, parsing:
 * ~0.4 ms of CPU a request here). On threads that work takes the machine's other cores while the
 * engine's thread schedules children. A function whose invocation takes microseconds (the seed's
 * ProcessData) stays on the engine's thread: a message to a thread and back would cost more than it.
 *
 * Each thread gets the run's environment (its servers' endpoints and keys, PAYLOAD_*) when it starts;
 * the event crosses as Lambda delivers it (JSON), the result and a thrown error's name, message and
 * stack come back (the engine reads errorType from the name). A thread that dies fails the
 * invocations it held with `Runtime.ExitError`, as Lambda names a runtime that exited
 * (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html).
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../../engine/model/worker-module";
import type { LambdaContext } from "../../engine/types";

/** An invocation as it crosses to a thread. */
export interface ThreadInvocation {
  id: number;
  functionName: string;
  eventText: string;
  context: {
    awsRequestId: string;
    invokedFunctionArn: string;
    memoryLimitInMB: string;
    logGroupName: string;
    logStreamName: string;
    functionVersion: string;
    remainingMs: number;
  };
}

/** A thread's answer: the result, or the error the handler threw. */
export type ThreadResult =
  { id: number; value: unknown } | { id: number; error: { name: string; message: string; stack?: string } } | { id: -1; ready: true };

/** A handler whose call runs on a thread: a LambdaHandler that always answers a promise. */
export type ThreadedHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

export interface LambdaThreads {
  /** A handler per function name: each call runs on one of the threads (the least busy). */
  readonly handlers: Readonly<Record<string, ThreadedHandler>>;
  readonly threads: number;
  /** Ends the threads (invocations still in flight fail). Safe to call twice. */
  stop(): Promise<void>;
}

/** Threads for the functions: as many as the machine has cores (each invocation's SDK work is CPU), at most 4. */
export function threadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

function spawn(env: Readonly<Record<string, string>>): Worker {
  return startModuleWorker(__dirname, "lambda-thread-entry", __filename, { env: { ...env } });
}

interface Thread {
  worker: Worker;
  inFlight: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
}

/**
 * Starts `threadCount()` threads for the named functions. `env`: the run's whole environment (what
 * `process.env` shows inside the run), given to each thread as its `process.env`.
 */
export async function startLambdaThreads(functionNames: readonly string[], env: Readonly<Record<string, string>>): Promise<LambdaThreads> {
  const threads: Thread[] = [];
  let nextId = 0;
  let stopped = false;
  const ready: Array<Promise<void>> = [];
  for (let i = 0; i < threadCount(); i++) {
    const thread: Thread = { worker: spawn(env), inFlight: new Map() };
    threads.push(thread);
    ready.push(
      new Promise<void>((resolve, reject) => {
        thread.worker.on("message", (m: ThreadResult) => {
          if ("ready" in m) return resolve();
          const call = thread.inFlight.get(m.id);
          thread.inFlight.delete(m.id);
          if (!call) return;
          if ("error" in m) {
            const error = new Error(m.error.message);
            error.name = m.error.name;
            if (m.error.stack !== undefined) error.stack = m.error.stack;
            call.reject(error);
          } else call.resolve(m.value);
        });
        const fail = (why: string) => {
          const error = new Error(`the local Lambda thread ended: ${why}`);
          error.name = "Runtime.ExitError";
          for (const call of thread.inFlight.values()) call.reject(error);
          thread.inFlight.clear();
          reject(error);
        };
        thread.worker.once("error", (e) => fail(e.stack ?? e.message));
        thread.worker.once("exit", (code) => {
          if (!stopped) fail(`exit code ${code}`);
        });
      }),
    );
  }
  try {
    await Promise.all(ready);
  } catch (error) {
    await Promise.all(threads.map((t) => t.worker.terminate()));
    throw error;
  }
  const invoke = (functionName: string) =>
    function onThread(event: unknown, context: LambdaContext): Promise<unknown> {
      if (stopped) return Promise.reject(new Error(`the local Lambda threads have stopped (${functionName})`));
      let thread = threads[0]!;
      for (const t of threads) if (t.inFlight.size < thread.inFlight.size) thread = t;
      const id = nextId++;
      const message: ThreadInvocation = {
        id,
        functionName,
        eventText: JSON.stringify(event) ?? "null",
        context: {
          awsRequestId: context.awsRequestId,
          invokedFunctionArn: context.invokedFunctionArn,
          memoryLimitInMB: context.memoryLimitInMB,
          logGroupName: context.logGroupName,
          logStreamName: context.logStreamName,
          functionVersion: context.functionVersion,
          remainingMs: context.getRemainingTimeInMillis(),
        },
      };
      return new Promise((resolve, reject) => {
        thread.inFlight.set(id, { resolve, reject });
        thread.worker.postMessage(message);
      });
    };
  let stopping: Promise<void> | undefined;
  return {
    handlers: Object.fromEntries(functionNames.map((name) => [name, invoke(name)])),
    threads: threads.length,
    stop() {
      stopped = true;
      // An invocation still in flight (a run stopped by Ctrl-C) fails rather than waiting forever.
      for (const thread of threads) {
        for (const call of thread.inFlight.values()) call.reject(new Error("the local Lambda threads have stopped"));
        thread.inFlight.clear();
      }
      stopping ??= Promise.all(threads.map((t) => t.worker.terminate())).then(() => undefined);
      return stopping;
    },
  };
}
