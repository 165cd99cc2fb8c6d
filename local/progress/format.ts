/**
 * What the Map Run display says, as pure functions of a Map Run record and the time: the same
 * figures the console's Map Run page shows (succeeded / failed / running / pending of the items
 * total), plus throughput and an ETA.
 */
import type { MapRunRecord } from "../engine/distributed/contract";

export interface MapRunFigures {
  /** Items finished (succeeded + failed + timed out + aborted). */
  done: number;
  /** Items total; 0 while the reader has not counted them yet. */
  total: number;
  /** False while the item reader is still adding items: percent and ETA are then unknown. */
  totalKnown: boolean;
  percent: number | undefined;
  succeeded: number;
  failed: number;
  running: number;
  pending: number;
  /** Finished items per second since the Map Run started. */
  itemsPerSecond: number;
  /** Seconds left at the current rate; undefined while no rate is known. */
  etaSeconds: number | undefined;
  elapsedSeconds: number;
}

/**
 * `totalKnown`: whether the reader has finished counting. The record does not say; the display
 * infers it (the total stopped growing), and a finished Map Run always knows it.
 */
export function mapRunFigures(record: MapRunRecord, nowMs: number, totalKnown = true): MapRunFigures {
  const c = record.itemCounts;
  const failed = c.failed + c.timedOut;
  const done = c.succeeded + failed + c.aborted;
  const total = Math.max(c.total, done + c.running + c.pending);
  const end = record.stopDate ? record.stopDate.getTime() : nowMs;
  const elapsedSeconds = Math.max(0, (end - record.startDate.getTime()) / 1000);
  const itemsPerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const known = totalKnown || record.status !== "RUNNING";
  const remaining = Math.max(0, total - done);
  const etaSeconds = record.status !== "RUNNING" ? 0 : known && itemsPerSecond > 0 ? remaining / itemsPerSecond : undefined;
  return {
    done,
    total,
    totalKnown: known,
    percent: !known ? undefined : total > 0 ? Math.floor((done / total) * 100) : record.status === "RUNNING" ? 0 : 100,
    succeeded: c.succeeded,
    failed,
    running: c.running,
    pending: c.pending,
    itemsPerSecond,
    etaSeconds,
    elapsedSeconds,
  };
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "--";
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return formatCount(Math.round(perSecond));
  return perSecond.toFixed(1);
}

/** The Map Run's name as the console shows it: its Label when set, else the state's name. */
export function mapRunName(record: MapRunRecord): string {
  return record.label ?? record.stateName;
}

/** The counts and rates part of a line (shared by the bar and the plain lines). */
export function countsText(f: MapRunFigures): string {
  return (
    `succeeded ${formatCount(f.succeeded)} · failed ${formatCount(f.failed)} · running ${formatCount(f.running)} · pending ${formatCount(f.pending)}` +
    ` | ${formatRate(f.itemsPerSecond)} items/s | ETA ${formatSeconds(f.etaSeconds)}`
  );
}

/** One line for logs and CI: `[Map Run MapData] RUNNING 45% 9,000/20,000 items | succeeded ... | ETA 3.1s`. */
export function plainLine(record: MapRunRecord, nowMs: number, totalKnown = true): string {
  const f = mapRunFigures(record, nowMs, totalKnown);
  return `[Map Run ${mapRunName(record)}] ${record.status} ${progressText(f)} | ${countsText(f)}`;
}

/** `45% 9,000/20,000 items`, or while the reader still counts, `9,000 items done of 9,010 read so far`. */
export function progressText(f: MapRunFigures): string {
  return f.percent !== undefined
    ? `${f.percent}% ${formatCount(f.done)}/${formatCount(f.total)} items`
    : `${formatCount(f.done)} items done of ${formatCount(f.total)} read so far`;
}
