/**
 * An AWS SDK logger that writes nothing, for clients of tests that fail or abort streaming requests on
 * purpose: without a logger of its own, the SDK's retry middleware writes "An error was encountered in
 * a non-retryable streaming request." to the console for each one (@smithy/core's retryMiddleware),
 * which buried `npm test`'s own output under dozens of copies.
 */
import type { S3ClientConfig } from "@aws-sdk/client-s3";

const nothing = (): void => undefined;

export const silentSdkLogger: NonNullable<S3ClientConfig["logger"]> = {
  trace: nothing,
  debug: nothing,
  info: nothing,
  warn: nothing,
  error: nothing,
};
