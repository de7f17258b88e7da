/** The historical window for "today so far", under GetMetricData's rules. */
import { ceilToMinutes, floorToMinutes, startOfLocalDay } from "../util/time.ts";
import { HISTORICAL_MAX_SPAN_HOURS, HISTORICAL_STEP_MINUTES } from "./quotas.ts";

export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/**
 * From local midnight in `timeZone` to now, both on 5-minute boundaries.
 * Returns null when the window is empty (the first five minutes of the day),
 * where the API must not be called. On a 25-hour day (clocks going back) the
 * start is held to 24 hours before now, the most the API allows.
 */
export function todaySoFar(nowMs: number, timeZone: string): TimeWindow | null {
  const end = floorToMinutes(nowMs, HISTORICAL_STEP_MINUTES);
  const midnight = ceilToMinutes(
    startOfLocalDay(nowMs, timeZone),
    HISTORICAL_STEP_MINUTES,
  );
  // A minute of margin: Connect checks the 24 hours against its own clock,
  // a moment after ours.
  const earliest = ceilToMinutes(
    nowMs - HISTORICAL_MAX_SPAN_HOURS * 3_600_000 + 60_000,
    HISTORICAL_STEP_MINUTES,
  );
  const start = Math.max(midnight, earliest);
  if (end <= start) return null;
  return { start: new Date(start), end: new Date(end) };
}
