/**
 * The live display of a run, like the Pulumi CLI's. On a terminal: a block redrawn in place, one
 * entry per Map Run (the console's Map Run page counts, a bar, rate and ETA, laid out to fit the
 * width) and, under it, what the run is doing now (starting servers, writing the data set, running
 * a state, exporting results, checking) with a spinner and the time it has taken, so there is
 * never a silent second. In CI or when the output is piped: a plain line per Map Run every few
 * seconds and one when it ends, and a line for a step that lasts over a second, so logs stay
 * readable and short.
 */
import type { MapRunRecord } from "../../engine/distributed/map-run-interface";
import { cutLine, isCi, paletteFor, type Palette } from "./fit";
import { formatSeconds, mapRunFigures, mapRunLines, plainLine } from "./format";

/** The reader is taken to have finished once the item total has not grown for this long. */
const TOTAL_SETTLED_MS = 1_000;
/** A step is announced in plain mode once it has lasted this long: shorter ones would only be noise. */
const PHASE_NOTICE_MS = 1_000;

/**
 * Whether a Map Run's item total is final: the engine says so (`readerDone`); for a record that does
 * not, inferred (the total has not grown for a second).
 */
function totalTracker(now: () => number): (record: MapRunRecord) => boolean {
  const seen = new Map<string, { total: number; changedAt: number }>();
  return (record) => {
    if (record.readerDone !== undefined) return record.readerDone || record.status !== "RUNNING";
    const t = record.itemCounts.total;
    const last = seen.get(record.mapRunArn);
    if (!last || last.total !== t) {
      seen.set(record.mapRunArn, { total: t, changedAt: now() });
      return record.status !== "RUNNING";
    }
    return record.status !== "RUNNING" || now() - last.changedAt >= TOTAL_SETTLED_MS;
  };
}

export type ProgressMode = "tty" | "plain" | "off";

export interface ProgressDisplay {
  /** A Map Run's record changed (the engine's onMapRunUpdate). */
  update(record: MapRunRecord): void;
  /**
   * What the run is doing now, for a step that may take over a second ("Starting the embedded S3
   * server", "Writing the data set", "Checking exactly-once"); undefined when there is nothing to say.
   * `detail` is how far it got ("600/1,500 objects"): it changes without restarting the step's time.
   */
  phase(label: string | undefined, detail?: string): void;
  /**
   * A signal arrived: `message` is shown at once (the block's step line on a terminal, a line in a
   * log), and on a terminal the block is erased at stop, so the caller's one closing line is all
   * that is left of the run.
   */
  interrupt(message: string): void;
  /** Draws the final state and releases the terminal (cursor shown again); safe to call twice. */
  stop(): void;
}

export interface ProgressOptions {
  mode: ProgressMode;
  /** Where the display writes; the summary goes to stdout, so this is stderr by default. */
  stream?: NodeJS.WritableStream;
  /** Plain mode: seconds between lines of a running Map Run. */
  intervalMs?: number;
  now?: () => number;
  /** The environment NO_COLOR and CI are read from (tests). */
  env?: NodeJS.ProcessEnv;
}

/** The mode for a stream: a bar on an interactive terminal outside CI, plain lines otherwise. */
export function progressModeFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ProgressMode {
  return stream.isTTY && !isCi(env) && env["TERM"] !== "dumb" ? "tty" : "plain";
}

export function createProgressDisplay(options: ProgressOptions): ProgressDisplay {
  if (options.mode === "off") return { update() {}, phase() {}, interrupt() {}, stop() {} };
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  return options.mode === "tty"
    ? ttyDisplay(stream, now, paletteFor({ isTTY: true }, options.env ?? process.env))
    : plainDisplay(stream, now, options.intervalMs ?? 2000);
}

