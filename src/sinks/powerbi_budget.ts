/**
 * What a fleet sends a Power BI dataset, against the dataset's limits: rows
 * an hour, requests a cycle and a minute, how much history the table keeps, and whether
 * Power BI will refuse it. The limits are POWER_BI_LIMITS; this is arithmetic.
 */
import type { DatasetMode } from "../config/settings.ts";
import { type FleetShape, sampleRows } from "../rows/sample.ts";
import { splitIntoBatches } from "./batches.ts";
import { batchLimitsFor, POWER_BI_LIMITS, requestQuotasFor } from "./powerbi.ts";

/** The clients whose rows go to one dataset, each with its queue names (the rows' size depends on them). */
export interface BudgetInput extends FleetShape {
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

export function powerBiBudget(input: BudgetInput): PowerBiBudget {
  const rows = sampleRows(input);
  const rowsPerCycle = rows.length;
  const cyclesPerHour = HOUR / input.everyMs;
  const rowsPerHour = Math.round(rowsPerCycle * cyclesPerHour);
  const requestsPerCycle = splitIntoBatches(rows, batchLimitsFor(input.mode)).length;
  // Cycle after cycle the windows are never empty: each request takes its share of each of its mode's windows.
  const quotas = requestQuotasFor(input.mode);
  const pushMs = Math.max(...quotas.map((q) => requestsPerCycle / q.limit * q.windowMs));
  const slowest = quotas.reduce((a, b) => (a.windowMs / a.limit >= b.windowMs / b.limit ? a : b));
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
        `${slowest.limit} a ${slowest.windowMs === 1_000 ? "second" : "minute"}, longer than the ` +
        `${input.everyMs / 1000} s between cycles: the push cannot keep up`,
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
