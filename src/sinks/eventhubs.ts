/**
 * Sending rows to an Event Hubs entity (a Fabric Eventstream's custom
 * endpoint) with its REST API: one event per row, the row's JSON as the
 * event body, batches of at most 1 MB, each request signed with a Shared
 * Access Signature made with Web Crypto. Facts: shared/reference/power-bi.md.
 */
import type { MetricRow } from "../rows/flatten.ts";
import { PushError } from "../util/errors.ts";
import { redact } from "../util/redact.ts";
import { type BatchLimits, byteLength } from "./batches.ts";
import { type Attempt, RetryingSender } from "./sender.ts";

export const EVENT_HUBS_LIMITS = {
  /** A request, single event or batch, on the Standard tier and above (Basic: 256 KB). */
  bytesPerRequest: 1_048_576,
  /** How long a signature this tool makes stays valid. */
  signatureSeconds: 3_600,
} as const;

export const EVENT_HUBS_BATCH_TYPE = "application/vnd.microsoft.servicebus.json";

/** A batch entry: the row's JSON as the event body (the batch format's Body is text). */
const eventOf = (row: MetricRow) => ({ Body: JSON.stringify(row) });

/**
 * Event Hubs batches: at most 1 MB of body, with some room for a proxy's or
 * the service's own framing; no row limit of its own, so Power BI's keeps outbox files alike.
 */
export const EVENT_HUBS_BATCH_LIMITS: BatchLimits = {
  maxRows: 10_000,
  maxBytes: EVENT_HUBS_LIMITS.bytesPerRequest - 16_384,
  rowBytes: (row) => byteLength(JSON.stringify(eventOf(row))),
};

/** The request body of a batch of rows. */
export function eventBatchBody(rows: readonly MetricRow[]): string {
  return JSON.stringify(rows.map(eventOf));
}

/**
 * `SharedAccessSignature sr=...&sig=...&se=...&skn=...`: HMAC-SHA256, keyed
 * with the key's UTF-8 bytes as given, of the URL-encoded resource URI, a
 * newline and the expiry (epoch seconds).
 */
export async function sasToken(
  sas: { readonly keyName: string; readonly key: string; readonly resource: string },
  expiresAt: number,
): Promise<string> {
  const resource = encodeURIComponent(sas.resource);
  const utf8 = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", utf8.encode(sas.key), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(`${resource}\n${expiresAt}`)));
  const signature = encodeURIComponent(btoa(String.fromCharCode(...mac)));
  return `SharedAccessSignature sr=${resource}&sig=${signature}&se=${expiresAt}&skn=${encodeURIComponent(sas.keyName)}`;
}

/** The service's words from an error body: XML `<Detail>` (its REST face), JSON, or the start of the text. */
function eventHubsMessage(body: string): string {
  const detail = body.match(/<Detail>([\s\S]*?)<\/Detail>/)?.[1];
  const text = detail ?? (() => {
    try {
      const parsed = JSON.parse(body);
      return parsed?.error?.message ?? parsed?.message ?? parsed?.Message;
    } catch {
      return undefined;
    }
  })() ?? body;
  // The service appends a tracking id and a timestamp: noise to an analyst.
  return String(text).replace(/\s*TrackingId:.*$/s, "").trim().replace(/\s+/g, " ").slice(0, 200) || "(no message)";
}

const HINTS: Record<number, string> = {
  401: "the connection string's key is wrong or was regenerated: copy it again from the Eventstream's custom endpoint",
  403:
    "the key may not send to this event hub, or the namespace is over its quota: check its access policy and throughput",
  404: "no such event hub: check EntityPath in the connection string, or copy it again from the Eventstream",
  413: "a batch was larger than the event hub takes (256 KB on the Basic tier): use a Standard namespace",
};

export class EventHubsSender extends RetryingSender {
  #token?: { value: string; renewAt: number };

  protected get unreachableHint(): string {
    return "check the network and https://azure.status.microsoft";
  }

  protected body(rows: readonly MetricRow[]): string {
    return eventBatchBody(rows);
  }

  /** A signature valid for an hour, made again ten minutes before it expires. */
  async #authorization(): Promise<string> {
    const now = this.now();
    if (!this.#token || now >= this.#token.renewAt) {
      const expiresAt = Math.floor(now / 1000) + EVENT_HUBS_LIMITS.signatureSeconds;
      this.#token = { value: await sasToken(this.target.sas!, expiresAt), renewAt: (expiresAt - 600) * 1000 };
    }
    return this.#token.value;
  }

  protected async attempt(body: string, timeoutMs: number): Promise<Attempt> {
    const response = await this.exchange({
      method: "POST",
      headers: { "content-type": EVENT_HUBS_BATCH_TYPE, authorization: await this.#authorization() },
      body,
    }, timeoutMs);
    if ("kind" in response) return response;
    const status = response.status;
    if (status === 201 || (status >= 200 && status < 300)) return { kind: "ok" };
    const message = redact(eventHubsMessage(response.text));
    if (status === 503 || status === 429) {
      return this.throttled(response, `HTTP ${status} ${message}`, "Event Hubs is busy (ServerBusy)");
    }
    if (status >= 500 || status === 408) return { kind: "retry", reason: `HTTP ${status} ${message}` };
    return {
      kind: "fail",
      error: new PushError(`Event Hubs refused the rows: HTTP ${status}: ${message}`, HINTS[status], status),
    };
  }
}
