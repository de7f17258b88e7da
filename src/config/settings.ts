/**
 * `settings.json` (optional, beside the client configs): what the whole
 * install shares: extra or renamed KPI columns, an override for the
 * OLDEST_CONTACT_AGE unit should Connect disagree with its model, and how
 * `--push` reaches Power BI.
 */
import { ConfigError } from "../util/errors.ts";
import { registerSecret } from "../util/redact.ts";
import { parseInterval } from "../util/time.ts";
import { isObject, parseConfigJson, unknownFieldWarnings, withKnownNames } from "./json.ts";
import { DEFAULT_THRESHOLDS, parseThresholds, type Thresholds } from "./thresholds.ts";

/** The shortest "every" (and --every): Connect's real-time metrics change by the second, but its quota is shared. */
export const MIN_INTERVAL_MS = 10_000;

export const SETTINGS_FILE = "settings.json";

/**
 * What settings.json asks of the KPI columns, as written: connect/columns.ts
 * checks it against the metric catalogue and makes the columns of it.
 */
export interface ColumnChoices {
  /** renameColumns: a 2019 column's name, and its new one. */
  readonly renamed: readonly { readonly from: string; readonly to: string }[];
  /** addColumns, in order: the metric and threshold as they are in the file. */
  readonly added: readonly { readonly column: string; readonly metric: unknown; readonly threshold?: unknown }[];
}

/** What OLDEST_CONTACT_AGE values arrive in. */
export type OldestContactAgeUnit = "SECONDS" | "MILLISECONDS";

export interface Settings {
  /** The KPI columns of every row: the 2019 layout, renamed and added to. */
  readonly columns: ColumnChoices;
  /** Set only when the user overrides the catalogue's rule. */
  readonly oldestContactAgeUnit?: OldestContactAgeUnit;
  readonly push: PushSettings;
  /** `"every": "60s"`: the interval when the exe is double-clicked. */
  readonly everyMs?: number;
  /** Daily logs older than this many days are deleted. */
  readonly logRetentionDays: number;
  /** When the wallboard's tiles turn amber and red. */
  readonly thresholds: Thresholds;
}

export const DEFAULT_LOG_RETENTION_DAYS = 14;
const MAX_LOG_RETENTION_DAYS = 3650;

/** Power BI dataset modes (PostDataset's defaultMode); Streaming and PushStreaming limit requests to 15 KB. */
export type DatasetMode = "Push" | "Streaming" | "PushStreaming";
export const DATASET_MODES: readonly DatasetMode[] = ["Push", "Streaming", "PushStreaming"];

/** The mode `text` names, in any case ("streaming" is Streaming); undefined when it names none. */
export function datasetModeOf(text: string): DatasetMode | undefined {
  return DATASET_MODES.find((mode) => mode.toLowerCase() === text.trim().toLowerCase());
}

/** How `--push` behaves; the URL itself is a secret. */
export interface PushSettings {
  readonly powerBiUrl?: string;
  /** A Fabric Eventstream's (or any event hub's) connection string, instead of powerBiUrl. */
  readonly eventHubConnectionString?: string;
  readonly datasetMode: DatasetMode;
  readonly timeoutSeconds: number;
  readonly attempts: number;
  readonly outboxMaxDays: number;
  /** Undefined: sized from the fleet (sinks/outbox.ts outboxBoundMB). */
  readonly outboxMaxMB?: number;
  /**
   * How long a one-shot run goes on sending rows of earlier runs (a backlog
   * after Power BI was down) before leaving the rest to the next run, so
   * that a run scheduled every minute keeps fetching every minute.
   */
  readonly backlogSeconds: number;
  /**
   * How long a one-shot run may take in all: no push is still going on after
   * it, whatever Power BI does (hangs, slow answers, long Retry-After); rows
   * not sent by then wait in the outbox. Under a minute, for a task run every minute.
   */
  readonly runSeconds: number;
}

export const DEFAULT_PUSH_SETTINGS: PushSettings = {
  datasetMode: "Streaming",
  timeoutSeconds: 30,
  attempts: 5,
  outboxMaxDays: 7,
  backlogSeconds: 45,
  runSeconds: 55,
};

export const DEFAULT_SETTINGS: Settings = {
  columns: { renamed: [], added: [] },
  push: DEFAULT_PUSH_SETTINGS,
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
  thresholds: DEFAULT_THRESHOLDS,
};

/** Number fields of settings.json: [field, PushSettings key, min, max]. */
const PUSH_NUMBERS = [
  ["pushTimeoutSeconds", "timeoutSeconds", 1, 600],
  ["pushAttempts", "attempts", 1, 20],
  ["outboxMaxDays", "outboxMaxDays", 1, 365],
  ["outboxMaxMB", "outboxMaxMB", 1, 10_000],
  ["pushBacklogSeconds", "backlogSeconds", 1, 86_400],
  ["runSeconds", "runSeconds", 10, 86_400],
] as const;

const KNOWN_FIELDS = new Set([
  "addColumns",
  "renameColumns",
  "oldestContactAgeUnit",
  "powerBiUrl",
  "eventHubConnectionString",
  "powerBiDatasetMode",
  "every",
  "logRetentionDays",
  "thresholds",
  ...PUSH_NUMBERS.map(([field]) => field),
]);

