/**
 * Posting rows to a Power BI push URL: batches within Power BI's limits,
 * requests paced to its quotas, and retries only where a retry can help.
 */
import type { MetricRow } from "../rows/flatten.ts";
import { PushError } from "../util/errors.ts";
import { redact } from "../util/redact.ts";
import { SlidingWindow, type WindowQuota } from "../util/sliding_window.ts";
import { isUntrustedCertificate, UNTRUSTED_CERTIFICATE_HINT } from "../util/tls_trust.ts";
import { type DatasetMode, DEFAULT_PUSH_SETTINGS } from "../config/settings.ts";
import type { PushTarget } from "./push_target.ts";

/** Power BI's limits for push and streaming datasets (shared/reference/power-bi.md). */
export const POWER_BI_LIMITS = {
  rowsPerRequest: 10_000,
  /** Streaming datasets only. */
  bytesPerStreamingRequest: 15_000,
  requestsPerSecond: { limit: 5, windowMs: 1_000 } satisfies WindowQuota,
  requestsPerMinute: { limit: 120, windowMs: 60_000 } satisfies WindowQuota,
} as const;

export interface BatchLimits {
  readonly maxRows: number;
  /** Undefined for push datasets, which have no per-request size limit. */
  readonly maxBytes?: number;
}

/** The batch limits for a dataset of this mode. */
export function batchLimitsFor(mode: DatasetMode): BatchLimits {
  return mode === "Push"
    ? { maxRows: POWER_BI_LIMITS.rowsPerRequest }
    : { maxRows: POWER_BI_LIMITS.rowsPerRequest, maxBytes: POWER_BI_LIMITS.bytesPerStreamingRequest };
}

const utf8 = new TextEncoder();
const byteLength = (text: string) => utf8.encode(text).length;

/**
 * Rows in order, split into request bodies of at most `maxRows` rows and
 * `maxBytes` bytes of JSON. A single row larger than `maxBytes` goes alone.
 */
