/** `npm run exec` with the integration flags, as a subprocess: MockConfigFile, embedded DynamoDB, task tokens, nested machines, the outbox in --json. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../support/temp-dirs";

const root = resolve(__dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const cli = join(root, "tools/cli/exec.ts");
const exec = (args: string[]) => {
  const r = spawnSync(tsx, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_NO_WARNINGS: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("exec CLI: service integrations", function () {
  this.timeout(60_000);
  const dir = tempDir("exec-integrations-");
  const file = (name: string, value: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(value));
    return p;
  };
  const def = file("def.json", {
    StartAt: "Put",
    States: {
      Put: {
        Type: "Task",
        Resource: "arn:aws:states:::dynamodb:putItem",
        Parameters: { TableName: "Jobs", Item: { id: { "S.$": "$.id" } } },
        ResultPath: null,
        Next: "Ask",
      },
      Ask: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q", MessageBody: { "t.$": "$$.Task.Token" } },
        ResultPath: "$.answer",
        Next: "Nested",
      },
      Nested: {
        Type: "Task",
        Resource: "arn:aws:states:::states:startExecution.sync:2",
        Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:Child", "Input.$": "$" },
        ResultSelector: { "out.$": "$.Output" },
        ResultPath: "$.child",
        Next: "Fetch",
      },
      Fetch: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: "NotGiven", "Payload.$": "$" },
        ResultSelector: { "v.$": "$.Payload" },
        ResultPath: "$.fetched",
        End: true,
      },
    },
  });
  const child = file("child.json", { StartAt: "P", States: { P: { Type: "Pass", Result: "child ran", End: true } } });
  const mock = file("mock.json", {
    StateMachines: { Demo: { TestCases: { Happy: { Fetch: "FetchOk" } } } },
    MockedResponses: { FetchOk: { "0": { Return: { StatusCode: 200, Payload: 42 } } } },
  });

  it("runs DynamoDB on the embedded dynalite, answers the token, runs the nested machine, mocks the Lambda; --json shows the outbox", () => {
    const r = exec([
      def,
      "--input",
      '{"id":"a"}',
      "--json",
      "--dynamodb-table",
      "Jobs:id",
      "--task-token",
      'succeed={"ok":true}',
      "--state-machine",
      `Child=${child}`,
      "--mock-config",
      mock,
      "--test-case",
      "Happy",
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout) as {
      status: string;
      output: unknown;
      outbox: Array<{ integration: string; target: string }>;
      nestedExecutions: Array<{ status: string }>;
    };
    assert.deepEqual(out.output, { id: "a", answer: { ok: true }, child: { out: "child ran" }, fetched: { v: 42 } });
    assert.deepEqual(
      out.outbox.map((m) => [m.integration, m.target]),
      [["sqs:sendMessage", "https://sqs.us-east-1.amazonaws.com/123456789012/q"]],
    );
    assert.deepEqual(
      out.nestedExecutions.map((n) => n.status),
      ["SUCCEEDED"],
    );
  });

  it("--task-token fail=ERROR:CAUSE fails the waiting task with them", () => {
    // The Lambda state is mocked: exec refuses to start a run whose functions have no handler.
    const r = exec([
      def,
      "--input",
      '{"id":"b"}',
      "--json",
      "--dynamodb-table",
      "Jobs:id",
      "--task-token",
      "fail=Rejected:not today",
      "--mock-config",
      mock,
      "--test-case",
      "Happy",
    ]);
    assert.equal(r.code, 1);
    assert.deepEqual([JSON.parse(r.stdout).error, JSON.parse(r.stdout).cause], ["Rejected", "not today"]);
  });

  it("--task-token-handler: a module's onTaskToken answers (here: a heartbeat, then success with what the message carried)", () => {
    const hook = join(dir, "approver.cjs");
    writeFileSync(
      hook,
      "exports.onTaskToken = (req, tokens) => { tokens.sendTaskHeartbeat(req.token); setImmediate(() => tokens.sendTaskSuccess(req.token, { sawState: req.stateName, hasToken: typeof req.parameters.MessageBody.t === 'string' })); };\n",
    );
    const r = exec([
      def,
      "--input",
      '{"id":"c"}',
      "--json",
      "--dynamodb-table",
      "Jobs:id",
      "--task-token-handler",
      hook,
      "--state-machine",
      `Child=${child}`,
      "--mock-config",
      mock,
      "--test-case",
      "Happy",
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(JSON.parse(r.stdout).output.answer, { sawState: "Ask", hasToken: true });
  });

  it("bad flags are usage errors (exit 2) naming the flag", () => {
    assert.match(exec([def, "--mock-config", mock]).stderr, /--mock-config and --test-case go together/);
    const unknownCase = exec([def, "--mock-config", mock, "--test-case", "Nope"]);
    assert.equal(unknownCase.code, 2);
    assert.match(unknownCase.stderr, /Demo\/Happy/);
    const badMock = exec([
      def,
      "--mock-config",
      file("bad.json", { StateMachines: {}, MockedResponses: { R: { first: { Return: 1 } } } }),
      "--test-case",
      "x",
    ]);
    assert.equal(badMock.code, 2);
    assert.match(badMock.stderr, /MockedResponses\.R\.first/);
  });

  describe("every definition the run can start is validated first, as `validate` does; a failure names the machine and nothing starts", () => {
    const handlers = join(dir, "handlers.cjs");
    writeFileSync(handlers, "exports.Mark = async () => { require('fs').writeFileSync(process.env.MARK_FILE, 'ran'); return {}; };\n");
    const parent = file("parent.json", {
      StartAt: "Mark",
      States: {
        Mark: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Mark", Next: "Nested" },
        Nested: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.sync:2",
          Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:Child", Input: {} },
          End: true,
        },
      },
    });
    const runs = (args: string[]) => {
      const mark = join(dir, `mark-${Math.random().toString(36).slice(2)}`);
      const r = spawnSync(tsx, [cli, ...args], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, NODE_NO_WARNINGS: "1", MARK_FILE: mark },
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, ran: require("node:fs").existsSync(mark) as boolean };
    };

    it("a nested machine with a missing transition target (--state-machine)", () => {
      const broken = file("child-broken.json", { StartAt: "P", States: { P: { Type: "Pass", Next: "Nowhere" } } });
      const r = runs([parent, "--json", "--handlers", handlers, "--state-machine", `Child=${broken}`]);
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.error, "InvalidDefinition");
      assert.match(out.cause, /nested machine Child \(--state-machine Child=.*child-broken.json\) is invalid/);
      assert.match(out.cause, /MISSING_TRANSITION_TARGET at \/States\/P\/Next/);
      assert.equal(r.ran, false, "the parent's first state must not have run");
    });

    it("a nested machine with an unsupported pattern (dynamodb:updateItem.waitForTaskToken)", () => {
      const broken = file("child-callback.json", {
        StartAt: "U",
        States: {
          U: {
            Type: "Task",
            Resource: "arn:aws:states:::dynamodb:updateItem.waitForTaskToken",
            Parameters: { TableName: "T", Key: {} },
            End: true,
          },
        },
      });
      const r = runs([parent, "--json", "--handlers", handlers, "--state-machine", `Child=${broken}`]);
      assert.equal(r.code, 1);
      assert.match(
        JSON.parse(r.stdout).cause,
        /nested machine Child.*INVALID_RESOURCE at \/States\/U\/Resource: dynamodb:updateItem does not support the waitForTaskToken pattern/s,
      );
      assert.equal(r.ran, false);
    });

    it("the main definition file's duplicate keys, as `validate` reports them", () => {
      const dup = join(dir, "dup.json");
      writeFileSync(dup, '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Pass","End":true}}}');
      const r = runs([dup, "--json"]);
      assert.equal(r.code, 1);
      assert.match(JSON.parse(r.stdout).cause, /definition file .*dup.json is invalid.*DUPLICATE_STATE_NAME/s);
    });

    it("--batch: an invalid case stops every case from starting", () => {
      const cases = join(dir, "cases-invalid.jsonl");
      const mark = {
        StartAt: "M",
        States: { M: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Mark", End: true } },
      };
      writeFileSync(
        cases,
        [
          JSON.stringify({ name: "good", definition: mark }),
          JSON.stringify({ name: "bad", definition: { StartAt: "X", States: { M: { Type: "Pass", End: true } } } }),
        ].join("\n"),
      );
      const r = runs(["--batch", cases, "--handlers", handlers]);
      assert.equal(r.code, 1);
      const lines = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        lines.map((l) => [l.name, l.error]),
        [["bad", "InvalidDefinition"]],
      );
      assert.match(r.stderr, /no case was started.*case bad \(line 2/);
      assert.equal(r.ran, false);
    });
  });
});
