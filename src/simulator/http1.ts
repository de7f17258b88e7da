/**
 * A minimal HTTP/1.1 server on a raw TCP listener, one request per
 * connection. The Power BI emulator needs it to do what `Deno.serve` cannot:
 * drop a connection mid-request, with no response at all, as a real network does.
 */

/** A handler returns this to close the connection without answering. */
export const DROP_CONNECTION = Symbol("drop connection");

export type Http1Handler = (request: Request) => Promise<Response | typeof DROP_CONNECTION>;

export interface Http1Server {
  readonly port: number;
  /** Stops accepting and closes every open connection. */
  close(): Promise<void>;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function indexOfHeadEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i - 3] === 13 && bytes[i - 2] === 10 && bytes[i - 1] === 13 && bytes[i] === 10) return i + 1;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

async function respond(conn: Deno.Conn, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  const head = [`HTTP/1.1 ${response.status} ${response.statusText || "Status"}`];
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "connection") head.push(`${name}: ${value}`);
  });
  head.push(`content-length: ${body.length}`, "connection: close", "", "");
  await writeAll(conn, concat(encoder.encode(head.join("\r\n")), body));
}

/** Reads one request; null when the peer closed or sent something unusable. */
async function readRequest(conn: Deno.Conn, port: number): Promise<Request | Response | null> {
  let buffer: Uint8Array = new Uint8Array(0);
  const chunk = new Uint8Array(64 * 1024);
  let headEnd = -1;
  while (headEnd < 0) {
    const n = await conn.read(chunk);
    if (n === null) return null;
    buffer = concat(buffer, chunk.subarray(0, n));
    headEnd = indexOfHeadEnd(buffer);
    if (headEnd < 0 && buffer.length > MAX_HEAD_BYTES) return new Response("headers too large", { status: 431 });
  }
  const [requestLine, ...headerLines] = decoder.decode(buffer.subarray(0, headEnd - 4)).split("\r\n");
  const [method, target] = requestLine.split(" ");
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  if (headers.get("transfer-encoding")) return new Response("send a content-length", { status: 411 });
  const length = Number(headers.get("content-length") ?? "0");
  if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
    return new Response("bad content-length", { status: 400 });
  }
  let body = buffer.subarray(headEnd);
  while (body.length < length) {
    const n = await conn.read(chunk);
    if (n === null) return null;
    body = concat(body, chunk.subarray(0, n));
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(`http://127.0.0.1:${port}${target}`, {
    method,
    headers,
    ...(hasBody ? { body: body.slice(0, length) as Uint8Array<ArrayBuffer> } : {}),
  });
}

/** Serves `handler` on 127.0.0.1 only. */
export function serveHttp1(options: { port?: number }, handler: Http1Handler): Http1Server {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: options.port ?? 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const open = new Set<Deno.Conn>();

  const serve = async (conn: Deno.Conn) => {
    open.add(conn);
    try {
      const request = await readRequest(conn, port);
      if (request === null) return;
      const response = request instanceof Response ? request : await handler(request);
      if (response !== DROP_CONNECTION) await respond(conn, response);
    } catch {
      // The peer went away; nothing to answer.
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  };

  const accepting = (async () => {
    try {
      for await (const conn of listener) serve(conn);
    } catch { /* listener closed */ }
  })();

  return {
    port,
    async close() {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
      open.clear();
      await accepting;
    },
  };
}
