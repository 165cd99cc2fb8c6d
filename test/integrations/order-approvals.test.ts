/**
 * examples/order-approvals, as a new user would run it: a Distributed Map whose children wait for
 * an approval sent through SQS (.waitForTaskToken, answered by a queue consumer that only sees the
 * message), record each approved order with a nested machine (.sync:2) doing DynamoDB updateItem
 * ADD, and read the totals back with aws-sdk:dynamodb:query. Run with runWorkflow (testing/) and with
 * the exec CLI; each broken variant fails before any child starts, naming the machine, except the
 * task that does not send its token: AWS accepts that definition, so it is a warning, and the task
 * waits until its TimeoutSeconds.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runWorkflow, type TaskTokenRequest, type TaskTokens } from "../../testing";
import { DefinitionRejectedError } from "../../engine";
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from "../../emulators/dynamodb/server";
import { onTaskToken } from "../../examples/order-approvals/consumer";
import { tempDir } from "../support/temp-dirs";

const root = resolve(__dirname, "../..");
const dir = join(root, "examples/order-approvals");
type Json = Record<string, unknown>;
const load = (name: string): Json => JSON.parse(readFileSync(join(dir, name), "utf8")) as Json;
const main = () => load("order-approvals.asl.json");
const recordOrder = () => load("record-order.asl.json");
const input = load("input.json");
/** A state of the main machine's item processor, or of the nested machine, to break. */
const child = (def: Json, state: string): Json =>
  ((def.States as Json).ProcessOrders as { ItemProcessor: { States: Record<string, Json> } }).ItemProcessor.States[state]!;
const nestedState = (def: Json): Json => (def.States as Record<string, Json>).AddToTotals!;
/** `npx sfn-local exec` on the example, as its consumer's header shows (from the sources: tsx). */
const exec = (definition: string, nested: string, ...extra: string[]) =>
  spawnSync(
    join(root, "node_modules/.bin/tsx"),
    [
      join(root, "tools/cli/main.ts"),
      "exec",
      definition,
      "--input-file",
      join(dir, "input.json"),
      "--state-machine",
      `RecordOrder=${nested}`,
      "--dynamodb-table",
      "CustomerTotals:customer",
      "--task-token-handler",
      join(dir, "consumer.ts"),
      ...extra,
    ],
    { cwd: root, encoding: "utf8", env: { ...process.env, NODE_NO_WARNINGS: "1" } },
  );

