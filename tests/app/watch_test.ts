/** Watch-mode scheduling: a cycle on every boundary, never two at once. */
import { assert, assertEquals } from "../assert.ts";
import { cycleDue, planNextRun, watch, watchPushDeadline } from "../../src/app/watch.ts";

Deno.test("the next run is the next boundary; a slow cycle skips the boundaries it overran", () => {
  const minute = 60_000;
  const t = Date.parse("2026-11-28T10:00:00Z");
  assertEquals(planNextRun(t + 1_000, t + 5_000, minute), { next: t + minute, skipped: 0 });
  assertEquals(planNextRun(t, t + 59_999, minute), { next: t + minute, skipped: 0 });
  assertEquals(planNextRun(t + 1_000, t + 75_000, minute), { next: t + 2 * minute, skipped: 1 });
  assertEquals(planNextRun(t + 1_000, t + 200_000, 5 * minute), { next: t + 5 * minute, skipped: 0 });
});

Deno.test("a cycle started in an interval's last quarter is due at the boundary after: time for its push", () => {
  const minute = 60_000;
  const t = Date.parse("2026-11-28T10:00:00Z");
  assertEquals(cycleDue(t + 44_000, minute), t + minute);
  assertEquals(watchPushDeadline(cycleDue(t + 44_000, minute), minute), t + 45_000, "16 s for the fetch and push");
  assertEquals(cycleDue(t + 50_000, minute), t + 2 * minute, "not 10 s, with the push deadline 5 s behind it");
  assertEquals(planNextRun(t + 50_000, t + 52_000, minute), { next: t + 2 * minute, skipped: 0 }, "none skipped");
});

Deno.test("watch never overlaps cycles, says when it skips, and stops after the running cycle", async () => {
  const stop = new AbortController();
  const spans: [number, number][] = [];
  const skipped: number[] = [];
  let running = 0;
  await watch(async () => {
    assertEquals(running++, 0, "never two cycles at once");
    const start = Date.now();
    await new Promise((r) => setTimeout(r, spans.length === 1 ? 260 : 1)); // the second cycle is slow
    spans.push([start, Date.now()]);
    running--;
    if (spans.length === 4) stop.abort();
  }, { intervalMs: 100, stop: stop.signal, onSkipped: (n) => skipped.push(spans.length * 10 + n) });
  assertEquals(spans.length, 4, "the cycle that saw the stop was the last");
  assert.ok(skipped.some((s) => s >= 22), `the slow second cycle skipped at least 2 boundaries: ${skipped}`);
  for (const [start] of spans.slice(2)) assert.ok(start % 100 < 50, "later cycles start on a boundary");
});