export function splitIntoBatches(rows: readonly MetricRow[], limits: BatchLimits): MetricRow[][] {
  const batches: MetricRow[][] = [];
  let batch: MetricRow[] = [];
  let bytes = 2; // "[" and "]"
  for (const row of rows) {
    const rowBytes = byteLength(JSON.stringify(row));
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

export interface PusherOptions {
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
  /** Attempts per batch, the first included (default 5). */
  readonly maxAttempts?: number;
  /** First backoff after a 5xx, timeout or reset; doubles each time, with jitter (default 1 s). */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Longest Retry-After honoured before giving up on the batch (default 5 min). */
  readonly maxRetryAfterMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface PushCounts {
  requests: number;
  retries: number;
  rows: number;
}

/** One pair of quota windows per dataset for the whole process (watch mode reuses them). */
const datasetWindows = new Map<string, SlidingWindow[]>();

function windowsFor(dataset: string, now: () => number): SlidingWindow[] {
  let windows = datasetWindows.get(dataset);
  if (!windows) {
    windows = [
      new SlidingWindow(POWER_BI_LIMITS.requestsPerSecond, now),
      new SlidingWindow(POWER_BI_LIMITS.requestsPerMinute, now),
    ];
    datasetWindows.set(dataset, windows);
  }
  return windows;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The run's time ran out before Power BI took a batch: the rows wait in the outbox. */
function outOfTime(lastReason: string): PushError {
  return new PushError(
    `Power BI had not taken the rows when the run's time was up${lastReason ? ` (last: ${lastReason})` : ""}`,
    'the next --push run sends them first; settings.json "runSeconds" sets how long a run may take',
  );
}

/** Seconds or an HTTP date, as milliseconds from now; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * What went wrong under fetch's bare "fetch failed": its cause (refused,
 * DNS, certificate), without the URL it names, which holds the key.
 */
function fetchFailure(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  const said = cause instanceof Error ? cause.message : error.message;
  // Deno's HTTP library says "client error (Connect)" for a connection it could not make: nothing to do with Amazon
  // Connect, so it is said in plain words.
  return said.replace(/^error sending request for url \([^)]*\): /, "")
    .replace(/^client error \(Connect\): (tcp connect error: )?/, "could not connect: ");
}

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

type Attempt =
  | { kind: "ok" }
  | { kind: "retry"; waitMs?: number; reason: string }
  | { kind: "fail"; error: PushError };

export class PowerBiPusher {
  readonly counts: PushCounts = { requests: 0, retries: 0, rows: 0 };
  readonly #windows: SlidingWindow[];
  readonly #now: () => number;

  constructor(readonly target: PushTarget, readonly options: PusherOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#windows = windowsFor(target.dataset, this.#now);
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

  /** settings.json's pushTimeoutSeconds, or its default. */
  get #timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_PUSH_SETTINGS.timeoutSeconds * 1000;
  }

  async #attempt(body: string, timeoutMs: number): Promise<Attempt> {
    const counted = await this.#paced();
    this.counts.requests++;
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.target.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const e = error as Error;
      const failure = redact(fetchFailure(e));
      if (isUntrustedCertificate(failure)) {
        // As untrusted on the next attempt: only the machine's trust can change that.
        return {
          kind: "fail",
          error: new PushError(`Power BI's certificate is not trusted (${failure})`, UNTRUSTED_CERTIFICATE_HINT),
        };
      }
      const reason = e.name === "TimeoutError"
        ? `no answer within ${Math.round(timeoutMs / 100) / 10} s`
        : `connection failed (${failure})`;
      return { kind: "retry", reason };
    }
    // Power BI counts a request when it arrives, some time after it was counted here: count it again on the answer.
    this.#windows.forEach((w, i) => w.restamp(counted[i], this.#now()));
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: "ok" };
    const message = redact(powerBiMessage(text));
    if (status === 429) {
      const waitMs = parseRetryAfter(response.headers.get("retry-after"), this.#now());
      if (waitMs !== undefined && waitMs > (this.options.maxRetryAfterMs ?? 300_000)) {
        return {
          kind: "fail",
          error: new PushError(`Power BI is throttling this dataset for ${Math.ceil(waitMs / 1000)} s`, undefined, 429),
        };
      }
      return { kind: "retry", ...(waitMs === undefined ? {} : { waitMs }), reason: `HTTP 429 ${message}` };
    }
    if (status >= 500 || status === 408) return { kind: "retry", reason: `HTTP ${status} ${message}` };
    return {
      kind: "fail",
      error: new PushError(`Power BI refused the rows: HTTP ${status}: ${message}`, HINTS[status], status),
    };
  }

  /**
   * Posts one batch (a JSON array), retrying what can be retried; never
   * past `stopBy` (epoch ms), when it gives up with the rows kept.
   */
  async post(rows: readonly MetricRow[], stopBy = Infinity): Promise<void> {
    const body = JSON.stringify(rows);
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_PUSH_SETTINGS.attempts;
    let lastReason = "";
    const timeLeft = () => stopBy - this.#now();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (timeLeft() <= 0) throw outOfTime(lastReason);
      if (attempt > 1) this.counts.retries++;
      const result = await this.#attempt(body, Math.min(this.#timeoutMs, timeLeft()));
      if (result.kind === "ok") {
        this.counts.rows += rows.length;
        return;
      }
      if (result.kind === "fail") throw result.error;
      lastReason = result.reason;
      if (attempt === maxAttempts) break;
      const wait = result.waitMs ?? this.#backoff(attempt);
      if (wait >= timeLeft()) throw outOfTime(lastReason);
      await sleep(wait);
    }
    const { local, url } = this.target;
    throw new PushError(
      `Power BI did not take the rows after ${maxAttempts} attempt(s): ${lastReason}`,
      local
        ? `is the program that should answer at ${url.protocol}//${url.host} running? the next --push run sends them`
        : "check the network and https://status.powerbi.com; the next --push run sends them",
    );
  }

  /** Exponential backoff with jitter: between half and all of base * 2^(attempt-1), capped. */
  #backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 1_000;
    const cap = this.options.backoffMaxMs ?? 30_000;
    const random = this.options.random ?? Math.random;
    return Math.round(Math.min(cap, base * 2 ** (attempt - 1)) * (0.5 + random() / 2));
  }
}
