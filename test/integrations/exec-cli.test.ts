/** `npm run exec` with the integration flags, as a subprocess: MockConfigFile, embedded DynamoDB, task tokens, nested machines, the outbox in --json. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../support/temp-dirs";

const root = resolve(__dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const cli = join(root, "local/cli/exec.ts");
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
      Put: { Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: "Jobs", Item: { id: { "S.$": "$.id" } } }, ResultPath: null, Next: "Ask" },
      Ask: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q", MessageBody: { "t.$": "$$.Task.Token" } }, ResultPath: "$.answer", Next: "Nested" },
      Nested: { Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:Child", "Input.$": "$" }, ResultSelector: { "out.$": "$.Output" }, ResultPath: "$.child", Next: "Fetch" },
      Fetch: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "NotGiven", "Payload.$": "$" }, ResultSelector: { "v.$": "$.Payload" }, ResultPath: "$.fetched", End: true },
    },
  });
  const child = file("child.json", { StartAt: "P", States: { P: { Type: "Pass", Result: "child ran", End: true } } });
  const mock = file("mock.json", { StateMachines: { Demo: { TestCases: { Happy: { Fetch: "FetchOk" } } } }, MockedResponses: { FetchOk: { "0": { Return: { StatusCode: 200, Payload: 42 } } } } });

  it("runs DynamoDB on the embedded dynalite, answers the token, runs the nested machine, mocks the Lambda; --json shows the outbox", () => {
    const r = exec([def, "--input", '{"id":"a"}', "--json", "--dynamodb-table", "Jobs:id", "--task-token", 'succeed={"ok":true}', "--state-machine", `Child=${child}`, "--mock-config", mock, "--test-case", "Happy"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout) as { status: string; output: unknown; outbox: Array<{ integration: string; target: string }>; nestedExecutions: Array<{ status: string }> };
    assert.deepEqual(out.output, { id: "a", answer: { ok: true }, child: { out: "child ran" }, fetched: { v: 42 } });
    assert.deepEqual(out.outbox.map((m) => [m.integration, m.target]), [["sqs:sendMessage", "https://sqs.us-east-1.amazonaws.com/123456789012/q"]]);
    assert.deepEqual(out.nestedExecutions.map((n) => n.status), ["SUCCEEDED"]);
  });

  it("--task-token fail=ERROR:CAUSE fails the waiting task with them", () => {
    // The Lambda state is mocked: exec refuses to start a run whose functions have no handler.
    const r = exec([def, "--input", '{"id":"b"}', "--json", "--dynamodb-table", "Jobs:id", "--task-token", "fail=Rejected:not today", "--mock-config", mock, "--test-case", "Happy"]);
    assert.equal(r.code, 1);
    assert.deepEqual([JSON.parse(r.stdout).error, JSON.parse(r.stdout).cause], ["Rejected", "not today"]);
  });

  it("--task-token-handler: a module's onTaskToken answers (here: a heartbeat, then success with what the message carried)", () => {
    const hook = join(dir, "approver.cjs");
    writeFileSync(hook, "exports.onTaskToken = (req, tokens) => { tokens.sendTaskHeartbeat(req.token); setImmediate(() => tokens.sendTaskSuccess(req.token, { sawState: req.stateName, hasToken: typeof req.parameters.MessageBody.t === 'string' })); };\n");
    const r = exec([def, "--input", '{"id":"c"}', "--json", "--dynamodb-table", "Jobs:id", "--task-token-handler", hook, "--state-machine", `Child=${child}`, "--mock-config", mock, "--test-case", "Happy"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(JSON.parse(r.stdout).output.answer, { sawState: "Ask", hasToken: true });
  });

  it("bad flags are usage errors (exit 2) naming the flag", () => {
    assert.match(exec([def, "--mock-config", mock]).stderr, /--mock-config and --test-case go together/);
    const unknownCase = exec([def, "--mock-config", mock, "--test-case", "Nope"]);
    assert.equal(unknownCase.code, 2);
    assert.match(unknownCase.stderr, /Demo\/Happy/);
    const badMock = exec([def, "--mock-config", file("bad.json", { StateMachines: {}, MockedResponses: { R: { first: { Return: 1 } } } }), "--test-case", "x"]);
    assert.equal(badMock.code, 2);
    assert.match(badMock.stderr, /MockedResponses\.R\.first/);
  });
});
