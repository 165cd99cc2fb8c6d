/**
 * An S3 client for the embedded server with a fault injector: a middleware that fails chosen
 * requests (as a 500 InternalError would) or cuts a response body short mid-stream.
 */
import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type { EmbeddedS3 } from "../../../emulators/s3/server";

/** Adds a middleware that can fail requests (or cut a response body short) on demand. */
export function faultyClient(
  s3: EmbeddedS3,
  fault: (command: string, input: Record<string, unknown>) => "fail" | { cutAfterBytes: number } | undefined,
): S3Client {
  const client = s3.client();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const decision = fault(context.commandName ?? "", args.input as Record<string, unknown>);
      if (decision === "fail") {
        throw Object.assign(new Error("We encountered an internal error. Please try again."), { name: "InternalError", $fault: "server" });
      }
      const result = await next(args);
      if (decision && typeof decision === "object") {
        const output = result.output as { Body?: Readable };
        const body = output.Body!;
        let seen = 0;
        const limit = decision.cutAfterBytes;
        output.Body = Readable.from(
          (async function* () {
            for await (const chunk of body) {
              const buf = chunk as Buffer;
              if (seen + buf.length > limit) {
                yield buf.subarray(0, limit - seen);
                throw Object.assign(new Error("socket hang up"), { name: "ECONNRESET" });
              }
              seen += buf.length;
              yield buf;
            }
          })(),
        ) as Readable;
      }
      return result;
    },
    { step: "initialize", name: "faultInjection" },
  );
  return client;
}
