/**
 * `connect-metrics check`: every config and settings file validated, one
 * line each; with --live, one cheap call per client through its real
 * credentials. Exit 0 all good, 1 a live check failed, 2 a file is wrong.
 */
import { basename, join } from "node:path";
import { notBoth, parseFlags, profileFlag, regionFlag, trimmed } from "./parse.ts";
import { checkConfigFiles, type ConfigCheck } from "../config/check.ts";
import { profileOfConfigFile } from "../config/client_config.ts";
import { findClientConfigFiles, type LoadedSettings, misnamedFileLine, readSettings } from "../config/load.ts";
import { describeBudget } from "./report.ts";
import { configuredDestination, pushBudget } from "../app/delivery.ts";
import type { ClientConfig } from "../config/client_config.ts";
import { rowColumns } from "../connect/catalogue.ts";
import { configDirInputs, defaultOutboxDir, defaultOutputDir } from "../config/paths.ts";
import { setAsideFiles } from "../sinks/outbox.ts";
import { missingProfileChecker } from "../aws/profile_files.ts";
import { connectClientFor } from "../connect/client.ts";
import { kpiColumns } from "../connect/columns.ts";
import { probeInstance } from "../connect/probe.ts";
import { EXIT } from "../util/errors.ts";
import { redact } from "../util/redact.ts";
import { readUserText } from "../util/text.ts";

/** Its lines in `--help` (under "Commands:"). */
export const CHECK_HELP = `  check                 validate every config and settings file, one line each
    --profile PROFILE   only that client's file (default: --all)
    --live              also prove credentials, Region, instance and queues with one call per client
    --outbox-dir DIR    whose set-aside rows to list (default: outbox beside the output folder)`;

export const CHECK_OPTIONS = {
  all: { type: "boolean" },
  profile: { type: "string" },
  live: { type: "boolean" },
  "config-dir": { type: "string" },
  region: { type: "string" },
  "outbox-dir": { type: "string" },
} as const;

export interface CheckArgs {
  /** Undefined with --all (the default): every config file. */
  readonly profile?: string;
  readonly live: boolean;
  readonly configDir?: string;
  readonly region?: string;
  readonly outboxDir?: string;
}

/** `connect-metrics check [--all | --profile P] [--live]` */
export function parseCheckArgs(argv: string[]): CheckArgs {
  const values = parseFlags(argv, CHECK_OPTIONS);
  notBoth(values.all, values.profile, "--all or --profile");
  const profile = trimmed(values.profile);
  return {
    profile: profile === undefined ? undefined : profileFlag(profile),
    live: values.live ?? false,
    configDir: trimmed(values["config-dir"]),
    region: regionFlag(values.region),
    outboxDir: trimmed(values["outbox-dir"]),
  };
}

function describe(check: ConfigCheck): string[] {
  const name = basename(check.path);
  if (check.problems.length > 0) return check.problems.map((p) => `FAIL  ${name}: ${p.replace(`${check.path}: `, "")}`);
  const c = check.config!;
  return [
    `ok    ${name}: ${c.clientName} ${c.environment}, ${c.queues.length} queue(s), instance ${c.instanceId}`,
    ...check.warnings.map((w) => `warn  ${name}: ${w.replace(`${check.path}: `, "")}`),
  ];
}

