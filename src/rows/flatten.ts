/** API results -> the published rows (pure). */
import { type MetricColumn, metricKey } from "../connect/catalogue.ts";
import type { Queue } from "../config/queue_list.ts";
import type { QueueValues } from "../connect/fetch.ts";

/** One row of the output file and the Power BI dataset. */
export type MetricRow = Record<string, string | number>;

export interface FlattenInput {
  /** One timestamp per run: local wall-clock time, no offset. */
  readonly date: string;
  readonly clientName: string;
  /** In config order: the order of the rows. */
  readonly queues: Iterable<Queue>;
  readonly columns: readonly MetricColumn[];
  readonly values: QueueValues;
}

/**
 * One row per configured queue, every row with every column: Date, Client,
 * QueueName, then the KPI columns. A queue Connect said nothing about gets 0.
 */
export function flattenRows(input: FlattenInput): MetricRow[] {
  // Each column's key once, not once a row.
  const keys = input.columns.map((c) => metricKey(c.metric.name, c.threshold));
  return Array.from(input.queues, (queue) => {
    const values = input.values.get(queue.id);
    const row: MetricRow = {
      Date: input.date,
      Client: input.clientName,
      QueueName: queue.name,
    };
    for (let i = 0; i < keys.length; i++) row[input.columns[i].column] = values?.get(keys[i]) ?? 0;
    return row;
  });
}
