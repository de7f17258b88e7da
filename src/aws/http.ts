/** How long any AWS request of this tool may take, Connect's and STS's alike, and what a network failure looks like. */
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

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "TimeoutError",
  "RequestTimeout",
]);

/** The request never got an answer (refused, reset, unknown host, timed out), as opposed to an error AWS sent. */
export function isNetworkError(code: string, message: string): boolean {
  return NETWORK_CODES.has(code) || /ECONNREFUSED|ETIMEDOUT|socket hang up|timed out/i.test(message);
}
