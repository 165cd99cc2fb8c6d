/**
 * The console's HTTP replies: every response is uncached, unsniffed, sends no Referer and is bound by a
 * strict Content-Security-Policy (the page loads nothing but its own script and style).
 */
import type { ServerResponse } from "node:http";

/** A request the console refuses, with the HTTP status to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const NO_STORE = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } as const;

export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type = "application/json; charset=utf-8",
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "Content-Type": type,
    ...NO_STORE,
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy":
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    ...extra,
  });
  res.end(body);
}

export const json = (res: ServerResponse, value: unknown, status = 200): void => send(res, status, JSON.stringify(value));
