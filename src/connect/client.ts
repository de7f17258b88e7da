/** Building the SDK's ConnectClient the way this tool needs it. */
import { ConnectClient, type ConnectClientConfig } from "@aws-sdk/client-connect";
import { processPacer, type RequestPacer } from "./pacing.ts";

export interface ConnectClientOptions {
  /** Undefined: let the SDK resolve it from the profile or environment. */
  readonly region?: string;
  readonly profile?: string;
  readonly credentials?: ConnectClientConfig["credentials"];
  /** Overrides AWS_ENDPOINT_URL_CONNECT (the demo's in-process emulator). */
  readonly endpoint?: string;
  /** The account whose quota the requests count against. */
  readonly accountId: string;
  readonly pacer?: RequestPacer;
  /** Attempts per request, the first included (SDK standard retry). */
  readonly maxAttempts?: number;
  readonly requestTimeoutMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * A ConnectClient whose every attempt waits its turn under the account's
 * quota; throttling and 5xx are retried by the SDK's standard strategy.
 */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const client = new ConnectClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: 5_000,
    },
  });
  const pacer = options.pacer ?? processPacer;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const region = await client.config.region();
      const operation = String(context.commandName ?? "").replace(/Command$/, "");
      await pacer.wait(options.accountId, region, operation);
      return next(args);
    },
    // After the retry middleware, so that every attempt is paced.
    { step: "finalizeRequest", priority: "low", name: "connectMetricsPacing" },
  );
  return client;
}
