/** Building the SDK's ConnectClient the way this tool needs it. */
import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import {
  ConnectClient,
  type ConnectClientConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-connect";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { isThrottled } from "./errors.ts";
import { processPacer, type RequestPacer } from "./pacing.ts";
import { ConnectProtocol } from "./protocol.ts";
import { CONNECT_QUOTAS } from "./quotas.ts";
import { type ClockOffset, processClockOffset } from "../aws/clock.ts";
import { clientCredentials } from "../aws/credentials.ts";
import { type SdkSettings, sdkSettings } from "../aws/sdk_settings.ts";
import { envProxy, REQUEST_TIMEOUT_MS, requestHandlerOptions, timeoutOptions } from "../aws/http.ts";
import { proxyAwareAgents } from "../aws/proxy.ts";
import { environmentRegion } from "../aws/region.ts";
import { type AssumeRoleConfig, isAwsRegion } from "../config/client_config.ts";
import { ConfigError } from "../util/errors.ts";

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
  /** What the run's clients learned of AWS's clock (default: the process's). */
  readonly clock?: ClockOffset;
  /** Attempts per request, the first included (SDK standard retry). */
  readonly maxAttempts?: number;
  readonly requestTimeoutMs?: number;
  /** Connections shared with the run's other clients; otherwise the client opens its own. */
  readonly connections?: ConnectionPool;
  /** What the client would otherwise load from the environment and the AWS files itself (sdk_settings.ts). */
  readonly settings?: SdkSettings;
  /** Told of each HTTP attempt as it leaves, and whether it is a retry (what a client cut off had sent). */
  readonly onAttempt?: (retry: boolean) => void;
  /** Cuts off requests still waiting for their turn under the quota (they give it back); those sent, the SDK cuts. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
/**
 * The most connections to one endpoint (a Region's Connect) across a run's
 * clients, however large the fleet: a corporate proxy, which every request
 * may go through, takes this many from one machine. Each holds a response
 * of up to 100 queues while it is read: 64 took 500 x 250's peak from
 * 147-149 MB to 152-157 MB, and were no faster, the CPU being the limit.
 */
export const MAX_CONNECTIONS = 32;

/**
 * Connections a cycle can use at once: each client being fetched sends up
 * to its quota's burst on each of the two metrics APIs at once (fewer when
 * it has fewer requests), and no more than MAX_CONNECTIONS. More would only
 * wait on the quota; fewer make requests the quota allows wait for a socket.
 */
export function connectionsFor(clientsAtOnce: number, requestsPerApi: number): number {
  const perApi = (operation: "GetCurrentMetricData" | "GetMetricData") =>
    Math.min(CONNECT_QUOTAS[operation].burst, Math.max(1, requestsPerApi));
  return Math.min(
    MAX_CONNECTIONS,
    Math.max(1, clientsAtOnce) * (perApi("GetCurrentMetricData") + perApi("GetMetricData")),
  );
}

/** The SDK's own handler, except that one client's destroy() must not close connections the others use. */
class SharedHttpHandler extends NodeHttpHandler {
  override destroy(): void {}
}

/**
 * One keep-alive connection pool for every ConnectClient of a run. Clients
 * in one Region call the same endpoint, so a client reuses the connections
 * the one before it opened (no new TCP and TLS handshake per account), and
 * the number of requests in flight, each holding a response of up to 100
 * queues, stays bounded however many clients run at once.
 */
export class ConnectionPool {
  readonly #agents: readonly (HttpAgent | HttpsAgent)[];
  readonly handler: NodeHttpHandler;

  constructor(maxConnections = MAX_CONNECTIONS, requestTimeoutMs = REQUEST_TIMEOUT_MS) {
    // Through HTTPS_PROXY / HTTP_PROXY when set, as every AWS call of the tool.
    const { httpAgent, httpsAgent } = proxyAwareAgents({ keepAlive: true, maxSockets: maxConnections }, envProxy());
    this.#agents = [httpAgent, httpsAgent];
    this.handler = new SharedHttpHandler({ ...timeoutOptions(requestTimeoutMs), httpAgent, httpsAgent });
  }

  /** Closes every connection; call it once the run's clients are done. */
  close(): void {
    for (const agent of this.#agents) agent.destroy();
  }
}

/**
 * A ConnectClient whose every attempt waits its turn under the account's
 * quota; throttling and 5xx are retried by the SDK's standard strategy.
 */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const clock = options.clock ?? processClockOffset;
  const client = new ConnectClient({
    ...options.settings,
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: options.connections?.handler ?? requestHandlerOptions(options.requestTimeoutMs),
    systemClockOffset: clock.ms,
    // The SDK's restJson1, reading the metrics answers with a fraction of its CPU (protocol.ts).
    protocol: ConnectProtocol,
  });
  const pacer = options.pacer ?? processPacer;
  const paced: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
    const region = await client.config.region();
    const operation = String(context.commandName ?? "").replace(/Command$/, "");
    const answered = await pacer.wait(options.accountId, region, operation, options.signal);
    options.onAttempt?.(isRetry(args.request));
    try {
      const result = await next(args);
      pacer.succeeded(options.accountId, region, operation);
      return result;
    } catch (error) {
      if (isThrottled(error)) pacer.throttled(options.accountId, region, operation);
      throw error;
    } finally {
      answered();
      // The SDK's reading of AWS's clock from the answer: the clients made after this one start with it.
      clock.ms = client.config.systemClockOffset;
    }
  };
  client.middlewareStack.addRelativeTo(paced, {
    // Inside the retry middleware, so that every attempt is paced; before signing, so that a request
    // the quota holds back (minutes, when others use it) is signed as it leaves: AWS refuses a
    // signature more than 5 minutes old.
    relation: "before",
    toMiddleware: "httpSigningMiddleware",
    name: "connectMetricsPacing",
  });
  return client;
}

