/** How long any AWS request of this tool may take: Connect's and STS's alike. */
import type { NodeHttpHandlerOptions } from "@smithy/node-http-handler";

export const REQUEST_TIMEOUT_MS = 30_000;
export const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * The SDK's NodeHttpHandler options. Without throwOnRequestTimeout the SDK
 * only logs a warning when the timeout passes and keeps waiting, so a
 * request that never gets an answer would stall the run.
 */
export function requestHandlerOptions(requestTimeoutMs = REQUEST_TIMEOUT_MS): NodeHttpHandlerOptions {
  return { requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true, connectionTimeout: CONNECTION_TIMEOUT_MS };
}
