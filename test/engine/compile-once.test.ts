/**
 * Compile once, run many: a definition's paths, templates, intrinsics, Choice rules, JSONata and
 * Distributed Map fields are compiled when the definition is, and never again: not per run, not
 * per Map item, not per Distributed Map child (children reuse the compiled ItemProcessor). The
 * engine counts every compile (compileCount); each test compares what a run compiled with what
 * compiling the same definition alone costs.
 */
import { strict as assert } from "node:assert";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { JsonValue, StateMachineDefinition } from "../../asl/types";
import { compileCount, compileDefinition, run, type LambdaHandler, type RunOptions } from "../../engine";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";
import { fnArn } from "./helpers";

type Counts = typeof compileCount;

function snapshot(): Counts {
  return { ...compileCount };
}

function delta(before: Counts): Counts {
  const out = { ...compileCount };
  for (const k of Object.keys(out) as Array<keyof Counts>) out[k] -= before[k];
  return out;
}

const ZERO: Counts = { workflows: 0, templates: 0, paths: 0, jsonata: 0, intrinsics: 0, choiceRules: 0 };

/**
 * What compiling `definition` alone costs (on a structural copy: the engine caches by object).
 * Reference paths are parsed once per text in the process (json/path.ts), so the copy parses them
 * and the run that follows must parse none: `paths` is compared with 0.
 */
function compileCost(definition: StateMachineDefinition): Counts {
  const before = snapshot();
  compileDefinition(structuredClone(definition));
  return { ...delta(before), paths: 0 };
}

const ITEMS = Array.from({ length: 1000 }, (_, i) => ({ id: i, kind: i % 3 === 0 ? "fizz" : "plain" }));

/** A JSONPath Distributed Map whose children run a Choice, a Pass with Parameters and intrinsics, and a Task. */
const jsonPathMachine = (): StateMachineDefinition =>
  ({
    StartAt: "Fan",
    States: {
      Fan: {
        Type: "Map",
        ItemsPath: "$.items",
        ItemSelector: {
          "item.$": "$$.Map.Item.Value",
          "index.$": "$$.Map.Item.Index",
          "tag.$": "States.Format('item-{}', $$.Map.Item.Index)",
        },
        MaxConcurrencyPath: "$.concurrency",
        ToleratedFailurePercentage: 0,
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          StartAt: "Kind",
          States: {
            Kind: { Type: "Choice", Choices: [{ Variable: "$.item.kind", StringEquals: "fizz", Next: "Fizz" }], Default: "Shape" },
            Fizz: { Type: "Pass", Parameters: { "id.$": "$.item.id", "label.$": "States.Format('fizz {}', $.item.id)" }, Next: "Call" },
            Shape: { Type: "Pass", Parameters: { "id.$": "$.item.id", "label.$": "$.tag" }, OutputPath: "$", Next: "Call" },
            Call: { Type: "Task", Resource: fnArn("echo"), ResultSelector: { "id.$": "$.id" }, End: true },
          },
        },
        ResultSelector: { "count.$": "States.ArrayLength($)" },
        End: true,
      },
    },
  }) as unknown as StateMachineDefinition;

/** The same in JSONata: state-level expressions (Items, MaxConcurrency, ToleratedFailureCount) and a per-item ItemSelector. */
const jsonataMachine = (): StateMachineDefinition =>
  ({
    QueryLanguage: "JSONata",
    StartAt: "Fan",
    States: {
      Fan: {
        Type: "Map",
        Items: "{% $states.input.items %}",
        ItemSelector: { item: "{% $states.context.Map.Item.Value %}", index: "{% $states.context.Map.Item.Index %}" },
        MaxConcurrency: "{% $states.input.concurrency %}",
        ToleratedFailureCount: "{% 0 %}",
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
          StartAt: "Kind",
          States: {
            Kind: { Type: "Choice", Choices: [{ Condition: "{% $states.input.item.kind = 'fizz' %}", Next: "Call" }], Default: "Call" },
            Call: {
              Type: "Task",
              Resource: fnArn("echo"),
              Arguments: { id: "{% $states.input.item.id %}" },
              Output: { id: "{% $states.result.id %}" },
              End: true,
            },
          },
        },
        Output: "{% $count($states.result) %}",
        End: true,
      },
    },
  }) as unknown as StateMachineDefinition;

const handlers: Record<string, LambdaHandler> = { echo: async (e) => e };
const options = (extra: Partial<RunOptions> = {}): RunOptions => ({ handlers, clock: "virtual", random: 7, ...extra });

