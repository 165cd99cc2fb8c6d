import { strict as assert } from "node:assert";
import {
  distributedMap,
  pass,
  inlineMap,
  jsonata,
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
} from "../../../asl/builders";
import { FN_ARN, fn, render, stateOf } from "./helpers";

const proc = () => task("Proc", fn);
const processorStates = { StartAt: "Proc", States: { Proc: { Type: "Task", Resource: FN_ARN, End: true } } };

describe("asl/builders inlineMap()", () => {
  it("renders ItemProcessor with the JSONPath fields", () => {
    const m = inlineMap("M", {
      processor: proc(),
      itemsPath: "$.items",
      itemSelector: { item: path("$$.Map.Item.Value"), index: path("$$.Map.Item.Index") },
      maxConcurrency: 10,
      inputPath: "$.in",
      resultSelector: { all: path("$") },
      resultPath: "$.results",
      outputPath: "$.results",
      comment: "each item",
      retry: [{ errors: ["States.ALL"], maxAttempts: 1 }],
    });
    assert.deepStrictEqual(stateOf(m, "M"), {
      Type: "Map",
      Comment: "each item",
      MaxConcurrency: 10,
      InputPath: "$.in",
      ItemsPath: "$.items",
      ItemSelector: { "item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
      ItemProcessor: processorStates,
      ResultSelector: { "all.$": "$" },
      ResultPath: "$.results",
      OutputPath: "$.results",
      Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1 }],
      End: true,
    });
  });

  it("renders the legacy Iterator name when asked", () => {
    assert.deepStrictEqual(stateOf(inlineMap("M", { processor: proc(), legacyIterator: true }), "M"), {
      Type: "Map",
      Iterator: processorStates,
      End: true,
    });
  });

  it("takes MaxConcurrencyPath from a path() and Items/Output from JSONata", () => {
    assert.equal(stateOf(inlineMap("M", { processor: proc(), maxConcurrency: path("$.max") }), "M").MaxConcurrencyPath, "$.max");
    const m = inlineMap("M", {
      processor: proc(),
      items: jsonata("$states.input.list"),
      itemSelector: { v: jsonata("$states.context.Map.Item.Value") },
      maxConcurrency: jsonata("$states.input.max"),
      output: jsonata("$states.result"),
      assign: { count: jsonata("$count($states.result)") },
    });
    assert.deepStrictEqual(stateOf(m, "M", { queryLanguage: "JSONata" }), {
      Type: "Map",
      MaxConcurrency: "{% $states.input.max %}",
      Items: "{% $states.input.list %}",
      ItemSelector: { v: "{% $states.context.Map.Item.Value %}" },
      ItemProcessor: processorStates,
      Output: "{% $states.result %}",
      Assign: { count: "{% $count($states.result) %}" },
      End: true,
    });
    assert.deepStrictEqual(
      stateOf(inlineMap("L", { processor: proc(), items: [1, 2, 3] }), "L", { queryLanguage: "JSONata" }).Items,
      [1, 2, 3],
    );
  });

  it("rejects ItemsPath in JSONata and Items in JSONPath, and a missing processor", () => {
    assert.throws(
      () => render(inlineMap("M", { processor: proc(), itemsPath: "$.x" }), { queryLanguage: "JSONata" }),
      /state "M" field ItemsPath: only allowed in JSONPath/,
    );
    assert.throws(() => render(inlineMap("M", { processor: proc(), items: [1] })), /state "M" field Items: only allowed in JSONata/);
    assert.throws(() => inlineMap("M", {} as never), /inlineMap\("M"\): processor is required/);
  });
});

