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
    : `${formatCount(f.done)} items done of ${formatCount(f.total)} read so far` + (f.readBytesPerSecond !== undefined ? ` (reading ${formatBytesRate(f.readBytesPerSecond)})` : "");
}

/** The same counts, short, for narrow terminals: `ok 9,000 · failed 100 · run 5 · wait 10,895 | 4,550/s | ETA 2.4s`. */
export function shortCountsText(f: MapRunFigures): string {
  return `ok ${formatCount(f.succeeded)} · failed ${formatCount(f.failed)} · run ${formatCount(f.running)} · wait ${formatCount(f.pending)} | ${formatRate(f.itemsPerSecond)}/s | ETA ${formatSeconds(f.etaSeconds)}`;
}

/**
 * Lays out one display line within `width` columns: the full form when it fits, then the short
 * counts, then a narrower bar, then no bar; cut with "…" only as the last resort.
 */
export function fitLine(parts: { name: string; progress: string; counts: string; shortCounts: string; bar?: (size: number) => string }, width: number): string {
  const withBar = (size: number, counts: string) => `${parts.name} [${parts.bar!(size)}] ${parts.progress} | ${counts}`;
  const noBar = (counts: string) => `${parts.name} ${parts.progress} | ${counts}`;
  const candidates = parts.bar
    ? [withBar(24, parts.counts), withBar(24, parts.shortCounts), withBar(12, parts.shortCounts), noBar(parts.shortCounts)]
    : [noBar(parts.counts), noBar(parts.shortCounts)];
  for (const line of candidates) if (line.length <= width) return line;
  const last = candidates[candidates.length - 1]!;
  return width > 1 ? `${last.slice(0, width - 1)}…` : "";
}
