/** Time helpers that know nothing of Connect. All instants are epoch ms. */

const MINUTE_MS = 60_000;

/** The instant rounded down to a multiple of `minutes`. */
export function floorToMinutes(instantMs: number, minutes: number): number {
  const step = minutes * MINUTE_MS;
  return Math.floor(instantMs / step) * step;
}

/** The instant rounded up to a multiple of `minutes`. */
export function ceilToMinutes(instantMs: number, minutes: number): number {
  const step = minutes * MINUTE_MS;
  return Math.ceil(instantMs / step) * step;
}

/** The first instant of the local calendar day that `instantMs` falls in. */
export function startOfLocalDay(instantMs: number, timeZone: string): number {
  return Temporal.Instant.fromEpochMilliseconds(instantMs)
    .toZonedDateTimeISO(timeZone)
    .startOfDay().epochMilliseconds;
}

/**
 * Local wall-clock time without an offset, to the millisecond, e.g.
 * `2019-04-30T10:44:13.032`: Power BI shows such a timestamp as written.
 */
export function localWallClock(instantMs: number, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(instantMs)
    .toZonedDateTimeISO(timeZone)
    .toPlainDateTime()
    .toString({ fractionalSecondDigits: 3 });
}

/**
 * This machine's local time with its UTC offset, to the millisecond, e.g.
 * `2026-07-01T09:00:00.123+01:00`: what Task Scheduler's history shows, and
 * still one instant on either side of a change of clocks.
 */
export function localTimestamp(instantMs: number, timeZone = Temporal.Now.timeZoneId()): string {
  return Temporal.Instant.fromEpochMilliseconds(instantMs)
    .toZonedDateTimeISO(timeZone)
    .toString({ fractionalSecondDigits: 3, timeZoneName: "never" });
}

/**
 * Whether `name` is a time zone the tool can write local times in: an IANA
 * name ("Europe/London", in any case) or a UTC offset ("+01:00"). Asked of
 * Temporal, which writes those times, not of Intl: Intl's first use loads
 * ICU's locale data, 26-37 ms of every run's start-up, and it knows a zone
 * Temporal does not ("Factory").
 */
export function isTimeZone(name: string): boolean {
  try {
    const id = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name).timeZoneId;
    // Temporal also takes the zone out of a date-time ("2026-01-01T00:00+01:00"), which names no zone.
    return id.toLowerCase() === name.toLowerCase() || UTC_OFFSET.test(name);
  } catch {
    return false;
  }
}
const UTC_OFFSET = /^[+-]\d{2}(:?\d{2})?$/;

/** 19:07:03, the local time of day whatever the machine's locale: for a person reading a line or a screen. */
export function clockTime(instantMs: number): string {
  return new Date(instantMs).toLocaleTimeString("en-GB", { hour12: false });
}

/**
 * `60s`, `5m`, `1h`, or as people write them (`1min`, `90 seconds`, `2 hours`),
 * or plain seconds, as milliseconds; undefined if unreadable.
 */
export function parseInterval(text: string): number | undefined {
  const match = text.trim().match(/^(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)?$/i);
  if (!match) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? "s")[0].toLowerCase() as "s" | "m" | "h"];
  return Number(match[1]) * unit;
}