describe("asl/builders distributedMap()", () => {
  it("renders every Distributed Map field (JSONPath)", () => {
    const m = distributedMap("D", {
      processor: proc(),
      reader: s3JsonReader({ bucket: path("$.bucket"), key: path("$.key"), itemsPointer: "/data/items", maxItems: 1000 }),
      itemSelector: { item: path("$$.Map.Item.Value") },
      batcher: { maxItemsPerBatch: 100, maxInputBytesPerBatch: 262_144, batchInput: { run: path("$$.Execution.Name") } },
      resultWriter: s3ResultWriter({ bucket: "out", prefix: "runs/", writerConfig: { outputType: "JSONL", transformation: "FLATTEN" } }),
      maxConcurrency: 500,
      toleratedFailurePercentage: 0.5,
      toleratedFailureCount: path("$.maxFailures"),
      label: "Items",
      childExecution: "EXPRESS",
      resultPath: "$.map",
    });
    assert.deepStrictEqual(stateOf(m, "D"), {
      Type: "Map",
      MaxConcurrency: 500,
      ToleratedFailurePercentage: 0.5,
      ToleratedFailureCountPath: "$.maxFailures",
      Label: "Items",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSON", ItemsPointer: "/data/items", MaxItems: 1000 },
        Parameters: { "Bucket.$": "$.bucket", "Key.$": "$.key" },
      },
      ItemBatcher: { MaxItemsPerBatch: 100, MaxInputBytesPerBatch: 262_144, BatchInput: { "run.$": "$$.Execution.Name" } },
      ItemSelector: { "item.$": "$$.Map.Item.Value" },
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }, ...processorStates },
      ResultWriter: {
        Resource: "arn:aws:states:::s3:putObject",
        Parameters: { Bucket: "out", Prefix: "runs/" },
        WriterConfig: { OutputType: "JSONL", Transformation: "FLATTEN" },
      },
      ResultPath: "$.map",
      End: true,
    });
  });

  it("defaults child executions to STANDARD and can iterate the state input (ItemsPath)", () => {
    assert.deepStrictEqual(stateOf(distributedMap("D", { processor: proc(), itemsPath: "$.list" }), "D"), {
      Type: "Map",
      ItemsPath: "$.list",
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, ...processorStates },
      End: true,
    });
  });

  it("renders readers and writers as Arguments with {% %} in JSONata", () => {
    const m = distributedMap("D", {
      processor: proc(),
      reader: s3JsonlReader({ bucket: jsonata("$states.input.bucket"), key: "items.jsonl", maxItems: jsonata("$states.input.max") }),
      resultWriter: s3ResultWriter({ bucket: jsonata("$bucket"), prefix: "out/" }),
      batcher: { maxItemsPerBatch: jsonata("$states.input.batch") },
      toleratedFailurePercentage: jsonata("$states.input.tolerated"),
    });
    assert.deepStrictEqual(stateOf(m, "D", { queryLanguage: "JSONata" }), {
      Type: "Map",
      ToleratedFailurePercentage: "{% $states.input.tolerated %}",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSONL", MaxItems: "{% $states.input.max %}" },
        Arguments: { Bucket: "{% $states.input.bucket %}", Key: "items.jsonl" },
      },
      ItemBatcher: { MaxItemsPerBatch: "{% $states.input.batch %}" },
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, ...processorStates },
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Arguments: { Bucket: "{% $bucket %}", Prefix: "out/" } },
      End: true,
    });
  });

  it("accepts a ResultWriter with only WriterConfig (AWS accepts it)", () => {
    const m = distributedMap("D", {
      processor: proc(),
      resultWriter: resultWriterConfig({ outputType: "JSON", transformation: "COMPACT" }),
    });
    assert.deepStrictEqual(stateOf(m, "D").ResultWriter, { WriterConfig: { OutputType: "JSON", Transformation: "COMPACT" } });
  });

  it("rejects an empty batcher and a path() in a JSONata reader", () => {
    assert.throws(
      () => render(distributedMap("D", { processor: proc(), batcher: {} })),
      /state "D" field ItemBatcher: give maxItemsPerBatch and\/or maxInputBytesPerBatch/,
    );
    assert.throws(
      () =>
        render(distributedMap("D", { processor: proc(), reader: s3JsonReader({ bucket: path("$.b"), key: "k" }) }), {
          queryLanguage: "JSONata",
        }),
      /state "D" field ItemReader\.Arguments\.Bucket: path\(\)\/intrinsic\(\) values need the JSONPath/,
    );
    assert.throws(
      () => distributedMap("D", { reader: s3JsonReader({ bucket: "b", key: "k" }) } as never),
      /distributedMap\("D"\): processor is required/,
    );
  });

  it("may end a Map's processor in Succeed or Fail", () => {
    const m = distributedMap("D", { processor: task("Work", fn).next(succeed("Done")), itemsPath: "$" });
    const processor = stateOf(m, "D").ItemProcessor as { States: Record<string, unknown> };
    assert.deepStrictEqual(Object.keys(processor.States), ["Work", "Done"]);
  });
});

