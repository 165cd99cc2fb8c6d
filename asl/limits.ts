/** The hard limits AWS enforces and documents, shared by the validator and the engine. */
export const LIMITS = {
  /** https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html — "Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string". */
  payloadBytes: 262_144,
  /** Same page: "Maximum execution history size: 25,000 events" (Standard workflows). */
  historyEvents: 25_000,
  stateNameChars: 80,
  mapLabelChars: 40,
  distributedMaxConcurrency: 10_000,
  /** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html — "maximum of 256 KiB". */
  maxInputBytesPerBatch: 262_144,
} as const;