export async function checkCommand(argv: string[]): Promise<number> {
  const args = parseCheckArgs(argv);
  const { dir, paths, misnamed, strays } = await findClientConfigFiles(configDirInputs(args.configDir), args.profile);
  let settingsFailed = false;
  let loaded: LoadedSettings | undefined;

  try {
    const settings = await readSettings(dir);
    loaded = settings;
    if (settings.misnamed) {
      settingsFailed = true; // the user's settings, the push URL among them, would not be used
      console.log(`FAIL  settings.json: ${settings.misnamed}`);
    } else {
      console.log(
        settings.file
          ? `ok    settings.json: ${kpiColumns(settings.settings.columns, settings.file).length} KPI columns`
          : `ok    settings.json: none (the default columns)`,
      );
      for (const w of settings.warnings) console.log(`warn  settings.json: ${w.replace(`${settings.file}: `, "")}`);
    }
  } catch (error) {
    settingsFailed = true;
    console.log(`FAIL  settings.json: ${(error as Error).message.replace(/^.*settings\.json: /, "")}`);
  }

  const read = await Promise.all(paths.map(async (path) => {
    try {
      return { path, text: await readUserText(path) };
    } catch (error) {
      return { path, unreadable: `cannot read: ${(error as Error).message}` };
    }
  }));
  const files = read.filter((f) => f.text !== undefined) as { path: string; text: string }[];
  // The AWS profile each client needs, looked for offline: the commonest set-up slip.
  const missingProfile = await missingProfileChecker();
  const unreadable: ConfigCheck[] = read.flatMap((f) =>
    f.unreadable ? [{ path: f.path, problems: [f.unreadable], warnings: [] }] : []
  );
  const checks = [...checkConfigFiles(files), ...unreadable].map((check) => {
    const missing = check.config && check.problems.length === 0
      ? missingProfile(profileOfConfigFile(check.path), check.config.assumeRole)
      : undefined;
    return missing ? { ...check, warnings: [...check.warnings, missing] } : check;
  });
  for (const check of checks) for (const line of describe(check)) console.log(line);
  for (const path of misnamed) {
    console.log(`FAIL  ${basename(path)}: ${misnamedFileLine(path).replace(`${path}: `, "")}`);
  }
  for (const stray of strays) console.log(`warn  ${basename(stray.path)}: ${stray.why}`);
  const configs = checks.flatMap((c) => c.config && c.problems.length === 0 ? [c.config] : []);
  const budget = loaded && !loaded.misnamed && configs.length > 0 ? budgetLine(loaded, configs) : undefined;
  if (budget) console.log(budget);
  // Rows the outbox set aside are kept, not sent: said here, since a run says so only once.
  const outboxDir = args.outboxDir ?? defaultOutboxDir(defaultOutputDir());
  for (const { name, why } of await setAsideFiles(outboxDir)) {
    console.log(
      `warn  ${join(outboxDir, name)}: rows set aside as ${why}` +
        (why === "refused"
          ? ` (other columns than the dataset's); rename it to ${name.slice(0, -".refused".length)} to send it once ` +
            "the dataset has its columns"
          : " (not a JSON array of rows)") +
        "; removed after outboxMaxDays",
    );
  }
  const failing = checks.filter((c) => c.problems.length > 0).length + misnamed.length + (settingsFailed ? 1 : 0);
  // With --live, the files that pass are still proved; those that fail are said to be skipped, never left out silently.
  const liveFailures = args.live ? await liveCheck(checks, misnamed, args.region) : 0;
  if (failing > 0) {
    console.error(`error: ${failing} file(s) in ${dir} need fixing (see FAIL lines)`);
    return EXIT.usage;
  }
  if (liveFailures > 0) {
    console.error(`error: ${liveFailures} of ${checks.length} client(s) failed the live check (see FAIL lines)`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

/**
 * What the clients that passed send a Power BI dataset at settings.json's
 * "every" (else a run a minute, as a scheduled task), against its limits;
 * nothing when the rows go to Event Hubs.
 */
function budgetLine(loaded: LoadedSettings, configs: readonly ClientConfig[]): string | undefined {
  const { settings, file } = loaded;
  // None yet, or a bad one (a --push run says so): the budget is for the Power BI dataset to come.
  const target = configuredDestination(loaded);
  const everyMs = settings.everyMs ?? 60_000;
  const mode = settings.push.datasetMode;
  const columns = rowColumns(kpiColumns(settings.columns, file));
  const budget = pushBudget(configs, { columns, datasetMode: mode, target }, everyMs);
  return budget && `${budget.remedy ? "warn  " : "ok    "}${describeBudget(budget, everyMs, mode)}`;
}

/** One cheap call per client whose file passed; a `live` line each, skipped ones too. Returns the failures. */
async function liveCheck(checks: readonly ConfigCheck[], misnamed: readonly string[], regionFlag?: string) {
  let failures = 0;
  for (const path of [...checks.filter((c) => c.problems.length > 0).map((c) => c.path), ...misnamed]) {
    console.log(`live  ${basename(path)}: skipped, as the file fails the check above`);
  }
  await Promise.all(
    checks.filter((c) => c.problems.length === 0).map(async ({ path, config }) => {
      const c = config!;
      const profile = profileOfConfigFile(path);
      const region = regionFlag ?? c.region;
      let client;
      try {
        client = await connectClientFor({ ...c, profile, region }, { maxAttempts: 2 });
        const gone = await probeInstance(client, c);
        console.log(redact(
          gone
            ? `live  ${c.clientName} ${c.environment}: warn ${gone}: a run leaves that queue's row out; ` +
              `connect-metrics discover --prune --profile ${profile} takes it out of the file`
            : `live  ${c.clientName} ${c.environment}: ok (credentials, Region, instance and queues answer)`,
        ));
      } catch (error) {
        failures++;
        const { message, hint } = error as { message?: string; hint?: string };
        console.log(redact(`live  ${c.clientName} ${c.environment}: FAIL ${message}${hint ? ` (${hint})` : ""}`));
      } finally {
        client?.destroy();
      }
    }),
  );
  return failures;
}
