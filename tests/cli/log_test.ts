/** The Reporter: what reaches the console and the log file. */
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { Reporter } from "../../src/cli/log.ts";
import { REPO } from "../helpers.ts";

Deno.test("a log file that stops being writable mid-run is said once on stderr, and the run goes on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-log-" });
  const file = join(dir, "run.log");
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    const reporter = new Reporter("quiet", file);
    reporter.info("first");
    // Another program takes the file away (on Windows: Excel holding it open); here a folder stands in its place.
    await Deno.remove(file);
    await Deno.mkdir(file);
    reporter.info("second");
    reporter.info("third");
    assertEquals(errors.length, 1, "one warning, not one per line");
    assertMatch(errors[0], /^warning: cannot write the log .*run\.log \(.*\); carrying on$/);
    await Deno.remove(file);
    reporter.info("fourth");
    assertMatch(await Deno.readTextFile(file), /^\S+ INFO +fourth\n$/, "written again once it can be");
  } finally {
    console.error = consoleError;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an error that escapes every handler (a bug) is one masked line and exit 1, not Deno's raw report", async () => {
  const key = "PBIKEY-stray-grep-me-0c1d2e3f";
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P", "--config", join(REPO, "deno.json"), join(REPO, "tests/fixtures/stray_error.ts"), key],
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 1);
  assertEquals(
    stderr,
    "error: error sending request for url (https://api.powerbi.com/beta/t/datasets/d/rows?key=***)\n",
  );
  assertEquals(stdout, "", "it stops there");
});
