/**
 * Rows in request-sized batches: the one rule for how many rows, and how
 * many bytes of them, go into one request to a push destination.
 */
import type { MetricRow } from "../rows/flatten.ts";

export interface BatchLimits {
  readonly maxRows: number;
  /** Undefined where the destination has no per-request size limit (a Push-mode dataset). */
  readonly maxBytes?: number;
  /** Bytes a row adds to a request body besides its JSON and a comma (Event Hubs wraps each row). */
  readonly rowBytes?: (row: MetricRow) => number;
}

const utf8 = new TextEncoder();
export const byteLength = (text: string): number => utf8.encode(text).length;

/**
 * Rows in order, split into request bodies of at most `maxRows` rows and
 * `maxBytes` bytes. A single row larger than `maxBytes` goes alone.
 */
export function splitIntoBatches(rows: readonly MetricRow[], limits: BatchLimits): MetricRow[][] {
  const measure = limits.rowBytes ?? ((row: MetricRow) => byteLength(JSON.stringify(row)));
  const batches: MetricRow[][] = [];
  let batch: MetricRow[] = [];
  let bytes = 2; // "[" and "]"
  for (const row of rows) {
    const rowBytes = measure(row);
    const fits = batch.length < limits.maxRows &&
      (limits.maxBytes === undefined || batch.length === 0 || bytes + 1 + rowBytes <= limits.maxBytes);
    if (!fits) {
      batches.push(batch);
      batch = [];
      bytes = 2;
    }
    bytes += rowBytes + (batch.length > 0 ? 1 : 0);
    batch.push(row);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
