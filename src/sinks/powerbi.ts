/**
 * Posting rows to a Power BI push URL: batches within Power BI's limits,
 * requests paced to its quotas, and retries only where a retry can help.
 */
import type { MetricRow } from "../rows/flatten.ts";
import { PushError } from "../util/errors.ts";
import { redact } from "../util/redact.ts";
import { SlidingWindow, type WindowQuota } from "../util/sliding_window.ts";
import type { DatasetMode } from "../config/settings.ts";
import type { BatchLimits } from "./batches.ts";
import type { PushTarget } from "./push_target.ts";
import { type Attempt, RetryingSender, type SenderOptions } from "./sender.ts";

/**
 * Power BI's limits for push and streaming datasets (shared/reference/power-bi.md; Microsoft Learn, "Push semantic
 * model limitations" for the push ones, "Real-time streaming in Power BI" for the streaming ones).
 */
export const POWER_BI_LIMITS = {
  rowsPerRequest: 10_000,
  /** Streaming datasets (Streaming, PushStreaming) only. */
  bytesPerStreamingRequest: 15_000,
  /** Streaming datasets (Streaming, PushStreaming): "5 max requests per second". */
  requestsPerSecond: { limit: 5, windowMs: 1_000 } satisfies WindowQuota,
  /** Push semantic models (Push, PushStreaming): "120 POST rows requests per minute per semantic model". */
  requestsPerMinute: { limit: 120, windowMs: 60_000 } satisfies WindowQuota,
  /** Push and PushStreaming datasets: rows a dataset takes an hour; more are refused. */
  rowsPerHour: 1_000_000,
  /** Rows a table keeps under basicFIFO retention: the newest, the oldest dropped. */
  fifoRows: 200_000,
  /** Rows a table without FIFO retention holds before it refuses more. */
  maxRowsWithoutFifo: 5_000_000,
  /** Once a table holds this many rows, only 120 POST requests an hour are taken. */
  largeTableRows: 250_000,
} as const;

/** The batch limits for a dataset of this mode. */
export function batchLimitsFor(mode: DatasetMode): BatchLimits {
  return mode === "Push"
    ? { maxRows: POWER_BI_LIMITS.rowsPerRequest }
    : { maxRows: POWER_BI_LIMITS.rowsPerRequest, maxBytes: POWER_BI_LIMITS.bytesPerStreamingRequest };
}

/**
 * The request quotas of a dataset of this mode: a Streaming dataset's 5 a
 * second, a push model's 120 a minute, and both for PushStreaming (a push
 * model with streaming). Each mode is paced by its own limits only.
 */
export function requestQuotasFor(mode: DatasetMode): WindowQuota[] {
  const { requestsPerSecond, requestsPerMinute } = POWER_BI_LIMITS;
  return mode === "Push"
    ? [requestsPerMinute]
    : mode === "Streaming"
    ? [requestsPerSecond]
    : [requestsPerSecond, requestsPerMinute];
}

/** One set of quota windows per dataset for the whole process (watch mode reuses them). */
const datasetWindows = new Map<string, SlidingWindow[]>();

function windowsFor(dataset: string, mode: DatasetMode, now: () => number): SlidingWindow[] {
  const key = `${mode}/${dataset}`;
  let windows = datasetWindows.get(key);
  if (!windows) {
    windows = requestQuotasFor(mode).map((quota) => new SlidingWindow(quota, now));
    datasetWindows.set(key, windows);
  }
  return windows;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Power BI's own words from an error body, else the start of the body. */
function powerBiMessage(body: string): string {
  try {
    const parsed = JSON.parse(body);
    const error = parsed?.error ?? parsed;
    const message = error?.message ?? error?.["pbi.error"]?.code ?? error?.code;
    if (typeof message === "string" && message) return message;
  } catch { /* not JSON */ }
  return body.trim().replace(/\s+/g, " ").slice(0, 200) || "(no message)";
}

const HINTS: Record<number, string> = {
  400: "the dataset's columns must match the rows: `connect-metrics schema` prints them",
  401: "the push URL's key was revoked or is wrong: copy the Push URL again from the dataset's API info",
  403: "the push URL's key was revoked or is wrong: copy the Push URL again from the dataset's API info",
  404: "the dataset was deleted or the URL is wrong: copy the Push URL again from the dataset's API info",
};

export class PowerBiPusher extends RetryingSender {
  readonly #windows: SlidingWindow[];

  /** `mode`: the dataset's (settings.json powerBiDatasetMode), whose limits pace the requests. */
  constructor(target: PushTarget, options: SenderOptions = {}, mode: DatasetMode = "PushStreaming") {
    super(target, options);
    this.#windows = windowsFor(target.dataset, mode, this.now);
  }

  protected get unreachableHint(): string {
    return "check the network and https://status.powerbi.com";
  }

  protected body(rows: readonly MetricRow[]): string {
    return JSON.stringify(rows);
  }

  /** Waits for the dataset's quotas to allow a request and counts it; returns the times it was counted at. */
  async #paced(): Promise<number[]> {
    for (;;) {
      const wait = Math.max(...this.#windows.map((w) => w.waitMs()));
      if (wait <= 0) break;
      await sleep(wait);
    }
    return this.#windows.map((w) => w.take());
  }

  protected async attempt(body: string, timeoutMs: number): Promise<Attempt> {
    const counted = await this.#paced();
    const response = await this.exchange(
      { method: "POST", headers: { "content-type": "application/json" }, body },
      timeoutMs,
    );
    if ("kind" in response) return response;
    // Power BI counts a request when it arrives, some time after it was counted here: count it again on the answer.
    this.#windows.forEach((w, i) => w.restamp(counted[i], this.now()));
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: "ok" };
    const message = redact(powerBiMessage(response.text));
    if (status === 429) return this.throttled(response, `HTTP 429 ${message}`, "Power BI is throttling this dataset");
    if (status >= 500 || status === 408) return { kind: "retry", reason: `HTTP ${status} ${message}` };
    return {
      kind: "fail",
      error: new PushError(`Power BI refused the rows: HTTP ${status}: ${message}`, HINTS[status], status),
    };
  }
}
