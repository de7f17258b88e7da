/**
 * An Event Hubs connection string, as a Fabric Eventstream's custom endpoint
 * (or an Event Hubs namespace) shows it:
 * `Endpoint=sb://NS.servicebus.windows.net/;SharedAccessKeyName=NAME;SharedAccessKey=KEY;EntityPath=HUB`.
 * The key is a secret; the namespace and hub are not, and name it in messages.
 */
import { ConfigError, UsageError } from "../util/errors.ts";
import { registerSecret } from "../util/redact.ts";
import { fnv1a, LOOPBACK_HOSTS, type PushTarget, type PushUrlSource } from "./target.ts";

export const EVENT_HUBS_EXAMPLE =
  "Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<name>;SharedAccessKey=<key>;EntityPath=<hub>";

/** Whether `text` is a connection string rather than a URL. */
export function isConnectionString(text: string): boolean {
  return /^\s*["']?\s*endpoint\s*=/i.test(text);
}

/** The parts of a connection string, by lower-cased name; a value may hold "=" (a base64 key ends in it). */
function connectionParts(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of text.split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return parts;
}

/** Parses and checks a connection string; throws a one-line error naming where it came from, never the key. */
export function parseConnectionString(raw: string, where: string, source: PushUrlSource): PushTarget {
  const fail: (what: string) => never = (what) => {
    const Error = source === "flag" ? UsageError : ConfigError;
    throw new Error(`${where}: ${what}; expected an Event Hubs connection string like ${EVENT_HUBS_EXAMPLE}`);
  };
  const text = raw.trim().replace(/^(["'])(.*)\1$/s, "$2").trim();
  const parts = connectionParts(text);
  const key = parts.get("sharedaccesskey");
  if (key) {
    registerSecret(key);
    registerSecret(encodeURIComponent(key));
    registerSecret(raw.trim());
    registerSecret(text);
  }
  const endpoint = parts.get("endpoint");
  const keyName = parts.get("sharedaccesskeyname");
  const hub = parts.get("entitypath");
  if (parts.has("sharedaccesssignature")) fail("a SharedAccessSignature connection string expires; use one with a key");
  if (!endpoint) fail("it has no Endpoint=");
  if (!keyName) fail("it has no SharedAccessKeyName=");
  if (!key) fail("it has no SharedAccessKey=");
  if (!hub) {
    fail(
      "it has no EntityPath= (the namespace's string names no event hub: add ;EntityPath=HUB, or copy the hub's own)",
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return fail("its Endpoint is not a URL");
  }
  if (url.protocol !== "sb:") fail("its Endpoint must start with sb://");
  // A receiver on this machine (the built-in emulator) is reached over plain http, as a loopback Power BI URL is.
  const local = LOOPBACK_HOSTS.has(url.hostname);
  const scheme = local ? "http" : "https";
  const resource = `${scheme}://${url.host}/${hub}`;
  const dataset = `${url.host}/${hub}`.toLowerCase();
  return {
    kind: "eventhubs",
    service: "Event Hubs",
    url: new URL(`${resource}/messages?api-version=2014-01`),
    display: `Event Hubs sb://${url.host}/${hub}`,
    dataset,
    tag: fnv1a(dataset),
    local,
    sas: { keyName, key, resource },
  };
}