describe("asl/builders readers", () => {
  const site = { state: "D", field: "ItemReader", queryLanguage: "JSONPath" as const };

  it("s3JsonReader: JSON array or object with ItemsPointer, optional VersionId", () => {
    assert.deepStrictEqual(s3JsonReader({ bucket: "b", key: "k.json", versionId: "v1" }).render(site), {
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "JSON" },
      Parameters: { Bucket: "b", Key: "k.json", VersionId: "v1" },
    });
    assert.throws(
      () => s3JsonReader({ bucket: "b", key: "k", itemsPointer: "data" }),
      /itemsPointer must be a JSON pointer like "\/data\/items"/,
    );
  });

  it("s3CsvReader: FIRST_ROW by default, GIVEN with headers, delimiter, MaxItemsPath", () => {
    assert.deepStrictEqual(s3CsvReader({ bucket: "b", key: "k.csv" }).render(site).ReaderConfig, {
      InputType: "CSV",
      CSVHeaderLocation: "FIRST_ROW",
    });
    assert.deepStrictEqual(
      s3CsvReader({ bucket: "b", key: "k.csv", headers: ["id", "name"], delimiter: "PIPE", maxItems: path("$.max") }).render(site)
        .ReaderConfig,
      {
        InputType: "CSV",
        CSVHeaderLocation: "GIVEN",
        CSVHeaders: ["id", "name"],
        CSVDelimiter: "PIPE",
        MaxItemsPath: "$.max",
      },
    );
    assert.throws(() => s3CsvReader({ bucket: "b", key: "k", headers: [] }), /headers must name at least one column/);
  });

  it("s3ParquetReader and s3ManifestReader (S3 inventory manifest.json, S3_INVENTORY, ATHENA_DATA)", () => {
    assert.deepStrictEqual(s3ParquetReader({ bucket: "b", key: "k.parquet" }).render(site).ReaderConfig, { InputType: "PARQUET" });
    assert.deepStrictEqual(s3ManifestReader({ bucket: "b", key: "inv/manifest.json" }).render(site).ReaderConfig, {
      InputType: "MANIFEST",
    });
    // input-output-itemreader.html: "If S3_INVENTORY, do not specify InputType".
    assert.deepStrictEqual(s3ManifestReader({ bucket: "b", key: "inv.csv", manifest: "S3_INVENTORY" }).render(site).ReaderConfig, {
      ManifestType: "S3_INVENTORY",
    });
    assert.deepStrictEqual(
      s3ManifestReader({ bucket: "b", key: "q-manifest.csv", manifest: "ATHENA_DATA", dataInputType: "PARQUET" }).render(site).ReaderConfig,
      {
        InputType: "PARQUET",
        ManifestType: "ATHENA_DATA",
      },
    );
    assert.deepStrictEqual(
      s3ManifestReader({ bucket: "b", key: "q-manifest.csv", manifest: "ATHENA_DATA", dataInputType: "CSV", headers: ["a"] }).render(site)
        .ReaderConfig,
      { InputType: "CSV", ManifestType: "ATHENA_DATA", CSVHeaderLocation: "GIVEN", CSVHeaders: ["a"] },
    );
    assert.throws(() => s3ManifestReader({ bucket: "b", key: "k", manifest: "ATHENA_DATA" } as never), /ATHENA_DATA needs dataInputType/);
    assert.throws(
      () => s3ManifestReader({ bucket: "b", key: "k", dataInputType: "CSV" } as never),
      /dataInputType applies only to manifest ATHENA_DATA/,
    );
  });

  it("s3ListReader: Bucket/Prefix, with or without LOAD_AND_FLATTEN", () => {
    assert.deepStrictEqual(s3ListReader({ bucket: "b", prefix: "in/" }).render(site), {
      Resource: "arn:aws:states:::s3:listObjectsV2",
      Parameters: { Bucket: "b", Prefix: "in/" },
    });
    assert.deepStrictEqual(
      s3ListReader({ bucket: path("$.bucket"), loadAndFlatten: { inputType: "CSV", delimiter: "TAB" }, maxItems: 5 }).render(site),
      {
        Resource: "arn:aws:states:::s3:listObjectsV2",
        ReaderConfig: {
          Transformation: "LOAD_AND_FLATTEN",
          InputType: "CSV",
          CSVHeaderLocation: "FIRST_ROW",
          CSVDelimiter: "TAB",
          MaxItems: 5,
        },
        Parameters: { "Bucket.$": "$.bucket" },
      },
    );
  });

  it("exposes what a reader reads, for permissions and the engine", () => {
    assert.deepStrictEqual(s3ListReader({ bucket: "b", prefix: "p/" }).source, { action: "s3:listObjectsV2", bucket: "b", prefix: "p/" });
    assert.deepStrictEqual(s3JsonReader({ bucket: "b", key: "k" }).source, {
      action: "s3:getObject",
      inputType: "JSON",
      location: { bucket: "b", key: "k" },
    });
  });

  it("requires a bucket (and a key for object readers)", () => {
    assert.throws(() => s3JsonReader({ bucket: "b" } as never), /JSON reader: bucket and key are required/);
    assert.throws(() => s3ListReader({} as never), /s3ListReader: bucket is required/);
    assert.throws(() => s3ResultWriter({} as never), /s3ResultWriter: bucket is required/);
  });
});

