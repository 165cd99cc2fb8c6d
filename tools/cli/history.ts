/**
 * `exec --history`: the execution's event history as the console's "Events" table shows it (id,
 * type, state, time since the start, details), and as JSON for `--json --history` (GetExecutionHistory's
 * events: id, previousEventId, timestamp, type and the `...EventDetails` of each).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
import type { HistoryEvent } from "../../engine/types";

/** An event as GetExecutionHistory returns it (the engine's events serialize to that shape). */
function plain(e: HistoryEvent): Record<string, unknown> {
  return JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
}

/** The details object of an event (its one `...EventDetails` field), if any. */
function detailsOf(e: Record<string, unknown>): Record<string, unknown> | undefined {
  for (const [k, v] of Object.entries(e)) if (k.endsWith("EventDetails") && v && typeof v === "object") return v as Record<string, unknown>;
  return undefined;
}

/** Events as plain JSON (timestamps as ISO strings). */
export function historyJson(events: ReadonlyArray<HistoryEvent>): Array<Record<string, unknown>> {
  return events.map(plain);
}

/** One line per event: id, type, state (the state the event belongs to), +ms since the start, details (shortened). */
export function historyText(events: ReadonlyArray<HistoryEvent>, width = 160): string {
  if (events.length === 0) return "history: (no events kept)\n";
  const start = new Date(events[0]!.timestamp).getTime();
  let state = "";
  const rows = events.map((event) => {
    const e = plain(event);
    const type = String(e.type);
    const details = detailsOf(e);
    const name = details && typeof details.name === "string" && type.endsWith("StateEntered") ? details.name : undefined;
    if (name !== undefined) state = name;
    const row = [
      String(e.id),
      type,
      type.startsWith("Execution") ? "" : (name ?? (details && typeof details.name === "string" ? details.name : state)),
      `+${new Date(String(e.timestamp)).getTime() - start} ms`,
    ];
    const rest = details ? Object.fromEntries(Object.entries(details).filter(([k]) => k !== "name" && !k.endsWith("Details"))) : {};
    const text = Object.keys(rest).length > 0 ? JSON.stringify(rest) : "";
    return { row, text };
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r.row[i]!.length), ["id", "type", "state", "time"][i]!.length));
  const pad = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  const lines = [`${pad(["id", "type", "state", "time"])}  details`];
  for (const { row, text } of rows) {
    const line = `${pad(row)}  ${text}`;
    lines.push(line.length > width ? `${line.slice(0, width - 1)}…` : line);
  }
  return `history (${events.length} events):\n${lines.join("\n")}\n`;
}
