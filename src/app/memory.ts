/**
 * The run's one memory policy: between clients, never inside a fetch, a
 * full collection once what a collection can give back (heldBytes) is more
 * than FLOOR and has grown by GROWTH_LIMIT since the last; and one before a
 * cycle's first client, when it is more than FLOOR. V8 otherwise lets the
 * spent responses of hundreds of clients pile up before it collects, and the
 * process's peak grows with the fleet. Below the floor a collection would
 * cost CPU for memory no one misses: a small fleet never gets there (20 x
 * 250 holds at most about 40 MB). It needs --expose-gc (scripts/compile.ts
 * RUNTIME_FLAGS); without it, it does nothing. `deno task bench` shows what
 * it buys.
 */
const MB = 1024 * 1024;
export const GROWTH_LIMIT = 8 * MB;
export const FLOOR = 48 * MB;

/**
 * What a full collection can give back: V8's heap, and the memory outside it
 * that its objects hold (the buffers of the answers read, let go with them).
 * Counting the heap alone, the buffers piled up while the heap stayed under
 * the floor, and 500 x 250 peaked 10-15 MB higher (docs/development.md).
 */
const heldBytes = ({ heapUsed, external }: Deno.MemoryUsage): number => heapUsed + external;

export class MemoryPolicy {
  #heldAfterCollection = heldBytes(Deno.memoryUsage());
  readonly #gc = (globalThis as { gc?: () => void }).gc;

  constructor(readonly limit = GROWTH_LIMIT, readonly floor = FLOOR) {}

  /**
   * Called as a cycle starts, before any fetch: what planning left behind (a
   * thousand config files read and parsed) goes before the fetches add theirs.
   */
  beforeClients(): void {
    if (this.#gc && heldBytes(Deno.memoryUsage()) >= this.floor) this.#collect(this.#gc);
  }

  /** Called once a client's rows are written and queued, and let go. */
  afterClient(): void {
    if (!this.#gc) return;
    const held = heldBytes(Deno.memoryUsage());
    if (held < this.floor || held - this.#heldAfterCollection < this.limit) return;
    this.#collect(this.#gc);
  }

  #collect(gc: () => void): void {
    gc();
    this.#heldAfterCollection = heldBytes(Deno.memoryUsage());
  }
}
