/**
 * Wait, Retry, Catch, timeouts and the error names.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
 */
import { strict as assert } from "node:assert";
import { VirtualClock } from "../../engine";
import { eventsOf, fnArn, runDef, single } from "./helpers";

/** A handler that fails `times` times with `name`, then returns "ok"; it records the virtual time of each call. */
function flaky(times: number, name = "Boom", clock?: VirtualClock) {
  const calls: number[] = [];
  const handler = async () => {
    calls.push(clock ? clock.now() : Date.now());
    if (calls.length <= times) {
      const e = new Error("failed " + calls.length);
      e.name = name;
      throw e;
    }
    return "ok";
  };
  return { calls, handler };
}

describe("engine: Wait", () => {
  const start = Date.UTC(2024, 0, 1);
  it("Seconds, SecondsPath, Timestamp and TimestampPath wait on the (virtual) clock", async () => {
    for (const [state, input, expectMs] of [
      [{ Seconds: 10 }, {}, 10_000],
      [{ SecondsPath: "$.s" }, { s: 3 }, 3_000],
      [{ Timestamp: "2024-01-01T00:01:00Z" }, {}, 60_000],
      [{ TimestampPath: "$.t" }, { t: "2024-01-01T00:00:30Z" }, 30_000],
      [{ Timestamp: "2023-01-01T00:00:00Z" }, {}, 0],
    ] as const) {
      const clock = new VirtualClock(start);
      const t0 = Date.now();
      const r = await runDef(single({ Type: "Wait", ...state }), input, {}, { clock });
      assert.equal(r.status, "SUCCEEDED");
      assert.equal(r.durationMs, expectMs, JSON.stringify(state));
      assert.ok(Date.now() - t0 < 1000, "virtual waits take no real time");
    }
  });

  it("a TimestampPath that is not an RFC3339 timestamp fails the state", async () => {
    // "Timestamps must conform to RFC3339 profile ISO 8601, with the further restrictions that an uppercase T must separate the date and time portions"
    const r = await runDef(single({ Type: "Wait", TimestampPath: "$.t" }), { t: "2024-01-01 00:00:00" });
    assert.equal(r.status, "FAILED");
  });
});

