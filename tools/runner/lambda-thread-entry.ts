/**
 * One local Lambda thread (./lambda-threads.ts): runs the registry's handlers (app/lambdas.ts) by
 * function name, with the run's environment as its `process.env` (sent once, before the first
 * invocation), and answers each invocation.
 */
import { parentPort } from "node:worker_threads";
import { catalogLambda } from "../../app/lambdas";
import type { LambdaContext } from "../../engine/types";
import type { ThreadMessage, ThreadResult } from "./lambda-threads";

const port = parentPort!;
const send = (result: ThreadResult) => port.postMessage(result);

port.on("message", (message: ThreadMessage) => {
  if (message.kind === "env") {
    // The run's environment replaces the AWS_* namespace whole (the thread started without it).
    for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
    Object.assign(process.env, message.env);
    send({ id: -1, ready: true });
    return;
  }
  const call = message;
  const deadline = Date.now() + call.context.remainingMs;
  const context: LambdaContext = {
    ...call.context,
    functionName: call.functionName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const entry = catalogLambda(call.functionName);
  let pending: Promise<unknown>;
  try {
    if (!entry) throw new Error(`no function named '${call.functionName}' in the registry (app/lambdas.ts)`);
    // The engine hands every handler Lambda's context as its second argument; so does this thread.
    const handler = entry.ref.handler as (event: never, context: LambdaContext) => Promise<unknown>;
    pending = Promise.resolve(handler(JSON.parse(call.eventText) as never, context));
  } catch (e) {
    pending = Promise.reject(e);
  }
  pending.then(
    (value) => send({ id: call.id, value: JSON.parse(JSON.stringify(value ?? null)) as unknown }),
    (e: unknown) => {
      const error = e instanceof Error ? e : new Error(String(e));
      send({ id: call.id, error: { name: error.name, message: error.message, stack: error.stack } });
    },
  );
});
