/**
 * Property: every well-formed builder program renders to a definition the validator accepts, and that
 * definition survives JSON.stringify → JSON.parse unchanged. Programs are random trees of every state
 * type (Task direct/invoke, Pass, Wait, Choice, Parallel, inline and distributed Map with every reader,
 * batcher, writer, thresholds, Retry and Catch) in both query languages. Seeded, so runs are repeatable.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { QueryLanguage } from "../../../asl/types";
import { validateDefinition } from "../../../asl/validator/index";
import {
  Chain,
  choice,
  Condition,
  distributedMap,
  fail,
  inlineMap,
  jsonata,
  lambda,
  lambdaInvoke,
  machine,
  parallel,
  pass,
  path,
  resultWriterConfig,
  s3CsvReader,
  s3JsonlReader,
  s3JsonReader,
  s3ListReader,
  s3ManifestReader,
  s3ParquetReader,
  s3ResultWriter,
  succeed,
  task,
  wait,
  type Chainable,
  type ItemReaderSpec,
  type RetryOptions,
  type ResultWriterSpec,
} from "../../../asl/builders";

const refs = [lambda("Alpha", async (e: unknown) => e), lambda("Beta", async (e: unknown) => e), lambda("Gamma", async (e: unknown) => e)];

type RetrySpec = { errors: string[]; interval?: number; attempts?: number; backoff?: number; maxDelay?: number; jitter?: "FULL" | "NONE" };
type ChainSpec = { steps: StepSpec[]; end: EndSpec };
type StepSpec =
  | {
      k: "task";
      ref: number;
      invoke: boolean;
      withResult: boolean;
      timeout?: number;
      heartbeat?: number;
      dynamicTimeout: boolean;
      retry: RetrySpec[];
      catchChain?: ChainSpec;
    }
  | { k: "pass"; result?: { v: number } }
  | { k: "wait"; seconds: number; dynamic: boolean }
  | { k: "parallel"; branches: ChainSpec[]; catchChain?: ChainSpec }
  | { k: "inline"; processor: ChainSpec; maxConcurrency?: number; fromInput: boolean }
  | {
      k: "distributed";
      processor: ChainSpec;
      reader: number;
      dynamicLocation: boolean;
      batch?: { items?: number; bytes?: number; input: boolean };
      writer?: { kind: number; outputType: "JSON" | "JSONL"; transformation?: "NONE" | "COMPACT" | "FLATTEN" };
      tolerated?: number;
      toleratedCount?: number;
      label?: string;
      express: boolean;
      maxConcurrency?: number;
    };
type EndSpec =
  | { k: "open" }
  | { k: "succeed" }
  | { k: "fail" }
  | { k: "choice"; rules: Array<{ cond: number; chain: ChainSpec }>; otherwise?: ChainSpec };

const errorNames = ["States.TaskFailed", "States.Timeout", "Lambda.ServiceException", "Custom.Error"];
const retryArb: fc.Arbitrary<RetrySpec> = fc.record(
  {
    errors: fc.oneof(fc.constant<string[]>(["States.ALL"]), fc.uniqueArray(fc.constantFrom(...errorNames), { minLength: 1, maxLength: 3 })),
    interval: fc.integer({ min: 1, max: 60 }),
    attempts: fc.integer({ min: 0, max: 10 }),
    backoff: fc.constantFrom(1, 1.5, 2),
    maxDelay: fc.integer({ min: 1, max: 3600 }),
    jitter: fc.constantFrom("FULL" as const, "NONE" as const),
  },
  { requiredKeys: ["errors"] },
);

/** Arbitraries by nesting depth: at depth 0 a chain holds only leaf states, so programs stay small. */
const chainCache = new Map<number, fc.Arbitrary<ChainSpec>>();
function chainOf(depth: number): fc.Arbitrary<ChainSpec> {
  let arb = chainCache.get(depth);
  if (!arb) {
    arb = fc.record({ steps: fc.array(stepOf(depth), { minLength: 1, maxLength: 3 }), end: endOf(depth) });
    chainCache.set(depth, arb);
  }
  return arb;
}

