/**
 * The metric catalogue: every Amazon Connect metric this tool can ask for,
 * which API serves it, its statistic and unit, and the published columns.
 * The single source of truth for the client, the emulator and `schema`.
 */
import type { OldestContactAgeUnit } from "../config/settings.ts";

export type MetricApi = "current" | "historical";
export type Unit = "COUNT" | "SECONDS" | "PERCENT";
export type Statistic = "SUM" | "AVG" | "MAX";

export interface MetricDefinition {
  readonly name: string;
  readonly api: MetricApi;
  readonly unit: Unit;
  /** Historical metrics only. */
  readonly statistic?: Statistic;
  /** SERVICE_LEVEL needs a threshold in seconds (1..604800). */
  readonly needsThreshold?: boolean;
}

const current = (name: string, unit: Unit): MetricDefinition => ({
  name,
  api: "current",
  unit,
});
const historical = (
  name: string,
  statistic: Statistic,
  unit: Unit,
  needsThreshold = false,
): MetricDefinition => ({
  name,
  api: "historical",
  statistic,
  unit,
  ...(needsThreshold ? { needsThreshold } : {}),
});

/** Every metric of the reference sheet, keyed by its Connect name. */
export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(
  [
    ...[
      "AGENTS_ONLINE",
      "AGENTS_AVAILABLE",
      "AGENTS_ON_CALL",
      "AGENTS_NON_PRODUCTIVE",
      "AGENTS_AFTER_CONTACT_WORK",
      "AGENTS_ERROR",
      "AGENTS_STAFFED",
      "AGENTS_ON_CONTACT",
      "CONTACTS_IN_QUEUE",
      "CONTACTS_SCHEDULED",
      "SLOTS_ACTIVE",
      "SLOTS_AVAILABLE",
    ].map((name) => current(name, "COUNT")),
    current("OLDEST_CONTACT_AGE", "SECONDS"),
    current("ESTIMATED_WAIT_TIME", "SECONDS"),
    ...[
      "CONTACTS_QUEUED",
      "CONTACTS_HANDLED",
      "CONTACTS_ABANDONED",
      "CONTACTS_CONSULTED",
      "CONTACTS_AGENT_HUNG_UP_FIRST",
      "CONTACTS_HANDLED_INCOMING",
      "CONTACTS_HANDLED_OUTBOUND",
      "CONTACTS_HOLD_ABANDONS",
      "CONTACTS_TRANSFERRED_IN",
      "CONTACTS_TRANSFERRED_OUT",
      "CONTACTS_TRANSFERRED_IN_FROM_QUEUE",
      "CONTACTS_TRANSFERRED_OUT_FROM_QUEUE",
      "CONTACTS_MISSED",
      "CALLBACK_CONTACTS_HANDLED",
      "API_CONTACTS_HANDLED",
    ].map((name) => historical(name, "SUM", "COUNT")),
    ...[
      "ABANDON_TIME",
      "AFTER_CONTACT_WORK_TIME",
      "HANDLE_TIME",
      "HOLD_TIME",
      "INTERACTION_TIME",
      "INTERACTION_AND_HOLD_TIME",
      "QUEUE_ANSWER_TIME",
    ].map((name) => historical(name, "AVG", "SECONDS")),
    historical("QUEUED_TIME", "MAX", "SECONDS"),
    historical("OCCUPANCY", "AVG", "PERCENT"),
    historical("SERVICE_LEVEL", "AVG", "PERCENT", true),
  ].map((metric) => [metric.name, metric]),
);

/** Limits on SERVICE_LEVEL thresholds and their count per request. */
export const SERVICE_LEVEL_THRESHOLD = { min: 1, max: 604800 } as const;
export const MAX_SERVICE_LEVEL_METRICS = 20;

/** One published KPI column: its name in the file and the metric behind it. */
export interface MetricColumn {
  readonly column: string;
  readonly metric: MetricDefinition;
  /** Seconds, for SERVICE_LEVEL. */
  readonly threshold?: number;
}

function column(name: string, metric: string): MetricColumn {
  return { column: name, metric: METRICS.get(metric)! };
}

/** The published layout of 2019: the columns after Date, Client, QueueName. */
export const DEFAULT_COLUMNS: readonly MetricColumn[] = [
  column("Call", "CONTACTS_QUEUED"),
  column("CONTACTS_HANDLED", "CONTACTS_HANDLED"),
  column("Abandoned", "CONTACTS_ABANDONED"),
  column("Agents", "AGENTS_ONLINE"),
  column("AGENTS_ON_CALL", "AGENTS_ON_CALL"),
  column("MaxOCW", "OLDEST_CONTACT_AGE"),
  column("InQueue", "CONTACTS_IN_QUEUE"),
  column("ACW", "AGENTS_AFTER_CONTACT_WORK"),
  column("Available", "AGENTS_AVAILABLE"),
];

/** The columns every row starts with, before the KPI columns. */
export const ROW_KEY_COLUMNS = ["Date", "Client", "QueueName"] as const;

/** Every column of a row, in order, for these KPI columns. */
export function rowColumns(columns: readonly MetricColumn[]): string[] {
  return [...ROW_KEY_COLUMNS, ...columns.map((c) => c.column)];
}

/**
 * The key a value is stored under once fetched: the metric name, plus the
 * threshold for SERVICE_LEVEL so that SL 20 s and SL 60 s stay apart.
 */
export function metricKey(name: string, threshold?: number): string {
  return threshold === undefined ? name : `${name}@${threshold}`;
}

/**
 * The service model says OLDEST_CONTACT_AGE is in seconds when the request
 * has groupings and in milliseconds without, although Unit always says
 * SECONDS (users have reported the reverse: aws-sdk-js issue 3263). This is
 * the one place that rule lives; `settings.json` can override it.
 */
export function oldestContactAgeUnit(grouped: boolean): OldestContactAgeUnit {
  return grouped ? "SECONDS" : "MILLISECONDS";
}

/** A value as Connect returned it, normalised to the catalogue's unit. */
export function normaliseValue(
  metricName: string,
  value: number,
  oldestAgeUnit: OldestContactAgeUnit,
): number {
  if (metricName === "OLDEST_CONTACT_AGE" && oldestAgeUnit === "MILLISECONDS") {
    return Math.round(value / 1000);
  }
  return value;
}
