/**
 * Generates large, valid ASL definitions for the benchmark and the scale tests: a chain of blocks,
 * each block a mix of Task (Retry/Catch), Choice, Pass with payload templates and intrinsics, Wait,
 * Parallel, inline Map and Distributed Map (ItemReader/ItemBatcher/ResultWriter), optionally with
 * JSONata states. Deterministic for a given size.
 */
type Json = Record<string, unknown>;

const LAMBDA = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** Roughly `states` states (every block adds 12). */
export function generateDefinition(states: number, opts: { jsonata?: boolean; toleratedFailurePercentage?: number } = {}): Json {
  const blocks = Math.max(1, Math.ceil(states / 12));
  const all: Json = {};
  for (let b = 0; b < blocks; b++) {
    const n = (s: string) => `${s}_${b}`;
    const next = b + 1 < blocks ? `Fetch_${b + 1}` : "Done";
    all[n("Fetch")] = {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: LAMBDA("fetch"), "Payload.$": "$" },
      ResultSelector: { "body.$": "$.Payload", "count.$": "States.ArrayLength($.Payload.items)" },
      ResultPath: "$.fetched",
      TimeoutSeconds: 30,
      HeartbeatSeconds: 10,
      Retry: [
        {
          ErrorEquals: ["Lambda.ServiceException", "Lambda.TooManyRequestsException"],
          IntervalSeconds: 2,
          MaxAttempts: 6,
          BackoffRate: 2,
          JitterStrategy: "FULL",
        },
        { ErrorEquals: ["States.ALL"], MaxAttempts: 1 },
      ],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: n("Failed") }],
      Next: n("Route"),
    };
    all[n("Route")] = {
      Type: "Choice",
      Choices: [
        { Variable: "$.fetched.count", NumericGreaterThan: 100, Next: n("Fanout") },
        {
          And: [
            { Variable: "$.mode", IsPresent: true },
            { Variable: "$.mode", StringEquals: "wait" },
          ],
          Next: n("Pause"),
        },
        { Not: { Variable: "$.when", TimestampLessThan: "2026-01-01T00:00:00Z" }, Next: n("Shape") },
      ],
      Default: n("Shape"),
    };
    all[n("Pause")] = { Type: "Wait", SecondsPath: "$.delay", Next: n("Shape") };
    all[n("Shape")] = {
      Type: "Pass",
      Parameters: {
        "id.$": "States.UUID()",
        "label.$": "States.Format('block {} of {}', $.fetched.count, $$.Execution.Id)",
        "parts.$": "States.StringSplit($.csv, ',')",
        nested: { "first.$": "$.fetched.body.items[0]", static: "value" },
      },
      ResultPath: "$.shape",
      Next: n("Branches"),
    };
    all[n("Fanout")] = {
      Type: "Map",
      ItemsPath: "$.fetched.body.items",
      ItemSelector: { "item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
      MaxConcurrency: 10,
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: n("Handle"),
        States: {
          [n("Handle")]: { Type: "Task", Resource: LAMBDA("handle"), End: true },
        },
      },
      ResultPath: "$.handled",
      Next: n("Branches"),
    };
    all[n("Branches")] = {
      Type: "Parallel",
      Branches: [
        { StartAt: n("Left"), States: { [n("Left")]: { Type: "Pass", Result: { side: "left" }, End: true } } },
        {
          StartAt: n("Right"),
          States: opts.jsonata
            ? {
                [n("Right")]: {
                  Type: "Pass",
                  QueryLanguage: "JSONata",
                  Output: { side: "{% $uppercase('right') & $string($count($states.input)) %}" },
                  End: true,
                },
              }
            : { [n("Right")]: { Type: "Pass", Result: { side: "right" }, End: true } },
        },
      ],
      ResultPath: "$.branches",
      Next: n("Distribute"),
    };
    all[n("Distribute")] = {
      Type: "Map",
      Label: `Distribute${b}`,
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", CSVDelimiter: "COMMA", MaxItems: 1000 },
        Parameters: { "Bucket.$": "$.bucket", "Key.$": "$.key" },
      },
      ItemBatcher: { MaxItemsPerBatch: 100, MaxInputBytesPerBatch: 262144, BatchInput: { block: b } },
      ResultWriter: {
        Resource: "arn:aws:states:::s3:putObject",
        Parameters: { Bucket: "results", Prefix: `run/${b}` },
        WriterConfig: { OutputType: "JSONL", Transformation: "COMPACT" },
      },
      MaxConcurrency: 1000,
      ToleratedFailurePercentage: opts.toleratedFailurePercentage ?? 0.5,
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
        StartAt: n("Process"),
        States: {
          [n("Process")]: { Type: "Task", Resource: LAMBDA("process"), Next: n("Check") },
          [n("Check")]: { Type: "Choice", Choices: [{ Variable: "$.ok", BooleanEquals: true, Next: n("Fine") }], Default: n("Bad") },
          [n("Fine")]: { Type: "Succeed" },
          [n("Bad")]: { Type: "Fail", Error: "ItemFailed", CausePath: "$.reason" },
        },
      },
      ResultPath: null,
      Next: n("Finish"),
    };
    all[n("Finish")] = opts.jsonata
      ? {
          Type: "Pass",
          QueryLanguage: "JSONata",
          Assign: { [`total${b}`]: "{% $sum($states.input.counts) %}" },
          Output: "{% $states.input %}",
          Next: next,
        }
      : { Type: "Pass", Assign: { [`total${b}`]: 1, "seen.$": "$.fetched.count" }, Next: next };
    all[n("Failed")] = { Type: "Fail", Error: "FetchFailed", Cause: "fetch failed after retries" };
  }
  all["Done"] = { Type: "Succeed" };
  return { Comment: `generated, ${Object.keys(all).length} top-level states`, StartAt: "Fetch_0", States: all };
}

/** Counts states at every depth. */
export function countStates(def: Json): number {
  let n = 0;
  const visit = (scope: unknown) => {
    const states = (scope as Json)["States"] as Record<string, Json>;
    for (const s of Object.values(states)) {
      n++;
      for (const b of (s["Branches"] as unknown[] | undefined) ?? []) visit(b);
      if (s["ItemProcessor"]) visit(s["ItemProcessor"]);
    }
  };
  visit(def);
  return n;
}
