/** Serving the emulators over loopback HTTP. */
import { ConnectModel } from "./connect_model.ts";
import { ConnectEmulator, type ConnectHandlerOptions } from "./connect_handler.ts";
import { serveHttp1 } from "./http1.ts";
import { PowerBiEmulator } from "./powerbi_handler.ts";

export interface EmulatorServer {
  /** The Connect emulator, e.g. http://127.0.0.1:43210 */
  readonly url: string;
  readonly port: number;
  readonly connect: ConnectEmulator;
  readonly model: ConnectModel;
  /** The Power BI emulator, on its own port: it must be able to drop connections. */
  readonly powerBiUrl: string;
  readonly powerBi: PowerBiEmulator;
  /** Stops listening and waits for open requests to finish. */
  close(): Promise<void>;
}

export interface EmulatorServerOptions extends ConnectHandlerOptions {
  /** 0 (the default) picks a free port; Power BI gets the next free one. */
  readonly port?: number;
  readonly model?: ConnectModel;
}

/** Starts both emulators on 127.0.0.1; only loopback is ever served. */
export function startEmulatorServer(options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const model = options.model ?? new ConnectModel();
  const connect = new ConnectEmulator(model, options);
  const powerBi = new PowerBiEmulator(options.now ? { now: options.now } : {});
  return new Promise((resolve, reject) => {
    const server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: options.port ?? 0,
        onListen: ({ port }) => {
          let powerBiServer: ReturnType<typeof serveHttp1>;
          try {
            powerBiServer = serveHttp1({ port: options.port ? port + 1 : 0 }, (request) => powerBi.handle(request));
          } catch (error) {
            // The next port is taken: stop the Connect emulator too (once Deno.serve has returned it).
            queueMicrotask(() => server.shutdown());
            return reject(error);
          }
          resolve({
            url: `http://127.0.0.1:${port}`,
            port,
            connect,
            model,
            powerBiUrl: `http://127.0.0.1:${powerBiServer.port}`,
            powerBi,
            close: async () => {
              powerBi.releaseHanging();
              await Promise.all([server.shutdown(), powerBiServer.close()]);
            },
          });
        },
      },
      (request, info) => {
        const url = new URL(request.url);
        const { hostname, port } = info.remoteAddr;
        if (connect.handles(url)) return connect.handle(request, `${hostname}:${port}`);
        return new Response(JSON.stringify({ Message: `Nothing is served at ${url.pathname}` }), {
          status: 404,
          headers: { "content-type": "application/json", "x-amzn-errortype": "UnknownOperationException" },
        });
      },
    );
  });
}
