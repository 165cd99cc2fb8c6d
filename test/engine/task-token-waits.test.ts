/**
 * Task-token waits: a run that nothing can answer ends loudly (RunStalledError), the virtual clock
 * gives the same verdicts as the real clock whatever the answer's delay, and tokens behave as AWS
 * delivers them (sent in the parameters, TaskSubmitted, TaskTimedOut for a late answer).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { StateMachineDefinition } from "../../asl/types";
import { run, RunStalledError, TaskTokens, VirtualClock, type ExecutionResult, type RunOptions, type TaskTokenHook } from "../../engine";
import { runWorkflow } from "../../testing";

const ask = (extra: Record<string, unknown> = {}, body: unknown = { "token.$": "$$.Task.Token" }): StateMachineDefinition =>
  ({
    StartAt: "Ask",
    States: {
      Ask: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q", MessageBody: body },
        ResultPath: "$.answer",
        ...extra,
        End: true,
      },
    },
  }) as StateMachineDefinition;

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};
/** Answers every token after `n` event-loop turns (an answer in progress: a promise). */
const afterTicks =
  (n: number, output: unknown = { ok: true }): TaskTokenHook =>
  async (req, tokens) => {
    await ticks(n);
    tokens.sendTaskSuccess(req.token, output as never);
  };
const types = (r: ExecutionResult) => r.history.map((e) => e.type);

