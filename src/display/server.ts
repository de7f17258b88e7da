/**
 * `--serve [HOST:]PORT`: the wallboard, `/metrics`, `/rows.json` and
 * `/board.json` over HTTP, read-only, from memory. Listens on 127.0.0.1
 * unless a host is given. Every page is built from the board, which holds
 * no secret (the push destination only as it may be shown).
 */
import type { Board, ClientBoard } from "./board.ts";
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from "./metrics.ts";
import { WALLBOARD_CSS, WALLBOARD_HTML, WALLBOARD_JS } from "./page.ts";

export interface ServeAddress {
  readonly hostname: string;
  readonly port: number;
}

export interface Wallboard {
  /** e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  readonly board: Board;
  /** Tells every open page that the board changed. */
  changed(): void;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/** What the page is sent: the board without its rows (those are /rows.json), and the server's clock. */
function boardView(board: Board, title: string) {
  return {
    title,
    now: Date.now(),
    everyMs: board.everyMs,
    cycle: board.cycle,
    push: board.push,
    clients: board.clients.map((c: ClientBoard) => ({
      label: c.label,
      clientName: c.clientName,
      environment: c.environment,
      error: c.error,
      fetchedAt: c.fetchedAt,
      tiles: c.tiles,
    })),
  };
}

/** "8080", "0.0.0.0:8080", "[::1]:8080" as a hostname and port; undefined when it is none of these. */
export function parseServeAddress(text: string): ServeAddress | undefined {
  const match = text.trim().match(/^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  return { hostname: (match[1] ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1"), port };
}

/** Starts serving `board`; throws Deno.errors.AddrInUse when the port is taken. */
export function startWallboard(address: ServeAddress, board: Board, title: string): Promise<Wallboard> {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  const event = () => encoder.encode(`data: ${JSON.stringify(boardView(board, title))}\n\n`);
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    try {
      controller.enqueue(chunk);
    } catch {
      streams.delete(controller);
    }
  };
  // A comment now and then keeps proxies and browsers from closing a quiet stream.
  const keepAlive = setInterval(() => {
    for (const c of streams) send(c, encoder.encode(": keep-alive\n\n"));
  }, 15_000);

  const respond = (body: BodyInit | null, type: string, status = 200, extra: Record<string, string> = {}) =>
    new Response(body, { status, headers: { "content-type": type, ...SECURITY_HEADERS, ...extra } });

  const handler = (request: Request): Response => {
    const { pathname } = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return respond("read-only: GET only\n", "text/plain; charset=utf-8", 405, { allow: "GET, HEAD" });
    }
    switch (pathname) {
      case "/":
        return respond(WALLBOARD_HTML, "text/html; charset=utf-8");
      case "/app.js":
        return respond(WALLBOARD_JS, "text/javascript; charset=utf-8");
      case "/app.css":
        return respond(WALLBOARD_CSS, "text/css; charset=utf-8");
      case "/board.json":
        return respond(JSON.stringify(boardView(board, title)), "application/json");
      case "/rows.json":
        return respond(JSON.stringify(board.rows(), null, 2), "application/json");
      case "/metrics":
        return respond(prometheusText(board), PROMETHEUS_CONTENT_TYPE);
      case "/events": {
        let mine: ReadableStreamDefaultController<Uint8Array>;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            mine = controller;
            streams.add(controller);
            if (board.cycle) send(controller, event());
          },
          cancel() {
            streams.delete(mine);
          },
        });
        return respond(body, "text/event-stream; charset=utf-8");
      }
      case "/favicon.ico":
        return new Response(null, { status: 204, headers: SECURITY_HEADERS });
      default:
        return respond(`Nothing is served at ${pathname}\n`, "text/plain; charset=utf-8", 404);
    }
  };

  const abort = new AbortController();
  return new Promise((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname: address.hostname,
        port: address.port,
        signal: abort.signal,
        onListen: ({ port }) => {
          const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
          resolve({
            url: `http://${host}:${port}/`,
            board,
            changed: () => {
              const chunk = event();
              for (const c of streams) send(c, chunk);
            },
            close: async () => {
              clearInterval(keepAlive);
              for (const c of streams) {
                try {
                  c.close();
                } catch { /* already closed */ }
              }
              streams.clear();
              abort.abort();
              await server.finished;
            },
          });
        },
      }, handler);
    } catch (error) {
      clearInterval(keepAlive);
      reject(error);
    }
  });
}