function stepOf(depth: number): fc.Arbitrary<StepSpec> {
  const inner = depth > 0 ? chainOf(depth - 1) : undefined;
  const leaves: Array<fc.Arbitrary<StepSpec>> = [
    fc.record(
      {
        k: fc.constant("task" as const),
        ref: fc.integer({ min: 0, max: refs.length - 1 }),
        invoke: fc.boolean(),
        withResult: fc.boolean(),
        timeout: fc.integer({ min: 2, max: 3600 }),
        heartbeat: fc.integer({ min: 1, max: 3600 }),
        dynamicTimeout: fc.boolean(),
        retry: fc.array(retryArb, { maxLength: 2 }),
        ...(inner ? { catchChain: inner } : {}),
      },
      { requiredKeys: ["k", "ref", "invoke", "withResult", "dynamicTimeout", "retry"] },
    ),
    fc.record({ k: fc.constant("pass" as const), result: fc.option(fc.record({ v: fc.integer() }), { nil: undefined }) }),
    fc.record({ k: fc.constant("wait" as const), seconds: fc.integer({ min: 0, max: 99_999 }), dynamic: fc.boolean() }),
  ];
  if (!inner) return fc.oneof(...leaves);
  const nested: Array<fc.Arbitrary<StepSpec>> = [
    fc.record(
      { k: fc.constant("parallel" as const), branches: fc.array(inner, { minLength: 1, maxLength: 2 }), catchChain: inner },
      { requiredKeys: ["k", "branches"] },
    ),
    fc.record(
      { k: fc.constant("inline" as const), processor: inner, maxConcurrency: fc.integer({ min: 0, max: 40 }), fromInput: fc.boolean() },
      { requiredKeys: ["k", "processor", "fromInput"] },
    ),
    fc.record(
      {
        k: fc.constant("distributed" as const),
        processor: inner,
        reader: fc.integer({ min: 0, max: 10 }),
        dynamicLocation: fc.boolean(),
        batch: fc.record(
          { items: fc.integer({ min: 1, max: 1000 }), bytes: fc.integer({ min: 1, max: 262_144 }), input: fc.boolean() },
          { requiredKeys: ["input"] },
        ),
        writer: fc.record(
          {
            kind: fc.integer({ min: 0, max: 2 }),
            outputType: fc.constantFrom("JSON" as const, "JSONL" as const),
            transformation: fc.constantFrom("NONE" as const, "COMPACT" as const, "FLATTEN" as const),
          },
          { requiredKeys: ["kind", "outputType"] },
        ),
        // Decimals are valid on AWS (0.5 %).
        tolerated: fc.integer({ min: 0, max: 1000 }).map((n) => n / 10),
        toleratedCount: fc.integer({ min: 0, max: 1000 }),
        label: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        express: fc.boolean(),
        maxConcurrency: fc.integer({ min: 0, max: 10_000 }),
      },
      { requiredKeys: ["k", "processor", "reader", "dynamicLocation", "express"] },
    ),
  ];
  return fc.oneof(...leaves, ...nested);
}

function endOf(depth: number): fc.Arbitrary<EndSpec> {
  const simple: Array<fc.Arbitrary<EndSpec>> = [
    fc.constant({ k: "open" as const }),
    fc.constant({ k: "succeed" as const }),
    fc.constant({ k: "fail" as const }),
  ];
  if (depth === 0) return fc.oneof(...simple);
  const inner = chainOf(depth - 1);
  return fc.oneof(
    ...simple,
    fc.record(
      {
        k: fc.constant("choice" as const),
        rules: fc.array(fc.record({ cond: fc.integer({ min: 0, max: 7 }), chain: inner }), { minLength: 1, maxLength: 3 }),
        otherwise: inner,
      },
      { requiredKeys: ["k", "rules"] },
    ),
  );
}

const chainArb = chainOf(2);

/** Turns a spec into builder calls. Names come from a counter, so they are unique machine-wide. */
class ProgramBuilder {
  private counter = 0;
  /**
   * `mixed`: the machine is JSONPath but every other state switches itself to JSONata, which checks
   * that a state's own QueryLanguage governs its fields while nested states keep the machine's.
   */
  constructor(
    private readonly language: QueryLanguage,
    private readonly mixed = false,
  ) {}

  private name(kind: string): string {
    return `${kind}${this.counter++}`;
  }

  /** The next state's name, its language and the option that sets that language when it differs from the machine's. */
  private next(kind: string): { name: string; lang: QueryLanguage; ql: { queryLanguage?: QueryLanguage } } {
    const name = this.name(kind);
    const lang: QueryLanguage = this.mixed && this.counter % 2 === 0 ? "JSONata" : this.language;
    return { name, lang, ql: lang !== this.language ? { queryLanguage: lang } : {} };
  }

  private dyn<T>(lang: QueryLanguage, jsonPath: `$${string}`, expression: string) {
    return lang === "JSONPath" ? path<T>(jsonPath) : jsonata<T>(expression);
  }

