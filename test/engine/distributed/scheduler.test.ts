/**
 * The Map Run's scheduler on its own, with a stand-in item stream, sink and child start:
 * MaxConcurrency, tolerated failures judged against the total once it is known, the parent's
 * stop, a reader failure, and the executor's child start given to it.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import { strict as assert } from "node:assert";
import type { JsonValue } from "../../../asl/types";
import { StatesError } from "../../../engine/model/errors";
import { childStarter } from "../../../engine/distributed/child-start";
import type { ChildOutcome, ChildStarter, MapRunRecord } from "../../../engine/distributed/map-run-interface";
import { zeroCounts } from "../../../engine/distributed/map-run-record";
import { Scheduler } from "../../../engine/distributed/scheduler";
import type { UnitSink, UnitSource, Units } from "../../../engine/distributed/work-units";
import type { MapRunSettings } from "../../../engine/distributed/settings";
import { thresholdExceeded } from "../../../engine/distributed/tolerated-failures";
import { fakeContext } from "./fake-context";

const MAP_RUN = "arn:aws:states:us-east-1:123456789012:mapRun:Seed/L:1";

function newRecord(): MapRunRecord {
  return {
    mapRunArn: MAP_RUN,
    stateName: "MapData",
    status: "RUNNING",
    startDate: new Date(),
    maxConcurrency: 1,
    toleratedFailureCount: 0,
    toleratedFailurePercentage: 0,
    itemCounts: zeroCounts(),
    executionCounts: zeroCounts(),
  };
}

/** Units of `inputs` in groups of `group`, counted as the item stream counts them; `fail` ends the stream with it. */
function source(record: MapRunRecord, inputs: JsonValue[], opts: { group?: number; knownTotal?: number; fail?: Error } = {}): UnitSource {
  const group = opts.group ?? inputs.length;
  async function* units(): AsyncGenerator<Units> {
    for (let i = 0; i < inputs.length; i += group) {
      const part = inputs.slice(i, i + group);
      for (const c of [record.itemCounts, record.executionCounts]) ((c.total += part.length), (c.pending += part.length));
      yield { firstSeq: i, inputs: part };
    }
    if (opts.fail) throw opts.fail;
  }
  return { units: units(), knownTotal: opts.knownTotal };
}

/** A sink that counts outcomes into the record, as the result sink does. */
function sink(record: MapRunRecord, exporting = false) {
  const s = {
    exporting,
    added: [] as Array<[number, ChildOutcome["status"]]>,
    notStartedInputs: [] as JsonValue[],
    add(seq: number, n: number, o: ChildOutcome) {
      s.added.push([seq, o.status]);
      const key = o.status === "SUCCEEDED" ? "succeeded" : o.status === "FAILED" ? "failed" : "aborted";
      record.itemCounts[key] += n;
      record.executionCounts[key]++;
    },
    notStarted(input: JsonValue) {
      s.notStartedInputs.push(input);
    },
  } satisfies UnitSink & Record<string, unknown>;
  return s;
}

function outcome(input: JsonValue, failed: boolean, aborted = false): ChildOutcome {
  const base = { executionArn: "arn:x", name: "n", startDate: new Date(0), stopDate: new Date(0), input };
  if (aborted) return { status: "ABORTED", ...base };
  return failed ? { status: "FAILED", error: "E", cause: "c", ...base } : { status: "SUCCEEDED", output: input, ...base };
}

/** Children that finish on a later turn of the event loop; `fails(input)` decides their fate. */
function children(fails: (input: JsonValue) => boolean = () => false) {
  const c = {
    running: 0,
    maxRunning: 0,
    started: [] as JsonValue[],
    signals: [] as AbortSignal[],
    runChild<T>(input: JsonValue, options: { signal: AbortSignal }, onDone: (o: ChildOutcome, token: T) => void, token: T) {
      c.started.push(input);
      c.signals.push(options.signal);
      c.maxRunning = Math.max(c.maxRunning, ++c.running);
      setImmediate(() => {
        c.running--;
        onDone(outcome(input, fails(input), options.signal.aborted), token);
      });
    },
  } satisfies ChildStarter & Record<string, unknown>;
  return c;
}

