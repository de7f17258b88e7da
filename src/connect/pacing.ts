/**
 * Client-side pacing: one token bucket per account + Region + operation,
 * at Connect's own quota, so that concurrent requests queue politely
 * instead of being throttled and retried.
 */
import { type RateQuota, TokenBucket } from "../util/token_bucket.ts";
import { CONNECT_QUOTAS, type ConnectOperation } from "./quotas.ts";

/**
 * The client keeps below the quota it paces by: requests leave on schedule
 * but arrive with jitter (a new connection's handshake delays the first
 * ones), and arrivals squeezed together would be throttled.
 */
export const PACING_MARGIN = { rate: 0.9, burst: 1 } as const;

export class RequestPacer {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly quotas: Readonly<Record<ConnectOperation, RateQuota>> = CONNECT_QUOTAS,
  ) {}

  /** Waits until a request of `operation` may be sent for this account. */
  async wait(account: string, region: string, operation: string): Promise<void> {
    const quota = this.quotas[operation as ConnectOperation];
    if (!quota) return;
    const key = `${account}/${region}/${operation}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket({
        ratePerSecond: quota.ratePerSecond * PACING_MARGIN.rate,
        burst: Math.max(1, quota.burst - PACING_MARGIN.burst),
      }, this.now);
      this.#buckets.set(key, bucket);
    }
    const delay = bucket.reserve();
    if (delay > 0) await this.sleep(delay);
  }
}

/** The pacer every client in this process shares. */
export const processPacer = new RequestPacer();
