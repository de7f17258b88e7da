/**
 * Runs `task(0)` .. `task(count - 1)`, at most `limit` at once, each started
 * in turn as one before it ends; resolves when all have ended.
 */
export async function atMost(limit: number, count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
