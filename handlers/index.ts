/**
 * The project's Lambda handlers by function name, for the local engine (which maps a Task's function
 * name to an in-process handler) and for the Pulumi program (which deploys each one).
 */
import { captureInput, paginateInline } from "./capture-input";
import { processData } from "./process-data";

export type Handler = (event: unknown) => Promise<unknown>;

export const HANDLERS = {
  CaptureInput: captureInput,
  PaginateInline: paginateInline,
  ProcessData: processData,
} as const satisfies Record<string, Handler>;

export type HandlerName = keyof typeof HANDLERS;

export * from "./capture-input";
export * from "./process-data";
export * from "./shared/errors";
export { readPayloadConfig, PayloadEnvSchema, type PayloadConfig, type PayloadFormat } from "./shared/payload-config";
export { payloadS3Client, disposePayloadS3Client } from "./shared/s3-client";
