/**
 * End to end through the interpreter's `run()`: the seed article's workflow
 * (/work/shared/seeds/000_33fb1a599b3e122d.txt). On {"number":100000,"chunk":5} the Inline Map
 * version fails with States.DataLimitExceeded ("The state/task returned a result with a size
 * exceeding the maximum number of bytes service limit") because CaptureInput's 20,000 ranges
 * exceed 256 KiB; the Distributed Map version, reading the same ranges from S3, succeeds.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html — "Maximum input or
 * output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string".
 */
import { strict as assert } from "node:assert";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { JsonValue, StateMachineDefinition } from "../../../asl/types";
import { run, type LambdaHandler } from "../../../engine";
import { startEmbeddedS3, type EmbeddedS3 } from "../../../emulators/s3/server";
import { seedDistributedAsl } from "../../fixtures/seed-asl";

const BUCKET = "payloads";
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

function paginate(number: number, chunk: number): { from: number; to: number }[] {
  const result: { from: number; to: number }[] = [];
  const pages = Math.ceil(number / chunk);
  for (let i = 0; i < pages; i++) result.push({ from: i * chunk, to: Math.min((i + 1) * chunk, number) });
  return result;
}

describe("engine/distributed end to end (run)", function () {
  this.timeout(120_000);
  let s3: EmbeddedS3;
  let processed = 0;

  before(async () => {
    s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  });
  after(async () => s3.stop());

  const handlers = (): Record<string, LambdaHandler> => ({
    // The seed's CaptureInput, distributed flavour: saves the ranges to S3, returns where they are.
    CaptureInput: async (event) => {
      const { number = 10, chunk = 1 } = event as { number?: number; chunk?: number };
      const key = `temp-sf-payload/${number}-${chunk}.json`;
      await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(paginate(number, chunk)) }));
      return { bucket: BUCKET, path: key };
    },
    // The seed's inline flavour: returns the ranges themselves.
    CaptureInputInline: async (event) => {
      const { number = 10, chunk = 1 } = event as { number?: number; chunk?: number };
      return paginate(number, chunk);
    },
    ProcessData: async (event) => {
      processed++;
      const { from, to } = event as { from: number; to: number };
      return { from, count: to - from };
    },
    ProcessBatch: async (event) => {
      const { Items } = event as { Items: { from: number; to: number }[] };
      processed += Items.length;
      return { count: Items.reduce((n, r) => n + (r.to - r.from), 0) };
    },
  });

  const inline: StateMachineDefinition = {
    StartAt: "CaptureInput",
    States: {
      CaptureInput: { Type: "Task", Resource: fn("CaptureInputInline"), Next: "MapData" },
      MapData: {
        Type: "Map",
        MaxConcurrency: 5,
        InputPath: "$",
        ItemProcessor: { StartAt: "ProcessData", States: { ProcessData: { Type: "Task", Resource: fn("ProcessData"), End: true } } },
        End: true,
      },
    },
  };

  const distributed = (extra: Record<string, JsonValue> = {}, processor = "ProcessData"): StateMachineDefinition =>
    seedDistributedAsl({ captureInputArn: fn("CaptureInput"), processDataArn: fn(processor), keyPath: "$.path", map: extra });

  it("the seed's Inline Map fails with States.DataLimitExceeded on {number: 100000, chunk: 5}", async () => {
    const result = await run(inline, { number: 100_000, chunk: 5 }, { handlers: handlers(), s3: s3.client(), clock: "virtual" });
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "States.DataLimitExceeded");
  });

  it("the seed's Distributed Map succeeds on the same input with a ResultWriter; 20,000 items, Map Run events in the parent's history", async () => {
    processed = 0;
    const def = distributed({
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: "results" } },
    });
    const result = await run(
      def,
      { number: 100_000, chunk: 5 },
      { handlers: handlers(), s3: s3.client(), clock: "virtual", keepHistory: true },
    );
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.equal(processed, 20_000);
    const out = result.output as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    // No Label: "Step Functions automatically generates a unique label".
    assert.match(out.MapRunArn, /:mapRun:[^/]+\/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:[0-9a-f-]{36}$/);
    const manifest = JSON.parse(
      await (await s3.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: out.ResultWriterDetails.Key }))).Body!.transformToString(),
    ) as {
      ResultFiles: { SUCCEEDED: unknown[]; FAILED: unknown[] };
    };
    assert.equal(manifest.ResultFiles.SUCCEEDED.length, 1);
    assert.deepEqual(manifest.ResultFiles.FAILED, []);
    const types = result.history.map((e) => e.type);
    assert.ok(types.includes("MapRunStarted") && types.includes("MapRunSucceeded"), types.join(","));
    assert.ok(result.history.length < 25_000, "children keep their own history");
    const record = result.mapRuns[result.mapRuns.length - 1];
    assert.equal(record.status, "SUCCEEDED");
    assert.equal(record.itemCounts.succeeded, 20_000);
    assert.equal(record.itemCounts.total, 20_000);
  });

  it("ResultWriter records carry Input and Output as the JSON text of each child's input and output, and ISO dates", async () => {
    // ResultWriter page: records have "Input" and "Output" as JSON strings. A plain Task's result
    // text is reused for Output; a ResultSelector's output is serialized afresh: both must agree.
    const items = [
      { id: 1, name: 'ünïcødé "quoted"' },
      { id: 2, nested: { a: [1, 2.5, null, true] } },
    ];
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "records/items.json", Body: JSON.stringify(items) }));
    const echo: LambdaHandler = async (e) => ({ got: e, big: 1e21, neg: -0 });
    for (const task of [
      { Type: "Task", Resource: fn("Echo"), End: true },
      { Type: "Task", Resource: fn("Echo"), ResultSelector: { "got.$": "$.got" }, End: true },
    ]) {
      const def = {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemReader: {
              Resource: "arn:aws:states:::s3:getObject",
              ReaderConfig: { InputType: "JSON" },
              Parameters: { Bucket: BUCKET, Key: "records/items.json" },
            },
            ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "T", States: { T: task } },
            ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: "records/out" } },
            End: true,
          },
        },
      };
      const result = await run(def, {}, { handlers: { Echo: echo }, s3: s3.client(), clock: "virtual" });
      assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
      const { ResultWriterDetails } = result.output as { ResultWriterDetails: { Key: string } };
      const read = async (key: string) =>
        await (await s3.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
      const manifest = JSON.parse(await read(ResultWriterDetails.Key)) as { ResultFiles: { SUCCEEDED: Array<{ Key: string }> } };
      const records = JSON.parse(await read(manifest.ResultFiles.SUCCEEDED[0].Key)) as Array<Record<string, string>>;
      const byInput = new Map(records.map((r) => [r.Input, r]));
      for (const item of items) {
        const record = byInput.get(JSON.stringify(item));
        assert.ok(record, `a record for ${JSON.stringify(item)}`);
        const expected = task.ResultSelector ? { got: item } : { got: item, big: 1e21, neg: 0 };
        assert.equal(record.Output, JSON.stringify(expected));
        assert.match(record.StartDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.ok(record.ExecutionArn.endsWith(`:${record.Name}`), record.ExecutionArn);
      }
    }
  });

  it("without a ResultWriter the same Distributed Map's output (20,000 results) exceeds 256 KiB: States.DataLimitExceeded", async () => {
    const result = await run(distributed(), { number: 100_000, chunk: 5 }, { handlers: handlers(), s3: s3.client(), clock: "virtual" });
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "States.DataLimitExceeded");
  });

  it("with ItemBatcher the children receive {Items: [...]} and the output is one result per batch", async () => {
    processed = 0;
    const def = distributed({ ItemBatcher: { MaxItemsPerBatch: 500 } }, "ProcessBatch");
    const result = await run(def, { number: 100_000, chunk: 5 }, { handlers: handlers(), s3: s3.client(), clock: "virtual" });
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.equal(processed, 20_000);
    const out = result.output as { count: number }[];
    assert.equal(out.length, 40);
    assert.equal(
      out.reduce((n, r) => n + r.count, 0),
      100_000,
    );
  });

  it("JSONata: Arguments for the ItemReader and ResultWriter, an item-dependent ItemSelector, ItemBatcher from an expression", async () => {
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "jsonata/items.jsonl", Body: '{"n":1}\n{"n":2}\n{"n":3}\n' }));
    const seen: JsonValue[] = [];
    const def: StateMachineDefinition = {
      QueryLanguage: "JSONata",
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemReader: {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "JSONL" },
            Arguments: { Bucket: "{% $states.input.bucket %}", Key: "{% $states.input.key %}" },
          },
          ItemSelector: { index: "{% $states.context.Map.Item.Index %}", n: "{% $states.context.Map.Item.Value.n * 10 %}" },
          ItemBatcher: { MaxItemsPerBatch: "{% $states.input.per %}" },
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Record",
            States: { Record: { Type: "Task", Resource: fn("Record"), End: true } },
          },
          End: true,
        },
      },
    };
    const h = handlers();
    h.Record = async (event) => {
      seen.push(event as JsonValue);
      return {};
    };
    const result = await run(
      def,
      { bucket: BUCKET, key: "jsonata/items.jsonl", per: 2 },
      { handlers: h, s3: s3.client(), clock: "virtual" },
    );
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(
      seen.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        {
          Items: [
            { index: 0, n: 10 },
            { index: 1, n: 20 },
          ],
        },
        { Items: [{ index: 2, n: 30 }] },
      ],
    );
  });

  it("the CSV parsing page's example machine: GIVEN headers, ItemSelector with States.StringToJson", async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html
    await s3.client().send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: "myCSVInput.csv",
        Body: 'abc,123,"This string contains commas, a double quotation marks (""), and a newline (\n)",{""MyKey"":""MyValue""},"[1,2,3]"',
      }),
    );
    const def: StateMachineDefinition = {
      StartAt: "Map",
      States: {
        Map: {
          Type: "Map",
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Pass",
            States: { Pass: { Type: "Pass", End: true } },
          },
          End: true,
          Label: "Map",
          MaxConcurrency: 1000,
          ItemReader: {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: {
              InputType: "CSV",
              CSVHeaderLocation: "GIVEN",
              CSVHeaders: ["MyLetters", "MyNumbers", "MyString", "MyObject", "MyArray"],
            },
            Parameters: { Bucket: BUCKET, Key: "myCSVInput.csv" },
          },
          ItemSelector: {
            "MyLetters.$": "$$.Map.Item.Value.MyLetters",
            "MyNumbers.$": "States.StringToJson($$.Map.Item.Value.MyNumbers)",
            "MyString.$": "$$.Map.Item.Value.MyString",
            "MyObject.$": "States.StringToJson($$.Map.Item.Value.MyObject)",
            "MyArray.$": "States.StringToJson($$.Map.Item.Value.MyArray)",
          },
        },
      },
    };
    const result = await run(def, {}, { handlers: handlers(), s3: s3.client(), clock: "virtual" });
    assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
    assert.deepEqual(result.output, [
      {
        MyNumbers: 123,
        MyObject: { MyKey: "MyValue" },
        MyString: 'This string contains commas, a double quotation marks ("), and a newline (\n)',
        MyLetters: "abc",
        MyArray: [1, 2, 3],
      },
    ]);
  });

  it("a failing child over the threshold fails the execution with States.ExceedToleratedFailureThreshold, catchable by Catch", async () => {
    const h = handlers();
    h.ProcessData = async (event) => {
      const { from } = event as { from: number };
      if (from % 50 === 0) throw Object.assign(new Error("bad range"), { name: "BadRange" });
      return {};
    };
    const def = distributed({ ToleratedFailurePercentage: 5 });
    const failed = await run(def, { number: 1_000, chunk: 5 }, { handlers: h, s3: s3.client(), clock: "virtual" });
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "States.ExceedToleratedFailureThreshold");
    const tolerated = await run(
      distributed({ ToleratedFailurePercentage: 10 }),
      { number: 1_000, chunk: 5 },
      { handlers: h, s3: s3.client(), clock: "virtual" },
    );
    assert.equal(tolerated.status, "SUCCEEDED", `${tolerated.error}: ${tolerated.cause}`);
    const caught: StateMachineDefinition = distributed({
      Catch: [{ ErrorEquals: ["States.ExceedToleratedFailureThreshold"], Next: "Handled" }],
    });
    (caught.States.MapData as { End?: boolean }).End = undefined;
    delete (caught.States.MapData as { End?: boolean }).End;
    (caught.States.MapData as { Next?: string }).Next = "Handled";
    caught.States.Handled = { Type: "Pass", End: true };
    const handled = await run(caught, { number: 1_000, chunk: 5 }, { handlers: h, s3: s3.client(), clock: "virtual" });
    assert.equal(handled.status, "SUCCEEDED", `${handled.error}: ${handled.cause}`);
  });
});
