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

/** What the engine's thread sends: the run's environment once, then invocations. */
export type ThreadMessage = { kind: "env"; env: Readonly<Record<string, string>> } | ThreadInvocation;

/** An invocation as it crosses to a thread. */
export interface ThreadInvocation {
  kind: "invoke";
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

/** A thread's answer: the result, or the error the handler threw; or that it took the run's environment. */
export type ThreadResult =
  { id: number; value: unknown } | { id: number; error: { name: string; message: string; stack?: string } } | { id: -1; ready: true };

/** A handler whose call runs on a thread: a LambdaHandler that always answers a promise. */
export type ThreadedHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

export interface LambdaThreads {
  /** A handler per function name: each call runs on one of the threads (the least busy). */
  readonly handlers: Readonly<Record<string, ThreadedHandler>>;
  readonly threads: number;
  /**
   * Gives every thread the run's environment (what `process.env` shows inside the run: its servers'
   * endpoints and keys, PAYLOAD_*), resolving once all have it; call it before the first invocation.
   */
  configure(env: Readonly<Record<string, string>>): Promise<void>;
  /** Ends the threads (invocations still in flight fail). Safe to call twice. */
  stop(): Promise<void>;
}

/** Threads for the functions: as many as the machine has cores (each invocation's SDK work is CPU), at most 4. */
export function threadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/**
 * A thread starts with the process's environment less every `AWS_*` variable: it loads its modules
 * while the run's servers start, and nothing it loads can see the user's own AWS settings; the run's
 * environment arrives with `configure`.
 */
function spawn(): Worker {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("AWS_")) env[key] = value;
  return startModuleWorker(__dirname, "lambda-thread-entry", __filename, { env });
}

interface Thread {
  worker: Worker;
  inFlight: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
  /** Settled when the thread has taken the run's environment (or has ended). */
  configured: Promise<void>;
}

/**
 * Starts `threadCount()` threads for the named functions at once (they load their modules while the
 * caller starts the run's servers); `configure` then gives them the run's environment.
 */
export function startLambdaThreads(functionNames: readonly string[]): LambdaThreads {
  let nextId = 0;
  let stopped = false;
  const threads: Thread[] = Array.from({ length: threadCount() }, () => {
    const worker = spawn();
    const inFlight: Thread["inFlight"] = new Map();
    const configured = new Promise<void>((resolve, reject) => {
      worker.on("message", (m: ThreadResult) => {
        if ("ready" in m) return resolve();
        const call = inFlight.get(m.id);
        inFlight.delete(m.id);
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
        for (const call of inFlight.values()) call.reject(error);
        inFlight.clear();
        reject(error);
      };
      worker.once("error", (e) => fail(e.stack ?? e.message));
      worker.once("exit", (code) => {
        if (!stopped) fail(`exit code ${code}`);
      });
    });
    // Read by configure(); a thread that fails before then must not be an unhandled rejection.
    configured.catch(() => undefined);
    return { worker, inFlight, configured };
  });
  const invoke = (functionName: string) =>
    function onThread(event: unknown, context: LambdaContext): Promise<unknown> {
      if (stopped) return Promise.reject(new Error(`the local Lambda threads have stopped (${functionName})`));
      let thread = threads[0]!;
      for (const t of threads) if (t.inFlight.size < thread.inFlight.size) thread = t;
      const id = nextId++;
      const message: ThreadInvocation = {
        kind: "invoke",
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
  const stop = (): Promise<void> => {
    stopped = true;
    // An invocation still in flight (a run stopped by Ctrl-C) fails rather than waiting forever.
    for (const thread of threads) {
      for (const call of thread.inFlight.values()) call.reject(new Error("the local Lambda threads have stopped"));
      thread.inFlight.clear();
    }
    stopping ??= Promise.all(threads.map((t) => t.worker.terminate())).then(() => undefined);
    return stopping;
  };
  return {
    handlers: Object.fromEntries(functionNames.map((name) => [name, invoke(name)])),
    threads: threads.length,
    async configure(env) {
      for (const thread of threads) thread.worker.postMessage({ kind: "env", env: { ...env } } satisfies ThreadMessage);
      try {
        await Promise.all(threads.map((t) => t.configured));
      } catch (error) {
        await stop();
        throw error;
      }
    },
    stop,
  };
}
