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
import type { Readable } from "node:stream";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { z } from "zod";
import { buildStateGraph, toSvg, type GraphScope } from "../../asl/graph";
import type { StateMachineDefinition } from "../../asl/types";
import { ExecutionNotRedrivableError } from "../../testing/run/redrive";
import type { ConsoleSession } from "./session";
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

const PageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startConsole(session: ConsoleSession, options: ConsoleOptions = {}): Promise<ConsoleServer> {
  const token = randomBytes(32).toString("base64url");
  const tokenBytes = Buffer.from(token);
  const dir = pageDir();
  const files = new Map<string, Buffer>();
  for (const name of ["index.html", "app.js", "app.css"]) files.set(name, readFileSync(join(dir, name)));
  const graphs = new WeakMap<object, Promise<{ svg: string; nodes: Record<string, string> }>>();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const given =
      url.searchParams.get("token") ?? (req.headers.authorization?.startsWith("Bearer ") ? req.headers.authorization.slice(7) : "");
    const bytes = Buffer.from(given);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    type = "application/json; charset=utf-8",
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      "Content-Type": type,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Content-Security-Policy":
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
      ...extra,
    });
    res.end(body);
  };
  const json = (res: ServerResponse, value: unknown, status = 200) => send(res, status, JSON.stringify(value));

  const graphOf = (definition: StateMachineDefinition) => {
    let g = graphs.get(definition);
    if (!g) {
      g = toSvg(definition).then((svg) => {
        const nodes: Record<string, string> = {};
        const visit = (scope: GraphScope) => {
          for (const n of scope.nodes) {
            if (n.kind === "state") nodes[n.id] = n.name;
            n.scopes.forEach(visit);
          }
        };
        visit(buildStateGraph(definition).root);
        return { svg, nodes };
      });
      graphs.set(definition, g);
    }
    return g;
  };

  const snapshot = () => {
    const parent = session.parent;
    const states: Record<string, unknown> = {};
    for (const [name, s] of parent?.states ?? []) states[name] = { status: s.status, failures: s.failures };
    for (const [name, c] of session.processorStates()) states[name] = { status: c.status, children: c };
    const now = Date.now();
    const mapRuns = [...session.mapRuns.values()].map((r) => {
      const start = r.startDate.getTime();
      const durationMs = (r.stopDate?.getTime() ?? now) - start;
      const i = r.itemCounts;
      const done = i.succeeded + i.failed + i.timedOut + i.aborted;
      const ledger = session.ledgers.byArn.get(r.mapRunArn);
      return {
        ...r,
        durationMs,
        itemsPerSecond: durationMs > 0 ? (done * 1000) / durationMs : 0,
        failuresListed: (ledger?.failureCount ?? 0) + (ledger?.failuresDropped ?? 0),
      };
    });
    return {
      version: session.version,
      execution: session.summary(),
      states,
      mapRuns,
      historyTotal: parent?.events.length ?? 0,
      childHistoriesDropped: session.childHistoriesDropped,
    };
  };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void> = {
    "/api/state": (_req, res) => json(res, snapshot()),
    "/api/graph": async (_req, res, url) => {
      const arn = url.searchParams.get("exec") ?? session.parent?.arn ?? "";
      const def = session.definitionOf(arn);
      if (!def) throw new HttpError(404, `no execution ${arn} with a kept history`);
      json(res, await graphOf(def));
    },
    "/api/execution": (_req, res, url) => {
      const arn = url.searchParams.get("exec") ?? "";
      const view = session.execution(arn);
      if (!view) throw new HttpError(404, `no execution ${arn} with a kept history`);
      const states: Record<string, unknown> = {};
      for (const [name, s] of view.states) states[name] = s;
      json(res, {
        arn,
        status: view.status,
        startDate: view.startDate,
        stopDate: view.stopDate,
        input: view.input,
        output: view.output,
        error: view.error,
        cause: view.cause,
        states,
        historyTotal: view.events.length,
      });
    },
    "/api/state-detail": (_req, res, url) => {
      const arn = url.searchParams.get("exec") ?? "";
      const name = url.searchParams.get("state") ?? "";
      const view = session.execution(arn);
      if (!view) throw new HttpError(404, `no execution ${arn}`);
      const s = view.states.get(name);
      const children = arn === session.parent?.arn ? session.processorStates().get(name) : undefined;
      json(res, {
        name,
        ...(s ?? { status: children ? "—" : "NOT_RUN" }),
        ...(children ? { children } : {}),
        executionStart: view.startDate,
      });
    },
    "/api/history": (_req, res, url) => {
      const arn = url.searchParams.get("exec") ?? session.parent?.arn ?? "";
      const view = session.execution(arn);
      if (!view) throw new HttpError(404, `no execution ${arn}`);
      const { offset, limit } = PageQuery.parse(Object.fromEntries(url.searchParams));
      const stateFilter = url.searchParams.get("state") ?? "";
      const typeFilter = url.searchParams.get("type") ?? "";
      const start = view.startDate ?? 0;
      const matched: number[] = [];
      const types = new Set<string>();
      const states = new Set<string>();
      view.events.forEach((e, i) => {
        types.add(e.type);
        const st = view.eventState[i];
        if (st) states.add(st);
        if (stateFilter && st !== stateFilter) return;
        if (typeFilter && e.type !== typeFilter) return;
        matched.push(i);
      });
      const events = matched.slice(offset, offset + limit).map((i) => {
        const e = view.events[i]!;
        const plain = (e as { toJSON?: () => Record<string, unknown> }).toJSON?.() ?? (e as unknown as Record<string, unknown>);
        const details = Object.entries(plain).find(([k]) => k.endsWith("EventDetails"))?.[1];
        return {
          id: e.id,
          type: e.type,
          state: view.eventState[i] ?? null,
          elapsedMs: (e.timestamp as Date).getTime() - start,
          timestamp: (e.timestamp as Date).toISOString(),
          details: details === undefined ? "" : JSON.stringify(details),
        };
      });
      json(res, { total: matched.length, all: view.events.length, offset, events, types: [...types].sort(), states: [...states].sort() });
    },
    "/api/failures": (_req, res, url) => {
      const { offset, limit } = PageQuery.parse(Object.fromEntries(url.searchParams));
      json(res, session.failures(url.searchParams.get("mapRun") ?? "", offset, limit));
    },
    "/api/results": async (_req, res, url) => {
      const record = session.mapRuns.get(url.searchParams.get("mapRun") ?? "");
      const where = record?.resultWriterDetails;
      const s3 = session.s3Client;
      if (!record || !where) return json(res, { manifest: null, files: [] });
      if (!s3) return json(res, { manifest: null, files: [], note: "the results are on an S3 endpoint the console does not read" });
      const folder = where.key.slice(0, where.key.lastIndexOf("/") + 1);
      const files: Array<{ bucket: string; key: string; size: number }> = [];
      let next: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: where.bucket, Prefix: folder, ContinuationToken: next }));
        for (const o of page.Contents ?? []) if (o.Key) files.push({ bucket: where.bucket, key: o.Key, size: o.Size ?? 0 });
        next = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (next);
      let manifest: unknown = null;
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket: where.bucket, Key: where.key }));
        manifest = JSON.parse(await got.Body!.transformToString());
      } catch {
        manifest = null;
      }
      json(res, { bucket: where.bucket, manifestKey: where.key, manifest, files });
    },
    "/api/file": async (_req, res, url) => {
      const bucket = url.searchParams.get("bucket") ?? "";
      const key = url.searchParams.get("key") ?? "";
      // Only a Map Run's result files: the console is no general window on the buckets.
      const allowed = [...session.mapRuns.values()].some((r) => {
        const w = r.resultWriterDetails;
        return w !== undefined && w.bucket === bucket && key.startsWith(w.key.slice(0, w.key.lastIndexOf("/") + 1)) && !key.includes("..");
      });
      if (!allowed || !session.s3Client) throw new HttpError(404, "not a result file of this run");
      const got = await session.s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      res.writeHead(200, {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": `attachment; filename="${key.slice(key.lastIndexOf("/") + 1).replace(/[^A-Za-z0-9._-]/g, "_")}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      });
      (got.Body as Readable).pipe(res);
    },
    "/api/events": (req, res) => {
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        Connection: "keep-alive",
        "X-Content-Type-Options": "nosniff",
      });
      res.write(`retry: 1000\n\n`);
      let sent = -1;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tickMs = options.tickMs ?? 250;
      const push = () => {
        timer = undefined;
        if (sent === session.version) return;
        sent = session.version;
        res.write(`event: tick\ndata: ${JSON.stringify(snapshot())}\n\n`);
      };
      const off = session.onChange(() => {
        timer ??= setTimeout(push, tickMs);
      });
      push();
      streams.add(res);
      req.on("close", () => {
        off();
        if (timer) clearTimeout(timer);
        streams.delete(res);
      });
    },
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
