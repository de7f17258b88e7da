/**
 * The default command: clients' KPIs from Amazon Connect to
 * `output/<client>-<environment>-metric-data.json`, and with --push to
 * Power BI. One client (the 2019 command line), several (--profile
 * repeated) or all (--all); once, or --every interval until stopped.
 * Double-clicked, it runs what settings.json says and waits for Enter.
 */
import { join } from "node:path";
import { DEFAULT_OUTPUT_DIR, defaultOutboxDir, defaultOutputDir, parseRunArgs, type RunArgs } from "./args.ts";
import { dailyLogReporter, errorLines, isInteractive, printError, Reporter } from "./log.ts";
import { CycleTeller, tellPlan } from "./report.ts";
import { stopOnSignals } from "./signals.ts";
import { runCycle, runExitCode } from "../app/cycle.ts";
import { planRun } from "../app/plan.ts";
import { watch } from "../app/watch.ts";
import { loadSettings } from "../config/load.ts";
import { appDir, configDirInputs, userStateDir } from "../config/paths.ts";
import { PUSH_URL_ENV } from "../sinks/push_target.ts";
import { cannotAppendTo } from "../util/atomic_file.ts";
import { ConfigError, EXIT, exitCodeFor } from "../util/errors.ts";

type LogArgs = Pick<RunArgs, "logFile" | "verbosity" | "logFormat">;

/** The console as asked (--quiet/--verbose), plus the log file when nobody is watching. */
async function openReporter(args: LogArgs, logRetentionDays: number): Promise<Reporter> {
  if (args.logFile) {
    const problem = await cannotAppendTo(args.logFile);
    if (problem) throw new ConfigError(`--log-file ${args.logFile}: cannot write to it (${problem})`);
    return new Reporter(args.verbosity, args.logFile, args.logFormat);
  }
  if (isInteractive()) return new Reporter(args.verbosity, undefined, args.logFormat);
  // Beside the exe; if that folder is read-only (e.g. under Program Files), the user's own.
  const userDir = userStateDir();
  return await dailyLogReporter(args.verbosity, args.logFormat, [
    join(appDir(), "logs"),
    ...(userDir ? [join(userDir, "logs")] : []),
  ], logRetentionDays);
}

export async function runCommand(argv: string[]): Promise<number> {
  if (argv.length === 0 && isInteractive()) return await doubleClick();
  let args: RunArgs | undefined;
  try {
    args = parseRunArgs(argv);
    return await run(args, { tables: false });
  } catch (error) {
    await logFailure(error, args);
    throw error; // main prints it and exits 2 (or 1)
  }
}

/**
 * An error that ends a run before its work starts (a bad flag, config file
 * or folder) goes to the log as well as to the console. Nobody sees a
 * scheduled run's console: its log is where the user looks to find out why
 * it exited 2. settings.json may not have been read, so no old log is deleted.
 */
async function logFailure(error: unknown, args: LogArgs | undefined): Promise<void> {
  if (!args?.logFile && isInteractive()) return;
  const daily = { verbosity: args?.verbosity ?? "normal", logFormat: args?.logFormat ?? "text" } as const;
  // An unwritable --log-file (a relative one, under a scheduled task's C:\Windows\System32) may be the error
  // itself: then the daily log beside the exe says so, when nobody is at a console.
  const reporter = await openReporter(args ?? daily, Infinity)
    .catch(() => isInteractive() ? undefined : openReporter(daily, Infinity).catch(() => undefined));
  for (const line of errorLines(error)) reporter?.record("error", line);
}

async function run(args: RunArgs, options: { tables: boolean }): Promise<number> {
  const started = Date.now();
  // Found before any work, so exit 2: bad flags, no config files, a bad settings.json, a bad push URL.
  const plan = await planRun({ ...args, outputDirIsDefault: args.outputDir === DEFAULT_OUTPUT_DIR });
  const reporter = await openReporter(args, plan.settings.settings.logRetentionDays);
  tellPlan(plan, reporter);
  const { push, multi } = plan;
  const once = async (clients: typeof plan.clients, pushDeadline?: number) => {
    const teller = new CycleTeller(plan, clients, reporter, {
      multi,
      tables: options.tables,
      progress: multi && Deno.stdout.isTerminal() && args.verbosity !== "quiet",
    });
    const report = await runCycle(clients, {
      outputDir: args.outputDir,
      push,
      region: args.region,
      pushDeadline,
      onClientStarted: teller.onClientStarted,
      onClientDone: teller.onClientDone,
      onPushStarted: teller.onPushStarted,
      onDropped: teller.onDropped,
    });
    teller.finish(report);
    return report;
  };

  if (!args.everyMs) {
    // A run scheduled every minute keeps fetching every minute, however long the push backlog.
    const report = await once(plan.clients, push ? started + push.backlogMs : undefined);
    return runExitCode(report, multi);
  }

  const everyMs = args.everyMs;
  const stop = stopOnSignals(() =>
    reporter.info("stopping: the current cycle finishes first (Ctrl+C again quits now)")
  );
  try {
    reporter.info(`watching: every ${everyMs / 1000} s on the clock; Ctrl+C stops`);
    await watch(async (due) => {
      // A push backlog is sent over several cycles rather than holding up the next fetch.
      const pushDeadline = due - everyMs * WATCH_PUSH_MARGIN;
      try {
        await once(await plan.replan(), pushDeadline);
      } catch (error) {
        // A config broken mid-watch is reported each cycle; the watch goes on.
        reporter.failure(error);
      }
    }, {
      intervalMs: everyMs,
      stop: stop.signal,
      onSkipped: (skipped, tookMs, next) =>
        reporter.warn(
          `the cycle took ${(tookMs / 1000).toFixed(1)} s, longer than --every: skipped ${skipped} run(s); ` +
            `next at ${new Date(next).toLocaleTimeString()}`,
        ),
    });
    reporter.info("stopped");
    return 0;
  } finally {
    stop.dispose();
  }
}

/** Watch mode: no more of a push backlog is started this share of the interval before the next boundary. */
const WATCH_PUSH_MARGIN = 0.25;

/**
 * No arguments on an interactive console: the exe was double-clicked. Run
 * every client with settings.json's push URL and interval, show tables,
 * and keep the window open until Enter, also after an error.
 */
async function doubleClick(): Promise<number> {
  let code: number;
  try {
    const { settings, file } = await loadSettings(configDirInputs());
    const outputDir = defaultOutputDir();
    const args: RunArgs = {
      profiles: [],
      all: true,
      outputDir,
      push: settings.push.powerBiUrl || Deno.env.get(PUSH_URL_ENV) ? {} : undefined,
      outboxDir: defaultOutboxDir(outputDir),
      everyMs: settings.everyMs,
      verbosity: "normal",
      logFormat: "text",
    };
    const flags = [
      "--all",
      ...(args.push ? ["--push"] : []),
      ...(args.everyMs ? ["--every", `${args.everyMs / 1000}s`] : []),
    ];
    console.log(`connect-metrics ${flags.join(" ")}  (settings: ${file ?? "none found, defaults"})\n`);
    code = await run(args, { tables: true });
  } catch (error) {
    printError(error);
    code = exitCodeFor(error);
    // Something to set up, and whoever double-clicked may never have typed a command.
    if (code === EXIT.usage) {
      console.error(
        `set-up: README-MI.md beside the exe goes through it step by step; commands such as ` +
          `"connect-metrics init" are typed in a Command Prompt opened in ${appDir()} ` +
          `(type cmd in the address bar of Explorer's window on that folder)`,
      );
    }
  }
  prompt("\nPress Enter to close this window.");
  return code;
}