describe("engine: Retry", () => {
  it("defaults: IntervalSeconds 1, BackoffRate 2.0, MaxAttempts 3", async () => {
    // "IntervalSeconds ... (1 by default)", "MaxAttempts ... (3 by default)", "BackoffRate ... (2.0 by default)"
    const clock = new VirtualClock(0);
    const f = flaky(3, "Boom", clock);
    const r = await runDef(
      single({ Type: "Task", Resource: fnArn("f"), Retry: [{ ErrorEquals: ["Boom"] }] }),
      {},
      { f: f.handler },
      { clock },
    );
    assert.equal(r.status, "SUCCEEDED");
    assert.deepEqual(f.calls, [0, 1000, 3000, 7000]);
  });

  it("the doc's example: IntervalSeconds 3, MaxAttempts 2, BackoffRate 1.5 waits 3 then 4.5 seconds", async () => {
    // "This example of a Retry makes 2 retry attempts after waiting for 3 and 4.5 seconds."
    const clock = new VirtualClock(0);
    const f = flaky(5, "States.Timeout", clock);
    const r = await runDef(
      single({
        Type: "Task",
        Resource: fnArn("f"),
        Retry: [{ ErrorEquals: ["States.Timeout"], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 }],
      }),
      {},
      { f: f.handler },
      { clock },
    );
    assert.equal(r.status, "FAILED");
    assert.deepEqual(f.calls, [0, 3000, 7500]);
  });

  it("MaxAttempts 0 never retries", async () => {
    // "A value of 0 specifies that the error or errors are never retried."
    const f = flaky(1);
    const r = await runDef(
      single({ Type: "Task", Resource: fnArn("f"), Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 0 }] }),
      {},
      { f: f.handler },
    );
    assert.equal(r.status, "FAILED");
    assert.equal(f.calls.length, 1);
  });

  it("MaxDelaySeconds caps the interval", async () => {
    // "MaxDelaySeconds ... sets the maximum value up to which a retry interval can increase."
    const clock = new VirtualClock(0);
    const f = flaky(4, "Boom", clock);
    await runDef(
      single({
        Type: "Task",
        Resource: fnArn("f"),
        Retry: [{ ErrorEquals: ["Boom"], IntervalSeconds: 2, BackoffRate: 10, MaxAttempts: 4, MaxDelaySeconds: 5 }],
      }),
      {},
      { f: f.handler },
      { clock },
    );
    assert.deepEqual(f.calls, [0, 2000, 7000, 12000, 17000]);
  });

  it("JitterStrategy FULL waits a random time up to the computed interval", async () => {
    // "FULL ... randomizes the delay intervals between 0 and the computed interval"
    const clock = new VirtualClock(0);
    const f = flaky(3, "Boom", clock);
    await runDef(
      single({ Type: "Task", Resource: fnArn("f"), Retry: [{ ErrorEquals: ["Boom"], IntervalSeconds: 10, JitterStrategy: "FULL" }] }),
      {},
      { f: f.handler },
      { clock },
    );
    const gaps = f.calls.slice(1).map((t, i) => t - f.calls[i]);
    assert.equal(gaps.length, 3);
    gaps.forEach((g, i) => assert.ok(g >= 0 && g <= 10_000 * 2 ** i, `gap ${i} = ${g}`));
    assert.ok(
      gaps.some((g, i) => g !== 10_000 * 2 ** i),
      "jitter changes at least one interval",
    );
  });

  it("a retrier's count applies across all its matches; exhausted → Catch (doc's complex scenario)", async () => {
    // "The fifth error also matches the first retrier. However, it has already reached its limit of two retries ... so it fails and execution is redirected to the Z state via the Catch field."
    const names = ["ErrorA", "ErrorB", "ErrorC", "ErrorB", "ErrorB"];
    const clock = new VirtualClock(0);
    const calls: number[] = [];
    const handler = async () => {
      calls.push(clock.now());
      const e = new Error("x");
      e.name = names[calls.length - 1] ?? "Done";
      throw e;
    };
    const def = {
      StartAt: "X",
      States: {
        X: {
          Type: "Task",
          Resource: fnArn("f"),
          Next: "Y",
          Retry: [
            { ErrorEquals: ["ErrorA", "ErrorB"], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 2 },
            { ErrorEquals: ["ErrorC"], IntervalSeconds: 5 },
          ],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Z" }],
        },
        Y: { Type: "Succeed" },
        Z: { Type: "Pass", End: true },
      },
    };
    const r = await runDef(def, {}, { f: handler }, { clock });
    assert.equal(r.status, "SUCCEEDED");
    assert.equal((r.output as { Error: string }).Error, "ErrorB");
    // waits of 1, 2, 5, then 4: "The fourth error matches the first retrier and causes a wait of 4 seconds."
    assert.deepEqual(
      calls.map((t, i) => (i ? t - calls[i - 1] : 0)),
      [0, 1000, 2000, 5000, 4000],
    );
  });

  it("$$.State.RetryCount counts retries", async () => {
    const seen: unknown[] = [];
    let n = 0;
    const handler = async (e: unknown) => {
      seen.push(e);
      if (n++ < 2) throw new Error("again");
      return "done";
    };
    const r = await runDef(
      single({
        Type: "Task",
        Resource: fnArn("f"),
        Parameters: { "rc.$": "$$.State.RetryCount" },
        Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1 }],
      }),
      {},
      { f: handler },
    );
    assert.equal(r.status, "SUCCEEDED");
    assert.deepEqual(seen, [{ rc: 0 }, { rc: 1 }, { rc: 2 }]);
  });
});

