/**
 * Live updates as server-sent events: the run's snapshot, sent when it changed and at most once per
 * tick, so a Map Run of a million children costs the page a few updates a second, not one per child.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConsoleSession } from "./session";
import { runSnapshot } from "./views";

export function streamUpdates(
  session: ConsoleSession,
  req: IncomingMessage,
  res: ServerResponse,
  tickMs: number,
  open: Set<ServerResponse>,
): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
    "X-Content-Type-Options": "nosniff",
  });
  res.write(`retry: 1000\n\n`);
  let sent = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const push = () => {
    timer = undefined;
    if (sent === session.version) return;
    sent = session.version;
    res.write(`event: tick\ndata: ${JSON.stringify(runSnapshot(session))}\n\n`);
  };
  const off = session.onChange(() => {
    timer ??= setTimeout(push, tickMs);
  });
  push();
  open.add(res);
  req.on("close", () => {
    off();
    if (timer) clearTimeout(timer);
    open.delete(res);
  });
}
