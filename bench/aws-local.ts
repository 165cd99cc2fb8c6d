/**
 * aws-local-stepfunctions, the benches' point of comparison, loaded the one way every bench needs:
 * its version 3 calls Promise.withResolvers (Node 22+), and this toolchain runs on Node 20.
 */
import type { StateMachine } from "aws-local-stepfunctions";

export async function loadAwsLocal(): Promise<{ StateMachine: typeof StateMachine }> {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= function withResolvers<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  return import("aws-local-stepfunctions");
}
