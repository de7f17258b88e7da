/**
 * What a fleet sends a Power BI dataset, against the dataset's limits: rows
 * an hour, requests a cycle and a minute, how much history the table keeps, and whether
 * Power BI will refuse it. The limits are POWER_BI_LIMITS; this is arithmetic.
 */
import type { DatasetMode } from "../config/settings.ts";
import type { MetricRow } from "../rows/flatten.ts";
import { splitIntoBatches } from "./batches.ts";
import { batchLimitsFor, POWER_BI_LIMITS } from "./powerbi.ts";

/** The clients whose rows go to one dataset, each with its queue names (the rows' size depends on them). */
export interface BudgetInput {
  readonly clients: readonly { readonly clientName: string; readonly queueNames: readonly string[] }[];
  /** Every column of a row (Date, Client, QueueName, then the KPI columns). */
  readonly columns: readonly string[];
  readonly everyMs: number;
  readonly mode: DatasetMode;
}

export interface PowerBiBudget {
  readonly clients: number;
  readonly rowsPerCycle: number;
  readonly rowsPerHour: number;
  /** Requests one cycle's rows take (the batches of their dataset mode). */
  readonly requestsPerCycle: number;
  /** How long one cycle's push takes at Power BI's request quotas. */
  readonly pushMs: number;
  /** With basicFIFO (Push, PushStreaming): how far back the table's rows go. */
  readonly fifoWindowMs: number;
  /** Without FIFO: hours until the table is full and refuses rows. */
  readonly hoursToFillWithoutFifo: number;
  /** Whether the dataset mode stores rows at all (Streaming does not). */
  readonly storesRows: boolean;
  /** Why Power BI will refuse the rows or fall behind; empty when it takes them. */
  readonly problems: readonly string[];
  /** Set with a problem: the shortest interval that fits, and the most clients per dataset at this one. */
  readonly remedy?: { readonly everyMs: number; readonly clientsPerDataset: number };
}

const HOUR = 3_600_000;

/** A row as the fleet's would be, with three-digit KPI values: for its size. */
function sampleRow(clientName: string, queueName: string, columns: readonly string[]): MetricRow {
  const row: Record<string, string | number> = {};
  for (const c of columns) row[c] = 100;
  return { ...row, Date: "2026-01-01T00:00:00.000", Client: clientName, QueueName: queueName } as MetricRow;
}

export function powerBiBudget(input: BudgetInput): PowerBiBudget {
  const rows = input.clients.flatMap((c) => c.queueNames.map((q) => sampleRow(c.clientName, q, input.columns)));
  const rowsPerCycle = rows.length;
  const cyclesPerHour = HOUR / input.everyMs;
  const rowsPerHour = Math.round(rowsPerCycle * cyclesPerHour);
  const requestsPerCycle = splitIntoBatches(rows, batchLimitsFor(input.mode)).length;
  const { requestsPerMinute, requestsPerSecond } = POWER_BI_LIMITS;
  // Cycle after cycle the windows are never empty: each request takes its share of each window.
  const pushMs = Math.max(
    requestsPerCycle / requestsPerMinute.limit * requestsPerMinute.windowMs,
    requestsPerCycle / requestsPerSecond.limit * requestsPerSecond.windowMs,
  );
  const storesRows = input.mode !== "Streaming";
  const problems: string[] = [];
  if (storesRows && rowsPerHour > POWER_BI_LIMITS.rowsPerHour) {
    problems.push(
      `${rowsPerHour.toLocaleString("en-GB")} rows an hour is over the ${
        POWER_BI_LIMITS.rowsPerHour.toLocaleString("en-GB")
      } a dataset takes: Power BI will refuse rows`,
    );
  }
  if (pushMs > input.everyMs) {
    problems.push(
      `each cycle's ${requestsPerCycle} requests take ${Math.ceil(pushMs / 1000)} s at Power BI's ` +
        `${requestsPerMinute.limit} a minute, longer than the ${input.everyMs / 1000} s between cycles: ` +
        "the push cannot keep up",
    );
  }
  const fitsEveryMs = Math.max(
    input.everyMs,
    storesRows ? rowsPerCycle * HOUR / POWER_BI_LIMITS.rowsPerHour : 0,
    pushMs,
  );
  const clients = input.clients.length;
  return {
    clients,
    rowsPerCycle,
    rowsPerHour,
    requestsPerCycle,
    pushMs,
    fifoWindowMs: rowsPerHour > 0 ? POWER_BI_LIMITS.fifoRows / rowsPerHour * HOUR : Infinity,
    hoursToFillWithoutFifo: rowsPerHour > 0 ? POWER_BI_LIMITS.maxRowsWithoutFifo / rowsPerHour : Infinity,
    storesRows,
    problems,
    ...(problems.length > 0
      ? {
        remedy: {
          everyMs: Math.ceil(fitsEveryMs / 10_000) * 10_000,
          clientsPerDataset: Math.max(1, Math.floor(clients * input.everyMs / fitsEveryMs)),
        },
      }
      : {}),
  };
}
