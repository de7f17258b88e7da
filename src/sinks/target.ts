/**
 * A push destination as the push loop sees it: where rows are POSTed, how it
 * is named in messages (never with its secret), and where its value may be set.
 */

export const PUSH_URL_ENV = "CONNECT_METRICS_POWERBI_URL";
export const EVENT_HUBS_ENV = "CONNECT_METRICS_EVENTHUB_CONNECTION_STRING";

export interface PushTarget {
  readonly kind: "powerbi" | "eventhubs";
  /** "Power BI" or "Event Hubs", in messages. */
  readonly service: string;
  /** Where the rows are POSTed. */
  readonly url: URL;
  /** `https://api.powerbi.com/beta/…/rows?key=***` or `Event Hubs sb://NS.servicebus.windows.net/HUB`: safe to print. */
  readonly display: string;
  /** Identifies the dataset (or event hub) for pacing (host + path, no key). */
  readonly dataset: string;
  /** A short name of the dataset that gives nothing away (8 hex digits), for outbox file names. */
  readonly tag: string;
  /** A receiver on this machine (localhost, 127.0.0.1): not the real service, reached over plain http. */
  readonly local: boolean;
  /** Event Hubs only: what its requests are signed with (the key is a secret). */
  readonly sas?: { readonly keyName: string; readonly key: string; readonly resource: string };
}

export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Where a value came from. */
export type PushUrlSource = "flag" | "env" | "env-eventhubs" | "settings" | "settings-eventhubs";

/** Where a value came from, in the words the user would search for. */
export function sourceName(source: PushUrlSource, settingsFile: string): string {
  return {
    "flag": "--push",
    "env": PUSH_URL_ENV,
    "env-eventhubs": EVENT_HUBS_ENV,
    "settings": `${settingsFile}: field "powerBiUrl"`,
    "settings-eventhubs": `${settingsFile}: field "eventHubConnectionString"`,
  }[source];
}

/** FNV-1a, 32 bits, as 8 hex digits: tells a handful of datasets apart without naming them. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}