function scheduler(
  settings: Partial<MapRunSettings>,
  record: MapRunRecord,
  kids: ChildStarter,
  out: UnitSink,
  parent = new AbortController(),
) {
  return new Scheduler({
    settings: { maxConcurrency: 10_000, ...settings },
    mapRunArn: MAP_RUN,
    record,
    progress: { changed: () => undefined },
    children: kids,
    sink: out,
    parentSignal: parent.signal,
  });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("engine/distributed scheduler", () => {
  it("runs every unit, never more than MaxConcurrency at once, and reports each finished child with its position", async () => {
    const record = newRecord();
    const kids = children();
    const out = sink(record);
    const s = scheduler({ maxConcurrency: 3 }, record, kids, out);
    await s.run(source(record, range(20), { group: 7 }));
    assert.equal(kids.maxRunning, 3);
    assert.deepEqual(kids.started, range(20));
    assert.deepEqual(
      out.added.map(([seq]) => seq).sort((a, b) => a - b),
      range(20),
    );
    assert.equal(record.itemCounts.succeeded, 20);
    assert.deepEqual([record.itemCounts.running, record.itemCounts.pending, record.executionCounts.running], [0, 0, 0]);
    assert.equal(record.readerDone, true);
    assert.equal(s.error(), undefined);
  });

  it("a known total: the percentage is judged at once, the run stops, and (exporting) the rest is recorded as not started", async () => {
    const record = newRecord();
    const kids = children((x) => (x as number) < 3);
    const out = sink(record, true);
    const s = scheduler({ maxConcurrency: 1, toleratedFailurePercentage: 20 }, record, kids, out);
    await s.run(source(record, range(10), { knownTotal: 10 }));
    // 3 failed of 10 = 30% > 20%: stopped after the third child.
    assert.deepEqual(kids.started, [0, 1, 2]);
    assert.deepEqual(out.notStartedInputs, range(10).slice(3));
    assert.equal(s.signal.aborted, true, "the Map Run's signal stops running children");
    const err = s.error();
    assert.ok(err instanceof StatesError);
    assert.equal(err.error, "States.ExceedToleratedFailureThreshold");
    assert.match(err.causeText, /\(ToleratedFailurePercentage 20\): 3 of 10 items failed in Map Run /);
  });

  it("an unknown total: the run goes on until the stream ends, then fails against the final total", async () => {
    const record = newRecord();
    const kids = children((x) => (x as number) < 3);
    const s = scheduler({ maxConcurrency: 1, toleratedFailurePercentage: 50 }, record, kids, sink(record));
    await s.run(source(record, range(4)));
    assert.deepEqual(kids.started, range(4), "3 of 4 (75%) is only known once the reader is done");
    assert.match(s.error()!.causeText, /3 of 4 items failed/);
  });

  it("ToleratedFailureCount: failures up to the count pass", async () => {
    const record = newRecord();
    const s = scheduler(
      { toleratedFailureCount: 2 },
      record,
      children((x) => (x as number) < 2),
      sink(record),
    );
    await s.run(source(record, range(5)));
    assert.equal(s.error(), undefined);
    assert.equal(record.itemCounts.failed, 2);
  });

  it("thresholds: none set tolerates nothing; 0% fails on the first failure whatever the total; either value exceeded fails", () => {
    assert.equal(thresholdExceeded({}, 1, 1000), true);
    assert.equal(thresholdExceeded({ toleratedFailurePercentage: 0 }, 1, undefined), true);
    assert.equal(thresholdExceeded({ toleratedFailurePercentage: 10 }, 1, undefined), false);
    assert.equal(thresholdExceeded({ toleratedFailurePercentage: 10 }, 1, 10), false);
    assert.equal(thresholdExceeded({ toleratedFailurePercentage: 10 }, 2, 10), true);
    assert.equal(thresholdExceeded({ toleratedFailureCount: 5, toleratedFailurePercentage: 90 }, 6, 100), true);
    assert.equal(thresholdExceeded({ toleratedFailureCount: 5 }, 0, 0), false);
  });

  it("the parent stops: running children see the Map Run's signal, no further child starts (not exporting)", async () => {
    const record = newRecord();
    const parent = new AbortController();
    const kids = children();
    const s = scheduler({ maxConcurrency: 2 }, record, kids, sink(record), parent);
    const running = s.run(source(record, range(10)));
    await new Promise((r) => setImmediate(r)); // the first two are running
    parent.abort();
    await running;
    assert.equal(s.parentAborted, true);
    assert.ok(kids.signals.every((sig) => sig.aborted));
    assert.ok(kids.started.length < 10, `started ${kids.started.length}`);
    assert.equal(record.readerDone, undefined, "the reader did not finish");
  });

  it("a reader failure: running children are stopped, the error is States.ItemReaderFailed (a StatesError is kept as is)", async () => {
    const record = newRecord();
    const kids = children();
    const s = scheduler({ maxConcurrency: 5 }, record, kids, sink(record));
    await s.run(source(record, range(3), { fail: new Error("connection reset") }));
    assert.ok(kids.signals.every((sig) => sig.aborted));
    const err = s.error()!;
    assert.deepEqual([err.error, err.causeText], ["States.ItemReaderFailed", "connection reset"]);

    const record2 = newRecord();
    const s2 = scheduler({}, record2, children(), sink(record2));
    await s2.run(source(record2, [], { fail: new StatesError("States.Runtime", "bad") }));
    assert.equal(s2.error()!.error, "States.Runtime");
  });

  it("child start is the executor's: runChild when the context has it, else startChild's rejection becomes a FAILED outcome", async () => {
    const ctx = fakeContext({} as never, () => null, {
      startChild: () => Promise.reject(new StatesError("States.Runtime", "cannot start")),
    });
    const starter = childStarter(ctx, "arn:aws:states:us-east-1:123456789012:stateMachine:Seed/L");
    const got = await new Promise<[ChildOutcome, string]>((resolve) =>
      starter.runChild({ a: 1 }, { signal: new AbortController().signal }, (o, t) => resolve([o, t]), "tok"),
    );
    assert.equal(got[1], "tok");
    assert.equal(got[0].status, "FAILED");
    assert.ok(got[0].status === "FAILED" && got[0].cause === "cannot start" && got[0].error === "States.Runtime");
    assert.match(got[0].executionArn, /^arn:aws:states:us-east-1:123456789012:execution:Seed\/L:[0-9a-f-]{36}$/);

    const own = { ...ctx, runChild: () => undefined };
    assert.equal(childStarter(own, "x"), own, "the context's own runChild, not a wrapper");
  });
});
