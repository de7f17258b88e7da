/** The run command line as people type it, and its defaults where a scheduled task runs it. */
import { assertEquals, throws } from "../assert.ts";
import { join } from "node:path";
import { parseCheckArgs } from "../../src/cli/check.ts";
import { parseDiscoverArgs } from "../../src/cli/discover.ts";
import { parseInitArgs } from "../../src/cli/init.ts";
import { parseRunArgs } from "../../src/cli/run.ts";
import { defaultOutputDir } from "../../src/config/paths.ts";
import { UsageError } from "../../src/util/errors.ts";
import { parseInterval } from "../../src/util/time.ts";

Deno.test('a path typed as "C:\\MI\\output\\" in a Windows command (the quote kept, the next flag taken in) is a usage error', () => {
  // What Windows hands over for: --output-dir "C:\MI Reports\output\" --push
  const error = throws(() => parseRunArgs(["--all", "--output-dir", 'C:\\MI Reports\\output" --push']), UsageError);
  assertEquals(
    error.message,
    '--output-dir C:\\MI Reports\\output" holds a quote, which no path can, and took in the words after it: in a ' +
      "Windows command a backslash just before the closing quote keeps the quote; leave that backslash out " +
      '(--output-dir "C:\\MI Reports\\output")',
  );
  throws(() => parseCheckArgs(["--config-dir", 'C:\\connect-metrics\\config"']), UsageError);
  assertEquals(parseRunArgs(["--all", "--log-file", "C:\\logs\\run.log"]).logFile, "C:\\logs\\run.log");
});

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

Deno.test("without --output-dir, a run started in the Windows folder writes beside the exe, not into System32", () => {
  const root = join(Deno.cwd(), "Windows");
  const exe = join(Deno.cwd(), "connect-metrics");
  // A task made by schtasks starts in C:\Windows\System32, whatever case Windows spells it in.
  assertEquals(defaultOutputDir(join(root, "System32"), root, exe), join(exe, "output"));
  assertEquals(defaultOutputDir(join(root, "SYSTEM32").toUpperCase(), root.toLowerCase(), exe), join(exe, "output"));
  // Anywhere else: output in the working directory, as in 2019.
  assertEquals(defaultOutputDir(join(Deno.cwd(), "WindowsApps"), root, exe), "output");
  assertEquals(defaultOutputDir(exe, root, exe), "output");
  assertEquals(defaultOutputDir(join(root, "System32"), undefined, exe), "output", "not Windows");
});

Deno.test("--profile given a config file's name or path says which name to give", () => {
  for (
    const value of [
      "capita-tradeuk-dev-instance-queues.json",
      "C:\\connect-metrics\\config\\capita-tradeuk-dev-instance-queues.json",
      "config/capita-tradeuk-dev-instance-queues.json.txt",
    ]
  ) {
    const error = throws(
      () => parseRunArgs(["--client", "tradeuk", "--environment", "dev", "--profile", value]),
      UsageError,
    );
    assertEquals(error.message, "--profile takes the AWS profile's name, not a file: --profile capita-tradeuk-dev");
    throws(() => parseDiscoverArgs(["--profile", value]), UsageError);
    throws(() => parseCheckArgs(["--profile", value]), UsageError);
    throws(() => parseInitArgs(["--profile", value]), UsageError);
  }
  assertEquals(parseRunArgs(["--all"]).profiles, []);
  assertEquals(parseInitArgs(["--profile", " acme-dev "]).profile, "acme-dev");
});

Deno.test("every flag a command takes is in its --help lines, beside the declaration it is parsed from", async () => {
  const commands = {
    run: [(await import("../../src/cli/run.ts")).RUN_OPTIONS, (await import("../../src/cli/run.ts")).RUN_HELP],
    check: [
      (await import("../../src/cli/check.ts")).CHECK_OPTIONS,
      (await import("../../src/cli/check.ts")).CHECK_HELP,
    ],
    discover: [
      (await import("../../src/cli/discover.ts")).DISCOVER_OPTIONS,
      (await import("../../src/cli/discover.ts")).DISCOVER_HELP,
    ],
    init: [(await import("../../src/cli/init.ts")).INIT_OPTIONS, (await import("../../src/cli/init.ts")).INIT_HELP],
    schema: [
      (await import("../../src/cli/schema.ts")).SCHEMA_OPTIONS,
      (await import("../../src/cli/schema.ts")).SCHEMA_HELP,
    ],
    simulate: [
      (await import("../../src/cli/simulate.ts")).SIMULATE_OPTIONS,
      (await import("../../src/cli/simulate.ts")).SIMULATE_HELP,
    ],
  } as const;
  // --push-url is --push's value, split off for the parser; the shared flags are said once, under the run's.
  const unsaid = new Set(["push-url"]);
  const shared = new Set(["config-dir", "output-dir", "region", "profile", "all", "client", "environment"]);
  const { RUN_HELP } = await import("../../src/cli/run.ts");
  const missing = Object.entries(commands).flatMap(([command, [options, help]]) =>
    Object.keys(options).filter((flag) =>
      !unsaid.has(flag) && !help.includes(`--${flag}`) && !(shared.has(flag) && RUN_HELP.includes(`--${flag}`))
    ).map((flag) => `${command}: --${flag}`)
  );
  assertEquals(missing, []);
});
