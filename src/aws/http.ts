/**
 * How any AWS request of this tool is sent, Connect's and STS's alike: its
 * timeouts, the proxy, and what a network failure looks like.
 */
import type { NodeHttpHandlerOptions } from "@smithy/node-http-handler";
import { displayProxy, proxyAwareAgents, type ProxySettings, proxySettings } from "./proxy.ts";
import { registerSecret } from "../util/redact.ts";
import { isUntrustedCertificate, UNTRUSTED_CERTIFICATE_HINT } from "../util/tls_trust.ts";

export const REQUEST_TIMEOUT_MS = 30_000;
export const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * The SDK's NodeHttpHandler timeouts. Without throwOnRequestTimeout the SDK
 * only logs a warning when the timeout passes and keeps waiting, so a
 * request that never gets an answer would stall the run.
 */
export function timeoutOptions(requestTimeoutMs = REQUEST_TIMEOUT_MS): NodeHttpHandlerOptions {
  return { requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true, connectionTimeout: CONNECTION_TIMEOUT_MS };
}

/** The timeouts, and agents through the proxy when one is set (else the SDK's own agents serve). */
export function requestHandlerOptions(requestTimeoutMs = REQUEST_TIMEOUT_MS): NodeHttpHandlerOptions {
  const proxy = envProxy();
  return {
    ...timeoutOptions(requestTimeoutMs),
    ...(proxy.https || proxy.http ? proxyAwareAgents({ keepAlive: true }, proxy) : {}),
  };
}

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY as set now (a bad proxy URL is a ConfigError naming the variable). */
export function envProxy(): ProxySettings {
  const settings = proxySettings((name) => Deno.env.get(name));
  // A proxy's password is masked wherever it could appear, as the other secrets are.
  for (const url of [settings.https, settings.http]) {
    if (url?.password) registerSecret(decodeURIComponent(url.password));
  }
  return settings;
}

/** What to check when AWS could not be reached (`failure`, as networkFailure said it): the proxy, or the trust. */
export function networkHint(failure = ""): string {
  if (isUntrustedCertificate(failure)) return UNTRUSTED_CERTIFICATE_HINT;
  const { https, http } = envProxy();
  const [proxy, variable] = https ? [https, "HTTPS_PROXY"] : http ? [http, "HTTP_PROXY"] : [];
  return proxy
    ? `check the network connection and the proxy ${displayProxy(proxy)} (${variable}), or NO_PROXY`
    : "check the network connection; if it needs a proxy, set HTTPS_PROXY (e.g. http://proxy.example.com:8080)";
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

/**
 * The request never got an answer (refused, reset, unknown host, timed out,
 * a certificate not trusted), as opposed to an error AWS sent.
 */
export function isNetworkError(code: string, message: string): boolean {
  return NETWORK_CODES.has(code) || /ECONNREFUSED|ETIMEDOUT|socket hang up|timed out/i.test(message) ||
    PROXY_FAILURE.test(message) || isUntrustedCertificate(`${code} ${message}`);
}

/** hpagent's words when the proxy would not open the tunnel. */
const PROXY_FAILURE = /Bad response: \d{3}|Proxy timeout/;

/** A network failure in the user's words: a proxy's refusal and an untrusted certificate are said as such. */
export function networkFailure(code: string, message: string): string {
  if (isUntrustedCertificate(`${code} ${message}`)) {
    return `the server's certificate is not trusted (${code && !message.includes(code) ? `${code}: ` : ""}${message})`;
  }
  const status = message.match(/Bad response: (\d{3})/)?.[1];
  if (status === "407") return "the proxy wants a login (HTTP 407): put user:password@ before its host in the variable";
  if (status) return `the proxy refused the connection (HTTP ${status})`;
  return /Proxy timeout/.test(message) ? "the proxy did not answer" : message;
}
