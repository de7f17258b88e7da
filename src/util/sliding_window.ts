/**
 * "At most `limit` requests in any `windowMs`": the shape of Power BI's
 * quotas (5 a second, 120 a minute). Over an injected clock (milliseconds).
 */
export interface WindowQuota {
  readonly limit: number;
  readonly windowMs: number;
}

export class SlidingWindow {
  readonly #times: number[] = [];

  constructor(readonly quota: WindowQuota, private readonly now: () => number = Date.now) {}

  #prune(t: number): void {
    while (this.#times.length > 0 && this.#times[0] <= t - this.quota.windowMs) this.#times.shift();
  }

  /** Milliseconds until a request would be allowed (0: now). */
  waitMs(): number {
    const t = this.now();
    this.#prune(t);
    if (this.#times.length < this.quota.limit) return 0;
    return this.#times[this.#times.length - this.quota.limit] + this.quota.windowMs - t;
  }

  /** Counts a request now if the window allows it. */
  tryTake(): boolean {
    if (this.waitMs() > 0) return false;
    this.#times.push(this.now());
    return true;
  }
}
