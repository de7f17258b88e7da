/**
 * The run's one memory policy: between clients, never inside a fetch, a
 * full collection once the heap has grown by HEAP_GROWTH_LIMIT since the
 * last and holds more than HEAP_FLOOR; and one before a cycle's first
 * client, when the heap holds more than HEAP_FLOOR. V8 otherwise lets the
 * spent responses of hundreds of clients pile up before it collects, and
 * the process's peak grows with the fleet. Below the floor a collection would
 * cost CPU for memory no one misses: a small fleet's heap never gets there.
 * It needs --expose-gc (scripts/compile.ts RUNTIME_FLAGS); without it, it
 * does nothing. `deno task bench` shows what it buys.
 */
const MB = 1024 * 1024;
export const HEAP_GROWTH_LIMIT = 8 * MB;
export const HEAP_FLOOR = 40 * MB;

export class MemoryPolicy {
  #heapAfterCollection = Deno.memoryUsage().heapUsed;
  readonly #gc = (globalThis as { gc?: () => void }).gc;

  constructor(readonly limit = HEAP_GROWTH_LIMIT, readonly floor = HEAP_FLOOR) {}

  /**
   * Called as a cycle starts, before any fetch: what planning left behind (a
   * thousand config files read and parsed) goes before the fetches add theirs.
   */
  beforeClients(): void {
    if (this.#gc && Deno.memoryUsage().heapUsed >= this.floor) this.#collect(this.#gc);
  }

  /** Called once a client's rows are written and queued, and let go. */
  afterClient(): void {
    if (!this.#gc) return;
    const used = Deno.memoryUsage().heapUsed;
    if (used < this.floor || used - this.#heapAfterCollection < this.limit) return;
    this.#collect(this.#gc);
  }

  #collect(gc: () => void): void {
    gc();
    this.#heapAfterCollection = Deno.memoryUsage().heapUsed;
  }
}
