/**
 * What the Map Run display says, as pure functions of a Map Run record and the time: the same
 * figures the console's Map Run page shows (succeeded / failed / running / pending of the items
 * total), plus throughput and an ETA.
 */
import type { MapRunRecord } from "../../engine/distributed/map-run-interface";
import { cutLine } from "./fit";

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
  /** Bytes the ItemReader read per second since the Map Run started; undefined when the record does not say. */
  readBytesPerSecond: number | undefined;
  /** Seconds left at the current rate; undefined while no rate is known. */
  etaSeconds: number | undefined;
  elapsedSeconds: number;
}

/**
 * `totalKnown`: whether the reader has finished counting. The record does not say; the display
 * infers it (the total stopped growing), and a finished Map Run always knows it.
 */
export function mapRunFigures(record: MapRunRecord, nowMs: number, totalKnown = record.readerDone ?? true): MapRunFigures {
  const c = record.itemCounts;
  const failed = c.failed + c.timedOut;
  const done = c.succeeded + failed + c.aborted;
  const total = Math.max(c.total, done + c.running + c.pending);
  const end = record.stopDate ? record.stopDate.getTime() : nowMs;
  const elapsedSeconds = Math.max(0, (end - record.startDate.getTime()) / 1000);
  const itemsPerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  // The engine says when its reader finished; without that, the caller's inference stands.
  const known = record.readerDone === true || totalKnown || record.status !== "RUNNING";
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
    readBytesPerSecond: record.readerBytes !== undefined && elapsedSeconds > 0 ? record.readerBytes / elapsedSeconds : undefined,
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

/** `12.5 MB/s` (decimal units, as S3 and the console count bytes). */
export function formatBytesRate(perSecond: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let v = perSecond;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}/s`;
}

/**
 * `45% 9,000/20,000 items`, or while the reader still counts, `9,000 items done of 9,010 read so far`
 * (and the reader's byte rate when known): no percent, no bar, no ETA until the total is final.
 */
export function progressText(f: MapRunFigures): string {
  return f.percent !== undefined
    ? `${f.percent}% ${formatCount(f.done)}/${formatCount(f.total)} items`
    : `${formatCount(f.done)} items done of ${formatCount(f.total)} read so far` +
        (f.readBytesPerSecond !== undefined ? ` (reading ${formatBytesRate(f.readBytesPerSecond)})` : "");
}

/** The Map Run's counts as the console's Map Run page lists them. */
export function countsOnly(f: MapRunFigures): string {
  return `succeeded ${formatCount(f.succeeded)} · failed ${formatCount(f.failed)} · running ${formatCount(f.running)} · pending ${formatCount(f.pending)}`;
}

/** Short counts for narrow terminals. */
function shortCountsOnly(f: MapRunFigures): string {
  return `ok ${formatCount(f.succeeded)} · failed ${formatCount(f.failed)} · run ${formatCount(f.running)} · wait ${formatCount(f.pending)}`;
}

/**
 * The rate line: throughput and ETA; while the reader reads, its byte rate; once every item is
 * done but the Map Run still runs, what it is doing (writing the ResultWriter's files), not a
 * frozen "ETA 0.0s".
 */
export function rateText(f: MapRunFigures, status: string): string {
  const parts = [`${formatRate(f.itemsPerSecond)} items/s`];
  if (status !== "RUNNING") return [...parts, `took ${formatSeconds(f.elapsedSeconds)}`].join(" · ");
  if (f.totalKnown && f.total > 0 && f.done >= f.total) parts.push("all items done, writing results");
  else parts.push(`ETA ${formatSeconds(f.etaSeconds)}`);
  if (!f.totalKnown && f.readBytesPerSecond !== undefined) parts.push(`reading ${formatBytesRate(f.readBytesPerSecond)}`);
  parts.push(`${formatSeconds(f.elapsedSeconds)} elapsed`);
  return parts.join(" · ");
}

/** The progress part of the head line; `reading items…` before the reader has counted any. */
function headProgress(f: MapRunFigures, status: string): string {
  if (status === "RUNNING" && !f.totalKnown && f.total === 0) return "reading items…";
  return f.percent !== undefined
    ? `${f.percent}% ${formatCount(f.done)}/${formatCount(f.total)} items`
    : `${formatCount(f.done)} done of ${formatCount(f.total)} read so far`;
}

const BAR_MIN = 10;
const BAR_MAX = 40;

/** A bar of `size` cells, `ratio` of them full. */
export function barText(ratio: number, size: number): string {
  const full = Math.round(Math.min(1, Math.max(0, ratio)) * size);
  return "\u2588".repeat(full) + "\u2591".repeat(size - full);
}

/**
 * A Map Run as the live display shows it, within `width` columns: the most that fits on the
 * fewest lines. Wide terminals get one line (name, status, bar, progress, counts, rate, ETA);
 * at 120 columns the counts and rate go under the head; at 80 the counts and the rate/ETA line
 * are stacked under it. A bar (only once the total is final: a bar over a growing total would run
 * backwards) takes what room is left, 10 to 40 cells. "…" cuts a line only below ~40 columns.
 */
export function mapRunLines(record: MapRunRecord, f: MapRunFigures, width: number): string[] {
  const head = `Map Run ${mapRunName(record)} ${record.status}`;
  const progress = headProgress(f, record.status);
  const ratio = f.total > 0 ? f.done / f.total : record.status === "RUNNING" ? 0 : 1;
  const withBar = (rest: number): string => {
    const plain = `${head} ${progress}`;
    if (!f.totalKnown) return plain;
    const size = Math.min(BAR_MAX, width - plain.length - 3 - rest);
    return size >= BAR_MIN ? `${head} [${barText(ratio, size)}] ${progress}` : plain;
  };
  const counts = countsOnly(f);
  const rate = rateText(f, record.status);
  const oneLine = `${counts} | ${rate}`;
  if (
    `${head} [${"x".repeat(BAR_MIN)}] ${progress} | ${oneLine}`.length <= width ||
    (!f.totalKnown && `${head} ${progress} | ${oneLine}`.length <= width)
  ) {
    return [`${withBar(oneLine.length + 3)} | ${oneLine}`];
  }
  const indent = "  ";
  const candidates: string[][] = [
    [withBar(0), indent + oneLine],
    [withBar(0), indent + counts, indent + rate],
    [withBar(0), indent + shortCountsOnly(f), indent + rate],
  ];
  for (const lines of candidates) if (lines.every((l) => l.length <= width)) return lines;
  return candidates[candidates.length - 1]!.map((l) => cutLine(l, width));
}