/** Whether a request is a retry: the SDK's retry middleware numbers each attempt in its amz-sdk-request header. */
function isRetry(request: unknown): boolean {
  const header = (request as { headers?: Record<string, string> }).headers?.["amz-sdk-request"] ?? "";
  return Number(/attempt=(\d+)/.exec(header)?.[1] ?? 1) > 1;
}

/** Whose credentials and which Region: a client config plus the profile that named it. */
export interface ClientTarget {
  /** The --profile: the AWS profile, unless the config names a role to assume. */
  readonly profile: string;
  readonly accountId: string;
  readonly clientName: string;
  readonly assumeRole?: AssumeRoleConfig;
  /** --region, else the config's; undefined: the profile's. */
  readonly region?: string;
}

/**
 * A ConnectClient signed with the target's role or profile. Without an
 * explicit Region the credentials are resolved first, so that a missing
 * profile is reported as such rather than as a missing Region.
 */
export async function connectClientFor(
  target: ClientTarget,
  options: Pick<
    ConnectClientOptions,
    | "credentials"
    | "endpoint"
    | "maxAttempts"
    | "pacer"
    | "clock"
    | "connections"
    | "requestTimeoutMs"
    | "onAttempt"
    | "signal"
  > = {},
): Promise<ConnectClient> {
  // --region and the config's region were checked when read; one from the environment or the profile is
  // checked here, before any call, or a misspelt one would reach AWS as an unknown host name ("check the network").
  const fromEnvironment = target.region ? undefined : environmentRegion();
  if (fromEnvironment && !isAwsRegion(fromEnvironment.region)) {
    throw notARegion(fromEnvironment.region, target.clientName, `the environment variable ${fromEnvironment.variable}`);
  }
  const region = target.region ?? fromEnvironment?.region;
  const credentials = options.credentials ?? clientCredentials({
    profile: target.profile,
    clientName: target.clientName,
    assumeRole: target.assumeRole,
    region,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  if (!region && typeof credentials === "function") await credentials();
  // The profile whose region setting applies: the role's source when the tool assumes a role.
  const regionProfile = target.assumeRole ? target.assumeRole.sourceProfile : target.profile;
  const client = createConnectClient({
    accountId: target.accountId,
    region,
    profile: regionProfile,
    credentials,
    endpoint: options.endpoint,
    maxAttempts: options.maxAttempts,
    pacer: options.pacer,
    clock: options.clock,
    connections: options.connections,
    requestTimeoutMs: options.requestTimeoutMs,
    onAttempt: options.onAttempt,
    signal: options.signal,
    settings: await sdkSettings(regionProfile),
  });
  if (!region) {
    // The SDK refuses some (e.g. with a space) itself; a missing one is explained at the first call.
    const fromProfile = await client.config.region()
      .catch((error) => String(error?.message).match(/Region not accepted: region="([^"]*)"/)?.[1]);
    if (fromProfile !== undefined && !isAwsRegion(fromProfile)) {
      client.destroy();
      const source = regionProfile ? `the region setting of AWS profile "${regionProfile}"` : "the default profile";
      throw notARegion(fromProfile, target.clientName, source);
    }
  }
  return client;
}

function notARegion(region: string, clientName: string, source: string): ConfigError {
  return new ConfigError(
    `"${region}" is not an AWS Region (client ${clientName}); it came from ${source}`,
    'write a Region code such as eu-west-2 there, or add "region" to the client\'s config file',
  );
}