describe("examples/order-approvals: callbacks, a nested .sync:2 machine and DynamoDB, end to end", function () {
  this.timeout(60_000);
  let ddb: EmbeddedDynamoDb;
  let answered: number;
  const consumer = (request: TaskTokenRequest, tokens: TaskTokens) => {
    answered++;
    onTaskToken(request, tokens);
  };
  beforeEach(async () => {
    answered = 0;
    ddb = await startEmbeddedDynamoDb({ tables: [{ name: "CustomerTotals", partitionKey: "customer" }] });
  });
  afterEach(async () => ddb?.stop());
  const integrations = (nested: Json = recordOrder()) => ({
    stateMachines: { RecordOrder: nested as never },
    dynamodb: () => ddb.client(),
    onTaskToken: consumer,
  });

  it("runWorkflow: 6 orders, 5 approved and recorded, 1 rejected (tolerated); alice's totals read back by the query", async () => {
    const run = await runWorkflow({ definition: main(), input: input as never, integrations: integrations() });
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.output, { customer: "alice", total: "450", orders: "3" });
    const [mapRun] = run.mapRuns;
    assert.deepEqual([mapRun!.items.total, mapRun!.items.succeeded, mapRun!.items.failed, mapRun!.childExecutions.total], [6, 5, 1, 6]);
    assert.equal(run.failures[0]!.error, "OrderRejected");
    assert.equal(answered, 6); // one message per order, each answered from the message
    assert.equal(run.outbox.length, 6);
    assert.equal(run.nestedExecutions.length, 5); // the rejected order never reaches RecordOrder
    assert.deepEqual(run.warnings, []);
  });

  it("runWorkflow with the emulator given as an endpoint and its keys (inside a run the environment holds the run's own keys)", async () => {
    const run = await runWorkflow({
      definition: main(),
      input: input as never,
      integrations: { ...integrations(), dynamodb: { endpoint: ddb.endpoint, credentials: ddb.credentials } },
    });
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.output, { customer: "alice", total: "450", orders: "3" });
  });

  it("the exec CLI (npx sfn-local exec …, as the consumer's header shows) gives the same counts", () => {
    const r = exec(join(dir, "order-approvals.asl.json"), join(dir, "record-order.asl.json"), "--json");
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout) as { status: string; output: unknown; mapRuns: Array<{ items: Record<string, number> }> };
    assert.equal(out.status, "SUCCEEDED");
    assert.deepEqual(out.output, { customer: "alice", total: "450", orders: "3" });
    assert.deepEqual([out.mapRuns[0]!.items.succeeded, out.mapRuns[0]!.items.failed], [5, 1]);
  });

  const broken: Array<{ name: string; main?: (d: Json) => void; nested?: (d: Json) => void; says: RegExp; machine?: string }> = [
    {
      name: "the nested machine's Next names no state",
      nested: (d) => {
        const s = nestedState(d);
        delete s.End;
        s.Next = "Notify";
      },
      says: /MISSING_TRANSITION_TARGET at \/States\/AddToTotals\/Next/,
      machine: "nested machine RecordOrder",
    },
    {
      name: "dynamodb:updateItem.waitForTaskToken in the nested machine (updateItem has request-response only)",
      nested: (d) => void (nestedState(d).Resource = "arn:aws:states:::dynamodb:updateItem.waitForTaskToken"),
      says: /INVALID_RESOURCE .*does not support the waitForTaskToken pattern; supported: arn:aws:states:::dynamodb:updateItem/,
      machine: "nested machine RecordOrder",
    },
    {
      name: "states:startExecution.sync:3",
      main: (d) => void (child(d, "RecordOrder").Resource = "arn:aws:states:::states:startExecution.sync:3"),
      says: /INVALID_RESOURCE .*'.sync:3' is not an integration pattern.*did you mean arn:aws:states:::states:startExecution.sync:2\?/,
    },
    {
      name: "sqs:sendMessage.waitForTaskTokens",
      main: (d) => void (child(d, "AskApproval").Resource = "arn:aws:states:::sqs:sendMessage.waitForTaskTokens"),
      says: /INVALID_RESOURCE .*did you mean arn:aws:states:::sqs:sendMessage.waitForTaskToken\?/,
    },
  ];
  for (const b of broken) {
    it(`broken: ${b.name} → rejected before any child starts${b.machine ? `, naming ${b.machine}` : ""}`, async () => {
      const def = main();
      const nested = recordOrder();
      b.main?.(def);
      b.nested?.(nested);
      await assert.rejects(runWorkflow({ definition: def, input: input as never, integrations: integrations(nested) }), (e: unknown) => {
        assert.ok(e instanceof DefinitionRejectedError, String(e));
        assert.equal(e.machine, b.machine);
        assert.match(e.message, b.says);
        return true;
      });
      assert.equal(answered, 0, "no child sent its message");
    });
  }

  it("broken, the CLI: the nested machine's file is named and nothing runs (exit 1, InvalidDefinition)", () => {
    const tmp = tempDir("order-approvals-");
    const nested = recordOrder();
    nestedState(nested).Resource = "arn:aws:states:::dynamodb:updateItem.waitForTaskToken";
    const file = join(tmp, "record-order.asl.json");
    writeFileSync(file, JSON.stringify(nested));
    const r = exec(join(dir, "order-approvals.asl.json"), file);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /error: {2}InvalidDefinition/);
    assert.ok(
      r.stdout.includes(`nested machine RecordOrder (--state-machine RecordOrder=${file}) is invalid (nothing was started)`),
      r.stdout,
    );
    assert.doesNotMatch(r.stdout, /Map Run/);
  });

  it("no $$.Task.Token in the message: a warning naming the machine and state (AWS accepts it); the consumer gets nothing to answer and each task times out", async () => {
    const def = main();
    delete ((child(def, "AskApproval").Parameters as Json).MessageBody as Json)["taskToken.$"];
    const run = await runWorkflow({ definition: def, input: input as never, integrations: integrations() });
    assert.equal(run.warnings.length, 1, run.warnings.join("\n"));
    assert.match(
      run.warnings[0]!,
      /^the state machine: TASK_TOKEN_NOT_SENT at \/States\/ProcessOrders\/ItemProcessor\/States\/AskApproval\/Parameters: /,
    );
    assert.equal(answered, 0, "a token the message does not carry reaches no consumer");
    assert.equal(run.status, "FAILED");
    assert.equal(run.error, "States.ExceedToleratedFailureThreshold");
    assert.ok(run.mapRuns[0]!.items.failed + run.mapRuns[0]!.items.timedOut > 1);
    assert.equal(run.failures[0]!.error, "States.Timeout");
  });

  it("no $$.Task.Token, the CLI: the warning names the file and state before the run; with --clock virtual the tasks time out", () => {
    const tmp = tempDir("order-approvals-");
    const def = main();
    delete ((child(def, "AskApproval").Parameters as Json).MessageBody as Json)["taskToken.$"];
    const file = join(tmp, "order-approvals.asl.json");
    writeFileSync(file, JSON.stringify(def));
    const r = exec(file, join(dir, "record-order.asl.json"), "--clock", "virtual");
    assert.equal(r.status, 1, r.stderr);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("exec: warning: "));
    assert.equal(warnings.length, 1, r.stderr);
    assert.ok(
      warnings[0]!.startsWith(
        `exec: warning: definition file ${file}: TASK_TOKEN_NOT_SENT at /States/ProcessOrders/ItemProcessor/States/AskApproval/Parameters: `,
      ),
    );
    assert.match(r.stdout, /failed item \d+ at ProcessOrders\/AskApproval: States.Timeout/);
  });
});
