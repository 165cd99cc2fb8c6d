/**
 * The run's S3 requests as work in flight of its clock: a virtual clock does not move while one
 * is pending (an ItemReader's GetObject, a ResultWriter's PutObject, a listing page), and the
 * progress watch does not take a run waiting on S3 for a stuck one. An object's body counts while
 * a chunk is being read, not while the reader holds back (it may wait for children that wait on
 * the clock).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Clock } from "./model/clock";

const clocks = new WeakMap<object, Clock>();

/** `client` with every `send` tracked on `clock` (the client itself is not changed). */
export function trackedS3(client: S3Client, clock: Clock): S3Client {
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const proxy = new Proxy(client, {
    get(target, key, receiver) {
      if (key === "send") return (...args: unknown[]) => clock.track(send(...args));
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  clocks.set(proxy, clock);
  return proxy;
}

/** The chunks of `stream`, each read tracked on the clock of `client` (when it is a tracked client). */
export async function* trackedChunks<T>(client: object, stream: AsyncIterable<T>): AsyncGenerator<T> {
  const clock = clocks.get(client);
  if (!clock) {
    yield* stream;
    return;
  }
  const it = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      const r = await clock.track(it.next());
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

/** `work` (I/O on `client`'s behalf, such as reading a body) tracked on the clock of `client`. */
export function trackedWork<T>(client: object, work: Promise<T>): Promise<T> {
  const clock = clocks.get(client);
  return clock ? clock.track(work) : work;
}
