/**
 * The default command: clients' KPIs from Amazon Connect to
 * `output/<client>-<environment>-metric-data.json`, and with --push to
 * Power BI. One client (the 2019 command line), several (--profile
 * repeated) or all (--all); once, or --every interval until stopped.
 * Double-clicked, it runs what settings.json says and waits for Enter.
 */
import { join } from "node:path";
import { from2019Flags, splitOptionalPush } from "./compat.ts";
import { dailyLogReporter, errorLines, isInteractive, type LogFormat, Reporter, type Verbosity } from "./log.ts";
import { notBoth, parseFlags, profileFlag, regionFlag, required, trimmed } from "./parse.ts";
import { CycleTeller, describeBudget, describeInterrupted, tellPlan, WATCH_WORDS } from "./report.ts";
import { Displays } from "./displays.ts";
import { onInterrupt, stopOnSignals } from "./signals.ts";
import { fetchDeadline, runCycle, runExitCode } from "../app/cycle.ts";
import { pushBudget } from "../app/delivery.ts";
import { isReady, planRun, type RunRequest } from "../app/plan.ts";
import { watch, watchPushDeadline } from "../app/watch.ts";
import { appDir, DEFAULT_OUTPUT_DIR, defaultOutboxDir, defaultOutputDir, userStateDir } from "../config/paths.ts";
import { MIN_INTERVAL_MS } from "../config/settings.ts";
import { parseServeAddress, type ServeAddress } from "../display/server.ts";
import { cannotAppendTo } from "../util/atomic_file.ts";
import { redact } from "../util/redact.ts";
import { ConfigError, UsageError } from "../util/errors.ts";
import { parseInterval } from "../util/time.ts";

/** Its flags in `--help`. */
export const RUN_HELP = `Fetch one client's metrics (the 2019 command line):
  --client NAME         the client, e.g. tradeuk (must match clientName in the config)
  --environment ENV     dev, test or prod (must match environment in the config)
  --profile PROFILE     the AWS profile; also names config/PROFILE-instance-queues.json
  --config-dir DIR      where config files are (default: ./config, then beside the exe)
  --output-dir DIR      where the JSON file goes (default: output; beside the exe when
                        started in the Windows folder, as a scheduled task is)
  --region REGION       the AWS Region (default: the config's region, then AWS_REGION or
                        AWS_DEFAULT_REGION, then the AWS profile's)
  --push [URL]          also send the rows to a Power BI push URL, or to a Fabric Eventstream
                        (its Event Hubs connection string); better than either here
                        (visible to other processes): CONNECT_METRICS_POWERBI_URL or
                        "powerBiUrl" in config/settings.json; for Fabric,
                        CONNECT_METRICS_EVENTHUB_CONNECTION_STRING or "eventHubConnectionString"
  --outbox-dir DIR      rows waiting to be pushed (default: outbox beside the output folder)

Many clients, on a schedule:
  --all                 every config/*-instance-queues.json; failures are isolated, a summary ends the run
  --every 60s           repeat on each interval of the clock (also 5m) until Ctrl+C or SIGTERM
  --quiet, -q           only errors (and the summary when something failed)
  --verbose, -v         also where configs were found and per-client timings
  --log-file FILE       log here; without a console the log is logs/connect-metrics-DATE.log
  --log-format FORMAT   text (default) or json

Seeing it (with --every on a terminal, one screen is redrawn each cycle):
  --table               also print each client's rows as a table
  --serve [HOST:]PORT   a web wallboard, /metrics for Prometheus and /rows.json on this port,
                        on 127.0.0.1 unless a host is given; a one-shot run serves until Ctrl+C`;

export const RUN_OPTIONS = {
  client: { type: "string" },
  environment: { type: "string" },
  profile: { type: "string", multiple: true },
  all: { type: "boolean" },
  "config-dir": { type: "string" },
  "output-dir": { type: "string" },
  region: { type: "string" },
  push: { type: "boolean" },
  "push-url": { type: "string" },
  "outbox-dir": { type: "string" },
  every: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  "log-file": { type: "string" },
  "log-format": { type: "string" },
  table: { type: "boolean" },
  serve: { type: "string" },
} as const;

