import { strict as assert } from "node:assert";
import { lambda, type AnyLambdaRef } from "../../asl/builders";
import { validateDefinition } from "../../asl/validator/index";
import { seedInlineWorkflow, seedWorkflow } from "../../workflows/seed";
import { processEachItem } from "../../workflows/fragments";
import { seedEntry } from "../../app/demos/seed";

const captureInput = lambda("CaptureInput", async (_event: { number: number; chunk: number }) => ({ bucket: "b", key: "k", count: 0 }));
const processData = lambda("ProcessData", async (_event: { from: number; to: number }) => ({ ok: true }));
const refs = { captureInput, processData };
const arnOf = (ref: AnyLambdaRef) => `arn:aws:lambda:us-east-1:670313496061:function:dev-limit-payload-step-function-${ref.name}`;

describe("workflows/seed", () => {
  it("renders exactly the Distributed Map definition the seed deploys (minimal config)", () => {
    const definition = seedWorkflow(refs, { maxConcurrency: 5, childExecutionType: "STANDARD" }).render(arnOf);
    // Seed 000_33fb1a599b3e122d, "Distributed Map Definition", with Key.$ reading our CaptureInput's `key`
    // (the article's handler returned `path`).
    assert.deepStrictEqual(definition, {
      StartAt: "CaptureInput",
      States: {
        CaptureInput: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:670313496061:function:dev-limit-payload-step-function-CaptureInput",
          Next: "MapData",
        },
        MapData: {
          Type: "Map",
          MaxConcurrency: 5,
          ItemReader: {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "JSON" },
            Parameters: { "Bucket.$": "$.bucket", "Key.$": "$.key" },
          },
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "ProcessData",
            States: {
              ProcessData: {
                Type: "Task",
                Resource: "arn:aws:lambda:us-east-1:670313496061:function:dev-limit-payload-step-function-ProcessData",
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    // Same key order as the seed's YAML, so the rendered file reads like the article.
    assert.deepStrictEqual(Object.keys(definition.States.MapData!), ["Type", "MaxConcurrency", "ItemReader", "ItemProcessor", "End"]);
  });

  it("renders exactly the seed's original Inline Map definition", () => {
    const definition = seedInlineWorkflow(refs, { maxConcurrency: 5 }).render(arnOf);
    // Seed 000_33fb1a599b3e122d, the first serverless.yml (MapData with InputPath $ and Iterator).
    assert.deepStrictEqual(definition, {
      StartAt: "CaptureInput",
      States: {
        CaptureInput: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:670313496061:function:dev-limit-payload-step-function-CaptureInput",
          Next: "MapData",
        },
        MapData: {
          MaxConcurrency: 5,
          Type: "Map",
          InputPath: "$",
          Iterator: {
            StartAt: "ProcessData",
            States: {
              ProcessData: {
                Type: "Task",
                Resource: "arn:aws:lambda:us-east-1:670313496061:function:dev-limit-payload-step-function-ProcessData",
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
  });

  it("offers the modern ItemProcessor name for the inline variant", () => {
    const map = seedInlineWorkflow(refs, { maxConcurrency: 5, processorField: "ItemProcessor" }).render(arnOf).States
      .MapData as unknown as Record<string, unknown>;
    assert.equal(map.Iterator, undefined);
    assert.deepStrictEqual(Object.keys(map.ItemProcessor as object), ["StartAt", "States"]);
  });

  it("adds ItemBatcher, ToleratedFailurePercentage, ResultWriter and EXPRESS children only when configured", () => {
    const definition = seedWorkflow(refs, {
      maxConcurrency: 1000,
      childExecutionType: "EXPRESS",
      batchSize: 250,
      toleratedFailurePercentage: 0.5,
      resultWriter: { bucket: "payloads", prefix: "results/" },
    }).renderLocal();
    const map = definition.States.MapData as unknown as Record<string, unknown>;
    assert.deepStrictEqual(map.ItemBatcher, { MaxItemsPerBatch: 250 });
    assert.equal(map.ToleratedFailurePercentage, 0.5);
    assert.deepStrictEqual(map.ResultWriter, {
      Resource: "arn:aws:states:::s3:putObject",
      Parameters: { Bucket: "payloads", Prefix: "results/" },
    });
    assert.deepStrictEqual((map.ItemProcessor as Record<string, unknown>).ProcessorConfig, {
      Mode: "DISTRIBUTED",
      ExecutionType: "EXPRESS",
    });
    assert.equal(map.MaxConcurrency, 1000);
    assert.ok(validateDefinition(definition, { stateMachineType: "STANDARD" }).valid);
  });

  it("lists both functions and maps their names to the handlers", () => {
    const m = seedWorkflow(refs, { maxConcurrency: 5, childExecutionType: "STANDARD" });
    assert.deepStrictEqual(m.lambdas, [captureInput, processData]);
    const handlers = m.handlersByName();
    assert.equal(handlers.get("CaptureInput"), captureInput.handler);
    assert.equal(handlers.get("ProcessData"), processData.handler);
    assert.equal(m.type, "STANDARD");
  });

  it("renders local ARNs for the engine", () => {
    const definition = seedWorkflow(refs, { maxConcurrency: 5, childExecutionType: "STANDARD" }).renderLocal();
    assert.equal(
      (definition.States.CaptureInput as { Resource: string }).Resource,
      "arn:aws:lambda:us-east-1:123456789012:function:CaptureInput",
    );
  });

  it("rejects a bad config with a message naming the field and the rule", () => {
    assert.throws(() => seedWorkflow(refs, { maxConcurrency: -1, childExecutionType: "STANDARD" }), /maxConcurrency: must be ≥ 0/);
    assert.throws(() => seedWorkflow(refs, { maxConcurrency: 5, childExecutionType: "STANDARD", batchSize: 0 }), /batchSize: must be ≥ 1/);
    assert.throws(
      () => seedWorkflow(refs, { maxConcurrency: 5, childExecutionType: "STANDARD", toleratedFailurePercentage: 101 }),
      /toleratedFailurePercentage: must be ≤ 100/,
    );
    assert.throws(() => seedWorkflow(refs, { maxConcurrency: 5, childExecutionType: "BOTH" as "STANDARD" }), /childExecutionType/);
    assert.throws(() => seedInlineWorkflow(refs, { maxConcurrency: 1.5 }), /maxConcurrency: must be an integer/);
  });

  it("exports the item processor as a fragment another workflow can reuse under another name", () => {
    const step = processEachItem(processData, { name: "ProcessObject" });
    assert.equal(step.name, "ProcessObject");
  });

  it("its demo's inline variant advises the Distributed Map way out, with the size of this input's item list", () => {
    const advice = seedEntry.demo!.variants!["inline"]!.advice!;
    const text = advice("States.DataLimitExceeded", { number: 100_000, chunk: 5 })!;
    assert.match(text, /20,000 pages, 515,562 bytes/);
    assert.match(text, /Distributed Map variant \(run without --inline\)/);
    assert.equal(advice("States.Timeout", {}), undefined);
  });
});
