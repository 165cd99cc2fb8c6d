/**
 * redriveWorkflow, as RedriveExecution does it:
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html — "continues the
 * failed execution from the unsuccessful step and uses the same input ... doesn't rerun [the
 * successful] steps"; https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html —
 * a redriven Map Run re-runs only its unsuccessful children.
 */
import { strict as assert } from "node:assert";
import type { HistoryEvent } from "../../engine/types";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { ChildLedgers, redriveExecution } from "../../testing/run/redrive";
import { runLocalExecution, type AfterRun } from "../../testing/run/run-local";
import { ExecutionNotRedrivableError, redriveWorkflow, runWorkflow } from "../../testing";

const mapDefinition = (resultWriter: boolean) => ({
  StartAt: "Prepare",
  States: {
    Prepare: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Prepare", Next: "Items" },
    Items: {
      Type: "Map",
      ItemsPath: "$.items",
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: "Work",
        States: { Work: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Work", End: true } },
      },
      ...(resultWriter
        ? { ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "out", Prefix: "results" } } }
        : {}),
      End: true,
    },
  },
});

describe("testing API: redriveWorkflow", function () {
  this.timeout(60_000);

  it("continues from the failed Map state, re-runs only the failed children and keeps the succeeded ones", async () => {
    const prepared: number[] = [];
    const calls = new Map<number, number>();
    let broken = true;
    const handlers = {
      Prepare: async (input: { n: number }) => {
        prepared.push(input.n);
        return { items: Array.from({ length: input.n }, (_, i) => i) };
      },
      Work: async (i: number) => {
        calls.set(i, (calls.get(i) ?? 0) + 1);
        if (broken && i % 4 === 1) throw Object.assign(new Error(`item ${i} is odd`), { name: "Odd" });
        return i * 10;
      },
    };
    const first = await runWorkflow({ definition: mapDefinition(false), input: { n: 12 }, handlers });
    assert.equal(first.status, "FAILED");
    assert.equal(first.error, "States.ExceedToleratedFailureThreshold");
    assert.equal(first.redriveCount, 0);
    const failedBefore = first.mapRuns[0]!.childExecutions.failed;
    assert.ok(failedBefore >= 1);

    broken = false;
    const callsBefore = new Map(calls);
    const second = await redriveWorkflow(first);
    assert.equal(second.status, "SUCCEEDED", `${second.error}: ${second.cause}`);
    assert.deepEqual(
      second.output,
      Array.from({ length: 12 }, (_, i) => i * 10),
    );
    assert.equal(second.redriveCount, 1);
    assert.ok(second.redriveDate instanceof Date);
    // Prepare succeeded before: not run again.
    assert.deepEqual(prepared, [12]);
    // Children that succeeded were not run again: the redrive ran exactly the others, each once.
    const succeededBefore = first.mapRuns[0]!.childExecutions.succeeded;
    const callsInRedrive = [...calls].reduce((sum, [i, n]) => sum + n - (callsBefore.get(i) ?? 0), 0);
    assert.equal(callsInRedrive, 12 - succeededBefore);
    for (let i = 0; i < 12; i++) assert.ok((calls.get(i) ?? 0) >= 1, `item ${i} ran`);
    for (let i = 1; i < 12; i += 4) assert.equal(calls.get(i), 2, `failed item ${i} ran again`);
    const mapRun = second.mapRuns[0]!;
    assert.equal(mapRun.status, "SUCCEEDED");
    assert.deepEqual(
      { total: mapRun.childExecutions.total, succeeded: mapRun.childExecutions.succeeded, failed: mapRun.childExecutions.failed },
      { total: 12, succeeded: 12, failed: 0 },
    );

    // One history: the first attempt, ExecutionRedriven, then the redrive's events, ids in sequence.
    const types = second.history.map((e: HistoryEvent) => e.type);
    const redriven = types.indexOf("ExecutionRedriven");
    assert.ok(redriven > types.indexOf("ExecutionFailed"));
    assert.deepEqual(
      second.history.map((e) => e.id),
      second.history.map((_, i) => i + 1),
    );
    assert.equal(types.filter((t) => t === "ExecutionStarted").length, 1);
    assert.ok(types.slice(redriven).includes("MapRunRedriven"));
    assert.equal(types.at(-1), "ExecutionSucceeded");
    // The Map Run kept its ARN.
    const arnOf = (type: string) =>
      second.history.find((e) => e.type === type)![
        type === "MapRunStarted" ? "mapRunStartedEventDetails" : "mapRunRedrivenEventDetails"
      ] as { mapRunArn: string };
    assert.equal(arnOf("MapRunRedriven").mapRunArn, arnOf("MapRunStarted").mapRunArn);
  });

  it("writes the ResultWriter's files again on a redrive: the kept and the re-run children in SUCCEEDED files, a new manifest", async () => {
    let broken = true;
    const handlers = {
      Prepare: async () => ({ items: [0, 1, 2, 3] }),
      Work: async (i: number) => {
        if (broken && i === 2) throw Object.assign(new Error("two"), { name: "Two" });
        return { doubled: i * 2 };
      },
    };
    const ledgers = new ChildLedgers();
    let after: AfterRun | undefined;
    let release: (() => Promise<void>) | undefined;
    const first = await runLocalExecution({
      definition: mapDefinition(true),
      input: {},
      handlers,
      clock: "virtual",
      engine: { executionName: "rw", mapRunHooks: ledgers.hooks },
      afterRun: async (a) => {
        after = a;
      },
      holdServers: (r) => (release = r),
    });
    try {
      assert.equal(first.result.status, "FAILED");
      broken = false;
      const { result } = await redriveExecution(
        {
          definition: mapDefinition(true),
          executionArn: first.result.executionArn,
          executionName: "rw",
          stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:LocalStateMachine",
          type: "STANDARD",
          status: "FAILED",
          history: first.result.history,
          ledgers,
          redriveCount: 0,
          mapRuns: first.result.mapRuns,
        },
        after!.rerun,
      );
      assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
      const s3 = after!.s3Client!;
      const text = async (key: string) =>
        await (await s3.send(new GetObjectCommand({ Bucket: "out", Key: key }))).Body!.transformToString();
      const details = (result.output as { ResultWriterDetails: { Key: string } }).ResultWriterDetails;
      const manifest = JSON.parse(await text(details.Key)) as { ResultFiles: Record<string, Array<{ Key: string }>> };
      assert.deepEqual(manifest.ResultFiles.FAILED, []);
      const records = [];
      for (const f of manifest.ResultFiles.SUCCEEDED!)
        records.push(...(JSON.parse(await text(f.Key)) as Array<{ Input: string; Output: string; Status: string }>));
      assert.deepEqual(records.map((r) => JSON.parse(r.Input) as number).sort(), [0, 1, 2, 3]);
      assert.ok(records.every((r) => r.Status === "SUCCEEDED"));
      assert.deepEqual(JSON.parse(records.find((r) => r.Input === "2")!.Output), { doubled: 4 });
    } finally {
      await release?.();
    }
  });

  it("refuses what AWS refuses: a SUCCEEDED execution, with ExecutionNotRedrivable", async () => {
    const run = await runWorkflow({
      definition: mapDefinition(false),
      input: { n: 2 },
      handlers: { Prepare: async () => ({ items: [1] }), Work: async () => 1 },
    });
    assert.equal(run.status, "SUCCEEDED");
    await assert.rejects(
      () => redriveWorkflow(run),
      (e: unknown) => e instanceof ExecutionNotRedrivableError && /SUCCEEDED/.test(e.message),
    );
  });

  it("a failed Task state is run again with the input it entered with", async () => {
    let attempts = 0;
    const seen: unknown[] = [];
    const definition = {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Result: { from: "A" }, Next: "B" },
        B: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:B", End: true },
      },
    };
    const handlers = {
      B: async (input: unknown) => {
        seen.push(input);
        attempts++;
        throw Object.assign(new Error("down"), { name: "Broken" });
      },
    };
    const fixedB = async (input: unknown) => {
      seen.push(input);
      return "ok";
    };
    const first = await runWorkflow({ definition, input: {}, handlers });
    assert.equal(first.status, "FAILED");
    assert.equal(first.failedState, "B");
    // The fix deployed: the redrive runs with a new handler for B.
    const second = await redriveWorkflow(first, { handlers: { B: fixedB } });
    assert.equal(attempts, 1);
    assert.equal(second.status, "SUCCEEDED");
    assert.equal(second.output, "ok");
    assert.deepEqual(seen, [{ from: "A" }, { from: "A" }]);
  });
});