/** What to run (app/plan.ts), and how this command shows it. */
export interface RunArgs extends RunRequest {
  /** Watch mode: repeat every this many milliseconds, on wall-clock boundaries. */
  readonly everyMs?: number;
  readonly verbosity: Verbosity;
  readonly logFile?: string;
  readonly logFormat: LogFormat;
  /** Each client's rows as a table. */
  readonly table?: boolean;
  /** `--serve`: the wallboard's address. */
  readonly serve?: ServeAddress;
}

/**
 * `connect-metrics --client C --environment E --profile P [...]` (the 2019
 * form), `--all`, or `--profile` repeated; with `--every 60s` it repeats.
 */
export function parseRunArgs(argv: string[]): RunArgs {
  const values = parseFlags(splitOptionalPush(from2019Flags(argv, Object.keys(RUN_OPTIONS))), RUN_OPTIONS);
  const outputDir = values["output-dir"] ?? defaultOutputDir();
  // A profile named twice is one client, fetched once.
  const profiles = [...new Set((values.profile ?? []).map(profileFlag).filter(Boolean))];
  const all = values.all ?? false;
  notBoth(all, profiles.length > 0, "--all or --profile");
  if (!all && profiles.length === 0) {
    throw new UsageError("missing --profile (e.g. --profile capita-tradeuk-dev), or --all for every config file");
  }
  const single = !all && profiles.length === 1;
  if (!single && (values.client || values.environment)) {
    throw new UsageError("--client and --environment go with a single --profile; --all takes them from each file");
  }
  notBoth(values.quiet, values.verbose, "--quiet or --verbose");
  let everyMs: number | undefined;
  if (values.every !== undefined) {
    everyMs = parseInterval(values.every);
    if (everyMs === undefined || everyMs < MIN_INTERVAL_MS) {
      throw new UsageError(
        `--every expects an interval of at least ${MIN_INTERVAL_MS / 1000}s, such as 60s or 5m; got "${values.every}"`,
      );
    }
  }
  const serve = values.serve === undefined ? undefined : parseServeAddress(values.serve);
  if (values.serve !== undefined && !serve) {
    throw new UsageError(`--serve expects a port, or HOST:PORT (e.g. 8080 or 0.0.0.0:8080), got "${values.serve}"`);
  }
  const logFormat = (values["log-format"] ?? "text").toLowerCase();
  if (logFormat !== "text" && logFormat !== "json") {
    throw new UsageError(`--log-format expects text or json, got "${logFormat}"`);
  }
  return {
    profiles,
    all,
    client: single ? required(values.client, "client", "tradeuk") : undefined,
    environment: single ? required(values.environment, "environment", "dev") : undefined,
    configDir: trimmed(values["config-dir"]),
    outputDir,
    region: regionFlag(values.region),
    push: values.push ? { url: values["push-url"] } : undefined,
    outboxDir: values["outbox-dir"] ?? defaultOutboxDir(outputDir),
    everyMs,
    verbosity: values.quiet ? "quiet" : values.verbose ? "verbose" : "normal",
    logFile: values["log-file"],
    logFormat,
    table: values.table ?? false,
    serve,
  };
}
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
  let args: RunArgs | undefined;
  try {
    args = parseRunArgs(argv);
    return await run(args, { tables: args.table ?? false });
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

/** What is running, as the screen's and the wallboard's title says it. */
function titleOf(args: RunArgs, pushing: boolean): string {
  const who = args.all ? "--all" : args.profiles.map((p) => `--profile ${p}`).join(" ");
  return `connect-metrics ${who}${pushing ? " --push" : ""}`;
}

/** Runs what `args` ask: one cycle, or a watch; `tables` shows each client's rows (double-clicked, --table). */
export async function run(args: RunArgs, options: { tables: boolean }): Promise<number> {
  const started = Date.now();
  // Found before any work, so exit 2: bad flags, no config files, a bad settings.json, a bad push URL.
  const plan = await planRun({ ...args, outputDirIsDefault: args.outputDir === DEFAULT_OUTPUT_DIR });
  const reporter = await openReporter(args, plan.settings.settings.logRetentionDays);
  tellPlan(plan, reporter);
  const { push, multi } = plan;
  // Watch mode on a terminal: one screen, redrawn each cycle, instead of lines that scroll away.
  const screen = args.everyMs !== undefined && Deno.stdout.isTerminal() && args.verbosity !== "quiet";
  const displays = await Displays.open({
    screen,
    serve: args.serve,
    title: titleOf(args, push !== undefined),
    everyMs: args.everyMs,
    thresholds: plan.settings.settings.thresholds,
  }, reporter);
  let teller: CycleTeller | undefined;
  let cycles = 0;
  /**
   * One cycle, over by `runUntil`: its clients are fetched until fetchDeadline (the last quarter is for writing and
   * pushing), and with --push nothing is still sent after it; no backlog file is started after `pushDeadline`.
   * `nextAt`: when the next cycle starts (watch mode).
   */
  const once = async (clients: typeof plan.clients, runUntil: number, pushDeadline?: number, nextAt?: number) => {
    const number = ++cycles;
    const cycleStart = Date.now();
    if (args.everyMs) reporter.info(WATCH_WORDS.cycle(number, cycleStart));
    displays?.cycleStarted(number, cycleStart, clients.length);
    teller = new CycleTeller(plan, clients, reporter, {
      multi,
      tables: options.tables && !screen,
      progress: multi && !screen && Deno.stdout.isTerminal() && args.verbosity !== "quiet",
    });
    const report = await runCycle(clients, {
      outputDir: args.outputDir,
      push,
      region: args.region,
      pushDeadline,
      pushStopBy: runUntil,
      // A client not fetched by then fails, and the others' rows go out; throttled calls are sent again until then.
      fetchBy: fetchDeadline(cycleStart, runUntil),
      keepRows: options.tables || displays !== undefined,
      onClientStarted: teller.onClientStarted,
      onClientDone: (index, result) => {
        teller!.onClientDone(index, result);
        displays?.clientDone();
      },
      onPushStarted: teller.onPushStarted,
      onDropped: teller.onDropped,
    });
    teller.finish(report);
    displays?.cycleDone(report, push, nextAt);
    // A cycle that overran its boundary is told by the watch, with the run it skipped.
    if (nextAt && Date.now() < nextAt) reporter.info(WATCH_WORDS.next(nextAt));
    return report;
  };

  try {
    if (!args.everyMs) {
      let code: number;
      // Ctrl+C ends a one-shot run at once, saying what it kept: the clients done are written (and queued).
      const interrupted = onInterrupt(() => {
        reporter.warn(describeInterrupted(teller?.writtenCount ?? 0, plan.clients.length, push));
        Deno.exit(130);
      });
      try {
        // A run scheduled every minute keeps fetching every minute, however long the backlog or slow Power BI.
        const report = await once(
          plan.clients,
          started + plan.settings.settings.push.runSeconds * 1000,
          push ? started + push.backlogMs : undefined,
        );
        code = runExitCode(report, multi);
      } finally {
        interrupted.dispose();
      }
      if (displays?.wallboard) {
        // The wallboard shows this run's figures until Ctrl+C; they go stale on the page as time passes.
        const stop = stopOnSignals(() => {});
        reporter.info(`serving the wallboard at ${displays.wallboard.url} until Ctrl+C`);
        await new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve(), { once: true }));
        stop.dispose();
      }
      return code;
    }

    const everyMs = args.everyMs;
    const stop = stopOnSignals(() => {
      reporter.info(WATCH_WORDS.stopping);
      displays?.notice(WATCH_WORDS.stopping);
    });
    try {
      reporter.info(WATCH_WORDS.watching(everyMs));
      const budget = push && pushBudget(plan.clients.filter(isReady).map((c) => c.config), push, everyMs);
      if (budget && push) {
        const line = describeBudget(budget, everyMs, push.datasetMode);
        if (budget.remedy) reporter.warn(line);
        else reporter.info(line);
      }
      await watch(async (due) => {
        try {
          await once(await plan.replan(), due, watchPushDeadline(due, everyMs), due);
        } catch (error) {
          // A config broken mid-watch is reported each cycle; the watch goes on.
          reporter.failure(error);
          displays?.notice(...errorLines(error).map(redact));
        }
      }, {
        intervalMs: everyMs,
        stop: stop.signal,
        onSkipped: (skipped, tookMs, next) => reporter.warn(WATCH_WORDS.skipped(skipped, tookMs, next)),
      });
      await displays?.close();
      reporter.info(WATCH_WORDS.stopped);
      return 0;
    } finally {
      stop.dispose();
    }
  } finally {
    await displays?.close();
  }
}
