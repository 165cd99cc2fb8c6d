/**
 * The project's Lambda handlers, re-exported in one place. Which function name runs which handler is
 * the one registry's business (app/lambdas.ts), not this module's.
 */
export * from "./capture-input";
export * from "./process-data";
export * from "./shared/errors";
export { readPayloadConfig, PayloadEnvSchema, type PayloadConfig, type PayloadFormat } from "./shared/payload-config";
export { payloadS3Client, disposePayloadS3Client } from "./shared/s3-client";
