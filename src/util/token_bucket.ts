/** A token bucket: `rate` tokens a second, holding at most `burst`. */
export interface RateQuota {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/**
 * Token bucket over an injected clock (milliseconds). The emulator uses
 * `tryTake` to refuse; the client uses `reserve` to wait its turn.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    public quota: RateQuota,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = quota.burst;
    this.#updatedAt = now();
  }

  /** A new rate and burst from now on (tokens already earned are kept, up to the new burst). */
  setQuota(quota: RateQuota): void {
    this.#refill();
    this.quota = quota;
    this.#tokens = Math.min(this.#tokens, quota.burst);
  }

  #refill(): void {
    const t = this.now();
    const earned = ((t - this.#updatedAt) / 1000) * this.quota.ratePerSecond;
    this.#tokens = Math.min(this.quota.burst, this.#tokens + earned);
    this.#updatedAt = t;
  }

  /** Whether the bucket holds its whole burst now. */
  isFull(): boolean {
    this.#refill();
    return this.#tokens >= this.quota.burst;
  }

  /** Takes a token if one is there now. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /**
   * Takes a token, going into debt if need be, and returns how many
   * milliseconds the caller must wait before using it. Callers that reserve
   * one after another are spaced at the quota's rate.
   */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    if (this.#tokens >= 0) return 0;
    return Math.ceil((-this.#tokens / this.quota.ratePerSecond) * 1000);
  }

  /** Gives back a reserved token that was not used after all (up to the burst). */
  refund(): void {
    this.#refill();
    this.#tokens = Math.min(this.quota.burst, this.#tokens + 1);
  }

  /** Empties the bucket (the emulator's way to simulate another caller). */
  drain(): void {
    this.#refill();
    this.#tokens = 0;
  }
}
