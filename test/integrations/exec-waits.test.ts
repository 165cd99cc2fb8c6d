/**
 * `npm run exec` as a user runs it: a token nothing answers fails loudly (also with the embedded S3
 * up), AWS's documented MockConfigFile example runs, `--batch` starts every case's mock counters at
 * "0", a test case is chosen as MACHINE/TESTCASE, and the history and Map Run counts are shown.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../support/temp-dirs";

const root = resolve(__dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const cli = join(root, "tools/cli/exec.ts");
const exec = (args: string[]) => {
  const r = spawnSync(tsx, [cli, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const example = join(root, "examples/exec/mock-config");
const definition = join(example, "LambdaSQSIntegration.asl.json");
const mockFile = join(example, "MockConfigFile.json");

describe("exec CLI: waits, mock files, history", function () {
  this.timeout(120_000);
  const dir = tempDir("exec-waits-");
  const file = (name: string, value: unknown, text?: string) => {
    const p = join(dir, name);
    writeFileSync(p, text ?? JSON.stringify(value));
    return p;
  };
  const ask = file("ask.json", {
    StartAt: "Ask",
    States: {
      Ask: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q", MessageBody: { "t.$": "$$.Task.Token" } },
        End: true,
      },
    },
  });

  it("a token nothing answers: exit 1, RunStalled naming the state and the flag that answers it; with the embedded S3 up too (no hang)", () => {
    for (const extra of [[], ["--s3"]]) {
      const r = exec([ask, "--json", ...extra]);
      assert.equal(r.code, 1, r.stderr + r.stdout);
      const out = JSON.parse(r.stdout) as { status: string; error: string; cause: string; mapRuns: unknown[] };
      assert.deepEqual([out.status, out.error], ["FAILED", "RunStalled"]);
      assert.match(out.cause, /state 'Ask'/);
      assert.match(out.cause, /--task-token/);
      assert.deepEqual(out.mapRuns, []);
    }
  });

  it("a --task-token-handler that never answers (and returns no promise): exit 1 naming the state, not a silent exit 0", () => {
    const handler = file("never.js", undefined, "exports.onTaskToken = () => undefined;\n");
    const r = exec([ask, "--task-token-handler", handler]);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /RunStalled[\s\S]*state 'Ask'/);
  });

  it("a handler whose promise can never settle: exit 1 with a message, not a silent exit 0", () => {
    const handlers = file("hang.js", undefined, "exports.Hang = () => new Promise(() => {});\n");
    const def = file("hang.json", {
      StartAt: "T",
      States: { T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Hang", End: true } },
    });
    const r = exec([def, "--handlers", handlers]);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stderr, /can make no progress/);
  });

  it("AWS's documented MockConfigFile example: HappyPath, RetryPath (4 calls, 3 retries) and HybridPath (SQSState not mocked: the outbox)", () => {
    const happy = exec([definition, "--mock-config", mockFile, "--test-case", "HappyPath", "--clock", "virtual", "--json"]);
    assert.equal(happy.code, 0, happy.stderr);
    assert.equal((JSON.parse(happy.stdout) as { output: { MessageId: string } }).output.MessageId, "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51");
    const retry = exec([definition, "--mock-config", mockFile, "--test-case", "RetryPath", "--clock", "virtual", "--history"]);
    assert.equal(retry.code, 0, retry.stderr);
    assert.equal(retry.stdout.match(/TaskFailed/g)?.length, 3, retry.stdout);
    assert.match(retry.stdout, /Lambda\.TimeoutException/);
    const hybrid = exec([definition, "--mock-config", mockFile, "--test-case", "HybridPath", "--json"]);
    assert.equal(hybrid.code, 0, hybrid.stderr);
    assert.equal((JSON.parse(hybrid.stdout) as { outbox: unknown[] }).outbox.length, 1);
  });

  it('--batch with a mock file: every case\'s invocations count from "0"', () => {
    const def = JSON.parse(JSON.stringify(require(definition))) as unknown;
    const cases = file("cases.jsonl", undefined, ["a", "b", "c"].map((name) => JSON.stringify({ name, definition: def })).join("\n"));
    const r = exec(["--batch", cases, "--mock-config", mockFile, "--test-case", "RetryPath", "--clock", "virtual"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { status: string; stateTransitions: number });
    assert.deepEqual(
      lines.map((l) => [l.status, l.stateTransitions]),
      [
        ["SUCCEEDED", 5],
        ["SUCCEEDED", 5],
        ["SUCCEEDED", 5],
      ],
    );
  });

  it("a test case two machines share is named MACHINE/TESTCASE, the form the error's list prints; a mocked state the definition lacks is an error", () => {
    const shared = file("shared.json", {
      StateMachines: {
        One: { TestCases: { HappyPath: { LambdaState: "Ok" } } },
        LambdaSQSIntegration: { TestCases: { HappyPath: { LambdaState: "Ok", SQSState: "Ok" } } },
      },
      MockedResponses: { Ok: { "0": { Return: { Payload: "fine" } } } },
    });
    const ambiguous = exec([definition, "--mock-config", shared, "--test-case", "HappyPath"]);
    assert.notEqual(ambiguous.code, 0);
    assert.match(ambiguous.stderr, /One\/HappyPath or LambdaSQSIntegration\/HappyPath/);
    const unknown = exec([definition, "--mock-config", shared, "--test-case", "Nope"]);
    const listed = /known: ([^)]*)\)/.exec(unknown.stderr)![1]!.split(", ");
    assert.ok(listed.includes("LambdaSQSIntegration/HappyPath"), unknown.stderr);
    const named = exec([definition, "--mock-config", shared, "--test-case", "LambdaSQSIntegration/HappyPath", "--json"]);
    assert.equal(named.code, 0, named.stderr);
    const wrongState = exec([definition, "--mock-config", shared, "--test-case", "One/HappyPath"]);
    assert.equal(wrongState.code, 0, "One/HappyPath mocks LambdaState only, which the definition has");
    const typo = file("typo.json", {
      StateMachines: { M: { TestCases: { T: { LambdaStat: "Ok" } } } },
      MockedResponses: { Ok: { "0": { Return: 1 } } },
    });
    const bad = exec([definition, "--mock-config", typo, "--test-case", "M/T"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /'LambdaStat', which is not a state of the definition/);
  });

  it("--test-state NAME: one state as AWS's TestState answers (a mocked error a retrier matches is RETRIABLE)", () => {
    const r = exec([
      definition,
      "--test-state",
      "LambdaState",
      "--input",
      '{"hi":1}',
      "--mock",
      '{"errorOutput":{"error":"Lambda.TimeoutException","cause":"slow"}}',
      "--inspection-level",
      "DEBUG",
      "--json",
    ]);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { status: string; inspectionData: { afterParameters: unknown } };
    assert.equal(out.status, "RETRIABLE");
    assert.deepEqual(out.inspectionData.afterParameters, { Payload: { hi: 1 }, FunctionName: "HelloWorldFunction" });
    const ok = exec([
      definition,
      "--test-state",
      "SQSState",
      "--input",
      '{"hi":1}',
      "--mock",
      '{"result":"{\\"MessageId\\":\\"m1\\"}"}',
      "--json",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { status: "SUCCEEDED", output: { MessageId: "m1" } });
  });

  it("the Map Run line adds up (pending included) and --json has mapRuns and, with --history, the history", () => {
    const dmap = file("dmap.json", {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.items",
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
            StartAt: "F",
            States: { F: { Type: "Fail", Error: "Boom" } },
          },
          End: true,
        },
      },
    });
    const input = JSON.stringify({ items: [1, 2, 3, 4, 5, 6] });
    const text = exec([dmap, "--input", input]);
    assert.equal(text.code, 1);
    const line =
      /Map Run M FAILED: (\d+) items = (\d+) succeeded \+ (\d+) failed \+ (\d+) timed out \+ (\d+) aborted \+ (\d+) running \+ (\d+) pending/.exec(
        text.stdout,
      );
    assert.ok(line, text.stdout);
    const [total, ...parts] = line.slice(1).map(Number);
    assert.equal(
      parts.reduce((a, b) => a + b, 0),
      total,
    );
    const json = JSON.parse(exec([dmap, "--input", input, "--json", "--history"]).stdout) as {
      mapRuns: Array<{ name: string }>;
      history: Array<{ id: number; type: string }>;
    };
    assert.equal(json.mapRuns[0]!.name, "M");
    assert.equal(json.history[0]!.type, "ExecutionStarted");
    assert.ok(json.history.some((e) => e.type === "MapRunFailed"));
  });
});
