/**
 * The default command: clients' KPIs from Amazon Connect to
 * `output/<client>-<environment>-metric-data.json`, and with --push to
 * Power BI. One client (the 2019 command line), several (--profile
 * repeated) or all (--all); once, or --every interval until stopped.
 * Double-clicked, it runs what settings.json says and waits for Enter.
 */
import { join, resolve } from "node:path";
import { DEFAULT_OUTPUT_DIR, parseRunArgs, type RunArgs } from "./args.ts";
import { dailyLogReporter, errorLines, isInteractive, printError, Reporter } from "./log.ts";
import {
  checkArgsMatchConfig,
  type ClientPlan,
  cycleExitCode,
  type CycleReport,
  describePush,
  formatSummary,
  preparePush,
  runCycle,
} from "./pipeline.ts";
import { formatTable } from "./table.ts";
import { stopOnSignals, watch } from "./watch.ts";
import {
  lookAlikeRowWarnings,
  sharedOutputFiles,
  sharedOutputProblem,
  sharedQueueFiles,
  sharedQueueProblem,
} from "../config/check.ts";
import { profileOfConfigFile } from "../config/client_config.ts";
import {
  findClientConfigFiles,
  type FoundConfigFiles,
  loadClient,
  type LoadedSettings,
  loadSettings,
  misnamedConfigError,
  settingsReader,
  strayLine,
} from "../config/load.ts";
import { appDir, type ConfigDirInputs, configDirInputs, userStateDir } from "../config/paths.ts";
import { ROW_KEY_COLUMNS } from "../connect/catalogue.ts";
import { kpiColumns } from "../connect/columns.ts";
import { PUSH_URL_ENV } from "../sinks/push_target.ts";
import { envProxy } from "../aws/http.ts";
import { displayProxy } from "../aws/proxy.ts";
import { cannotAppendTo, cannotWriteIn } from "../util/atomic_file.ts";
import { ConfigError, EXIT, exitCodeFor } from "../util/errors.ts";

/** The clients of this run, read now (again each watch cycle, so edits apply without a restart). */
async function planClients(
  args: RunArgs,
  inputs: ConfigDirInputs,
  readSettingsOf: (dir: string) => Promise<LoadedSettings>,
  found?: FoundConfigFiles,
): Promise<ClientPlan[]> {
  if (!args.all && args.profiles.length === 1) {
    // The 2019 form: a bad file is the user's to fix before anything runs (exit 2).
    const loaded = await loadClient(inputs, args.profiles[0], readSettingsOf);
    checkArgsMatchConfig(loaded, args.client!, args.environment!);
    return [{ profile: args.profiles[0], loaded }];
  }
  if (!args.all) {
    // Profiles the user named: a missing or broken file is a mistake to fix before any work (exit 2).
    const plans = await Promise.all(
      args.profiles.map(async (profile) => ({ profile, loaded: await loadClient(inputs, profile, readSettingsOf) })),
    );
    const failed = withoutClashingFiles(plans).find((plan) => "error" in plan);
    if (failed && "error" in failed) throw failed.error;
    return plans;
  }
  // Files found by --all: a broken one becomes a failed client, so it cannot blank the others.
  const { paths, misnamed } = found ?? await findClientConfigFiles(inputs);
  return withoutClashingFiles(
    await Promise.all(
      [...paths, ...misnamed].sort().map(async (path): Promise<ClientPlan> => {
        if (misnamed.includes(path)) {
          return { profile: profileOfConfigFile(path.slice(0, -".txt".length)), error: misnamedConfigError(path) };
        }
        const profile = profileOfConfigFile(path);
        try {
          return { profile, loaded: await loadClient(inputs, profile, readSettingsOf) };
        } catch (error) {
          return { profile, error: error as Error };
        }
      }),
    ),
  );
}

/**
 * Clients that would write the same output file, or the same queues of one
 * instance, both fail: which of the two is right cannot be told, and one
 * client's rows must never appear under another's name.
 */
