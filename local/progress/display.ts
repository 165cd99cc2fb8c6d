/**
 * The live Map Run display. On a terminal: one progress bar per Map Run (cli-progress), redrawn in
 * place, like the console's Map Run page. In CI or when the output is piped: a plain line per Map
 * Run every few seconds and one when it ends, so logs stay readable and short.
 */
import { MultiBar, type SingleBar } from "cli-progress";
import type { MapRunRecord } from "../engine/distributed/contract";
import { countsText, fitLine, mapRunFigures, mapRunName, plainLine, progressText, shortCountsText } from "./format";

/** The reader is taken to have finished once the item total has not grown for this long. */
const TOTAL_SETTLED_MS = 1_000;

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
  /** Draws the final state and releases the terminal; safe to call twice. */
  stop(): void;
}

export interface ProgressOptions {
  mode: ProgressMode;
  /** Where the display writes; the summary goes to stdout, so this is stderr by default. */
  stream?: NodeJS.WritableStream;
  /** Plain mode: seconds between lines of a running Map Run. */
  intervalMs?: number;
  now?: () => number;
}

/** The mode for a stream: a bar on an interactive terminal outside CI, plain lines otherwise. */
export function progressModeFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ProgressMode {
  const ci = env["CI"] !== undefined && env["CI"] !== "" && env["CI"] !== "false" && env["CI"] !== "0";
  return stream.isTTY && !ci ? "tty" : "plain";
}

export function createProgressDisplay(options: ProgressOptions): ProgressDisplay {
  if (options.mode === "off") return { update() {}, stop() {} };
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  return options.mode === "tty" ? ttyDisplay(stream, now) : plainDisplay(stream, now, options.intervalMs ?? 2000);
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
  const timer = setInterval(() => {
    for (const record of latest.values()) {
      if (!finished.has(record.mapRunArn) && now() - (printedAt.get(record.mapRunArn) ?? 0) >= intervalMs) print(record);
    }
  }, Math.max(50, Math.floor(intervalMs / 2)));
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
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // A run stopped early (Ctrl-C, failure) still gets its last known line.
      for (const record of latest.values()) if (!finished.has(record.mapRunArn)) print(record);
    },
  };
}

interface BarPayload {
  line: string;
}

/** Terminal width, read on every draw (the user may resize); 80 when the stream does not say. */
const columnsOf = (stream: NodeJS.WritableStream): number => (stream as { columns?: number }).columns || 80;

function ttyDisplay(stream: NodeJS.WritableStream, now: () => number): ProgressDisplay {
  const multi = new MultiBar({
    stream,
    // The whole line is laid out here, to fit the terminal's width (cli-progress would cut it).
    format: (_options, _params, payload: BarPayload) => payload.line,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    fps: 10,
    linewrap: false,
    noTTYOutput: false,
  });
  const bars = new Map<string, SingleBar>();
  const totalKnown = totalTracker(now);
  const lineOf = (record: MapRunRecord): { value: number; total: number; payload: BarPayload } => {
    const f = mapRunFigures(record, now(), totalKnown(record));
    const ratio = f.total > 0 ? Math.min(1, f.done / f.total) : record.status === "RUNNING" ? 0 : 1;
    const line = fitLine(
      {
        name: `Map Run ${mapRunName(record)} ${record.status}`,
        progress: progressText(f),
        counts: countsText(f),
        shortCounts: shortCountsText(f),
        // A bar only once the total is final: a bar over a growing total would run backwards.
        bar: f.totalKnown ? (size) => "\u2588".repeat(Math.round(ratio * size)) + "\u2591".repeat(size - Math.round(ratio * size)) : undefined,
      },
      columnsOf(stream) - 1,
    );
    return { value: f.done, total: Math.max(1, f.total), payload: { line } };
  };
  let stopped = false;
  return {
    update(record) {
      if (stopped) return;
      const { value, total, payload } = lineOf(record);
      const bar = bars.get(record.mapRunArn);
      if (!bar) {
        bars.set(record.mapRunArn, multi.create(total, value, payload));
        return;
      }
      bar.setTotal(total);
      bar.update(value, payload);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
