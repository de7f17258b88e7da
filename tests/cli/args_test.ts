/** The run command line as people type it: intervals in words, formats in any case. */
import { assertEquals } from "../assert.ts";
import { parseRunArgs } from "../../src/cli/args.ts";
import { parseInterval } from "../../src/util/time.ts";

Deno.test("--every takes an interval as people write it", () => {
  const every = (text: string) => parseRunArgs(["--all", "--every", text]).everyMs;
  assertEquals(every("60s"), 60_000);
  assertEquals(every("5m"), 300_000);
  assertEquals(every("1min"), 60_000);
  assertEquals(every("2 minutes"), 120_000);
  assertEquals(every("90 seconds"), 90_000);
  assertEquals(every("1h"), 3_600_000);
  assertEquals(every("90"), 90_000, "plain seconds");
  // Not an interval: undefined, which the command line and settings.json report as an error.
  for (const text of ["1.5m", "5 mins later", "m5", "-60s", ""]) assertEquals(parseInterval(text), undefined, text);
});

Deno.test("--log-format takes json in any case", () => {
  assertEquals(parseRunArgs(["--all", "--log-format", "JSON"]).logFormat, "json");
});