function withoutClashingFiles(plans: readonly ClientPlan[]): ClientPlan[] {
  const configs = plans.flatMap((plan) => ("loaded" in plan ? [plan.loaded.config] : []));
  const sameOutput = sharedOutputFiles(configs);
  const sameQueues = sharedQueueFiles(configs);
  return plans.map((plan) => {
    if (!("loaded" in plan)) return plan;
    const { config } = plan.loaded;
    const others = sameOutput.get(config.file);
    const queues = sameQueues.get(config.file);
    if (!others && !queues) return plan;
    return {
      profile: plan.profile,
      error: others
        ? new ConfigError(
          `${config.file}: ${sharedOutputProblem(config, others)}`,
          "give each client file its own clientName (or environment)",
        )
        : new ConfigError(
          `${config.file}: ${sharedQueueProblem(config, queues!)}`,
          `each client's file names its own instance and queues: connect-metrics discover --profile ${plan.profile} ` +
            "fills them in",
        ),
    };
  });
}

/**
 * settingsReader, with settings.json's columns checked against the metric
 * catalogue: a column Connect cannot give is found before any work.
 */
function checkedSettingsReader(): (dir: string) => Promise<LoadedSettings> {
  const read = settingsReader();
  return async (dir) => {
    const loaded = await read(dir);
    kpiColumns(loaded.settings.columns, loaded.file);
    return loaded;
  };
}

function ownSettings(plan: ClientPlan): LoadedSettings {
  if (!("loaded" in plan)) throw plan.error;
  const { settings, settingsFile, settingsMisnamed } = plan.loaded;
  return {
    settings,
    ...(settingsFile ? { file: settingsFile } : {}),
    warnings: [],
    ...(settingsMisnamed ? { misnamed: settingsMisnamed } : {}),
  };
}

/**
 * The output folder (and the outbox, with --push) must take files before
 * anything is fetched: otherwise every client's rows are fetched and lost.
 * A scheduled task starts in C:\Windows\System32 unless told otherwise.
 */
