/**
 * Client-side pacing: one token bucket per account + Region + operation,
 * at Connect's own quota, so that concurrent requests queue politely
 * instead of being throttled and retried. The quota is shared with
 * everything else in the customer's account (their wallboards, the console,
 * another copy of this tool), so the rate is learned: halved on each
 * ThrottlingException, and raised a little on each success, back up to
 * the quota (additive increase, multiplicative decrease).
 */
import { type RateQuota, TokenBucket } from "../util/token_bucket.ts";
import { CONNECT_QUOTAS, type ConnectOperation } from "./quotas.ts";

/**
 * The client keeps below the quota it paces by: requests leave on schedule
 * but arrive with jitter (a new connection's handshake delays the first
 * ones), and arrivals squeezed together would be throttled.
 */
export const PACING_MARGIN = { rate: 0.9, burst: 1 } as const;

/** How the learned rate moves: halved on a throttle, never below MIN; up by STEP a success, never above the quota. */
export const ADAPTIVE_PACING = { decrease: 0.5, minPerSecond: 0.2, stepPerSecond: 0.1 } as const;

export class RequestPacer {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly quotas: Readonly<Record<ConnectOperation, RateQuota>> = CONNECT_QUOTAS,
  ) {}

  /** The pace at Connect's quota, less the margin: where a learned rate starts and what it returns to. */
  #full(operation: string): { ratePerSecond: number; burst: number } | undefined {
    const quota = this.quotas[operation as ConnectOperation];
    if (!quota) return undefined;
    return {
      ratePerSecond: quota.ratePerSecond * PACING_MARGIN.rate,
      burst: Math.max(1, quota.burst - PACING_MARGIN.burst),
    };
  }

  #bucket(account: string, region: string, operation: string): TokenBucket | undefined {
    const full = this.#full(operation);
    if (!full) return undefined;
    const key = `${account}/${region}/${operation}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) this.#buckets.set(key, bucket = new TokenBucket(full, this.now));
    return bucket;
  }

  /** Waits until a request of `operation` may be sent for this account. */
  async wait(account: string, region: string, operation: string): Promise<void> {
    const delay = this.#bucket(account, region, operation)?.reserve() ?? 0;
    if (delay > 0) await this.sleep(delay);
  }

  /** Connect said ThrottlingException: someone else is using the quota. Halve the pace, and no bursts. */
  throttled(account: string, region: string, operation: string): void {
    const bucket = this.#bucket(account, region, operation);
    if (!bucket) return;
    const ratePerSecond = Math.max(ADAPTIVE_PACING.minPerSecond, bucket.quota.ratePerSecond * ADAPTIVE_PACING.decrease);
    bucket.setQuota({ ratePerSecond, burst: 1 });
    bucket.drain(); // the service has just said no: the next request waits a whole interval
  }

  /** A request went through: a little faster, up to the quota (bursts come back with it). */
  succeeded(account: string, region: string, operation: string): void {
    const bucket = this.#bucket(account, region, operation);
    const full = this.#full(operation);
    if (!bucket || !full || bucket.quota.ratePerSecond >= full.ratePerSecond) return;
    const ratePerSecond = Math.min(full.ratePerSecond, bucket.quota.ratePerSecond + ADAPTIVE_PACING.stepPerSecond);
    bucket.setQuota({ ratePerSecond, burst: ratePerSecond >= full.ratePerSecond ? full.burst : 1 });
  }

  /** The pace now, in requests a second (for tests and the benchmark). */
  rate(account: string, region: string, operation: string): number | undefined {
    return this.#buckets.get(`${account}/${region}/${operation}`)?.quota.ratePerSecond;
  }
}

/** The pacer every client in this process shares. */
export const processPacer = new RequestPacer();