  chain(spec: ChainSpec, express: boolean): Chainable {
    let chain: Chain | undefined;
    const append = (piece: Chainable) => {
      chain = chain ? chain.next(piece) : Chain.start(piece);
    };
    for (const step of spec.steps) append(this.step(step, express));
    const end = this.end(spec.end, express);
    if (end) append(end);
    return chain!;
  }

  private retries(specs: RetrySpec[]): RetryOptions[] {
    // States.ALL must be alone and last: keep the rules up to the first States.ALL one.
    const out: RetryOptions[] = [];
    for (const r of specs) {
      out.push({
        errors: r.errors,
        intervalSeconds: r.interval,
        maxAttempts: r.attempts,
        backoffRate: r.backoff,
        maxDelaySeconds: r.maxDelay,
        jitterStrategy: r.jitter,
      });
      if (r.errors.includes("States.ALL")) break;
    }
    return out;
  }

  private step(s: StepSpec, express: boolean): Chainable {
    switch (s.k) {
      case "task": {
        const { name, lang, ql } = this.next("Task");
        const jp = lang === "JSONPath";
        const timeout =
          s.timeout === undefined ? undefined : s.dynamicTimeout ? this.dyn<number>(lang, "$.timeout", "$states.input.timeout") : s.timeout;
        const heartbeat = typeof timeout === "number" && s.heartbeat !== undefined && s.heartbeat < timeout ? s.heartbeat : undefined;
        const options = {
          ...ql,
          timeoutSeconds: timeout,
          heartbeatSeconds: heartbeat,
          retry: this.retries(s.retry),
          ...(s.withResult ? (jp ? { resultPath: "$.result" as const } : { output: { result: jsonata("$states.result") } }) : {}),
        };
        const t = s.invoke ? lambdaInvoke(name, refs[s.ref]!, options) : task(name, refs[s.ref]!, options);
        if (s.catchChain)
          t.addCatch(this.chain(s.catchChain, express), jp ? { resultPath: "$.error" } : { output: jsonata("$states.errorOutput") });
        return t;
      }
      case "pass": {
        const { name, lang, ql } = this.next("Pass");
        return pass(
          name,
          lang === "JSONPath"
            ? { ...ql, result: s.result, resultPath: s.result ? "$.fixed" : undefined }
            : { ...ql, output: { v: jsonata("$states.input") } },
        );
      }
      case "wait": {
        const { name, lang, ql } = this.next("Wait");
        return wait(name, { ...ql, seconds: s.dynamic ? this.dyn<number>(lang, "$.delay", "$states.input.delay") : s.seconds });
      }
      case "parallel": {
        const { name, lang, ql } = this.next("Parallel");
        const p = parallel(
          name,
          s.branches.map((b) => this.chain(b, express)),
          ql,
        );
        if (s.catchChain)
          p.addCatch(
            this.chain(s.catchChain, express),
            lang === "JSONPath" ? { resultPath: "$.error" } : { output: jsonata("$states.errorOutput") },
          );
        return p;
      }
      case "inline": {
        const { name, lang, ql } = this.next("Inline");
        return inlineMap(name, {
          ...ql,
          processor: this.chain(s.processor, express),
          maxConcurrency: s.maxConcurrency,
          ...(s.fromInput ? (lang === "JSONPath" ? { itemsPath: "$.items" as const } : { items: jsonata("$states.input.items") }) : {}),
        });
      }
      case "distributed": {
        const { name, lang, ql } = this.next("Distributed");
        const jp = lang === "JSONPath";
        // A Distributed Map cannot run inside EXPRESS child executions (state-map-distributed.html): use an inline one there.
        if (express) return inlineMap(name, { ...ql, processor: this.chain(s.processor, express) });
        const bucket = s.dynamicLocation ? this.dyn<string>(lang, "$.bucket", "$states.input.bucket") : "bucket";
        const key = s.dynamicLocation ? this.dyn<string>(lang, "$.key", "$states.input.key") : "items/data";
        const readers: Array<ItemReaderSpec | undefined> = [
          undefined,
          s3JsonReader({ bucket, key }),
          s3JsonReader({ bucket, key, itemsPointer: "/data/items", maxItems: 10 }),
          s3JsonlReader({ bucket, key, maxItems: this.dyn<number>(lang, "$.max", "$states.input.max") }),
          s3CsvReader({ bucket, key }),
          s3CsvReader({ bucket, key, headers: ["a", "b"], delimiter: "SEMICOLON" }),
          s3ParquetReader({ bucket, key }),
          s3ManifestReader({ bucket, key }),
          s3ManifestReader({ bucket, key, manifest: "ATHENA_DATA", dataInputType: "JSONL" }),
          s3ListReader({ bucket, prefix: "in/" }),
          s3ListReader({ bucket, prefix: "in/", loadAndFlatten: { inputType: "JSONL" } }),
        ];
        const reader = readers[s.reader];
        const writers: Array<ResultWriterSpec | undefined> = s.writer
          ? [
              s3ResultWriter({ bucket: "out", prefix: "results/" }),
              s3ResultWriter({
                bucket,
                prefix: "results/",
                writerConfig: { outputType: s.writer.outputType, transformation: s.writer.transformation },
              }),
              resultWriterConfig({ outputType: s.writer.outputType, transformation: s.writer.transformation }),
            ]
          : [];
        const batcher =
          s.batch && (s.batch.items !== undefined || s.batch.bytes !== undefined)
            ? {
                maxItemsPerBatch: s.batch.items,
                maxInputBytesPerBatch: s.batch.bytes,
                batchInput: s.batch.input ? { source: "test" } : undefined,
              }
            : undefined;
        const common = {
          ...ql,
          processor: this.chain(s.processor, s.express),
          batcher,
          resultWriter: s.writer ? writers[s.writer.kind] : undefined,
          toleratedFailurePercentage: s.tolerated,
          toleratedFailureCount: s.toleratedCount,
          label: s.label,
          childExecution: s.express ? ("EXPRESS" as const) : ("STANDARD" as const),
          maxConcurrency: s.maxConcurrency,
        };
        return reader
          ? distributedMap(name, { ...common, reader })
          : distributedMap(name, { ...common, ...(jp ? { itemsPath: "$.items" as const } : {}) });
      }
    }
  }