/** Validates the text of settings.json. Throws a one-line `ConfigError`. */
export function parseSettings(
  text: string,
  file: string,
): { settings: Settings; warnings: string[] } {
  const raw = parseConfigJson(text, file);
  // Typed on the const, so that TypeScript narrows after a call (an arrow's own `never` does not).
  const bad: (field: string, expected: string) => never = (field, expected) => {
    throw new ConfigError(`${file}: field "${field}": expected ${expected}`);
  };
  if (!isObject(raw)) throw new ConfigError(`${file}: expected a JSON object { ... }`);
  // settings.json is this tool's own file: "powerBIUrl" is as good as "powerBiUrl".
  const fields = withKnownNames(raw, KNOWN_FIELDS, file);

  const rename = fields.renameColumns ?? {};
  if (!isObject(rename)) {
    bad("renameColumns", 'a map of old column name to new, e.g. { "Call": "Queued" }');
  }
  const renamed = Object.entries(rename as Record<string, unknown>).map(([from, to]) => {
    if (typeof to !== "string" || to.trim() === "") bad(`renameColumns.${from}`, "the new column name as text");
    return { from, to: to.trim() };
  });

  const added = fields.addColumns ?? [];
  if (!Array.isArray(added)) {
    bad("addColumns", 'a list like [{ "column": "SL60", "metric": "SERVICE_LEVEL", "threshold": 60 }]');
  }
  const addedColumns = (added as unknown[]).map((entry, i) => {
    const where = `addColumns[${i}]`;
    if (typeof entry !== "object" || entry === null) bad(where, '{ "column": NAME, "metric": METRIC }');
    const { column, metric, threshold } = entry as Record<string, unknown>;
    if (typeof column !== "string" || column.trim() === "") bad(`${where}.column`, "the column name as text");
    return { column: column.trim(), metric, ...(threshold === undefined ? {} : { threshold }) };
  });

  const typedUnit = fields.oldestContactAgeUnit;
  const unit = typeof typedUnit === "string" ? typedUnit.trim().toUpperCase() : typedUnit;
  if (unit !== undefined && unit !== "SECONDS" && unit !== "MILLISECONDS") {
    bad("oldestContactAgeUnit", "SECONDS or MILLISECONDS (leave it out to follow the Connect service model)");
  }

  const push: { -readonly [K in keyof PushSettings]: PushSettings[K] } = { ...DEFAULT_PUSH_SETTINGS };
  if (fields.powerBiUrl !== undefined) {
    if (typeof fields.powerBiUrl !== "string") bad("powerBiUrl", "the Power BI push URL as text");
    registerSecret(fields.powerBiUrl as string);
    if (fields.powerBiUrl.trim() !== "") push.powerBiUrl = fields.powerBiUrl.trim();
  }
  if (fields.eventHubConnectionString !== undefined) {
    const value = fields.eventHubConnectionString;
    if (typeof value !== "string") bad("eventHubConnectionString", "the Eventstream's connection string as text");
    registerSecret(value as string);
    if (value.trim() !== "") push.eventHubConnectionString = value.trim();
  }
  if (fields.powerBiDatasetMode !== undefined) {
    const mode = typeof fields.powerBiDatasetMode === "string" ? datasetModeOf(fields.powerBiDatasetMode) : undefined;
    if (!mode) bad("powerBiDatasetMode", `one of ${DATASET_MODES.join(", ")} (the dataset's defaultMode)`);
    push.datasetMode = mode!;
  }
  for (const [field, key, min, max] of PUSH_NUMBERS) {
    const value = fields[field];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      bad(field, `a whole number from ${min} to ${max}`);
    }
    push[key] = value;
  }

  let everyMs: number | undefined;
  // Blank, as init's settings.json says, is "run once".
  if (fields.every !== undefined && !(typeof fields.every === "string" && fields.every.trim() === "")) {
    // A bare number is seconds, as "--every 60" is.
    const every = typeof fields.every === "number" ? String(fields.every) : fields.every;
    everyMs = typeof every === "string" ? parseInterval(every) : undefined;
    if (everyMs === undefined || everyMs < MIN_INTERVAL_MS) {
      bad("every", `an interval of at least ${MIN_INTERVAL_MS / 1000}s, such as "60s" or "5m"`);
    }
  }

  const logRetentionDays = fields.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  if (
    typeof logRetentionDays !== "number" || !Number.isInteger(logRetentionDays) || logRetentionDays < 1 ||
    logRetentionDays > MAX_LOG_RETENTION_DAYS
  ) {
    bad("logRetentionDays", `a whole number of days from 1 to ${MAX_LOG_RETENTION_DAYS}`);
  }

  const warnings = unknownFieldWarnings(fields, KNOWN_FIELDS, file);
  return {
    settings: {
      columns: { renamed, added: addedColumns },
      ...(unit === undefined ? {} : { oldestContactAgeUnit: unit as OldestContactAgeUnit }),
      push,
      ...(everyMs ? { everyMs } : {}),
      logRetentionDays: logRetentionDays,
      thresholds: fields.thresholds === undefined ? DEFAULT_THRESHOLDS : parseThresholds(fields.thresholds, file),
    },
    warnings,
  };
}