describe("engine: compile once, run many", function () {
  this.timeout(60_000);

  for (const [name, machine, expected] of [
    ["JSONPath", jsonPathMachine, { count: 1000 }],
    ["JSONata", jsonataMachine, 1000],
  ] as const) {
    it(`a ${name} Distributed Map of 1,000 children compiles its definition once: the children and a second run compile nothing`, async () => {
      const definition = machine();
      const cost = compileCost(definition);
      assert.ok(cost.workflows === 2 && cost.templates + cost.jsonata > 0, `the definition compiles something: ${JSON.stringify(cost)}`);

      const before = snapshot();
      const first = await run(definition, { items: ITEMS, concurrency: 50 } as JsonValue, options());
      assert.equal(first.status, "SUCCEEDED", first.cause);
      assert.deepEqual(first.output, expected);
      assert.equal(first.mapRuns[0]!.executionCounts.succeeded, 1000);
      assert.deepEqual(delta(before), cost, "the first run compiles exactly what compiling the definition costs");

      const again = snapshot();
      const second = await run(definition, { items: ITEMS, concurrency: 7 } as JsonValue, options());
      assert.equal(second.status, "SUCCEEDED", second.cause);
      assert.deepEqual(delta(again), ZERO, "a second run of the same definition compiles nothing");
    });
  }

  it("an inline Map and a Parallel reuse their compiled processors for every item and branch", async () => {
    const definition = {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "Each",
              States: {
                Each: {
                  Type: "Map",
                  ItemsPath: "$.items",
                  ItemProcessor: {
                    StartAt: "P",
                    States: { P: { Type: "Pass", Parameters: { "id.$": "$.id", "twice.$": "States.MathAdd($.id, $.id)" }, End: true } },
                  },
                  End: true,
                },
              },
            },
            { StartAt: "W", States: { W: { Type: "Wait", SecondsPath: "$.wait", End: true } } },
          ],
          End: true,
        },
      },
    } as unknown as StateMachineDefinition;
    const cost = compileCost(definition);
    const before = snapshot();
    const r = await run(definition, { items: ITEMS, wait: 1 } as JsonValue, options({ stateMachineType: "EXPRESS" }));
    assert.equal(r.status, "SUCCEEDED", r.cause);
    assert.deepEqual(delta(before), cost);
  });

  it("a nested states:startExecution machine compiles once, shared with run() of the same definition", async () => {
    const child = {
      StartAt: "P",
      States: { P: { Type: "Pass", Parameters: { "n.$": "$.n" }, End: true } },
    } as unknown as StateMachineDefinition;
    const parent = {
      StartAt: "Start",
      States: {
        Start: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.sync:2",
          Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:Child", "Input.$": "$" },
          End: true,
        },
      },
    } as unknown as StateMachineDefinition;
    await run(child, { n: 1 }, options());
    const before = snapshot();
    for (let i = 0; i < 3; i++) {
      const r = await run(parent, { n: i }, options({ integrations: { stateMachines: { Child: child } } }));
      assert.equal(r.status, "SUCCEEDED", r.cause);
    }
    assert.equal(delta(before).workflows, 1, "only the parent compiles; the child machine was compiled by its own run()");
  });

  it("a JSONata Distributed Map evaluates the ItemSelector compiled with the state: a failure names its field as the inline Map does", async () => {
    // AWS names a JSONata field from the state ("Arguments/Input/pushLocation", see jsonata.ts);
    // the Distributed Map used to compile its selector again at run time, under the name "Map".
    const causes: string[] = [];
    for (const mode of ["INLINE", "DISTRIBUTED"]) {
      const definition = {
        QueryLanguage: "JSONata",
        StartAt: "Fan",
        States: {
          Fan: {
            Type: "Map",
            Items: "{% $states.input %}",
            ItemSelector: { item: "{% $states.context.Map.Item.Value.missing %}" },
            ItemProcessor: {
              ProcessorConfig: mode === "INLINE" ? { Mode: mode } : { Mode: mode, ExecutionType: "STANDARD" },
              StartAt: "P",
              States: { P: { Type: "Pass", End: true } },
            },
            End: true,
          },
        },
      } as unknown as StateMachineDefinition;
      const r = await run(definition, [{ n: 1 }], options());
      assert.equal(r.status, "FAILED");
      causes.push(r.mapRuns.length ? (r.mapRuns[0]!.firstFailures?.[0]?.cause ?? r.cause!) : r.cause!);
    }
    for (const cause of causes) assert.match(cause, /specified for the field 'ItemSelector\/item' returned nothing/);
  });

  describe("a Distributed Map with an ItemReader, an ItemBatcher and a ResultWriter", () => {
    const BUCKET = "compile-once";
    let s3: EmbeddedS3;
    before(async () => {
      s3 = await startEmbeddedS3({ buckets: [BUCKET] });
      await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "items.json", Body: JSON.stringify(ITEMS) }));
    });
    after(async () => s3.stop());

    it("its reader, batcher and writer templates compile with the definition, not per run or per batch", async () => {
      const definition = {
        StartAt: "Fan",
        States: {
          Fan: {
            Type: "Map",
            ItemReader: {
              Resource: "arn:aws:states:::s3:getObject",
              ReaderConfig: { InputType: "JSON", MaxItemsPath: "$.max" },
              Parameters: { "Bucket.$": "$.bucket", Key: "items.json" },
            },
            ItemBatcher: {
              MaxItemsPerBatchPath: "$.per",
              BatchInput: { "run.$": "$$.Execution.Name", "source.$": "States.Format('{}/items.json', $.bucket)" },
            },
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              StartAt: "Count",
              States: {
                Count: { Type: "Pass", Parameters: { "n.$": "States.ArrayLength($.Items)", "source.$": "$.BatchInput.source" }, End: true },
              },
            },
            ResultWriter: {
              Resource: "arn:aws:states:::s3:putObject",
              Parameters: { "Bucket.$": "$.bucket", "Prefix.$": "States.Format('out/{}', $$.Execution.Name)" },
            },
            End: true,
          },
        },
      } as unknown as StateMachineDefinition;
      const cost = compileCost(definition);
      const before = snapshot();
      for (let i = 0; i < 2; i++) {
        const r = await run(definition, { bucket: BUCKET, max: 1000, per: 10 }, options({ s3: s3.client(), executionName: `run-${i}` }));
        assert.equal(r.status, "SUCCEEDED", r.cause);
        assert.equal(r.mapRuns[0]!.executionCounts.succeeded, 100);
      }
      assert.deepEqual(delta(before), cost, "two runs of 100 batches compile what the definition costs, once");
    });
  });
});