  private end(e: EndSpec, express: boolean): Chainable | undefined {
    switch (e.k) {
      case "open":
        return undefined;
      case "succeed": {
        const { name, ql } = this.next("Succeed");
        return succeed(name, ql);
      }
      case "fail": {
        const { name, ql } = this.next("Fail");
        return fail(name, { ...ql, error: "Failed", cause: "generated" });
      }
      case "choice": {
        const { name, lang, ql } = this.next("Choice");
        const c = choice(name, ql);
        const jsonPathRules = [
          () => Condition.stringEquals("$.s", "x"),
          () => Condition.numberGreaterThan("$.n", 1),
          () => Condition.numberLessThanEquals("$.n", path("$.m")),
          () => Condition.booleanEquals("$.b", true),
          () => Condition.isPresent("$.p"),
          () => Condition.timestampLessThan("$.t", "2026-01-01T00:00:00Z"),
          () => Condition.and(Condition.isNumeric("$.n"), Condition.not(Condition.isNull("$.n"))),
          () => Condition.or(Condition.stringMatches("$.s", "log-*"), Condition.isString("$.s")),
        ];
        for (const rule of e.rules) {
          const condition = lang === "JSONPath" ? jsonPathRules[rule.cond]!() : Condition.jsonata(`$states.input.n > ${rule.cond}`);
          c.when(condition, this.chain(rule.chain, express));
        }
        if (e.otherwise) c.otherwise(this.chain(e.otherwise, express));
        return c;
      }
    }
  }
}

describe("asl/builders property: random well-formed programs", () => {
  it("always validate and round-trip through JSON unchanged", () => {
    fc.assert(
      fc.property(chainArb, fc.constantFrom("JSONPath", "JSONata", "mixed"), (spec, mode) => {
        const language: QueryLanguage = mode === "JSONata" ? "JSONata" : "JSONPath";
        const builder = new ProgramBuilder(language, mode === "mixed");
        const m = machine(builder.chain(spec, false), { queryLanguage: mode === "JSONata" ? "JSONata" : undefined, type: "STANDARD" });
        const definition = m.renderUnchecked((ref) => `arn:aws:lambda:us-east-1:123456789012:function:${ref.name}`);
        const result = validateDefinition(definition, { stateMachineType: "STANDARD" });
        assert.deepStrictEqual(
          result.diagnostics.filter((d) => d.severity === "ERROR"),
          [],
          JSON.stringify(definition),
        );
        assert.ok(result.valid);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(definition)), definition);
        // render() agrees with renderUnchecked() + the validator, and is repeatable.
        assert.deepStrictEqual(m.renderLocal(), definition);
      }),
      { numRuns: 120, seed: 20261121 },
    );
  });
});
