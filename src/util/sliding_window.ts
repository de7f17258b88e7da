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
    this.take();
    return true;
  }

  /** Counts a request now, allowed or not; returns the time it is counted at. */
  take(): number {
    const t = this.now();
    this.#times.push(t);
    return t;
  }

  /**
   * Moves a request counted at `from` to `to`. A client that counts each
   * request again when the server has answered it (by then the server has
   * counted it too) never runs ahead of the server's own count, however long
   * the request took to get there.
   */
  restamp(from: number, to: number): void {
    const i = this.#times.indexOf(from);
    if (i < 0) return;
    this.#times.splice(i, 1);
    let j = this.#times.length;
    while (j > 0 && this.#times[j - 1] > to) j--;
    this.#times.splice(j, 0, to);
  }
}
