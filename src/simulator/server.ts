/** Serving the emulators over loopback HTTP. */
import { ConnectModel } from "./connect_model.ts";
import { ConnectEmulator, type ConnectHandlerOptions } from "./connect_handler.ts";

export interface EmulatorServer {
  /** e.g. http://127.0.0.1:43210 */
  readonly url: string;
  readonly port: number;
  readonly connect: ConnectEmulator;
  readonly model: ConnectModel;
  /** Stops listening and waits for open requests to finish. */
  close(): Promise<void>;
}

export interface EmulatorServerOptions extends ConnectHandlerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly model?: ConnectModel;
}

/** Starts the emulator on 127.0.0.1; only loopback is ever served. */
export function startEmulatorServer(options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const model = options.model ?? new ConnectModel();
  const connect = new ConnectEmulator(model, options);
  return new Promise((resolve) => {
    const server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: options.port ?? 0,
        onListen: ({ port }) => {
          resolve({
            url: `http://127.0.0.1:${port}`,
            port,
            connect,
            model,
            close: () => server.shutdown(),
          });
        },
      },
      (request) => {
        const url = new URL(request.url);
        if (connect.handles(url)) return connect.handle(request);
        return new Response(JSON.stringify({ Message: `Nothing is served at ${url.pathname}` }), {
          status: 404,
          headers: { "content-type": "application/json", "x-amzn-errortype": "UnknownOperationException" },
        });
      },
    );
  });
}
