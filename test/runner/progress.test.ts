import { strict as assert } from "node:assert";
import { PassThrough } from "node:stream";
import type { MapRunCounts, MapRunRecord } from "../../local/engine/distributed/contract";
import { createProgressDisplay, formatSeconds, mapRunFigures, plainLine, progressModeFor } from "../../local/progress";

const counts = (c: Partial<MapRunCounts>): MapRunCounts => ({
  pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0, ...c,
});

const record = (c: Partial<MapRunCounts>, extra: Partial<MapRunRecord> = {}): MapRunRecord => ({
  mapRunArn: "arn:aws:states:us-east-1:123456789012:mapRun:m/MapData:1",
  stateName: "MapData",
  status: "RUNNING",
  startDate: new Date(0),
  maxConcurrency: 5,
  toleratedFailurePercentage: 0,
  toleratedFailureCount: 0,
  itemCounts: counts(c),
  executionCounts: counts(c),
  ...extra,
});

function collect(stream: PassThrough): () => string {
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString()));
  return () => text;
}

describe("local/progress", () => {
  it("has no percent or ETA while the reader is still adding items", () => {
    const f = mapRunFigures(record({ succeeded: 10, pending: 5, total: 15 }), 1_000, false);
    assert.equal(f.percent, undefined);
    assert.equal(f.etaSeconds, undefined);
    assert.match(plainLine(record({ succeeded: 10, pending: 5, total: 15 }), 1_000, false), /RUNNING 10 items done of 15 read so far/);
  });

  it("computes done, percent, rate and ETA from the Map Run counts", () => {
    const f = mapRunFigures(record({ succeeded: 9_000, failed: 100, running: 5, pending: 10_895, total: 20_000 }), 2_000);
    assert.equal(f.done, 9_100);
    assert.equal(f.percent, 45);
    assert.equal(f.itemsPerSecond, 4_550);
    assert.ok(Math.abs(f.etaSeconds! - 10_900 / 4_550) < 1e-9);
  });

  it("has no ETA before the first item finishes, and 0 once the run ended", () => {
    assert.equal(mapRunFigures(record({ running: 5, pending: 10, total: 15 }), 1_000).etaSeconds, undefined);
    const ended = record({ succeeded: 15, total: 15 }, { status: "SUCCEEDED", stopDate: new Date(3_000) });
    assert.equal(mapRunFigures(ended, 60_000).etaSeconds, 0);
    assert.equal(mapRunFigures(ended, 60_000).itemsPerSecond, 5);
  });

  it("writes a plain line with the console's counts", () => {
    const line = plainLine(record({ succeeded: 9_000, running: 5, pending: 10_995, total: 20_000 }), 2_000);
    assert.equal(
      line,
      "[Map Run MapData] RUNNING 45% 9,000/20,000 items | succeeded 9,000 · failed 0 · running 5 · pending 10,995 | 4,500 items/s | ETA 2.4s",
    );
  });

  it("formats durations", () => {
    assert.equal(formatSeconds(undefined), "--");
    assert.equal(formatSeconds(2.44), "2.4s");
    assert.equal(formatSeconds(75), "1m15s");
    assert.equal(formatSeconds(3_720), "1h02m");
  });

  it("plain mode prints the first update, then at most one line per interval, and the end", () => {
    const stream = new PassThrough();
    const text = collect(stream);
    let t = 0;
    const display = createProgressDisplay({ mode: "plain", stream, intervalMs: 1_000, now: () => t });
    for (let i = 1; i <= 100; i++) {
      t = i * 25; // 100 updates over 2.5 s
      display.update(record({ succeeded: i, pending: 100 - i, total: 100 }));
    }
    t = 2_600;
    display.update(record({ succeeded: 100, total: 100 }, { status: "SUCCEEDED", stopDate: new Date(2_600) }));
    display.update(record({ succeeded: 100, total: 100 }, { status: "SUCCEEDED", stopDate: new Date(2_600) }));
    display.stop();
    const lines = text().trim().split("\n");
    assert.equal(lines.length, 4, text()); // t=25, t=1025, t=2025, end
    // The total is not known final until it has stopped growing for a second: no percent, no ETA.
    assert.match(lines[0]!, /RUNNING 1 items done of 100 read so far .* ETA --$/);
    assert.match(lines[1]!, /RUNNING 41% 41\/100 items/);
    assert.match(lines[3]!, /SUCCEEDED 100% 100\/100 items/);
  });

  it("uses a bar on a terminal, plain lines in CI or when piped", () => {
    assert.equal(progressModeFor({ isTTY: true }, {}), "tty");
    assert.equal(progressModeFor({ isTTY: true }, { CI: "true" }), "plain");
    assert.equal(progressModeFor({ isTTY: false }, {}), "plain");
    assert.equal(progressModeFor({}, { CI: "false" }), "plain");
  });

  // Changed with issue 17: a bar only once the reader has finished (the record says so), and every
  // line fits the terminal's width.
  const ttyStream = (columns: number) => Object.assign(new PassThrough(), { isTTY: true, columns, cursorTo() {}, clearLine() {}, moveCursor() {} });

  it("tty mode draws a bar with the counts and ETA once the total is known", () => {
    const stream = ttyStream(200);
    const text = collect(stream);
    const display = createProgressDisplay({ mode: "tty", stream, now: () => 1_000 });
    display.update(record({ succeeded: 50, running: 5, pending: 45, total: 100 }, { readerDone: true }));
    display.stop();
    assert.match(text(), /Map Run MapData RUNNING \[\u2588+\u2591+\] 50% 50\/100 items \| succeeded 50 · failed 0 · running 5 · pending 45 \| 50.0 items\/s \| ETA/);
  });

  it("tty mode while the reader still reads: items read and the read rate, no bar, no ETA", () => {
    const stream = ttyStream(200);
    const text = collect(stream);
    const display = createProgressDisplay({ mode: "tty", stream, now: () => 2_000 });
    display.update(record({ succeeded: 50, running: 5, pending: 45, total: 100 }, { readerDone: false, readerBytes: 3_000_000 }));
    display.stop();
    assert.match(text(), /Map Run MapData RUNNING 50 items done of 100 read so far \(reading 1.5 MB\/s\) \| succeeded 50/);
    assert.doesNotMatch(text(), /\u2588|\u2591/);
    assert.match(text(), /ETA --/);
  });

  for (const columns of [160, 100, 60]) {
    it(`every tty line fits a ${columns}-column terminal`, () => {
      const stream = ttyStream(columns);
      const text = collect(stream);
      const display = createProgressDisplay({ mode: "tty", stream, now: () => 10_000 });
      display.update(record({ succeeded: 1_234_567, failed: 12_345, running: 9_999, pending: 8_765_432, total: 10_022_343 }, { readerDone: true, label: "AVeryLongMapRunLabelForTheDisplay" }));
      display.stop();
      // eslint-disable-next-line no-control-regex
      const lines = text().replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").split(/[\r\n]+/).filter((l) => l.trim() !== "");
      assert.ok(lines.length > 0);
      for (const line of lines) assert.ok(line.length < columns, `${line.length} ≥ ${columns}: ${line}`);
      assert.match(lines.at(-1)!, /Map Run AVeryLongMapRunLabelForTheDisplay/);
    });
  }

  it("plain mode prints no line before the first item is read (no '0 of 0'), and one final line per Map Run", () => {
    const stream = new PassThrough();
    const text = collect(stream);
    let t = 0;
    const display = createProgressDisplay({ mode: "plain", stream, intervalMs: 1_000, now: () => t });
    display.update(record({}, { readerDone: false }));
    t = 10;
    display.update(record({ pending: 3, total: 3 }, { readerDone: true }));
    t = 20;
    display.update(record({ succeeded: 3, total: 3 }, { status: "SUCCEEDED", stopDate: new Date(20), readerDone: true }));
    display.stop();
    const lines = text().trim().split("\n");
    assert.doesNotMatch(text(), /0 items done of 0|0\/0 items/);
    assert.equal(lines.filter((l) => /SUCCEEDED/.test(l)).length, 1);
  });
});
