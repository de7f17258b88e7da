/**
 * Sending one batch of rows over HTTPS with the retry rules every push
 * destination shares: a 5xx, 408, timeout or dropped connection is tried
 * again after a backoff (or the Retry-After given), anything else fails at
 * once, and nothing is still being tried after the run's time is up.
 * Power BI and Event Hubs differ only in the request and in reading the answer.
 */
import type { MetricRow } from "../rows/flatten.ts";
import { DEFAULT_PUSH_SETTINGS } from "../config/settings.ts";
import { PushError } from "../util/errors.ts";
import { redact } from "../util/redact.ts";
import { isUntrustedCertificate, UNTRUSTED_CERTIFICATE_HINT } from "../util/tls_trust.ts";
import type { PushTarget } from "./push_target.ts";

export interface SenderOptions {
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

/** What the push loop needs of a destination. */
export interface Sender {
  readonly target: PushTarget;
  /** Requests, retries and rows over the sender's life (a watch's). */
  readonly counts: PushCounts;
  /** Sends one batch, retrying what can be retried; never past `stopBy` (epoch ms). Throws a PushError. */
  post(rows: readonly MetricRow[], stopBy?: number): Promise<void>;
}

/** One request's outcome. */
export type Attempt =
  | { readonly kind: "ok" }
  | { readonly kind: "retry"; readonly waitMs?: number; readonly reason: string }
  | { readonly kind: "fail"; readonly error: PushError };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as milliseconds from now; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * What went wrong under fetch's bare "fetch failed": its cause (refused,
 * DNS, certificate), without the URL it names, which may hold a key.
 */
function fetchFailure(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  const said = cause instanceof Error ? cause.message : error.message;
  // Deno's HTTP library says "client error (Connect)" for a connection it could not make: nothing to do with Amazon
  // Connect, so it is said in plain words.
  return said.replace(/^error sending request for url \([^)]*\): /, "")
    .replace(/^client error \(Connect\): (tcp connect error: )?/, "could not connect: ");
}

/** The retry loop; a destination supplies the request and reads the answer. */
export abstract class RetryingSender implements Sender {
  readonly counts: PushCounts = { requests: 0, retries: 0, rows: 0 };
  protected readonly now: () => number;

  constructor(readonly target: PushTarget, readonly options: SenderOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** One request with this body; counted in `counts.requests` by `exchange`. */
  protected abstract attempt(body: string, timeoutMs: number): Promise<Attempt>;

  /** The request body of a batch. */
  protected abstract body(rows: readonly MetricRow[]): string;

  /** What to check when every attempt failed (the service's status page). */
  protected abstract get unreachableHint(): string;

  /**
   * Sends a request and reads the whole answer; a network failure or timeout
   * comes back as an Attempt to retry (or, for an untrusted certificate, to fail).
   */
  protected async exchange(init: RequestInit, timeoutMs: number): Promise<Attempt | Response & { text: string }> {
    this.counts.requests++;
    try {
      const response = await fetch(this.target.url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      return Object.assign(response, { text: await response.text() });
    } catch (error) {
      const e = error as Error;
      const failure = redact(fetchFailure(e));
      const service = this.target.service;
      if (isUntrustedCertificate(failure)) {
        // As untrusted on the next attempt: only the machine's trust can change that.
        return {
          kind: "fail",
          error: new PushError(`${service}'s certificate is not trusted (${failure})`, UNTRUSTED_CERTIFICATE_HINT),
        };
      }
      const reason = e.name === "TimeoutError"
        ? `no answer within ${Math.round(timeoutMs / 100) / 10} s`
        : `connection failed (${failure})`;
      return { kind: "retry", reason };
    }
  }

  /** A 429 or 503 with Retry-After: wait as told, unless it is longer than a batch may wait. */
  protected throttled(response: Response, reason: string, what: string): Attempt {
    const waitMs = parseRetryAfter(response.headers.get("retry-after"), this.now());
    if (waitMs !== undefined && waitMs > (this.options.maxRetryAfterMs ?? 300_000)) {
      return {
        kind: "fail",
        error: new PushError(`${what} for ${Math.ceil(waitMs / 1000)} s`, undefined, response.status),
      };
    }
    return { kind: "retry", ...(waitMs === undefined ? {} : { waitMs }), reason };
  }

  /** settings.json's pushTimeoutSeconds, or its default. */
  get #timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_PUSH_SETTINGS.timeoutSeconds * 1000;
  }

  /** The run's time ran out before the destination took a batch: the rows wait in the outbox. */
  #outOfTime(lastReason: string): PushError {
    return new PushError(
      `${this.target.service} had not taken the rows when the run's time was up` +
        (lastReason ? ` (last: ${lastReason})` : ""),
      'the next --push run sends them first; settings.json "runSeconds" sets how long a run may take',
    );
  }

  async post(rows: readonly MetricRow[], stopBy = Infinity): Promise<void> {
    const body = this.body(rows);
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_PUSH_SETTINGS.attempts;
    let lastReason = "";
    const timeLeft = () => stopBy - this.now();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (timeLeft() <= 0) throw this.#outOfTime(lastReason);
      if (attempt > 1) this.counts.retries++;
      const result = await this.attempt(body, Math.min(this.#timeoutMs, timeLeft()));
      if (result.kind === "ok") {
        this.counts.rows += rows.length;
        return;
      }
      if (result.kind === "fail") throw result.error;
      lastReason = result.reason;
      if (attempt === maxAttempts) break;
      const wait = result.waitMs ?? this.#backoff(attempt);
      if (wait >= timeLeft()) throw this.#outOfTime(lastReason);
      await sleep(wait);
    }
    const { local, url, service } = this.target;
    throw new PushError(
      `${service} did not take the rows after ${maxAttempts} attempt(s): ${lastReason}`,
      local
        ? `is the program that should answer at ${url.protocol}//${url.host} running? the next --push run sends them`
        : `${this.unreachableHint}; the next --push run sends them`,
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
