/** Keeping the process small while it reads many large responses. */

/** Above this much buffer memory, collect garbage now rather than when V8 gets round to it. */
const BUFFER_MEMORY_LIMIT = 12 * 1024 * 1024;

/**
 * Response buffers the SDK is done with (about 60 KB for a page of 100
 * queues, several copies each) are freed only by a full collection, which
 * V8 puts off: over thousands of queues the process would grow by tens of
 * megabytes. The executable runs with --expose-gc (deno.json), so after
 * each page this asks for one once the buffers pass the limit; without the
 * flag it does nothing.
 */
export function releaseBufferMemory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc && Deno.memoryUsage().external > BUFFER_MEMORY_LIMIT) gc();
}
