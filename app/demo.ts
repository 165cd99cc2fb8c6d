/**
 * What a catalog workflow brings to `npm start`: its demo. The runner knows no workflow by name; it
 * asks the workflow's entry for the default input, the data set to put in the embedded S3 before
 * the run, the check that proves the run right, and the variants (`--inline`, ...).
 *
 * Pulumi-free and SDK-light: the S3 client is only a type here.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { StateMachine } from "../asl/builders";
import type { StackConfig } from "../config/schema";

/** One line a person reads in the summary, and the problems behind a failure. */
export interface CheckResult {
  name: string;
  passed: boolean;
  detail: string;
  problems: string[];
}

/** Where a demo's data went, for the summary. */
export interface DatasetSummary {
  objects: number;
  bytes: number;
  /** `s3://bucket/prefix` */
  prefix: string;
}

/** A reproducible random source from a seed (mulberry32 in the engine's model: same seed, same numbers). */
export type SeededRandom = (seed: number) => () => number;

export interface DemoContext {
  /** A client of the embedded S3 server. */
  s3: S3Client;
  /** The stack's bucket (exists). */
  bucket: string;
  config: StackConfig;
  /** The execution input (the demo's default or the user's --input). */
  input: Record<string, unknown>;
  /** `--objects N` when given (only for demos that declare `sizeFlag`). */
  size?: number;
  signal: AbortSignal;
  /** The runner's seeded random, for generated data sets (passed in: a demo imports nothing from the engine). */
  seededRandom: SeededRandom;
  /** Reports how far a long step got (the data set's objects written), for the live display. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Stores objects in the embedded S3 directly (its `putObjects`), for a large generated data set;
   * absent when there is no embedded S3. Returns how many were stored.
   */
  putObjects?: (bucket: string, objects: Iterable<{ key: string; body: string; contentType?: string }>) => Promise<number>;
}

export interface DemoDataset<T = unknown> {
  summary: DatasetSummary;
  /** Whatever the check needs to compare against (totals, expected counts). */
  expected: T;
}

export interface CheckContext<T = unknown> extends DemoContext {
  /** The execution's output (SUCCEEDED runs only are checked). */
  output: unknown;
  /** What the demo's `observe` accumulated from the functions' results (undefined without one). */
  observed: Observation | undefined;
  /** What `dataset` returned, when the demo has one. */
  expected: T | undefined;
}

/** Takes the results of observed functions, one at a time. */
export interface Observation {
  add(functionName: string, result: unknown): void;
}

export interface DemoVariant {
  /** Shown in --help and errors. */
  description: string;
  /** Builds the variant's machine (it may use handlers the deployed workflow does not). */
  build(config: StackConfig, resources: { bucket: string }): StateMachine;
  /**
   * What to do about a failure of this variant, when it has something to say: it takes the place of
   * the general advice after the runner's explanation of the error (why this variant fails where the
   * workflow does not, and the way out).
   */
  advice?(error: string | undefined, input: Record<string, unknown>): string | undefined;
}

export interface WorkflowDemo<T = unknown> {
  /** The execution input when the user gives none. */
  input(config: StackConfig): Record<string, unknown>;
  /** `--objects N`: what N means for this demo, its default and its maximum. */
  sizeFlag?: { description: string; default: number; max: number };
  /** Puts the demo's data in the embedded S3 before the run. */
  dataset?(ctx: DemoContext): Promise<DemoDataset<T>>;
  /**
   * Functions whose results the check accumulates as the handlers return them (every successful
   * invocation, in order), for runs whose exported results are too large to read back quickly.
   * `start()` makes one accumulator per run; it should keep a digest, not every result (a
   * 10,000,000-item run must stay in bounded memory).
   */
  observe?: { functions: readonly string[]; start(): Observation };
  /** Proves a SUCCEEDED run right from what it produced. */
  check?(ctx: CheckContext<T>): Promise<CheckResult | undefined>;
  /** Extra summary lines from the output (label, text), e.g. the top words of a reduce. */
  describeOutput?(output: unknown): Array<[string, string]>;
  /** Named variants, each selectable with `--variant NAME` (and `--NAME` for boolean shorthands the CLI lists). */
  variants?: Readonly<Record<string, DemoVariant>>;
}