describe("task-token waits", function () {
  this.timeout(20_000);

  describe("a wait nothing can answer ends the run, loudly", () => {
    it("no answerer, no timeout: RunStalledError names the state, the token and how to answer (CLI flag and API option)", async () => {
      await assert.rejects(run(ask(), {}, { handlers: {} }), (e: unknown) => {
        assert.ok(e instanceof RunStalledError);
        assert.match(e.message, /state 'Ask'/);
        assert.match(e.message, /token [A-Za-z0-9+/]{12}\.\.\./);
        assert.match(e.message, /--task-token/);
        assert.match(e.message, /integrations\.onTaskToken/);
        assert.equal(e.result?.status, "ABORTED");
        assert.equal(e.waiting.tasks[0]!.stateName, "Ask");
        return true;
      });
    });

    it("runWorkflow (the testing API, virtual clock by default) rejects the same way", async () => {
      await assert.rejects(
        runWorkflow({ definition: ask() }),
        (e: unknown) => e instanceof RunStalledError && /state 'Ask'/.test(e.message),
      );
    });

    it("the same under the virtual clock, and inside a Parallel branch once the other branch has finished", async () => {
      const def = {
        StartAt: "P",
        States: {
          P: { Type: "Parallel", End: true, Branches: [ask(), { StartAt: "W", States: { W: { Type: "Wait", Seconds: 5, End: true } } }] },
        },
      } as StateMachineDefinition;
      await assert.rejects(
        run(def, {}, { handlers: {}, clock: "virtual" }),
        (e: unknown) => e instanceof RunStalledError && /state 'Ask'/.test(e.message),
      );
    });

    it("a task whose Parameters do not carry $$.Task.Token cannot be answered, even with an answerer: the message says to send it", async () => {
      let called = 0;
      await assert.rejects(
        run(ask({}, { note: "no token here" }), {}, { handlers: {}, integrations: { onTaskToken: () => void called++ } }),
        (e: unknown) => e instanceof RunStalledError && /do not carry \$\$\.Task\.Token/.test(e.message),
      );
      assert.equal(called, 0, "the answerer never learns a token that was not sent");
    });

    it("a token that was never sent cannot be answered through the TaskTokens either (InvalidToken)", async () => {
      const tokens = new TaskTokens();
      const r = run(
        ask({ TimeoutSeconds: 5 }, { note: "no token" }),
        {},
        { handlers: {}, clock: "virtual", integrations: { taskTokens: tokens } },
      );
      for (let i = 0; i < 1000 && tokens.waitingTasks.length === 0; i++) await ticks(1);
      assert.throws(() => tokens.sendTaskSuccess(tokens.open[0]!, {}), /InvalidToken|never sent/);
      assert.equal((await r).error, "States.Timeout");
    });

    it("a HeartbeatSeconds/TimeoutSeconds ends the wait as on AWS: no stall", async () => {
      const r = await run(ask({ HeartbeatSeconds: 60 }), {}, { handlers: {}, clock: "virtual" });
      assert.equal(r.error, "States.HeartbeatTimeout");
    });

    it("TaskTokens held by the caller may still answer: no stall; answered from outside, it succeeds", async () => {
      const tokens = new TaskTokens();
      const running = run(ask(), {}, { handlers: {}, integrations: { taskTokens: tokens } });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(tokens.open.length, 1);
      tokens.sendTaskSuccess(tokens.open[0]!, { late: true });
      const r = await running;
      assert.equal(r.status, "SUCCEEDED", r.cause);
    });

    it("a hook's answer in progress is waited for, however long (real milliseconds)", async () => {
      const hook: TaskTokenHook = async (req, tokens) => {
        await new Promise((r) => setTimeout(r, 300));
        tokens.sendTaskSuccess(req.token, "slow but sure");
      };
      const r = await run(ask(), {}, { handlers: {}, integrations: { onTaskToken: hook } });
      assert.equal(r.status, "SUCCEEDED", r.cause);
    });

    it("while tokens wait, onWaiting says what the run waits for", async () => {
      const notices: string[] = [];
      const hook: TaskTokenHook = async (req, tokens) => {
        await new Promise((r) => setTimeout(r, 400));
        tokens.sendTaskSuccess(req.token, 1);
      };
      await run(
        ask(),
        {},
        {
          handlers: {},
          waitingNoticeSeconds: 0.1,
          onWaiting: (w) => notices.push(w.tasks.map((t) => t.stateName).join()),
          integrations: { onTaskToken: hook },
        },
      );
      assert.ok(notices.length >= 1 && notices.every((n) => n === "Ask"), JSON.stringify(notices));
    });
  });

  describe("the virtual clock with answers in progress", () => {
    for (const n of [1, 10, 1_000]) {
      it(`a token answered after ${n} ticks beats a later heartbeat: SUCCEEDED, the same history as on the real clock`, async () => {
        const def = ask({ HeartbeatSeconds: 1, TimeoutSeconds: 2 });
        const virtual = await run(def, {}, { handlers: {}, clock: "virtual", integrations: { onTaskToken: afterTicks(n) } });
        const real = await run(def, {}, { handlers: {}, clock: "real", integrations: { onTaskToken: afterTicks(n) } });
        assert.equal(virtual.status, "SUCCEEDED", virtual.cause);
        assert.equal(real.status, "SUCCEEDED", real.cause);
        assert.deepEqual(types(virtual), types(real));
        assert.deepEqual(virtual.output, { answer: { ok: true } });
      });
    }

    it("a Distributed Map whose children all wait for tokens answered asynchronously succeeds (no crash)", async () => {
      const def = {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemsPath: "$.items",
            MaxConcurrency: 20,
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              ...ask({ HeartbeatSeconds: 5 }, { "token.$": "$$.Task.Token", "item.$": "$.i" }),
            },
            End: true,
          },
        },
      } as StateMachineDefinition;
      const hook: TaskTokenHook = async (req, tokens) => {
        const item = (req.parameters as { MessageBody: { item: number } }).MessageBody.item;
        await ticks(item % 7);
        tokens.sendTaskSuccess(req.token, item * 2);
      };
      const items = Array.from({ length: 100 }, (_, i) => ({ i }));
      const r = await run(def, { items }, { handlers: {}, clock: "virtual", integrations: { onTaskToken: hook } });
      assert.equal(r.status, "SUCCEEDED", r.cause);
      assert.deepEqual(
        r.output,
        items.map(({ i }) => ({ i, answer: i * 2 })),
      );
      assert.equal(r.mapRuns[0]!.itemCounts.succeeded, 100);
    });

    it("property: answers after random ticks or real ms, or at a random virtual time with heartbeats, get the real clock's verdict", async () => {
      // The real clock's verdict, as the real clock reaches it: the answer wins when it comes
      // before the heartbeat deadline (restarted by each heartbeat) and before TimeoutSeconds.
      const verdict = (answerAt: number, beats: number[], heartbeat: number, timeout: number): string => {
        let deadline = heartbeat;
        for (const b of [...beats].sort((x, y) => x - y)) if (b < deadline && b < answerAt && b < timeout) deadline = b + heartbeat;
        if (answerAt < Math.min(deadline, timeout)) return "SUCCEEDED";
        return deadline < timeout ? "States.HeartbeatTimeout" : "States.Timeout";
      };
      const outcome = (r: ExecutionResult) => (r.status === "SUCCEEDED" ? "SUCCEEDED" : r.error!);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 8 }),
          fc.oneof(
            fc.record({ kind: fc.constant("ticks" as const), n: fc.integer({ min: 0, max: 200 }) }),
            fc.record({ kind: fc.constant("ms" as const), n: fc.integer({ min: 0, max: 15 }) }),
            // A virtual time in half seconds, never on a deadline (ties are not what this tests).
            fc.record({ kind: fc.constant("at" as const), n: fc.integer({ min: 0, max: 30 }).map((h) => h * 1000 + 250) }),
          ),
          fc.array(
            fc.integer({ min: 1, max: 24 }).map((h) => h * 500 + 100),
            { maxLength: 4 },
          ),
          async (heartbeat, timeoutAbove, answer, beats) => {
            // "HeartbeatSeconds must be smaller than TimeoutSeconds" (the validator's rule).
            const timeout = heartbeat + timeoutAbove;
            const def = ask({ HeartbeatSeconds: heartbeat, TimeoutSeconds: timeout });
            const clock = new VirtualClock(0);
            const hook: TaskTokenHook = (req, tokens) => {
              const send = () => {
                try {
                  tokens.sendTaskSuccess(req.token, answer.kind);
                } catch {
                  // TaskTimedOut: the task ended first (its history says so).
                }
              };
              for (const b of beats)
                void clock.sleep(b).then(() => {
                  try {
                    tokens.sendTaskHeartbeat(req.token);
                  } catch {
                    // Finished already.
                  }
                });
              if (answer.kind === "at") {
                void clock.sleep(answer.n).then(send);
                return undefined;
              }
              return (answer.kind === "ticks" ? ticks(answer.n) : new Promise((r) => setTimeout(r, answer.n))).then(send);
            };
            const r = await run(def, {}, { handlers: {}, clock, integrations: { onTaskToken: hook } });
            const expected = verdict(answer.kind === "at" ? answer.n : 0, beats, heartbeat * 1000, timeout * 1000);
            assert.equal(outcome(r), expected, `${JSON.stringify({ heartbeat, timeout, answer, beats })}: ${r.cause ?? ""}`);
            if (answer.kind !== "at") {
              // On the real clock too (an answer within milliseconds: no second waited).
              const real = await run(
                def,
                {},
                {
                  handlers: {},
                  clock: "real",
                  integrations: { onTaskToken: afterTicks(answer.kind === "ticks" ? answer.n : 1, answer.kind) },
                },
              );
              assert.equal(outcome(real), expected);
              assert.deepEqual(types(real), types(r));
            }
          },
        ),
        { numRuns: 60, seed: 28 },
      );
    });
  });

  describe("as AWS records and answers them", () => {
    it("TaskSubmitted (with the SendMessage response) between TaskStarted and TaskSucceeded", async () => {
      const r = await run(ask(), {}, { handlers: {}, clock: "virtual", integrations: { onTaskToken: afterTicks(1) } });
      const t = types(r);
      assert.deepEqual(t.slice(t.indexOf("TaskScheduled"), t.indexOf("TaskSucceeded") + 1), [
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
      ]);
      const submitted = r.history.find((e) => e.type === "TaskSubmitted")!;
      const details = submitted["taskSubmittedEventDetails"] as { resourceType: string; resource: string; output: string };
      assert.deepEqual([details.resourceType, details.resource], ["sqs", "sendMessage.waitForTaskToken"]);
      assert.ok(JSON.parse(details.output).MessageId);
    });

    it("TaskSubmitted for startExecution.sync:2 once the nested execution has started", async () => {
      const def = {
        StartAt: "Run",
        States: {
          Run: {
            Type: "Task",
            Resource: "arn:aws:states:::states:startExecution.sync:2",
            Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:Child" },
            End: true,
          },
        },
      } as StateMachineDefinition;
      const options: RunOptions = {
        handlers: {},
        clock: "virtual",
        integrations: {
          stateMachines: { Child: { StartAt: "W", States: { W: { Type: "Wait", Seconds: 3, End: true } } } as StateMachineDefinition },
        },
      };
      const t = types(await run(def, {}, options));
      assert.deepEqual(t.slice(t.indexOf("TaskScheduled"), t.indexOf("TaskSucceeded") + 1), [
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
      ]);
    });

    it("an answer or heartbeat after the task timed out gets TaskTimedOut, as SendTaskSuccess/SendTaskHeartbeat return it", async () => {
      const tokens = new TaskTokens();
      let token = "";
      const r = await run(
        ask({ HeartbeatSeconds: 1 }),
        {},
        { handlers: {}, clock: "virtual", integrations: { taskTokens: tokens, onTaskToken: (req) => void (token = req.token) } },
      );
      assert.equal(r.error, "States.HeartbeatTimeout");
      assert.throws(
        () => tokens.sendTaskSuccess(token, {}),
        (e: Error) => e.name === "TaskTimedOut",
      );
      assert.throws(
        () => tokens.sendTaskHeartbeat(token),
        (e: Error) => e.name === "TaskTimedOut",
      );
      assert.throws(
        () => tokens.sendTaskSuccess("never-issued", {}),
        (e: Error) => e.name === "TaskDoesNotExist",
      );
    });
  });
});
