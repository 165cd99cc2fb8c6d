/**
 * `--ui`: the local console for one run of `npm start` or `npm run exec`. Started before the run
 * (its URL is printed at once, so the page follows the run live); after the run the embedded S3
 * is kept and the page keeps serving (results, failed children, Redrive) until Ctrl-C or SIGTERM.
 */
import type { RunObserver } from "../../testing/run/observer";
import { startConsole, type ConsoleServer } from "./server";
import { ConsoleSession } from "./session";

export { ConsoleSession } from "./session";
export { startConsole, type ConsoleServer, type ConsoleOptions } from "./server";

export interface RunConsole {
  url: string;
  /** Give to the runner: the session watching the run. */
  observer: RunObserver;
  /** Give to the runner: keeps its servers until the console closes. */
  holdServers(release: () => Promise<void>): void;
  /**
   * After the run's summary is printed: serves until `signal` aborts (Ctrl-C, SIGTERM), then
   * closes. Resolves with the execution's last status (a redrive may have changed it).
   */
  serveUntil(signal: AbortSignal): Promise<string | undefined>;
  /** Closes the server and releases the runner's servers (idempotent). */
  close(): Promise<void>;
}

export async function openRunConsole(options: { port?: number; log: (line: string) => void }): Promise<RunConsole> {
  const session = new ConsoleSession();
  let server: ConsoleServer;
  try {
    server = await startConsole(session, { port: options.port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === "EADDRINUSE" ? `--ui-port ${options.port}: the port is in use` : `the console could not start: ${(e as Error).message}`,
    );
  }
  options.log(`console: ${server.url}`);
  let release: (() => Promise<void>) | undefined;
  let closed: Promise<void> | undefined;
  let redrives = 0;
  session.onChange(() => {
    // One line per redrive outcome, for whoever watches the terminal.
    if (session.redriveCount > redrives && !session.redriving) {
      redrives = session.redriveCount;
      options.log(`console: redrive ${redrives}: ${session.parent?.status ?? "?"}`);
    }
  });
  const close = () =>
    (closed ??= (async () => {
      await server.close();
      await release?.();
    })());
  return {
    url: server.url,
    observer: session,
    holdServers: (r) => {
      release = r;
    },
    async serveUntil(signal) {
      if (!signal.aborted) {
        options.log(`console: still serving ${server.url} — press Ctrl-C to stop`);
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      }
      // A redrive still running is stopped with the servers; its status is what it reached.
      await close();
      options.log("console: stopped");
      return session.parent?.status;
    },
    close,
  };
}
