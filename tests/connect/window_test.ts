import { assertEquals } from "../assert.ts";
import { todaySoFar } from "../../src/connect/window.ts";

const at = (iso: string) => Date.parse(iso);
const window = (nowIso: string, timeZone: string) => {
  const w = todaySoFar(at(nowIso), timeZone);
  return w && { start: w.start.toISOString(), end: w.end.toISOString() };
};

Deno.test("today so far: local midnight to now, on 5-minute boundaries", () => {
  assertEquals(window("2026-11-28T10:44:13.032Z", "Europe/London"), {
    start: "2026-11-28T00:00:00.000Z",
    end: "2026-11-28T10:40:00.000Z",
  });
});

Deno.test("the first five minutes after midnight have no window (the API is not called)", () => {
  assertEquals(window("2026-11-28T00:00:00.000Z", "Europe/London"), null);
  assertEquals(window("2026-11-28T00:04:59.999Z", "Europe/London"), null);
  assertEquals(window("2026-11-28T00:05:00.000Z", "Europe/London"), {
    start: "2026-11-28T00:00:00.000Z",
    end: "2026-11-28T00:05:00.000Z",
  });
});

Deno.test("late in the day the window covers the whole day, within the 24-hour limit", () => {
  assertEquals(window("2026-11-28T23:58:30.000Z", "Europe/London"), {
    start: "2026-11-28T00:00:00.000Z",
    end: "2026-11-28T23:55:00.000Z",
  });
  // In the last minute midnight is nearly 24 hours ago; Connect's clock is a
  // moment ahead of ours, so the start steps to the next boundary.
  assertEquals(window("2026-11-28T23:59:59.000Z", "Europe/London")?.start, "2026-11-28T00:05:00.000Z");
});

Deno.test("east of UTC: Tokyo's midnight is 15:00 UTC the day before", () => {
  assertEquals(window("2026-11-28T02:07:00.000Z", "Asia/Tokyo"), {
    start: "2026-11-27T15:00:00.000Z",
    end: "2026-11-28T02:05:00.000Z",
  });
});

Deno.test("west of UTC: New York at 01:00 UTC is still the previous local day", () => {
  assertEquals(window("2026-11-28T01:00:00.000Z", "America/New_York"), {
    start: "2026-11-27T05:00:00.000Z",
    end: "2026-11-28T01:00:00.000Z",
  });
});

Deno.test("half-hour zones: Kolkata's midnight is 18:30 UTC", () => {
  assertEquals(window("2026-11-28T06:12:00.000Z", "Asia/Kolkata")?.start, "2026-11-27T18:30:00.000Z");
});

Deno.test("clocks go forward (London, 29 March 2026): a 23-hour day starts at 00:00 GMT", () => {
  assertEquals(window("2026-03-29T12:00:00.000Z", "Europe/London"), {
    start: "2026-03-29T00:00:00.000Z",
    end: "2026-03-29T12:00:00.000Z",
  });
  // The day after starts at 00:00 BST, 23:00 UTC.
  assertEquals(window("2026-03-30T06:00:00.000Z", "Europe/London")?.start, "2026-03-29T23:00:00.000Z");
});

Deno.test("clocks go back (London, 25 October 2026): the 25-hour day is held to 24 hours", () => {
  // Midnight was 23:00 UTC the day before (BST).
  assertEquals(window("2026-10-25T12:00:00.000Z", "Europe/London")?.start, "2026-10-24T23:00:00.000Z");
  // At 23:30 GMT, midnight was 24.5 hours ago: the start moves up to the 24-hour limit (with a minute's margin).
  assertEquals(window("2026-10-25T23:30:00.000Z", "Europe/London"), {
    start: "2026-10-24T23:35:00.000Z",
    end: "2026-10-25T23:30:00.000Z",
  });
});

Deno.test("a day with no midnight (Santiago springs forward at 00:00) starts at 01:00", () => {
  assertEquals(window("2026-09-06T12:00:00.000Z", "America/Santiago")?.start, "2026-09-06T04:00:00.000Z");
});
