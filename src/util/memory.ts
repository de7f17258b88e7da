/** Keeping the process small while it reads many large responses. */

const MB = 1024 * 1024;
/** Above this much buffer memory, collect garbage now rather than when V8 gets round to it. */
const BUFFER_MEMORY_LIMIT = 12 * MB;
/** Above this much heap grown since the last collection asked for here, likewise. */
const HEAP_GROWTH_LIMIT = 3 * MB;

/** The heap in use after the last collection asked for here (before any: at the first page). */
let heapAfterCollection: number | undefined;

/**
 * Each page of 100 queues leaves about 160 KB of response buffers and
 * several hundred KB of parsed objects that the SDK is done with. V8 frees
 * them only in a full collection, which it puts off while the heap may
 * still grow: over thousands of queues the process would grow by tens of
 * megabytes, and its peak is what a 20-account run is measured by. The
 * executable runs with --expose-gc (scripts/compile.ts), so after each page
 * this asks for one once either has grown past its limit: about 20 ms each,
 * one per 20 pages or so. Without the flag it does nothing.
 */
export function releaseSpentMemory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  const { external, heapUsed } = Deno.memoryUsage();
  heapAfterCollection ??= heapUsed;
  if (external > BUFFER_MEMORY_LIMIT || heapUsed - heapAfterCollection > HEAP_GROWTH_LIMIT) {
    gc();
    heapAfterCollection = Deno.memoryUsage().heapUsed;
  }
}