function plainDisplay(stream: NodeJS.WritableStream, now: () => number, intervalMs: number): ProgressDisplay {
  const latest = new Map<string, MapRunRecord>();
  const printedAt = new Map<string, number>();
  const finished = new Set<string>();
  const totalKnown = totalTracker(now);
  const print = (record: MapRunRecord) => {
    // Nothing read yet: a "0 of 0" line says nothing; the first line waits for the first items.
    if (record.status === "RUNNING" && record.itemCounts.total === 0) return;
    printedAt.set(record.mapRunArn, now());
    stream.write(plainLine(record, now(), totalKnown(record)) + "\n");
  };
  // Lines come from the timer too, so a Map Run whose children are slow still reports.
  let phase: { label: string; detail?: string; since: number; printed: boolean } | undefined;
  const timer = setInterval(
    () => {
      for (const record of latest.values()) {
        if (!finished.has(record.mapRunArn) && now() - (printedAt.get(record.mapRunArn) ?? 0) >= intervalMs) print(record);
      }
      // While a Map Run runs, its lines report; a step line would only interrupt them.
      const mapRunRunning = [...latest.values()].some((r) => !finished.has(r.mapRunArn));
      if (phase && !phase.printed && !mapRunRunning && now() - phase.since >= PHASE_NOTICE_MS) {
        phase.printed = true;
        stream.write(`${phase.label}${phase.detail ? `: ${phase.detail}` : ""}…\n`);
      }
    },
    Math.max(50, Math.min(250, Math.floor(intervalMs / 2))),
  );
  timer.unref();
  let stopped = false;
  return {
    update(record) {
      if (stopped || finished.has(record.mapRunArn)) return;
      latest.set(record.mapRunArn, record);
      const first = !printedAt.has(record.mapRunArn);
      if (record.status !== "RUNNING") {
        finished.add(record.mapRunArn);
        print(record);
      } else if (first || now() - printedAt.get(record.mapRunArn)! >= intervalMs) {
        print(record);
      }
    },
    phase(label, detail) {
      if (stopped) return;
      if (phase && label === phase.label) {
        phase.detail = detail;
        return;
      }
      phase = label === undefined ? undefined : { label, detail, since: now(), printed: false };
    },
    interrupt(message) {
      if (stopped) return;
      phase = undefined;
      stream.write(`${message}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // A run stopped early (Ctrl-C, failure) still gets its last known line.
      for (const record of latest.values()) if (!finished.has(record.mapRunArn)) print(record);
    },
  };
}

/** Terminal width, read on every draw (the user may resize); 80 when the stream does not say. */
const columnsOf = (stream: NodeJS.WritableStream): number => (stream as { columns?: number }).columns || 80;

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** Redraws a second: smooth enough for counts, cheap on a busy machine. */
const FRAME_MS = 100;

// Cursor and erase sequences (ECMA-48): up N lines to column 1, erase to the end of the screen, cursor off/on.
const up = (n: number) => (n > 0 ? `\u001b[${n}F` : "\r");
const ERASE_DOWN = "\u001b[J";
const HIDE_CURSOR = "\u001b[?25l";
const SHOW_CURSOR = "\u001b[?25h";

function ttyDisplay(stream: NodeJS.WritableStream, now: () => number, palette: Palette): ProgressDisplay {
  const records = new Map<string, MapRunRecord>();
  const totalKnown = totalTracker(now);
  let phase: { label: string; detail?: string; since: number } | undefined;
  /** Lengths of the lines on screen, to erase them (a line the terminal wrapped after a resize takes more rows). */
  let shown: number[] = [];
  let frame = 0;
  let stopped = false;
  let interrupted = false;
  let cursorHidden = false;
  let drawnAt = -Infinity;
  let phaseDrawnAt = -Infinity;

  const rowsShown = (): number => {
    const columns = columnsOf(stream);
    return shown.reduce((rows, length) => rows + Math.max(1, Math.ceil(length / columns)), 0);
  };
  const paint = (line: string): string =>
    line
      .replace(/\b(RUNNING|SUCCEEDED|FAILED|ABORTED)\b/, (word) => palette.status(word))
      .replace(/^([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏])/, (s) => palette.cyan(s))
      .replace(/(· [0-9.hms]+)$/, (t) => palette.dim(t));
  const mapRunBlock = (width: number): string[] =>
    [...records.values()].flatMap((record) => mapRunLines(record, mapRunFigures(record, now(), totalKnown(record)), width));
  const draw = (lines: string[], final: boolean) => {
    let out = "";
    if (!cursorHidden && !final) {
      out += HIDE_CURSOR;
      cursorHidden = true;
    }
    // One write per frame: erase what the last frame drew (and a ^C the terminal echoed under it), draw anew.
    out += (shown.length > 0 ? up(rowsShown()) : "\r") + ERASE_DOWN;
    out += lines.map((l) => paint(l) + "\n").join("");
    if (final && cursorHidden) {
      out += SHOW_CURSOR;
      cursorHidden = false;
    }
    shown = final ? [] : lines.map((l) => l.length);
    stream.write(out);
  };
  const render = () => {
    if (stopped) return;
    const width = columnsOf(stream) - 1;
    const lines = mapRunBlock(width);
    if (phase)
      lines.push(
        cutLine(
          `${SPINNER[frame++ % SPINNER.length]} ${phase.label}${phase.detail ? `: ${phase.detail}` : ""} · ${formatSeconds((now() - phase.since) / 1000)}`,
          width,
        ),
      );
    if (lines.length > 0 || shown.length > 0) draw(lines, false);
    drawnAt = now();
  };
  const timer = setInterval(render, FRAME_MS);
  timer.unref();
  // A forced exit (a second Ctrl-C) must not leave the terminal without its cursor.
  const restoreCursor = () => {
    if (cursorHidden) stream.write(SHOW_CURSOR);
  };
  process.on("exit", restoreCursor);
  return {
    update(record) {
      if (stopped) return;
      const first = !records.has(record.mapRunArn);
      records.set(record.mapRunArn, record);
      totalKnown(record);
      // Updates come every 100 ms or so: drawn as they come, at most at the frame rate.
      if (first || now() - drawnAt >= FRAME_MS) render();
    },
    phase(label, detail) {
      if (stopped || interrupted) return;
      if (phase && label === phase.label) {
        // The same step, further on: the timer draws it.
        phase.detail = detail;
        return;
      }
      phase = label === undefined ? undefined : { label, detail, since: now() };
      // Drawn at once (the next step may block the event loop: a synchronous module load), unless
      // a frame was just drawn: states entered by the thousand (an inline Map) redraw at the frame rate.
      if (now() - phaseDrawnAt >= FRAME_MS) {
        phaseDrawnAt = now();
        render();
      }
    },
    interrupt(message) {
      if (stopped) return;
      interrupted = true;
      phase = { label: message, since: now() };
      render();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      process.off("exit", restoreCursor);
      // The Map Runs' final figures stay on screen; the step line goes. Interrupted: nothing stays,
      // the caller's one line says what happened.
      draw(interrupted ? [] : mapRunBlock(columnsOf(stream) - 1), true);
    },
  };
}