describe("engine: Catch and error names", () => {
  it("Catch with ResultPath keeps the input and adds the error output {Error, Cause}", async () => {
    // "the error output is added to the input as a field named error-info"
    const def = {
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: fnArn("f"),
          Catch: [{ ErrorEquals: ["CustomError"], ResultPath: "$.error-info", Next: "R" }],
          End: true,
        },
        R: { Type: "Pass", End: true },
      },
    };
    const fail = async () => {
      const e = new Error("it broke");
      e.name = "CustomError";
      throw e;
    };
    const r = await runDef(def, { keep: 1 }, { f: fail });
    assert.equal(r.status, "SUCCEEDED");
    const out = r.output as { keep: number; "error-info": { Error: string; Cause: string } };
    assert.equal(out.keep, 1);
    assert.equal(out["error-info"].Error, "CustomError");
    const cause = JSON.parse(out["error-info"].Cause);
    assert.equal(cause.errorType, "CustomError");
    assert.equal(cause.errorMessage, "it broke");
    assert.ok(Array.isArray(cause.trace));
  });

  it("without ResultPath the error output replaces the input", async () => {
    // "If you don't specify the ResultPath field, it defaults to $, which selects and overwrites the entire input."
    const def = {
      StartAt: "T",
      States: {
        T: { Type: "Task", Resource: fnArn("f"), Catch: [{ ErrorEquals: ["States.ALL"], Next: "R" }], End: true },
        R: { Type: "Pass", End: true },
      },
    };
    const r = await runDef(
      def,
      { keep: 1 },
      {
        f: async () => {
          throw new TypeError("bad");
        },
      },
    );
    assert.deepEqual(Object.keys(r.output as object), ["Error", "Cause"]);
    assert.equal((r.output as { Error: string }).Error, "TypeError");
  });

  it("States.TaskFailed matches any task error except States.Timeout", async () => {
    // "States.TaskFailed ... acts as a wildcard that matches any known error name except for States.Timeout."
    const def = (resource: string, timeout?: number) => ({
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: resource,
          TimeoutSeconds: timeout,
          Catch: [{ ErrorEquals: ["States.TaskFailed"], Next: "R" }],
          End: true,
        },
        R: { Type: "Pass", Result: "caught", End: true },
      },
    });
    assert.equal(
      (
        await runDef(
          def(fnArn("f")),
          {},
          {
            f: async () => {
              throw new Error("x");
            },
          },
        )
      ).output,
      "caught",
    );
    const hang = async () => new Promise(() => undefined);
    const timedOut = await runDef(def(fnArn("h"), 5), {}, { h: hang });
    assert.equal(timedOut.status, "FAILED");
    assert.equal(timedOut.error, "States.Timeout");
  });

  it("TimeoutSeconds → States.Timeout, catchable by name", async () => {
    // "States.Timeout: A Task state either ran longer than the TimeoutSeconds value, or failed to send a heartbeat for a period longer than the HeartbeatSeconds value."
    const def = {
      StartAt: "T",
      States: {
        T: { Type: "Task", Resource: fnArn("h"), TimeoutSeconds: 30, Catch: [{ ErrorEquals: ["States.Timeout"], Next: "R" }], End: true },
        R: { Type: "Pass", End: true },
      },
    };
    const r = await runDef(def, {}, { h: async () => new Promise(() => undefined) });
    assert.equal(r.status, "SUCCEEDED");
    assert.equal((r.output as { Error: string }).Error, "States.Timeout");
    assert.equal(eventsOf(r, "LambdaFunctionTimedOut").length, 1);
  });

  it("HeartbeatSeconds → States.HeartbeatTimeout (a Lambda task never heartbeats)", async () => {
    // "States.HeartbeatTimeout: A Task state failed to send a heartbeat for a period longer than the HeartbeatSeconds value."
    const r = await runDef(
      single({ Type: "Task", Resource: fnArn("h"), TimeoutSeconds: 100, HeartbeatSeconds: 10 }),
      {},
      { h: async () => new Promise(() => undefined) },
    );
    assert.equal(r.error, "States.HeartbeatTimeout");
  });

  it("a handler that finishes in time is not timed out", async () => {
    const r = await runDef(single({ Type: "Task", Resource: fnArn("f"), TimeoutSeconds: 1 }), {}, { f: async () => "fast" });
    assert.equal(r.output, "fast");
  });

  it("Fail state: Error and Cause, or ErrorPath and CausePath", async () => {
    const r1 = await runDef(single({ Type: "Fail", Error: "MyError", Cause: "because" }), {});
    assert.deepEqual([r1.status, r1.error, r1.cause], ["FAILED", "MyError", "because"]);
    const r2 = await runDef(single({ Type: "Fail", ErrorPath: "$.e", CausePath: "States.Format('code {}', $.c)" }), { e: "E1", c: 7 });
    assert.deepEqual([r2.error, r2.cause], ["E1", "code 7"]);
    assert.equal(eventsOf(r2, "ExecutionFailed").length, 1);
  });

  it("machine TimeoutSeconds ends the execution as TIMED_OUT", async () => {
    const r = await runDef({ StartAt: "W", TimeoutSeconds: 5, States: { W: { Type: "Wait", Seconds: 60, End: true } } }, {});
    assert.equal(r.status, "TIMED_OUT");
    assert.equal(r.error, "States.Timeout");
    assert.equal(eventsOf(r, "ExecutionTimedOut").length, 1);
  });

  it("aborting through the signal ends the execution as ABORTED", async () => {
    const ac = new AbortController();
    const p = runDef(
      { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("h"), End: true } } },
      {},
      {
        h: async () => {
          ac.abort();
          return new Promise(() => undefined);
        },
      },
      { signal: ac.signal, clock: "real" },
    );
    const r = await p;
    assert.equal(r.status, "ABORTED");
    assert.equal(eventsOf(r, "ExecutionAborted").length, 1);
  });

  it("a handler that finishes after the stop adds nothing to the closed history", async () => {
    const ac = new AbortController();
    const def = { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("h"), Next: "N" }, N: { Type: "Pass", End: true } } };
    let finished = false;
    const r = await runDef(
      def,
      {},
      {
        h: async () => {
          setTimeout(() => ac.abort(), 1);
          await new Promise((res) => setTimeout(res, 20));
          finished = true;
          return 1;
        },
      },
      { signal: ac.signal, clock: "real" },
    );
    assert.equal(r.status, "ABORTED");
    await new Promise((res) => setTimeout(res, 40));
    assert.equal(finished, true);
    assert.equal(r.history.at(-1)!.type, "ExecutionAborted");
    assert.equal(eventsOf(r, "PassStateEntered").length, 0);
  });
});
