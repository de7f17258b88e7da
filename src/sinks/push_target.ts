/**
 * Where `--push` sends the rows, picked from the flag, the environment or
 * settings.json; and the Power BI push URL: what a valid one looks like and
 * how it is shown. The whole URL is a secret (its `key=` authorises
 * writes), so it is only ever printed masked.
 */
import { ConfigError, UsageError } from "../util/errors.ts";
import { registerSecret } from "../util/redact.ts";
import { unquoted } from "../util/text.ts";
import { isConnectionString, parseConnectionString } from "./eventhubs_target.ts";
import {
  EVENT_HUBS_ENV,
  fnv1a,
  LOOPBACK_HOSTS,
  PUSH_URL_ENV,
  type PushTarget,
  type PushUrlSource,
  sourceName,
} from "./target.ts";

export { EVENT_HUBS_ENV, PUSH_URL_ENV, type PushTarget };

const EXAMPLE = "https://api.powerbi.com/beta/<tenant>/datasets/<dataset>/rows?key=<key>";
const POWER_BI_PATH = /^\/beta\/[^/]+\/datasets\/[^/]+\/rows\/?$/;

/** The masked form of a push URL, for messages. */
export function displayPushUrl(url: URL): string {
  return `${url.protocol}//${url.host}/beta/…/rows?key=***`;
}

/** What settings.json and the environment hold; the flag's value wins over both. */
export interface PushSources {
  readonly flag?: string;
  readonly env?: string;
  readonly envEventHubs?: string;
  readonly settings?: string;
  readonly settingsEventHubs?: string;
  readonly settingsFile?: string;
  readonly settingsMisnamed?: string;
}

/**
 * Picks the destination from `--push VALUE`, else the environment, else
 * settings.json, and validates it. A run pushes to one destination, so two
 * set at the same level is an error. Throws a one-line error naming the
 * source, never the key.
 */
export function resolvePushTarget(sources: PushSources): PushTarget {
  const file = sources.settingsFile ?? "settings.json";
  if (sources.flag) return parsePushDestination(sources.flag, "flag", file);
  if (sources.env && sources.envEventHubs) {
    throw new UsageError(`both ${PUSH_URL_ENV} and ${EVENT_HUBS_ENV} are set; a run pushes to one: unset one`);
  }
  if (sources.env) return parsePushDestination(sources.env, "env", file);
  if (sources.envEventHubs) return parsePushDestination(sources.envEventHubs, "env-eventhubs", file);
  if (sources.settings && sources.settingsEventHubs) {
    throw new ConfigError(
      `${file}: fields "powerBiUrl" and "eventHubConnectionString" are both set; a run pushes to one: empty one`,
    );
  }
  if (sources.settings) return parsePushDestination(sources.settings, "settings", file);
  if (sources.settingsEventHubs) return parsePushDestination(sources.settingsEventHubs, "settings-eventhubs", file);
  throw new UsageError(
    sources.settingsFile
      ? `--push needs the Power BI push URL: paste it into "powerBiUrl" in ${sources.settingsFile}, or set ${PUSH_URL_ENV}`
      : `--push needs the Power BI push URL: set ${PUSH_URL_ENV} or "powerBiUrl" in settings.json`,
    sources.settingsMisnamed ??
      "the URL is on the streaming dataset's API info page in Power BI; keep it off the command line, " +
        `where other processes can see it. For Fabric, "eventHubConnectionString" or ${EVENT_HUBS_ENV} takes ` +
        "the Eventstream's connection string",
  );
}

/** A Power BI push URL or an Event Hubs connection string, whichever `raw` is. */
export function parsePushDestination(raw: string, source: PushUrlSource, settingsFile = "settings.json"): PushTarget {
  return isConnectionString(raw)
    ? parseConnectionString(raw, sourceName(source, settingsFile), source)
    : parsePushUrl(raw, source, settingsFile);
}

export function parsePushUrl(raw: string, source: PushUrlSource, settingsFile = "settings.json"): PushTarget {
  const where = sourceName(source, settingsFile);
  // Typed on the const, so that TypeScript narrows after a call.
  const fail: (what: string) => never = (what) => {
    const Error = source === "flag" ? UsageError : ConfigError;
    throw new Error(
      `${where}: ${what}; expected a Power BI push URL like ${EXAMPLE}` +
        (source === "env-eventhubs" || source === "settings-eventhubs" ? " or an Event Hubs connection string" : ""),
    );
  };
  // As mail and chat hand it over: in <...>, or with &amp; for & (copied out of HTML); neither is in a real URL.
  const text = unquoted(raw).replace(/^<(.*)>$/s, "$1").trim().replaceAll("&amp;", "&");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("not a URL");
  }
  const key = url.searchParams.get("key");
  if (key) {
    registerSecret(key);
    registerSecret(raw.trim());
    registerSecret(text);
  }
  const powerBiPath = POWER_BI_PATH.test(url.pathname);
  // A receiver on this machine, as in the 2019 document's `-PowerBIUrl http://localhost:8080`, gets the rows as Power
  // BI would, whatever its path; nothing sent over loopback leaves the machine, so it needs no key.
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    if (!key) {
      // Command Prompt runs what follows an unquoted & as another command: `rows?experience=...&key=...` loses its key.
      fail(
        source === "flag" && url.search
          ? "the URL has no key= (in a command, quote a URL with & in it)"
          : "the URL has no key=",
      );
    }
    if (url.protocol !== "https:") fail("it must start with https:// (plain http would send the key in clear)");
    if (!powerBiPath) fail("the path is not /beta/<tenant>/datasets/<dataset>/rows");
  }
  const display = powerBiPath
    ? displayPushUrl(url)
    : `${url.protocol}//${url.host}${url.pathname}${key ? "?key=***" : ""}`;
  const dataset = `${url.host}${url.pathname.replace(/\/$/, "")}`.toLowerCase();
  return {
    kind: "powerbi",
    service: "Power BI",
    url,
    display,
    dataset,
    tag: fnv1a(dataset),
    local: LOOPBACK_HOSTS.has(url.hostname),
  };
}
