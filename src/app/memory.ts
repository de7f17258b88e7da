/**
 * The run's one memory policy: between clients, never inside a fetch, a
 * full collection once the heap has grown by HEAP_GROWTH_LIMIT since the
 * last and holds more than HEAP_FLOOR. V8 otherwise lets the spent
 * responses of hundreds of clients pile up before it collects, and the
 * process's peak grows with the fleet. Below the floor a collection would
 * cost CPU for memory no one misses: a small fleet's heap never gets there.
 * It needs --expose-gc (scripts/compile.ts RUNTIME_FLAGS); without it, it
 * does nothing. `deno task bench` shows what it buys.
 */
const MB = 1024 * 1024;
export const HEAP_GROWTH_LIMIT = 16 * MB;
export const HEAP_FLOOR = 40 * MB;

export class MemoryPolicy {
  #heapAfterCollection = Deno.memoryUsage().heapUsed;
  readonly #gc = (globalThis as { gc?: () => void }).gc;

  constructor(readonly limit = HEAP_GROWTH_LIMIT, readonly floor = HEAP_FLOOR) {}

  /** Called once a client's rows are written and queued, and let go. */
  afterClient(): void {
    if (!this.#gc) return;
    const used = Deno.memoryUsage().heapUsed;
    if (used < this.floor || used - this.#heapAfterCollection < this.limit) return;
    this.#gc();
    this.#heapAfterCollection = Deno.memoryUsage().heapUsed;
  }
}
