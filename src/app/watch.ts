/**
 * Watch mode: a cycle on every wall-clock boundary of the interval, never
 * two at once, until the stop signal; a stop lets the running cycle finish.
 */

/** Watch mode: no more of a push backlog is started this share of the interval before the next boundary. */
const WATCH_PUSH_MARGIN = 0.25;

/** The push deadline of a watch cycle due at `due`: a backlog goes over several cycles, never holding up a fetch. */
export function watchPushDeadline(due: number, intervalMs: number): number {
  return due - intervalMs * WATCH_PUSH_MARGIN;
}

/**
 * The boundary a cycle started at `started` should be done by: the next
 * one, or the one after when the next is less than WATCH_PUSH_MARGIN of the
 * interval away. A watch started in an interval's last quarter would
 * otherwise have its first push deadline behind it before it began, and say
 * that Power BI had not taken the rows.
 */
export function cycleDue(started: number, intervalMs: number): number {
  const next = Math.floor(started / intervalMs) * intervalMs + intervalMs;
  return next - started < intervalMs * WATCH_PUSH_MARGIN ? next + intervalMs : next;
}

/** When the next cycle starts, and how many boundaries a slow cycle made us skip (pure). */
export function planNextRun(started: number, finished: number, intervalMs: number): { next: number; skipped: number } {
  const due = cycleDue(started, intervalMs);
  if (finished < due) return { next: due, skipped: 0 };
  const next = Math.floor(finished / intervalMs) * intervalMs + intervalMs;
  return { next, skipped: (next - due) / intervalMs };
}

/** Resolves after `ms`, or at once when `stop` fires. */
export function sleepUnlessStopped(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    stop.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    }
  });
}

export interface WatchOptions {
  readonly intervalMs: number;
  readonly stop: AbortSignal;
  /** Told when a slow cycle skips boundaries, and when the next run is. */
  readonly onSkipped: (skipped: number, tookMs: number, next: number) => void;
  readonly now?: () => number;
}

/** `cycle` is given the boundary by which it should be done (cycleDue). */
export async function watch(cycle: (due: number) => Promise<void>, options: WatchOptions): Promise<void> {
  const now = options.now ?? Date.now;
  while (!options.stop.aborted) {
    const started = now();
    await cycle(cycleDue(started, options.intervalMs));
    if (options.stop.aborted) break;
    const finished = now();
    const { next, skipped } = planNextRun(started, finished, options.intervalMs);
    if (skipped > 0) options.onSkipped(skipped, finished - started, next);
    await sleepUnlessStopped(next - now(), options.stop);
  }
}