describe("distributedMap: AWS limits checked when the state is built", () => {
  const processor = () => pass("P");
  const build = (options: Partial<Parameters<typeof distributedMap>[1]>) => () =>
    distributedMap("Fan", { processor: processor(), itemsPath: "$.items", ...options } as Parameters<typeof distributedMap>[1]);

  it("maxConcurrency above 10,000 (AWS runs at most 10,000 children at once), negative or fractional", () => {
    assert.throws(
      build({ maxConcurrency: 10_001 }),
      /distributedMap\("Fan"\): maxConcurrency must be an integer from 0 .* to 10000 .*got 10001/,
    );
    assert.throws(build({ maxConcurrency: -1 }), /maxConcurrency/);
    assert.throws(build({ maxConcurrency: 1.5 }), /maxConcurrency/);
    assert.doesNotThrow(build({ maxConcurrency: 10_000 }));
    assert.doesNotThrow(build({ maxConcurrency: path("$.limit") }));
  });

  it("toleratedFailurePercentage outside 0-100, toleratedFailureCount negative", () => {
    assert.throws(build({ toleratedFailurePercentage: 101 }), /toleratedFailurePercentage must be between 0 and 100/);
    assert.doesNotThrow(build({ toleratedFailurePercentage: 0.5 }));
    assert.throws(build({ toleratedFailureCount: -2 }), /toleratedFailureCount must be an integer/);
  });

  it("label empty, over 40 characters, or with a forbidden character", () => {
    assert.throws(build({ label: "" }), /label must be 1-40 characters/);
    assert.throws(build({ label: "x".repeat(41) }), /label must be 1-40 characters/);
    assert.throws(build({ label: "a b" }), /label must not contain/);
    assert.doesNotThrow(build({ label: "Count_Words-1" }));
  });

  it("batcher: maxItemsPerBatch < 1, maxInputBytesPerBatch above 256 KiB", () => {
    assert.throws(build({ batcher: { maxItemsPerBatch: 0 } }), /batcher\.maxItemsPerBatch must be an integer ≥ 1/);
    assert.throws(
      build({ batcher: { maxInputBytesPerBatch: 262_145 } }),
      /batcher\.maxInputBytesPerBatch must be an integer from 1 to 262144/,
    );
  });
});
