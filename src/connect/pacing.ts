/**
 * Client-side pacing: one token bucket per account + Region + operation,
 * at Connect's own quota, so that concurrent requests queue politely
 * instead of being throttled and retried. The quota is shared with
 * everything else in the customer's account (their wallboards, the console,
 * another copy of this tool), so the rate is learned: halved on each
 * ThrottlingException, and raised a little on each success, back up to
 * the quota (additive increase, multiplicative decrease).
 *
 * The service's bucket counts from when the first request of a burst
 * arrives, which is later than when it left the pacer: a new connection's
 * handshake (two round trips with TLS), the other requests of the burst
 * being signed and written first. A request that has to wait for a token
 * therefore waits, on top, as long as the burst's first answer took to come
 * back: that request had surely arrived by then. So the whole burst and
 * then the full rate are used, however far away or busy things are, at the
 * cost of one round trip per account and cycle. A first answer that is
 * very late (a hanging Connect, a timeout) shifts the requests behind it
 * as a whole: they still leave at the rate, from the answer, not at once.
 */
import { unlessAborted } from "../util/abort.ts";
import { type RateQuota, TokenBucket } from "../util/token_bucket.ts";
import { CONNECT_QUOTAS, type ConnectOperation } from "./quotas.ts";

/** How the learned rate moves: halved on a throttle, never below MIN; up by STEP a success, never above the quota. */
export const ADAPTIVE_PACING = { decrease: 0.5, minPerSecond: 0.2, stepPerSecond: 0.1 } as const;

/** A burst, from its first request leaving the pacer to the first answer to any of its requests. */
class Burst {
  readonly #started: number;
  #answeredAfter?: number;
  readonly answered: Promise<void>;
  #resolve!: () => void;

  constructor(private readonly now: () => number) {
    this.#started = now();
    this.answered = new Promise((resolve) => this.#resolve = resolve);
  }

  /** An answer came back (a response, an error, a timeout): the first one fixes the burst's lag. */
  answer(): void {
    if (this.#answeredAfter !== undefined) return;
    this.#answeredAfter = Math.max(0, this.now() - this.#started);
    this.#resolve();
  }

  /** How much later than the pacer's clock the service may have counted the burst (set once answered). */
  get lag(): number {
    return this.#answeredAfter ?? 0;
  }
}

interface Pace {
  readonly bucket: TokenBucket;
  burst: Burst;
}

/** What a paced request reports when its answer comes back. */
export type Answered = () => void;

export class RequestPacer {
  readonly #paces = new Map<string, Pace>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly quotas: Readonly<Record<ConnectOperation, RateQuota>> = CONNECT_QUOTAS,
  ) {}

  /** Connect's quota: where a learned rate starts and what it returns to. */
  #full(operation: string): RateQuota | undefined {
    return this.quotas[operation as ConnectOperation];
  }

  #pace(account: string, region: string, operation: string): Pace | undefined {
    const full = this.#full(operation);
    if (!full) return undefined;
    const key = `${account}/${region}/${operation}`;
    let pace = this.#paces.get(key);
    if (!pace) this.#paces.set(key, pace = { bucket: new TokenBucket(full, this.now), burst: new Burst(this.now) });
    return pace;
  }

  /**
   * Waits until a request of `operation` may be sent for this account;
   * call what it returns when the request's answer (or failure) comes back.
   * Cut off by `signal` while it waits, it gives its turn back and rejects
   * with the signal's reason: the service never saw it, and the account's
   * next requests (the next cycle's) must not queue behind it.
   */
  async wait(account: string, region: string, operation: string, signal?: AbortSignal): Promise<Answered> {
    signal?.throwIfAborted();
    const pace = this.#pace(account, region, operation);
    if (!pace) return () => {};
    // A full bucket (a cycle's first request, or after a pause): the service's is full too, and a new burst starts.
    if (pace.bucket.isFull()) pace.burst = new Burst(this.now);
    const burst = pace.burst;
    const leaveAt = this.now() + pace.bucket.reserve();
    if (leaveAt > this.now()) {
      const until = <T>(waiting: Promise<T>) => signal ? unlessAborted(waiting, signal) : waiting;
      try {
        await until(this.sleep(leaveAt - this.now()));
        await until(burst.answered);
        const late = leaveAt + burst.lag - this.now();
        if (late > 0) await until(this.sleep(late));
      } catch (error) {
        pace.bucket.refund();
        throw error;
      }
    }
    return () => burst.answer();
  }

  /** Connect said ThrottlingException: someone else is using the quota. Halve the pace, and no bursts. */
  throttled(account: string, region: string, operation: string): void {
    const bucket = this.#pace(account, region, operation)?.bucket;
    if (!bucket) return;
    const ratePerSecond = Math.max(ADAPTIVE_PACING.minPerSecond, bucket.quota.ratePerSecond * ADAPTIVE_PACING.decrease);
    bucket.setQuota({ ratePerSecond, burst: 1 });
    bucket.drain(); // the service has just said no: the next request waits a whole interval
  }

  /** A request went through: a little faster, up to the quota (bursts come back with it). */
  succeeded(account: string, region: string, operation: string): void {
    const bucket = this.#pace(account, region, operation)?.bucket;
    const full = this.#full(operation);
    if (!bucket || !full || bucket.quota.ratePerSecond >= full.ratePerSecond) return;
    const ratePerSecond = Math.min(full.ratePerSecond, bucket.quota.ratePerSecond + ADAPTIVE_PACING.stepPerSecond);
    bucket.setQuota({ ratePerSecond, burst: ratePerSecond >= full.ratePerSecond ? full.burst : 1 });
  }

  /** The pace now, in requests a second (for tests and the benchmark). */
  rate(account: string, region: string, operation: string): number | undefined {
    return this.#paces.get(`${account}/${region}/${operation}`)?.bucket.quota.ratePerSecond;
  }
}

/** The pacer every client in this process shares. */
export const processPacer = new RequestPacer();
