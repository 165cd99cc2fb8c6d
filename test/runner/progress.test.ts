import { strict as assert } from "node:assert";
import { PassThrough } from "node:stream";
import type { MapRunCounts, MapRunRecord } from "../../engine/distributed/map-run-interface";
import {
  createProgressDisplay,
  formatSeconds,
  mapRunFigures,
  mapRunLines,
  plainLine,
  progressModeFor,
  stripAnsi,
} from "../../tools/progress";

const counts = (c: Partial<MapRunCounts>): MapRunCounts => ({
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  timedOut: 0,
  aborted: 0,
  total: 0,
  resultsWritten: 0,
  ...c,
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

describe("tools/progress", () => {
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
    assert.equal(progressModeFor({ isTTY: true }, { TERM: "dumb" }), "plain");
  });

  // A bar only once the reader has finished (the record says so), and every line fits the terminal's width.
  const ttyStream = (columns: number) =>
    Object.assign(new PassThrough(), { isTTY: true, columns, cursorTo() {}, clearLine() {}, moveCursor() {} });

  it("tty mode draws a bar with the counts and ETA once the total is known (one line on a wide terminal)", () => {
    const stream = ttyStream(200);
    const text = collect(stream);
    const display = createProgressDisplay({ mode: "tty", stream, now: () => 1_000 });
    display.update(record({ succeeded: 50, running: 5, pending: 45, total: 100 }, { readerDone: true }));
    display.stop();
    assert.match(
      stripAnsi(text()),
      /Map Run MapData RUNNING \[\u2588+\u2591+\] 50% 50\/100 items \| succeeded 50 · failed 0 · running 5 · pending 45 \| 50.0 items\/s · ETA 1.0s/,
    );
  });

  it("tty mode while the reader still reads: items read and the read rate, no bar, no ETA", () => {
    const stream = ttyStream(200);
    const text = collect(stream);
    const display = createProgressDisplay({ mode: "tty", stream, now: () => 2_000 });
    display.update(record({ succeeded: 50, running: 5, pending: 45, total: 100 }, { readerDone: false, readerBytes: 3_000_000 }));
    display.stop();
    assert.match(stripAnsi(text()), /Map Run MapData RUNNING 50 done of 100 read so far \| succeeded 50 .* ETA -- · reading 1.5 MB\/s/);
    assert.doesNotMatch(text(), /\u2588|\u2591/);
  });

  const big = record(
    { succeeded: 1_234_567, failed: 12_345, running: 9_999, pending: 8_765_432, total: 10_022_343 },
    { readerDone: true, label: "AVeryLongMapRunLabelForTheDisplay" },
  );
  for (const columns of [200, 160, 120, 100, 80, 60, 40]) {
    it(`every tty line fits a ${columns}-column terminal, with the counts, rate and ETA shown down to 60`, () => {
      const stream = ttyStream(columns);
      const text = collect(stream);
      const display = createProgressDisplay({ mode: "tty", stream, now: () => 10_000 });
      display.update(big);
      display.phase("Running MapData");
      display.stop();
      const lines = stripAnsi(text())
        .split(/[\r\n]+/)
        .filter((l) => l.trim() !== "");
      assert.ok(lines.length > 0);
      for (const line of lines) assert.ok(line.length < columns, `${line.length} ≥ ${columns}: ${line}`);
      const final = lines.slice(-mapRunLines(big, mapRunFigures(big, 10_000), columns - 1).length).join("\n");
      assert.match(final, /Map Run AVeryLongMapRunLabel/);
      if (columns >= 60) {
        assert.match(final, /failed 12,345/);
        assert.match(final, /(running|run) 9,999/);
        assert.match(final, /(pending|wait) 8,765,432/);
        assert.match(final, /items\/s · ETA \d/);
      }
    });
  }

  it("stacks the counts over the rate/ETA line at 80 columns, with a bar; one line under the head at 120; one line at 200", () => {
    const r = record({ succeeded: 9_000, running: 5, pending: 10_995, total: 20_000 }, { readerDone: true });
    const f = mapRunFigures(r, 2_000);
    const at80 = mapRunLines(r, f, 79);
    assert.equal(at80.length, 3, at80.join("\n"));
    assert.match(at80[0]!, /^Map Run MapData RUNNING \[\u2588+\u2591+\] 45% 9,000\/20,000 items$/);
    assert.equal(at80[1], "  succeeded 9,000 · failed 0 · running 5 · pending 10,995");
    assert.equal(at80[2], "  4,500 items/s · ETA 2.4s · 2.0s elapsed");
    const at120 = mapRunLines(r, f, 119);
    assert.equal(at120.length, 2, at120.join("\n"));
    assert.equal(at120[1], "  succeeded 9,000 · failed 0 · running 5 · pending 10,995 | 4,500 items/s · ETA 2.4s · 2.0s elapsed");
    assert.equal(mapRunLines(r, f, 199).length, 1);
  });

  it("says the Map Run is writing its results once every item is done, instead of a frozen ETA", () => {
    const r = record({ succeeded: 100, total: 100 }, { readerDone: true });
    assert.match(mapRunLines(r, mapRunFigures(r, 1_000), 79).join("\n"), /all items done, writing results/);
    const ended = record({ succeeded: 100, total: 100 }, { status: "SUCCEEDED", stopDate: new Date(1_000), readerDone: true });
    assert.doesNotMatch(mapRunLines(ended, mapRunFigures(ended, 1_000), 79).join("\n"), /writing results/);
  });

  it("before the reader has read anything, the head says it is reading items", () => {
    const r = record({}, { readerDone: false });
    assert.match(mapRunLines(r, mapRunFigures(r, 500, false), 79)[0]!, /^Map Run MapData RUNNING reading items…$/);
  });

  it("tty mode shows the current step with its time under the Map Runs, drops it at the end and restores the cursor", () => {
    const stream = ttyStream(80);
    const text = collect(stream);
    let t = 0;
    const display = createProgressDisplay({ mode: "tty", stream, now: () => t, env: {} });
    display.phase("Starting the embedded S3 server");
    t = 1_500;
    display.phase("Writing the data set");
    const shown = stripAnsi(text());
    assert.match(shown, /Starting the embedded S3 server · 0\.0s/);
    assert.match(shown, /Writing the data set · 0\.0s/);
    assert.match(text(), /\u001b\[\?25l/, "the cursor is hidden while the block is live");
    display.update(record({ succeeded: 3, total: 3 }, { status: "SUCCEEDED", stopDate: new Date(1_000), readerDone: true }));
    display.stop();
    assert.ok(text().endsWith("\u001b[?25h") || /\u001b\[\?25h[^\u001b]*$/.test(text()), "the cursor is shown again");
    // The last frame: the Map Run's final line, no step line.
    const last = stripAnsi(text().slice(text().lastIndexOf("\u001b[J") + 3));
    assert.match(last, /^Map Run MapData SUCCEEDED/);
    assert.doesNotMatch(last, /Writing the data set/);
  });

  it("a step's progress (the data set's objects written) updates its line without restarting its time", () => {
    const stream = ttyStream(80);
    const text = collect(stream);
    let t = 0;
    const display = createProgressDisplay({ mode: "tty", stream, now: () => t, env: {} });
    display.phase("Writing the data set");
    t = 2_500;
    display.phase("Writing the data set", "600/1,500 objects");
    display.update(record({ pending: 1, total: 1 }, { readerDone: false }));
    display.stop();
    assert.match(stripAnsi(text()), /Writing the data set: 600\/1,500 objects · 2\.5s/);
  });

  it("tty mode, interrupted: the message shows at once and nothing of the block stays", () => {
    const stream = ttyStream(80);
    const text = collect(stream);
    const display = createProgressDisplay({ mode: "tty", stream, now: () => 0, env: {} });
    display.update(record({ succeeded: 3, running: 2, total: 10 }, { readerDone: true }));
    display.interrupt("SIGINT: stopping the execution");
    assert.match(stripAnsi(text()), /SIGINT: stopping the execution/);
    display.stop();
    const last = text().slice(text().lastIndexOf("\u001b[J") + 3);
    assert.equal(stripAnsi(last), "", "the last frame erases the block");
    assert.match(last, /\u001b\[\?25h/);
  });

  it("colours status words on a terminal, not with NO_COLOR", () => {
    const draw = (env: NodeJS.ProcessEnv) => {
      const stream = ttyStream(120);
      const text = collect(stream);
      const display = createProgressDisplay({ mode: "tty", stream, now: () => 1_000, env });
      display.update(record({ succeeded: 3, total: 3 }, { status: "SUCCEEDED", stopDate: new Date(1_000), readerDone: true }));
      display.stop();
      return text().replace(/\u001b\[(\?25[hl]|\d*F|J)/g, "");
    };
    assert.match(draw({}), /\u001b\[32mSUCCEEDED\u001b\[39m/);
    assert.doesNotMatch(draw({ NO_COLOR: "1" }), /\u001b/);
  });

  it("plain mode announces a step once it has lasted a second, and an interrupt at once", async () => {
    const stream = new PassThrough();
    const text = collect(stream);
    let t = 0;
    const display = createProgressDisplay({ mode: "plain", stream, intervalMs: 100, now: () => t });
    display.phase("Starting the embedded S3 server");
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(text(), "", "a step under a second is not announced");
    display.phase("Writing the data set");
    t = 1_000;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(text(), "Writing the data set…\n");
    display.interrupt("SIGINT: stopping");
    display.stop();
    assert.equal(text(), "Writing the data set…\nSIGINT: stopping\n");
  });

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
