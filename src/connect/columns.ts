/**
 * The KPI columns of every row: the 2019 layout, as settings.json renames
 * and extends it, checked against the metric catalogue.
 */
import {
  DEFAULT_COLUMNS,
  MAX_SERVICE_LEVEL_METRICS,
  type MetricColumn,
  METRICS,
  ROW_KEY_COLUMNS,
  SERVICE_LEVEL_THRESHOLD,
} from "./catalogue.ts";
import { type ColumnChoices, SETTINGS_FILE } from "../config/settings.ts";
import { ConfigError } from "../util/errors.ts";
import { didYouMean } from "../util/spelling.ts";

/**
 * The columns `choices` (settings.json's renameColumns and addColumns) make
 * of the 2019 layout. Throws a one-line `ConfigError` naming the field of
 * `file` that asks for what Connect or the row layout cannot give.
 */
export function kpiColumns(choices: ColumnChoices, file = SETTINGS_FILE): MetricColumn[] {
  // Typed on the const, so that TypeScript narrows after a call.
  const bad: (field: string, expected: string) => never = (field, expected) => {
    throw new ConfigError(`${file}: field "${field}": expected ${expected}`);
  };
  const columns: MetricColumn[] = [...DEFAULT_COLUMNS];
  for (const { from, to } of choices.renamed) {
    const index = columns.findIndex((c) => c.column === from);
    if (index < 0) {
      bad(
        `renameColumns.${from}`,
        `one of the columns ${DEFAULT_COLUMNS.map((c) => c.column).join(", ")}`,
      );
    }
    columns[index] = { ...columns[index], column: to };
  }

  choices.added.forEach(({ column, metric, threshold }, i) => {
    const where = `addColumns[${i}]`;
    const definition = typeof metric === "string" ? METRICS.get(metric) : undefined;
    if (!definition) {
      bad(
        `${where}.metric`,
        `an Amazon Connect metric name such as SERVICE_LEVEL or HANDLE_TIME (got ${JSON.stringify(metric)})` +
          (typeof metric === "string" ? didYouMean(metric, [...METRICS.keys()], { quoted: true }) : ""),
      );
    }
    if (definition!.needsThreshold) {
      if (
        typeof threshold !== "number" || !Number.isInteger(threshold) ||
        threshold < SERVICE_LEVEL_THRESHOLD.min || threshold > SERVICE_LEVEL_THRESHOLD.max
      ) {
        bad(
          `${where}.threshold`,
          `whole seconds from ${SERVICE_LEVEL_THRESHOLD.min} to ${SERVICE_LEVEL_THRESHOLD.max} for ${metric}`,
        );
      }
    } else if (threshold !== undefined) {
      bad(`${where}.threshold`, `nothing: only SERVICE_LEVEL takes a threshold`);
    }
    columns.push({
      column,
      metric: definition!,
      ...(threshold === undefined ? {} : { threshold: threshold }),
    });
  });

  const seen = new Set<string>(ROW_KEY_COLUMNS);
  for (const c of columns) {
    if (seen.has(c.column)) {
      throw new ConfigError(`${file}: column "${c.column}" appears twice; every column needs its own name`);
    }
    seen.add(c.column);
  }
  if (columns.filter((c) => c.metric.needsThreshold).length > MAX_SERVICE_LEVEL_METRICS) {
    throw new ConfigError(`${file}: at most ${MAX_SERVICE_LEVEL_METRICS} SERVICE_LEVEL columns are allowed by Connect`);
  }
  return columns;
}
