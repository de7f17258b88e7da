/**
 * Serving the emulators over loopback HTTP: one node:http server on one
 * port for all three (Connect, Power BI, Event Hubs), which can also do
 * what a real network does and Deno.serve cannot: drop a connection
 * mid-request, with no answer at all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConnectModel } from "./connect_model.ts";
import { ConnectEmulator, type ConnectHandlerOptions } from "./connect_handler.ts";
import { EventHubsEmulator } from "./eventhubs_handler.ts";
import { DROP_CONNECTION } from "./faults.ts";
import { PowerBiEmulator } from "./powerbi_handler.ts";

export interface EmulatorServer {
  /** Both emulators, e.g. http://127.0.0.1:43210 */
  readonly url: string;
  readonly port: number;
  readonly connect: ConnectEmulator;
  readonly model: ConnectModel;
  /** The Power BI emulator: the same server as `url`. */
  readonly powerBiUrl: string;
  readonly powerBi: PowerBiEmulator;
  /** The Event Hubs emulator (a Fabric Eventstream's custom endpoint): the same server as `url`. */
  readonly eventHubs: EventHubsEmulator;
  /** Stops listening, answers hanging requests and closes every connection. */
  close(): Promise<void>;
}

export interface EmulatorServerOptions extends ConnectHandlerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly model?: ConnectModel;
}

/** The largest request body any emulator takes (the push destinations' are far smaller, and checked by them). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Starts the emulators on 127.0.0.1; only loopback is ever served. */
export function startEmulatorServer(options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const model = options.model ?? new ConnectModel();
  const connect = new ConnectEmulator(model, options);
  const powerBi = new PowerBiEmulator({ now: options.now });
  const eventHubs = new EventHubsEmulator({ now: options.now });
  const route = async (request: Request, remote: string): Promise<Response | typeof DROP_CONNECTION> => {
    const url = new URL(request.url);
    const push = eventHubs.handles(url) ? eventHubs : powerBi.handles(url) ? powerBi : undefined;
    if (push) {
      // One request per connection, as the Power BI emulator always served: a client's HTTP stack would
      // otherwise quietly resend a request whose reused connection was dropped, and no drop would be seen.
      const response = await push.handle(request);
      if (response !== DROP_CONNECTION) response.headers.set("connection", "close");
      return response;
    }
    if (connect.handles(url)) return await connect.handle(request, remote);
    return new Response(JSON.stringify({ Message: `Nothing is served at ${url.pathname}` }), {
      status: 404,
      headers: { "content-type": "application/json", "x-amzn-errortype": "UnknownOperationException" },
    });
  };
  const server = createServer((req, res) => {
    serve(req, res, route).catch(() => req.socket.destroy());
  });
  return new Promise((resolve, reject) => {
    // A port in use is Deno.errors.AddrInUse, as Deno.listen would throw it.
    server.once(
      "error",
      (error: Error & { code?: string }) =>
        reject(error.code === "EADDRINUSE" ? new Deno.errors.AddrInUse(error.message) : error),
    );
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.removeAllListeners("error");
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url,
        port,
        connect,
        model,
        powerBiUrl: url,
        powerBi,
        eventHubs,
        close: () =>
          new Promise<void>((done) => {
            powerBi.faults.releaseHanging();
            eventHubs.faults.releaseHanging();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** One request: node's message in, a fetch Request to the emulators, their Response (or a dropped connection) out. */
async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  route: (request: Request, remote: string) => Promise<Response | typeof DROP_CONNECTION>,
): Promise<void> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Uint8Array).length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413).end();
      return;
    }
    chunks.push(chunk as Uint8Array);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url}`, {
    method: req.method,
    headers,
    body: hasBody ? new Blob(chunks as BlobPart[]) : undefined,
  });
  const response = await route(request, `${req.socket.remoteAddress}:${req.socket.remotePort}`);
  if (response === DROP_CONNECTION) {
    req.socket.destroy();
    return;
  }
  const body = new Uint8Array(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}
