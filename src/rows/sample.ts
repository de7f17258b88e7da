/**
 * Rows as a fleet's would be, without fetching: each client's queue names
 * and the columns, with three-digit KPI values. For what depends on how
 * many rows a cycle makes and how big they are (the Power BI budget, the
 * outbox's bound); never written anywhere.
 */
import type { MetricRow } from "./flatten.ts";

export interface FleetShape {
  readonly clients: readonly { readonly clientName: string; readonly queueNames: readonly string[] }[];
  /** Every column of a row (Date, Client, QueueName, then the KPI columns). */
  readonly columns: readonly string[];
}

export function sampleRows(fleet: FleetShape): MetricRow[] {
  return fleet.clients.flatMap((c) =>
    c.queueNames.map((queueName) => {
      const row: MetricRow = {};
      for (const column of fleet.columns) row[column] = 100;
      return { ...row, Date: "2026-01-01T00:00:00.000", Client: c.clientName, QueueName: queueName };
    })
  );
}

/** The JSON bytes of one cycle's rows, as the outbox and the output files hold them. */
export function cycleBytes(fleet: FleetShape): number {
  return new TextEncoder().encode(JSON.stringify(sampleRows(fleet))).length;
}
