/**
 * The console's session and API without a browser: state statuses from the history (a Retry that
 * succeeded, a Catch taken = caught, the state an execution failed in), each event's state, and
 * the children and events served a page at a time (the page never holds more than it shows).
 */
import { strict as assert } from "node:assert";
import { request } from "node:http";
import { startConsole } from "../../tools/console/server";
import { ConsoleSession } from "../../tools/console/session";
import { runLocalExecution } from "../../testing/run/run-local";

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

function getJson(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("console session and API", function () {
  this.timeout(60_000);

  it("colours states from the history: retried then succeeded, caught, failed, not run", async () => {
    let flaky = 0;
    const definition = {
      StartAt: "Flaky",
      States: {
        Flaky: {
          Type: "Task",
          Resource: fn("Flaky"),
          Retry: [{ ErrorEquals: ["Again"], IntervalSeconds: 1, MaxAttempts: 2 }],
          Next: "Risky",
        },
        Risky: {
          Type: "Task",
          Resource: fn("Risky"),
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Broken", ResultPath: "$.error" }],
          Next: "Never",
        },
        Never: { Type: "Pass", End: true },
        Broken: { Type: "Task", Resource: fn("Broken"), End: true },
      },
    };
    const session = new ConsoleSession();
    const run = await runLocalExecution({
      definition,
      input: { a: 1 },
      clock: "virtual",
      handlers: {
        Flaky: async () => {
          if (flaky++ === 0) throw Object.assign(new Error("once"), { name: "Again" });
          return { ok: true };
        },
        Risky: async () => {
          throw Object.assign(new Error("no"), { name: "Nope" });
        },
        Broken: async () => {
          throw Object.assign(new Error("down"), { name: "Down" });
        },
      },
      observer: session,
    });
    assert.equal(run.result.status, "FAILED");
    const states = session.parent!.states;
    assert.equal(states.get("Flaky")!.status, "SUCCEEDED");
    assert.equal(states.get("Flaky")!.failures, 1);
    assert.equal(states.get("Risky")!.status, "CAUGHT");
    assert.equal(states.get("Broken")!.status, "FAILED");
    assert.equal(states.get("Broken")!.error, "Down");
    assert.equal(states.has("Never"), false);
    // Each event carries its state: the retry's events belong to Flaky.
    const view = session.parent!;
    const lambdaFailed = view.events.findIndex((e) => e.type === "LambdaFunctionFailed");
    assert.equal(view.eventState[lambdaFailed], "Flaky");
    assert.equal(session.summary()!.redrivable, true);
  });

  it("serves a large Map Run's failed children and events a page at a time; refuses a page larger than 500", async () => {
    const definition = {
      StartAt: "Items",
      States: {
        Items: {
          Type: "Map",
          ItemsPath: "$.items",
          ToleratedFailurePercentage: 100,
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Work",
            States: { Work: { Type: "Task", Resource: fn("Work"), End: true } },
          },
          End: true,
        },
      },
    };
    const session = new ConsoleSession();
    const server = await startConsole(session);
    try {
      await runLocalExecution({
        definition,
        input: { items: Array.from({ length: 2000 }, (_, i) => i) },
        handlers: {
          Work: async (i: number) => {
            if (i % 10 === 3) throw Object.assign(new Error(`item ${i}`), { name: "Bad" });
            return i;
          },
        },
        observer: session,
      });
      const t = server.token;
      const state = await getJson(server.port, `/api/state?token=${t}`);
      const mapRun = (state.body.mapRuns as Array<{ mapRunArn: string; failuresListed: number; executionCounts: { failed: number } }>)[0]!;
      assert.equal(mapRun.executionCounts.failed, 200);
      assert.equal(mapRun.failuresListed, 200);
      const page = await getJson(server.port, `/api/failures?token=${t}&mapRun=${encodeURIComponent(mapRun.mapRunArn)}&offset=40&limit=20`);
      const items = page.body.items as Array<{ itemIndex: number; error: string; history: boolean; executionArn: string }>;
      assert.equal(page.body.total, 200);
      assert.equal(items.length, 20);
      assert.ok(items.every((f) => f.error === "Bad" && f.itemIndex % 10 === 3 && f.history));
      // A failed child's own history, served like the parent's.
      const child = await getJson(server.port, `/api/history?token=${t}&exec=${encodeURIComponent(items[0]!.executionArn)}`);
      assert.deepEqual((child.body.events as Array<{ type: string }>).map((e) => e.type).slice(-2), [
        "LambdaFunctionFailed",
        "ExecutionFailed",
      ]);
      const tooBig = await getJson(server.port, `/api/failures?token=${t}&mapRun=${encodeURIComponent(mapRun.mapRunArn)}&limit=100000`);
      assert.equal(tooBig.status, 400);
      const noToken = await getJson(server.port, `/api/failures?mapRun=x`);
      assert.equal(noToken.status, 401);
    } finally {
      await server.close();
    }
  });
});
