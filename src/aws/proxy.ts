/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY, read as the AWS CLI and boto3 read
 * them. The AWS SDK for JavaScript ignores them unless it is given a proxy
 * agent; hpagent is the one AWS's own guide uses ("Configure proxies for
 * Node.js"). Power BI pushes go through Deno's fetch, which reads the same
 * variables itself.
 */
import { Agent as HttpAgent, type AgentOptions } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { HttpProxyAgent, HttpsProxyAgent } from "hpagent";
import { ConfigError } from "../util/errors.ts";

export interface ProxySettings {
  /** For https:// endpoints (AWS's own): HTTPS_PROXY, else https_proxy. */
  readonly https?: URL;
  /** For http:// endpoints (an emulator): HTTP_PROXY, else http_proxy. */
  readonly http?: URL;
  /** NO_PROXY entries: hosts, domain suffixes (.corp.example or corp.example), or * for every host. */
  readonly noProxy: readonly string[];
}

/** The proxy variables (pure, given how to read one). A proxy without a scheme is http://, as curl takes it. */
export function proxySettings(read: (name: string) => string | undefined): ProxySettings {
  const url = (name: string): URL | undefined => {
    const [found, raw] = [name, name.toLowerCase()].map((n) => [n, read(n)?.trim()]).find(([, v]) => v) ?? [];
    if (!found || !raw) return undefined;
    try {
      const parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("scheme");
      return parsed;
    } catch {
      throw new ConfigError(
        `${found}: not a proxy URL; expected one like http://proxy.example.com:8080 (user:password@ before the host if it needs a login)`,
      );
    }
  };
  const https = url("HTTPS_PROXY");
  const http = url("HTTP_PROXY");
  const noProxy = (read("NO_PROXY") ?? read("no_proxy") ?? "").split(",").map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  return { https, http, noProxy };
}

/** Whether NO_PROXY sends `host` direct (pure). */
export function bypassesProxy(host: string, noProxy: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return noProxy.some((entry) => {
    const e = entry.replace(/:\d+$/, "").replace(/^\*?\./, "");
    return entry === "*" || h === e || h.endsWith(`.${e}`);
  });
}

/** `http://proxy.example.com:8080`, without a login: safe to print. */
export function displayProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

type CreateConnection = HttpAgent["createConnection"];

/**
 * hpagent's agent, except that a NO_PROXY host gets a direct connection
 * (`direct`, the plain agent's own createConnection, answers at once;
 * hpagent's answers through the callback once the proxy opened the tunnel).
 */
function proxyOrDirect(
  ProxyAgent: new (options: AgentOptions & { proxy: URL }) => HttpAgent,
  direct: CreateConnection,
  noProxy: readonly string[],
) {
  return class extends ProxyAgent {
    override createConnection(...[options, callback]: Parameters<CreateConnection>): ReturnType<CreateConnection> {
      return bypassesProxy(String(options.host), noProxy)
        ? direct.call(this, options)
        : super.createConnection(options, callback);
    }
  };
}

/** The agents for the SDK's NodeHttpHandler: through the proxy where one is set, else plain. */
export function proxyAwareAgents(
  options: AgentOptions,
  settings: ProxySettings,
): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const HttpVia = proxyOrDirect(HttpProxyAgent, HttpAgent.prototype.createConnection, settings.noProxy);
  const HttpsVia = proxyOrDirect(HttpsProxyAgent, HttpsAgent.prototype.createConnection, settings.noProxy);
  return {
    httpAgent: settings.http ? new HttpVia({ ...options, proxy: settings.http }) : new HttpAgent(options),
    httpsAgent: settings.https
      ? new HttpsVia({ ...options, proxy: settings.https }) as HttpsAgent
      : new HttpsAgent(options),
  };
}
