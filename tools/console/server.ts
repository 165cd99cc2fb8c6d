/**
 * The local console: an HTTP server on 127.0.0.1 serving the page (./page) and a small JSON API
 * over a ConsoleSession, with live updates as server-sent events.
 *
 * Private by construction: it listens on the loopback interface only; every request must carry
 * the run's token (an unguessable 256-bit value in the printed URL) or gets 401, so other users
 * of the machine cannot read execution data; a Host header other than the loopback address is
 * refused (403), so a web page cannot reach it through DNS rebinding; responses are never cached
 * and send no Referer. The page makes no request outside this server.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { z } from "zod";
import { ExecutionNotRedrivableError } from "../../testing/run/redrive";
import { HttpError, json, send } from "./http";
import { streamUpdates } from "./live";
import { resultFiles, sendResultFile } from "./results";
import type { ConsoleSession } from "./session";
import { executionDetail, GraphCache, historyPage, PageQuery, runSnapshot, stateDetail } from "./views";
import { formatIssues } from "../../asl/zod-issues";

export interface ConsoleOptions {
  /** 0 (default): a free port chosen by the system. */
  port?: number;
  /** Least time between two live updates sent to a page (ms). */
  tickMs?: number;
}

export interface ConsoleServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Where the page's files are: beside this module (source) or copied next to the compiled one. */
function pageDir(): string {
  for (const dir of [join(__dirname, "page"), join(__dirname, "..", "..", "..", "tools", "console", "page")]) {
    try {
      readFileSync(join(dir, "index.html"));
      return dir;
    } catch {
      // try the next
    }
  }
  throw new Error(`the console's page files are missing (looked in ${join(__dirname, "page")})`);
}

const ASSETS: Record<string, string> = { "/app.js": "text/javascript; charset=utf-8", "/app.css": "text/css; charset=utf-8" };

export async function startConsole(session: ConsoleSession, options: ConsoleOptions = {}): Promise<ConsoleServer> {
  const token = randomBytes(32).toString("base64url");
  const tokenBytes = Buffer.from(token);
  const dir = pageDir();
  const files = new Map<string, Buffer>();
  for (const name of ["index.html", "app.js", "app.css"]) files.set(name, readFileSync(join(dir, name)));
  const graphs = new GraphCache();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const given =
      url.searchParams.get("token") ?? (req.headers.authorization?.startsWith("Bearer ") ? req.headers.authorization.slice(7) : "");
    const bytes = Buffer.from(given);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;
  const parentArn = (url: URL) => url.searchParams.get("exec") ?? session.parent?.arn ?? "";
  const routes: Record<string, Route> = {
    "/api/state": (_req, res) => json(res, runSnapshot(session)),
    "/api/graph": async (_req, res, url) => {
      const def = session.definitionOf(parentArn(url));
      if (!def) throw new HttpError(404, `no execution ${parentArn(url)} with a kept history`);
      json(res, await graphs.of(def));
    },
    "/api/execution": (_req, res, url) => json(res, executionDetail(session, url.searchParams.get("exec") ?? "")),
    "/api/state-detail": (_req, res, url) =>
      json(res, stateDetail(session, url.searchParams.get("exec") ?? "", url.searchParams.get("state") ?? "")),
    "/api/history": (_req, res, url) => json(res, historyPage(session, parentArn(url), url.searchParams)),
    "/api/failures": (_req, res, url) => {
      const { offset, limit } = PageQuery.parse(Object.fromEntries(url.searchParams));
      json(res, session.failures(url.searchParams.get("mapRun") ?? "", offset, limit));
    },
    "/api/results": async (_req, res, url) => json(res, await resultFiles(session, url.searchParams.get("mapRun") ?? "")),
    "/api/file": (_req, res, url) => sendResultFile(session, url.searchParams.get("bucket") ?? "", url.searchParams.get("key") ?? "", res),
    "/api/events": (req, res) => streamUpdates(session, req, res, options.tickMs ?? 250, streams),
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const host = req.headers.host ?? "";
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      return send(res, 403, JSON.stringify({ error: "this console answers on 127.0.0.1 only" }));
    if (!authorized(req, url)) return send(res, 401, JSON.stringify({ error: "a token is required: open the URL the run printed" }));
    const handle = async () => {
      if (req.method === "POST" && url.pathname === "/api/redrive") {
        try {
          // Runs in the background; the page follows it through the live updates.
          const done = session.redrive();
          done.catch(() => undefined);
          // Wait for the redrive to start (or be refused) before answering.
          await Promise.race([done, new Promise((r) => setTimeout(r, 50))]);
          return json(res, { started: true }, 202);
        } catch (e) {
          if (e instanceof ExecutionNotRedrivableError) return json(res, { error: e.name, message: e.message }, 409);
          throw e;
        }
      }
      if (req.method !== "GET") throw new HttpError(405, "method not allowed");
      if (url.pathname === "/" || url.pathname === "/index.html")
        return send(res, 200, files.get("index.html")!.toString("utf8").replaceAll("__TOKEN__", token), "text/html; charset=utf-8");
      const asset = ASSETS[url.pathname];
      if (asset) return send(res, 200, files.get(url.pathname.slice(1))!, asset);
      const route = routes[url.pathname];
      if (!route) throw new HttpError(404, `no such page: ${url.pathname}`);
      await route(req, res, url);
    };
    handle().catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      const status = e instanceof HttpError ? e.status : e instanceof z.ZodError ? 400 : 500;
      const message = e instanceof z.ZodError ? formatIssues(e, { root: "(request)" }) : e instanceof Error ? e.message : String(e);
      json(res, { error: message }, status);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
