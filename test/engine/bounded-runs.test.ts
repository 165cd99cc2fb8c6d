/**
 * Every run is bounded and stoppable, and timers of any length wait as long as they say:
 *   - Node's setTimeout fires at once for delays over 2^31-1 ms (~24.8 days); the real clock chains
 *     shorter steps, so a 1-year Wait, a TimeoutSeconds of 99999999 or a Retry at its maximum
 *     interval waits its whole length;
 *   - AWS ends executions at their type's maximum duration (EXPRESS 5 minutes, STANDARD 1 year);
 *   - a runaway JSONata expression ends at the execution's timeout, at a stop, at JSONata's depth
 *     and sequence bounds (States.QueryEvaluationError), never by filling the heap;
 *   - a loop of states that settle at once (Choice, Pass) can be stopped.
 * Fake timers (a RealClock given timer functions that jump, in due order) stand in for years.
 */
import { strict as assert } from "node:assert";
import { RealClock, type TimerFunctions } from "../../engine/model/clock";
import { MAX_TIMER_MS } from "../../engine/model/clock";
import type { JsonValue } from "../../asl/types";
import { fnArn, runDef } from "./helpers";

const YEAR_S = 365 * 24 * 60 * 60;

/**
 * Timers that behave as Node's (a delay over 2^31-1 or under 1 becomes 1) but jump: the earliest
 * due timer fires on the next turn of the event loop, and `now` becomes its due time.
 */
class JumpingTimers implements TimerFunctions {
  now = 0;
  readonly delays: number[] = [];
  private queue: Array<{ due: number; seq: number; callback: () => void }> = [];
  private seq = 0;
  private scheduled = false;
  setTimeout(callback: () => void, ms: number): unknown {
    this.delays.push(ms);
    const effective = ms > MAX_TIMER_MS || !(ms >= 1) ? 1 : ms;
    const timer = { due: this.now + effective, seq: this.seq++, callback };
    this.queue.push(timer);
    this.kick();
    return timer;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t !== handle);
  }
  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const next = this.queue.sort((a, b) => a.due - b.due || a.seq - b.seq).shift();
      if (!next) return;
      this.now = Math.max(this.now, next.due);
      next.callback();
      if (this.queue.length > 0) this.kick();
    });
  }
}

describe("engine: timers of any length", function () {
  this.timeout(20_000);

  it("the real clock sleeps a year in steps Node keeps (each at most 2^31-1 ms), all of the year", async () => {
    const timers = new JumpingTimers();
    await new RealClock(timers).sleep(YEAR_S * 1000);
    assert.ok(
      timers.delays.every((d) => d >= 0 && d <= MAX_TIMER_MS),
      `steps: ${timers.delays.join(", ")}`,
    );
    assert.equal(timers.now, YEAR_S * 1000);
  });

  it("a stop ends a long sleep of the real clock", async () => {
    const timers = new JumpingTimers();
    const stop = new AbortController();
    const sleeping = new RealClock().sleep(YEAR_S * 1000, stop.signal);
    setTimeout(() => stop.abort(), 10);
    await assert.rejects(sleeping, { name: "ExecutionAbortedError" });
    assert.deepEqual(timers.delays, []);
  });

  it("a Wait of 364 days on the real clock waits 364 days (fake timers), not 4 ms", async () => {
    const timers = new JumpingTimers();
    const days = 364 * 24 * 60 * 60;
    const r = await runDef(
      { StartAt: "W", States: { W: { Type: "Wait", Seconds: days, End: true } } },
      {},
      {},
      { clock: new RealClock(timers) },
    );
    assert.equal(r.status, "SUCCEEDED");
    assert.equal(timers.now, days * 1000);
  });

  it("a 1-year Wait on the virtual clock ends one virtual year later", async () => {
    const r = await runDef({ StartAt: "W", States: { W: { Type: "Wait", Seconds: YEAR_S, End: true } } }, {});
    assert.equal(r.status, "SUCCEEDED");
    assert.equal(r.durationMs, YEAR_S * 1000);
  });

  it("a 1-year Wait on the real clock does not end at once (stopped after 300 ms, it is still waiting)", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const r = await runDef(
      { StartAt: "W", States: { W: { Type: "Wait", Seconds: YEAR_S, End: true } } },
      {},
      {},
      { clock: "real", signal: stop.signal },
    );
    assert.equal(r.status, "ABORTED");
  });

  it("a Task with TimeoutSeconds and HeartbeatSeconds at AWS's maximum (99999999) runs its handler to the end", async () => {
    const slow = async () => {
      await new Promise((r) => setTimeout(r, 50));
      return { ok: true };
    };
    const def = {
      StartAt: "T",
      States: { T: { Type: "Task", Resource: fnArn("Slow"), TimeoutSeconds: 99_999_999, HeartbeatSeconds: 99_999_998, End: true } },
    };
    const r = await runDef(def, {}, { Slow: slow }, { clock: "real" });
    assert.equal(r.status, "SUCCEEDED", `${r.error}: ${r.cause}`);
    assert.deepEqual(r.output, { ok: true });
  });

  it("a Retry interval of 347 days waits 347 days before the second attempt (fake timers)", async () => {
    const timers = new JumpingTimers();
    let calls = 0;
    const flaky = async () => {
      if (++calls === 1) throw Object.assign(new Error("first"), { name: "Flaky" });
      return { calls };
    };
    const interval = 30_000_000;
    const def = {
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: fnArn("Flaky"),
          Retry: [{ ErrorEquals: ["Flaky"], IntervalSeconds: interval, MaxAttempts: 1 }],
          End: true,
        },
      },
    };
    const r = await runDef(def, {}, { Flaky: flaky }, { clock: new RealClock(timers) });
    assert.equal(r.status, "SUCCEEDED", `${r.error}: ${r.cause}`);
    assert.equal(calls, 2);
    assert.equal(timers.now, interval * 1000);
  });

  it("a Retry at its maximum interval (IntervalSeconds 99999999, MaxDelaySeconds 31622400) outlasts a STANDARD execution: TIMED_OUT at 1 year, no early attempt", async () => {
    for (const retrier of [
      { ErrorEquals: ["Flaky"], IntervalSeconds: 99_999_999, MaxAttempts: 1 },
      { ErrorEquals: ["Flaky"], IntervalSeconds: 99_999_999, MaxDelaySeconds: 31_622_400, MaxAttempts: 1 },
    ]) {
      const timers = new JumpingTimers();
      let calls = 0;
      const flaky = async (): Promise<JsonValue> => {
        calls++;
        throw Object.assign(new Error("always"), { name: "Flaky" });
      };
      const def = { StartAt: "T", States: { T: { Type: "Task", Resource: fnArn("Flaky"), Retry: [retrier], End: true } } };
      const r = await runDef(def, {}, { Flaky: flaky }, { clock: new RealClock(timers) });
      assert.equal(r.status, "TIMED_OUT");
      assert.match(r.cause ?? "", /maximum duration of a STANDARD execution \(1 year\)/);
      assert.equal(calls, 1);
      assert.equal(timers.now, YEAR_S * 1000);
      assert.ok(timers.delays.every((d) => d <= MAX_TIMER_MS));
    }
  });
});

