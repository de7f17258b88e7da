/**
 * Faults an emulated push destination (Power BI, Event Hubs) can be told to
 * meet its next requests with: an HTTP status, a dropped connection, a hang,
 * or a delay on every answer. One queue per emulator; one control format.
 */

/** A handler returns this to close the connection without answering, as a broken network does. */
export const DROP_CONNECTION = Symbol("drop connection");

/** What the next requests meet instead of normal service. */
export type Fault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string; readonly message?: string }
  | { readonly kind: "drop" }
  | { readonly kind: "hang" };

export const FAULT_CONTROL_HELP =
  'expected {"kind": "status"|"drop"|"hang"|"delay"|"clear", "status"?, "retryAfter"?, "count"?, "ms"?}';

export class FaultQueue {
  /** Added before every answer. */
  delayMs = 0;
  readonly #faults: { fault: Fault; remaining: number }[] = [];
  readonly #hanging = new Set<() => void>();

  /** The next `count` requests meet `fault`. */
  inject(fault: Fault, count = 1): void {
    this.#faults.push({ fault, remaining: count });
  }

  clear(): void {
    this.#faults.length = 0;
    this.delayMs = 0;
  }

  /** The fault this request meets, if any, after the delay. */
  async take(): Promise<Fault | undefined> {
    const next = this.#faults[0];
    if (next && --next.remaining <= 0) this.#faults.shift();
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    return next?.fault;
  }

  /** Waits until released (the server closing): a request meeting a "hang" fault. */
  hang(): Promise<void> {
    return new Promise<void>((resolve) => this.#hanging.add(resolve));
  }

  /** Lets every hanging request go, so the server can close. */
  releaseHanging(): void {
    for (const release of this.#hanging) release();
    this.#hanging.clear();
  }

  get hangingCount(): number {
    return this.#hanging.size;
  }

  /** Applies a `POST .../faults` body; false when it is not one. */
  control(spec: Record<string, unknown> | null): boolean {
    const kind = spec?.kind;
    const count = typeof spec?.count === "number" ? spec.count : 1;
    if (kind === "drop" || kind === "hang") this.inject({ kind }, count);
    else if (kind === "status" && typeof spec?.status === "number") {
      this.inject({
        kind,
        status: spec.status,
        ...(typeof spec.retryAfter === "string" ? { retryAfter: spec.retryAfter } : {}),
      }, count);
    } else if (kind === "delay" && typeof spec?.ms === "number") this.delayMs = spec.ms;
    else if (kind === "clear") this.clear();
    else return false;
    return true;
  }
}
