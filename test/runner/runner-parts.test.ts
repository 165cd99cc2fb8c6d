import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StateMachineDefinition } from "../../asl/types";
import { distributedMapChildTypes } from "../../tools/runner/child-types";
import { explainFailure } from "../../tools/runner/explain";
import { meterHandlers } from "../../tools/runner/metering";
import { findProjectDir } from "../../tools/runner/project";
import { localBucketName } from "../../tools/runner/run";
import { seedDistributed } from "../graph/fixtures";
import { tempDir } from "../support/temp-dirs";

describe("tools/runner parts", () => {
  it("reads the child execution type of each Distributed Map, STANDARD for an unvalidated one that names none", () => {
    assert.deepEqual([...distributedMapChildTypes(seedDistributed)], [["MapData", "STANDARD"]]);
    const express: StateMachineDefinition = JSON.parse(
      JSON.stringify(seedDistributed).replace('"ExecutionType":"STANDARD"', '"ExecutionType":"EXPRESS"'),
    );
    assert.deepEqual([...distributedMapChildTypes(express)], [["MapData", "EXPRESS"]]);
    const unnamed: StateMachineDefinition = JSON.parse(JSON.stringify(seedDistributed).replace(',"ExecutionType":"STANDARD"', ""));
    assert.deepEqual([...distributedMapChildTypes(unnamed)], [["MapData", "STANDARD"]]);
  });

  it("explains the payload failure with the limit, and the variant's own advice in place of the general one", () => {
    const text = explainFailure("States.DataLimitExceeded", "too big", { state: "CaptureInput" })!;
    assert.match(text, /at CaptureInput/);
    assert.match(text, /262,144 bytes \(256 KiB\)/);
    assert.match(text, /Keep large data in S3/);
    const advised = explainFailure("States.DataLimitExceeded", "too big", { state: "CaptureInput", advice: "Run without --inline." })!;
    assert.match(advised, /262,144 bytes \(256 KiB\).*Run without --inline\.$/);
    assert.doesNotMatch(advised, /Keep large data in S3/);
    assert.equal(explainFailure("SomethingElse", "x"), undefined);
  });

  it("meters invocations, errors and billed milliseconds per function", async () => {
    const { handlers, meters } = meterHandlers({
      Ok: async (n: unknown) => n,
      Bad: async () => {
        throw new Error("no");
      },
    });
    await handlers.Ok!(1 as never);
    await handlers.Ok!(2 as never);
    await assert.rejects(handlers.Bad!(0 as never));
    assert.equal(meters.get("Ok")?.invocations, 2);
    assert.ok(meters.get("Ok")!.billedDurationMs >= 2, "at least 1 ms each");
    assert.deepEqual([meters.get("Bad")?.invocations, meters.get("Bad")?.errors], [1, 1]);
  });

  it("names the local bucket after the project and stack, as a valid bucket name", () => {
    assert.equal(localBucketName("sfn-distributed-map", "dev"), "sfn-distributed-map-dev");
    assert.equal(localBucketName("My_Project", "Prod.EU"), "my-project-prod.eu");
  });

  it("finds the project folder as the Pulumi CLI does: the nearest Pulumi.yaml upwards", () => {
    const root = tempDir("proj-");
    writeFileSync(join(root, "Pulumi.yaml"), "name: x\nruntime: nodejs\n");
    mkdirSync(join(root, "a", "b"), { recursive: true });
    assert.equal(findProjectDir(join(root, "a", "b")), root);
  });
});
