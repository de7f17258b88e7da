/**
 * The Power BI push URL: where it comes from, what a valid one looks like,
 * and how it is shown. The whole URL is a secret (its `key=` authorises
 * writes), so it is only ever printed masked.
 */
import { ConfigError, UsageError } from "../util/errors.ts";
import { registerSecret } from "../util/redact.ts";
import { unquoted } from "../util/text.ts";

export const PUSH_URL_ENV = "CONNECT_METRICS_POWERBI_URL";

export interface PushTarget {
  readonly url: URL;
  /** `https://api.powerbi.com/beta/…/rows?key=***`: safe to print. */
  readonly display: string;
  /** Identifies the dataset for pacing (host + path, no key). */
  readonly dataset: string;
  /** A short name of the dataset that gives nothing away (8 hex digits), for outbox file names. */
  readonly tag: string;
  /** A receiver on this machine (localhost, 127.0.0.1): not Power BI's service. */
  readonly local: boolean;
}

/** Where the URL was found, in the words the user would search for. */
export type PushUrlSource = "flag" | "env" | "settings";

const EXAMPLE = "https://api.powerbi.com/beta/<tenant>/datasets/<dataset>/rows?key=<key>";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const POWER_BI_PATH = /^\/beta\/[^/]+\/datasets\/[^/]+\/rows\/?$/;

/** The masked form of a push URL, for messages. */
export function displayPushUrl(url: URL): string {
  return `${url.protocol}//${url.host}/beta/…/rows?key=***`;
}

/**
 * Picks the URL from `--push URL`, else the environment, else settings.json,
 * and validates it. Throws a one-line error naming the source, never the key.
 */
export function resolvePushTarget(
  sources: { flag?: string; env?: string; settings?: string; settingsFile?: string; settingsMisnamed?: string },
): PushTarget {
  const [raw, source] = sources.flag
    ? [sources.flag, "flag" as const]
    : sources.env
    ? [sources.env, "env" as const]
    : sources.settings
    ? [sources.settings, "settings" as const]
    : [undefined, undefined];
  if (raw === undefined || source === undefined) {
    throw new UsageError(
      sources.settingsFile
        ? `--push needs the Power BI push URL: paste it into "powerBiUrl" in ${sources.settingsFile}, or set ${PUSH_URL_ENV}`
        : `--push needs the Power BI push URL: set ${PUSH_URL_ENV} or "powerBiUrl" in settings.json`,
      sources.settingsMisnamed ??
        "the URL is on the streaming dataset's API info page in Power BI; keep it off the command line, " +
          "where other processes can see it",
    );
  }
  return parsePushUrl(raw, source, sources.settingsFile);
}

export function parsePushUrl(raw: string, source: PushUrlSource, settingsFile = "settings.json"): PushTarget {
  const where = source === "flag" ? "--push" : source === "env" ? PUSH_URL_ENV : `${settingsFile}: field "powerBiUrl"`;
  // Typed on the const, so that TypeScript narrows after a call.
  const fail: (what: string) => never = (what) => {
    const Error = source === "flag" ? UsageError : ConfigError;
    throw new Error(`${where}: ${what}; expected a Power BI push URL like ${EXAMPLE}`);
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
  if (!LOOPBACK.has(url.hostname)) {
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
  return { url, display, dataset, tag: fnv1a(dataset), local: LOOPBACK.has(url.hostname) };
}

/** FNV-1a, 32 bits, as 8 hex digits: tells a handful of datasets apart without naming them. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}