async function checkFolders(args: RunArgs, outboxDir?: string): Promise<void> {
  const output = await cannotWriteIn(args.outputDir);
  if (output) {
    throw new ConfigError(
      `output folder ${resolve(args.outputDir)}: cannot write to it (${output})`,
      args.outputDir === DEFAULT_OUTPUT_DIR
        ? `that is "output" in the working directory; run from a folder you can write to, or give --output-dir`
        : "give --output-dir a folder you can write to",
    );
  }
  const outbox = outboxDir ? await cannotWriteIn(outboxDir) : undefined;
  if (outbox) {
    throw new ConfigError(
      `outbox folder ${outboxDir}: cannot write to it (${outbox})`,
      "give --outbox-dir a folder you can write to",
    );
  }
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

/** Tells the user how a cycle went: one line per client, the failures, the push, the summary. */
function tell(report: CycleReport, reporter: Reporter, options: { multi: boolean; tables: boolean }): void {
  for (const r of report.results) {
    if (r.error) {
      reporter.failure(r.error, options.multi ? `${r.label}: ` : "");
    } else {
      reporter.info(r.line!, { client: r.label, rows: r.rows, requests: r.requests, retries: r.retries, ms: r.ms });
      for (const warning of r.warnings ?? []) reporter.warn(warning);
      reporter.detail(`  ${r.label}: fetched and written in ${(r.ms / 1000).toFixed(2)} s`);
      if (options.tables && r.data) {
        reporter.info(formatTable(r.data, Object.keys(r.data[0] ?? {}).filter((c) => c !== ROW_KEY_COLUMNS[0])));
      }
    }
  }
  if (report.push) reporter.info(describePush(report.push, report.pushTarget!));
  if (report.pushError) reporter.failure(report.pushError);
  if (options.multi) {
    const failed = report.results.some((r) => r.error) || report.pushError;
    (failed ? reporter.error.bind(reporter) : reporter.info.bind(reporter))(formatSummary(report));
  }
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
  const inputs = configDirInputs(args.configDir);
  const multi = args.all || args.profiles.length > 1;
  // Found before any work, so exit 2: bad flags, no config files, a bad settings.json, a bad push URL.
  const readSettingsOf = checkedSettingsReader();
  // --all reads the config folder once here, for its clients, its settings and the files it leaves unread.
  const found = args.all ? await findClientConfigFiles(inputs) : undefined;
  let clients = await planClients(args, inputs, readSettingsOf, found);
  // One client: its own settings.json; many: the one in the config directory they share.
  const sharedDir = found?.dir ?? (multi ? (await findClientConfigFiles(inputs)).dir : undefined);
  const shared: LoadedSettings = sharedDir ? await readSettingsOf(sharedDir) : ownSettings(clients[0]);
  const push = preparePush(args, shared);
  const proxy = envProxy(); // a bad HTTPS_PROXY is found here, before any work
  await checkFolders(args, push?.outbox.dir);
  const reporter = await openReporter(args, shared.settings.logRetentionDays);
  const warnings = [
    ...(found ? found.strays.map(strayLine) : []),
    ...(shared.misnamed ? [shared.misnamed] : []),
    ...shared.warnings,
    ...clients.flatMap((c) => "loaded" in c ? c.loaded.warnings : []),
    // Only a push puts two clients' rows in one place.
    ...(push ? lookAlikeRowWarnings(clients.flatMap((c) => "loaded" in c ? [c.loaded.config] : [])).values() : []),
  ];
  for (const w of new Set(warnings)) reporter.warn(w);
  for (const c of clients) {
    if ("loaded" in c) reporter.detail(`config ${c.loaded.config.file} (${c.loaded.configDirSource})`);
  }
  reporter.detail(`settings ${shared.file ?? "(none: the default columns)"}`);
  if (push) reporter.detail(`push to ${push.target.display}, outbox ${push.outbox.dir}`);
  for (const [variable, url] of [["HTTPS_PROXY", proxy.https], ["HTTP_PROXY", proxy.http]] as const) {
    if (url) reporter.detail(`AWS calls go through the proxy ${displayProxy(url)} (${variable})`);
  }

  const cycleOptions = {
    outputDir: args.outputDir,
    ...(push ? { push } : {}),
    ...(args.region ? { region: args.region } : {}),
    reporter,
    progress: multi && Deno.stdout.isTerminal() && args.verbosity !== "quiet",
  };
  const once = async (pushDeadline?: number) => {
    const report = await runCycle(clients, { ...cycleOptions, ...(pushDeadline ? { pushDeadline } : {}) });
    tell(report, reporter, { multi, tables: options.tables });
    return report;
  };

  if (!args.everyMs) {
    // A run scheduled every minute keeps fetching every minute, however long the push backlog.
    const report = await once(push ? started + push.backlogMs : undefined);
    const error = report.results[0].error ?? report.pushError;
    // One client keeps the 2019 exit codes: 2 for its config (e.g. no Region), 1 for AWS or Power BI.
    if (!multi && error) return exitCodeFor(error);
    return cycleExitCode(report);
  }

  const stop = stopOnSignals(() =>
    reporter.info("stopping: the current cycle finishes first (Ctrl+C again quits now)")
  );
  try {
    reporter.info(`watching: every ${args.everyMs / 1000} s on the clock; Ctrl+C stops`);
    await watch(async (due) => {
      // A push backlog is sent over several cycles rather than holding up the next fetch.
      const pushDeadline = due - args.everyMs! * WATCH_PUSH_MARGIN;
      try {
        clients = await planClients(args, inputs, checkedSettingsReader());
        await once(pushDeadline);
      } catch (error) {
        // A config broken mid-watch is reported each cycle; the watch goes on.
        reporter.failure(error);
      }
    }, {
      intervalMs: args.everyMs,
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
    const argv = ["--all"];
    if (settings.push.powerBiUrl || Deno.env.get(PUSH_URL_ENV)) argv.push("--push");
    if (settings.everyMs) argv.push("--every", `${settings.everyMs / 1000}s`);
    console.log(`connect-metrics ${argv.join(" ")}  (settings: ${file ?? "none found, defaults"})\n`);
    code = await run(parseRunArgs(argv), { tables: true });
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
