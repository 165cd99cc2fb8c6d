/** The test API users call from their own suites (testing, the package's `/testing` subpath). */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { distributedMap, lambda, machine, path, s3CsvReader, task } from "../../asl/builders";
import { runWorkflow } from "../../testing";

const double = lambda("Double", async (row: { name: string; qty: string }) => {
  const qty = Number(row.qty);
  if (!Number.isFinite(qty)) throw Object.assign(new Error(`qty is not a number: ${row.qty}`), { name: "BadRow" });
  return { name: row.name, qty: qty * 2 };
});

const rowsMachine = (tolerated?: number) =>
  machine(
    distributedMap("Rows", {
      reader: s3CsvReader({ bucket: path("$.bucket"), key: path("$.key") }),
      childExecution: "EXPRESS",
      toleratedFailurePercentage: tolerated,
      processor: task("Double", double),
    }),
  );

describe("testing API: runWorkflow", function () {
  this.timeout(60_000);
  const embeddedFolders = () => readdirSync(tmpdir()).filter((f) => f.startsWith("embedded-s3-")).length;

  it("runs a builder machine over a seeded CSV object: status, output, history and Map Run counts", async () => {
    const before = embeddedFolders();
    const run = await runWorkflow({
      machine: rowsMachine(),
      input: { bucket: "my-data", key: "rows.csv" },
      s3Objects: [{ bucket: "my-data", key: "rows.csv", body: "name,qty\napple,3\nplum,5\n" }],
    });
    assert.equal(run.status, "SUCCEEDED");
    assert.deepEqual(run.output, [
      { name: "apple", qty: 6 },
      { name: "plum", qty: 10 },
    ]);
    assert.deepEqual(run.mapRuns[0]!.items, { total: 2, succeeded: 2, failed: 0, timedOut: 0, aborted: 0, running: 0, pending: 0 });
    assert.equal(run.history.at(-1)!.type, "ExecutionSucceeded");
    assert.equal(embeddedFolders(), before, "the embedded S3's folder is removed");
  });

  it("refuses a seeded object whose bucket no real bucket could be named, with exec --put's message", async () => {
    await assert.rejects(
      runWorkflow({
        machine: rowsMachine(),
        input: { bucket: "in", key: "rows.csv" },
        s3Objects: [{ bucket: "in", key: "rows.csv", body: "a\n" }],
      }),
      (e: Error) => {
        assert.equal(
          e.message,
          'runWorkflow: s3Objects[0]: "in" is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens; https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)',
        );
        return true;
      },
    );
  });

  it("a failed Map Run: AWS's error on the execution, the first failed child with its item index, error, cause and state", async () => {
    const run = await runWorkflow({
      machine: rowsMachine(),
      input: { bucket: "my-data", key: "rows.csv" },
      s3Objects: [{ bucket: "my-data", key: "rows.csv", body: "name,qty\napple,3\npear,x\n" }],
    });
    assert.equal(run.status, "FAILED");
    assert.equal(run.error, "States.ExceedToleratedFailureThreshold");
    assert.equal(run.failedState, "Rows");
    assert.deepEqual([run.failures[0]!.itemIndex, run.failures[0]!.error, run.failures[0]!.state], [1, "BadRow", "Rows/Double"]);
    assert.match(run.failures[0]!.cause, /qty is not a number: x/);
  });

  it("a child failing in the second state of its processor: the failure names that state", async () => {
    const run = await runWorkflow({
      definition: {
        StartAt: "Items",
        States: {
          Items: {
            Type: "Map",
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              StartAt: "Prepare",
              States: {
                Prepare: { Type: "Pass", Next: "Check" },
                Check: { Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThan: 1, Next: "TooBig" }], Default: "Fine" },
                TooBig: { Type: "Fail", Error: "TooBig", Cause: "n > 1" },
                Fine: { Type: "Succeed" },
              },
            },
            End: true,
          },
        },
      },
      input: [{ n: 1 }, { n: 2 }],
    });
    assert.equal(run.status, "FAILED");
    assert.deepEqual([run.failures[0]!.itemIndex, run.failures[0]!.error, run.failures[0]!.state], [1, "TooBig", "Items/TooBig"]);
  });

  it("an ASL definition with handlers by name and mocked responses (call by call)", async () => {
    const definition = {
      StartAt: "A",
      States: {
        A: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:123456789012:function:Flaky",
          Retry: [{ ErrorEquals: ["Throttled"], MaxAttempts: 2 }],
          Next: "B",
        },
        B: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Add", End: true },
      },
    };
    const run = await runWorkflow({
      definition,
      input: { a: 1 },
      handlers: { Add: async (e: unknown) => ({ sum: (e as { n: number }).n + 1 }) },
      mocks: { Flaky: [{ throw: { error: "Throttled", cause: "slow down" } }, { return: { n: 41 } }] },
    });
    assert.equal(run.status, "SUCCEEDED");
    assert.deepEqual(run.output, { sum: 42 });
  });

  it("is Pulumi-free: importing it loads no @pulumi module", () => {
    const root = join(__dirname, "..", "..");
    const r = spawnSync(
      process.execPath,
      [
        "-r",
        "tsx/cjs",
        "-e",
        "require('./testing'); process.stdout.write(String(Object.keys(require.cache).filter((k) => k.includes('@pulumi')).length))",
      ],
      { cwd: root, encoding: "utf8" },
    );
    assert.equal(r.stdout, "0", r.stderr);
  });

  it("a function without a handler is an error before the run that lists the handlers given", async () => {
    await assert.rejects(
      runWorkflow({
        definition: {
          StartAt: "A",
          States: { A: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Nope", End: true } },
        },
        handlers: { Other: async () => 1 },
      }),
      /function "Nope" \(used by state A\) has no handler in handlers[\s\S]*exports: Other/,
    );
  });
});

describe("testing API: nothing left listening", function () {
  this.timeout(60_000);
  // Listening sockets of this process (the embedded S3 server is one while it runs).
  const listening = () => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;

  it("after a run, after a failed run and after an aborted run, no server of the run is still listening", async () => {
    const before = listening();
    const seeded = {
      s3Objects: [{ bucket: "my-data", key: "rows.csv", body: "name,qty\napple,3\n" }],
      input: { bucket: "my-data", key: "rows.csv" },
    };
    assert.equal((await runWorkflow({ machine: rowsMachine(), ...seeded })).status, "SUCCEEDED");
    assert.equal(listening(), before, "after a run");
    const bad = {
      s3Objects: [{ bucket: "my-data", key: "rows.csv", body: "name,qty\napple,x\n" }],
      input: { bucket: "my-data", key: "rows.csv" },
    };
    assert.equal((await runWorkflow({ machine: rowsMachine(), ...bad })).status, "FAILED");
    assert.equal(listening(), before, "after a failed run");
    const controller = new AbortController();
    let during = 0;
    const slow = lambda("Double", async () => {
      during = listening();
      return new Promise<never>(() => setTimeout(() => controller.abort(), 10));
    });
    const hanging = machine(
      distributedMap("Rows", { reader: s3CsvReader({ bucket: path("$.bucket"), key: path("$.key") }), processor: task("Double", slow) }),
    );
    const aborted = await runWorkflow({ machine: hanging, ...seeded, signal: controller.signal });
    assert.equal(aborted.status, "ABORTED");
    assert.ok(during > before, "the embedded S3 listens while the run is on (the probe sees it)");
    assert.equal(listening(), before, "after an aborted run");
  });
});