describe("engine: every run is bounded and stoppable", function () {
  this.timeout(20_000);
  const loop = {
    StartAt: "C",
    States: {
      C: { Type: "Choice", Choices: [{ Variable: "$.x", NumericEquals: 1, Next: "P" }], Default: "P" },
      P: { Type: "Pass", Next: "C" },
    },
  };

  it("an EXPRESS Choice loop ends at the 5-minute maximum duration of an EXPRESS execution (fake timers)", async () => {
    const timers = new JumpingTimers();
    const r = await runDef(loop, { x: 1 }, {}, { clock: new RealClock(timers), stateMachineType: "EXPRESS", keepHistory: false });
    assert.equal(r.status, "TIMED_OUT");
    assert.equal(r.error, "States.Timeout");
    assert.match(r.cause ?? "", /maximum duration of an EXPRESS execution \(5 minutes\)/);
    assert.equal(timers.now, 300_000);
  });

  it("a Choice loop stops when its run is stopped", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    const r = await runDef(loop, { x: 1 }, {}, { clock: "real", stateMachineType: "EXPRESS", keepHistory: false, signal: stop.signal });
    assert.equal(r.status, "ABORTED");
  });

  it("a definition's TimeoutSeconds longer than the type's maximum is cut to it; a shorter one is kept", async () => {
    const wait = (seconds: number, timeout: number) => ({
      TimeoutSeconds: timeout,
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: seconds, End: true } },
    });
    const timers = new JumpingTimers();
    const long = await runDef(wait(2 * YEAR_S, 99_999_999), {}, {}, { clock: new RealClock(timers) });
    assert.equal(long.status, "TIMED_OUT");
    assert.equal(timers.now, YEAR_S * 1000);
    const short = await runDef(wait(600, 60), {}, {}, { clock: new RealClock(new JumpingTimers()) });
    assert.equal(short.status, "TIMED_OUT");
    assert.equal(short.cause, "The execution exceeded its TimeoutSeconds of 60");
  });

  const jsonataPass = (expr: string, extra: Record<string, unknown> = {}) => ({
    QueryLanguage: "JSONata",
    ...extra,
    StartAt: "P",
    States: { P: { Type: "Pass", Output: `{% ${expr} %}`, End: true } },
  });
  const forever = "( $f := function($n) { $f($n + 1) }; $f(0) )";

  it("a never-ending tail-recursive JSONata function ends at the execution's TimeoutSeconds", async () => {
    const r = await runDef(jsonataPass(forever, { TimeoutSeconds: 1 }), {}, {}, { clock: "real" });
    assert.equal(r.status, "TIMED_OUT");
    assert.equal(r.cause, "The execution exceeded its TimeoutSeconds of 1");
  });

  it("a never-ending JSONata function ends when the run is stopped", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    const r = await runDef(jsonataPass(forever), {}, {}, { clock: "real", signal: stop.signal });
    assert.equal(r.status, "ABORTED");
  });

  it("a deep non-tail-recursive JSONata function fails with States.QueryEvaluationError (depth bound), not a heap crash", async () => {
    const r = await runDef(jsonataPass("( $f := function($n) { 1 + $f($n + 1) }; $f(0) )"), {}, {}, { clock: "real" });
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.match(r.cause ?? "", /D1011/);
  });

  it("a JSONata expression that doubles a sequence without end fails with States.QueryEvaluationError (sequence bound)", async () => {
    const r = await runDef(jsonataPass("$reduce([1..64], function($acc, $v) { $append($acc, $acc) }, [1])"), {}, {}, { clock: "real" });
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "States.QueryEvaluationError");
    assert.match(r.cause ?? "", /D2015/);
  });
});
