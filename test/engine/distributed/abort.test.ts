/**
 * A Map Run stopped by its parent execution's stop ends ABORTED, and says so through the progress
 * callback before the parent's run() returns.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html — a Map Run's
 * status is one of Running, Succeeded, Failed or Aborted; aborting the parent aborts the Map Run.
 */
import { strict as assert } from "node:assert";
import type { MapRunRecord } from "../../../engine/distributed";
import type { EngineEvent } from "../../../engine";
import { fnArn, runDef } from "../helpers";

describe("engine/distributed: parent stop", () => {
  it("a Map Run interrupted by the parent's abort emits a final ABORTED record through onMapRunUpdate", async () => {
    const controller = new AbortController();
    let started = 0;
    const records: MapRunRecord[] = [];
    const definition = {
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Map",
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
            StartAt: "Work",
            States: { Work: { Type: "Task", Resource: fnArn("Hang"), End: true } },
          },
          End: true,
        },
      },
    };
    const result = await runDef(
      definition,
      [1, 2, 3, 4, 5],
      {
        // Never finishes on its own: only the stop ends the children.
        Hang: () => {
          if (++started === 2) setImmediate(() => controller.abort());
          return new Promise(() => undefined);
        },
      },
      { signal: controller.signal, clock: "real", onEvent: (e: EngineEvent) => void (e.kind === "mapRun" && records.push(e.record)) },
    );
    assert.equal(result.status, "ABORTED");
    const last = records[records.length - 1];
    assert.equal(last.status, "ABORTED");
    assert.ok(last.stopDate instanceof Date);
    assert.deepEqual({ running: last.executionCounts.running, aborted: last.executionCounts.aborted }, { running: 0, aborted: 2 });
    assert.equal(result.mapRuns[0].status, "ABORTED");
    const types = result.history.map((e) => e.type);
    assert.ok(types.indexOf("MapRunAborted") >= 0 && types.indexOf("MapRunAborted") < types.indexOf("ExecutionAborted"), types.join(","));
  });
});
