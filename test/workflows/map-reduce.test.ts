import { strict as assert } from "node:assert";
import { lambda } from "../../asl/builders";
import type { MapState, TaskState } from "../../asl/types";
import { validateDefinition } from "../../asl/validator";
import { countWords, reduceCounts } from "../../handlers/map-reduce";
import { mapReduceWorkflow, type MapReduceWorkflowConfig } from "../../workflows/map-reduce";

const refs = { countWords: lambda("CountWords", countWords), reduceCounts: lambda("ReduceCounts", reduceCounts) };
const config: MapReduceWorkflowConfig = {
  bucket: "my-bucket",
  inputPrefix: "datasets/words/",
  resultsPrefix: "results/map-reduce/",
  maxConcurrency: 0,
  childExecutionType: "EXPRESS",
  toleratedFailurePercentage: 5,
};

describe("workflows/map-reduce", () => {
  it("renders a Distributed Map over listObjectsV2, 250 objects a batch, with a ResultWriter, then the reduce task", () => {
    const def = mapReduceWorkflow(refs, config).renderLocal();
    assert.equal(def.StartAt, "MapObjects");
    const map = def.States["MapObjects"] as MapState;
    assert.deepEqual(map.ItemReader, {
      Resource: "arn:aws:states:::s3:listObjectsV2",
      Parameters: { Bucket: "my-bucket", Prefix: "datasets/words/" },
    });
    assert.deepEqual(map.ItemBatcher, { MaxItemsPerBatch: 250, BatchInput: { bucket: "my-bucket" } });
    assert.equal(map.ToleratedFailurePercentage, 5);
    assert.deepEqual(map.ItemProcessor?.ProcessorConfig, { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" });
    assert.deepEqual(map.ResultWriter?.Parameters, { Bucket: "my-bucket", Prefix: "results/map-reduce/" });
    assert.equal(map.Next, "ReduceCounts");
    assert.equal((def.States["ReduceCounts"] as TaskState).Resource, "arn:aws:lambda:us-east-1:123456789012:function:ReduceCounts");
    assert.ok(validateDefinition(def, { stateMachineType: "STANDARD" }).valid);
  });

  it("lists its two functions for the engine and the deployer", () => {
    assert.deepEqual([...mapReduceWorkflow(refs, config).handlersByName().keys()], ["CountWords", "ReduceCounts"]);
  });

  it("rejects a bad config naming the field", () => {
    assert.throws(() => mapReduceWorkflow(refs, { ...config, inputPrefix: "/abs" }), /inputPrefix: must end with '\/'/);
    assert.throws(() => mapReduceWorkflow(refs, { ...config, batchSize: 0 }), /batchSize: must be ≥ 1/);
  });
});
