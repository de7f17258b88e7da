/**
 * The default command: one client's KPIs from Amazon Connect to
 * `output/<client>-<environment>-metric-data.json`.
 */
import { join } from "node:path";
import { parseRunArgs } from "./args.ts";
import type { Credentials } from "../aws/credentials.ts";
import { configDirInputs } from "../config/paths.ts";
import { loadClient, type LoadedClient } from "../config/load.ts";
import { connectClientFor } from "../connect/client.ts";
import { type FetchedMetrics, fetchMetrics } from "../connect/fetch.ts";
import { planRequests } from "../connect/plan.ts";
import { type TimeWindow, todaySoFar } from "../connect/window.ts";
import { flattenRows, type MetricRow } from "../rows/flatten.ts";
import { outputFileName, writeRowsFile } from "../sinks/json_file.ts";
import { PushOutbox } from "../sinks/outbox.ts";
import { type BatchLimits, batchLimitsFor, PowerBiPusher } from "../sinks/powerbi.ts";
import { type PushReport, pushRows } from "../sinks/push.ts";
import { PUSH_URL_ENV, type PushTarget, resolvePushTarget } from "../sinks/push_target.ts";
import type { Settings } from "../config/settings.ts";
import { ConfigError } from "../util/errors.ts";
import { localWallClock } from "../util/time.ts";

export interface CollectOptions {
  /** The --profile: names the config file, and is the AWS profile unless the config names a role. */
  readonly profile: string;
  readonly region?: string;
  readonly credentials?: Credentials;
  /** The demo's in-process emulator; otherwise AWS_ENDPOINT_URL_CONNECT or AWS. */
  readonly endpoint?: string;
  /** The run's instant (epoch ms): one Date for every row. */
  readonly now?: number;
  /** MaxResults per page (tests use small pages to exercise pagination). */
  readonly pageSize?: number;
}

export interface CollectedClient {
  readonly rows: MetricRow[];
  readonly fetched: FetchedMetrics;
  /** Null when "today so far" was empty and GetMetricData was not called. */
  readonly window: TimeWindow | null;
}

/** config -> plan -> fetch -> rows, for one client. */
export async function collectClient(loaded: LoadedClient, options: CollectOptions): Promise<CollectedClient> {
  const { config, settings } = loaded;
  const now = options.now ?? Date.now();
  const window = todaySoFar(now, config.timeZone);
  const plan = planRequests({
    instanceId: config.instanceId,
    queues: config.queues,
    channels: config.channels,
    columns: settings.columns,
    window,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
  const region = options.region ?? config.region;
  const client = await connectClientFor(
    { ...config, profile: options.profile, ...(region ? { region } : {}) },
    {
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    },
  );
  try {
    const fetched = await fetchMetrics(client, plan, {
      clientName: config.clientName,
      instanceId: config.instanceId,
      configFile: config.file,
      ...(settings.oldestContactAgeUnit ? { oldestContactAgeUnit: settings.oldestContactAgeUnit } : {}),
    });
    const rows = flattenRows({
      date: localWallClock(now, config.timeZone),
      clientName: config.clientName,
      queues: config.queues,
      columns: settings.columns,
      values: fetched.values,
    });
    return { rows, fetched, window };
  } finally {
    client.destroy();
  }
}

/** The 2019 flags must agree with the file they select. */
export function checkArgsMatchConfig(loaded: LoadedClient, client: string, environment: string): void {
  const { config } = loaded;
  if (client.toLowerCase() !== config.clientName.toLowerCase()) {
    throw new ConfigError(
      `--client ${client} does not match clientName "${config.clientName}" in ${config.file}`,
      "use the client the profile's config file is for, or the right --profile",
    );
  }
  if (environment.toUpperCase() !== config.environment) {
    throw new ConfigError(
      `--environment ${environment} does not match environment "${config.environment}" in ${config.file}`,
    );
  }
}

/** Writes the rows and says what was done, in one line. */
export async function writeClientOutput(
  loaded: LoadedClient,
  collected: CollectedClient,
  outputDir: string,
): Promise<string> {
  const path = join(outputDir, outputFileName(loaded.config));
  await writeRowsFile(path, collected.rows);
  return path;
}

/** One line for the user about a finished client. */
export function describeRun(loaded: LoadedClient, collected: CollectedClient, path: string): string {
  const { config } = loaded;
  const { requests, retries } = collected.fetched;
  const history = collected.window
    ? `since ${localWallClock(collected.window.start.getTime(), config.timeZone).slice(11, 16)}`
    : "none yet today (first five minutes after midnight)";
  return `${config.clientName} ${config.environment}: ${collected.rows.length} queues, ` +
    `${requests} API requests (${retries} retried), history ${history} -> ${path}`;
}

/** Everything `--push` needs, resolved before any work so a bad URL is exit 2. */
export interface PushSetup {
  readonly target: PushTarget;
  readonly outbox: PushOutbox;
  readonly pusher: PowerBiPusher;
  readonly limits: BatchLimits;
}

export function preparePush(
  args: { readonly push?: { readonly url?: string }; readonly outboxDir: string },
  settings: Settings,
  settingsFile?: string,
): PushSetup | undefined {
  if (!args.push) return undefined;
  const { push } = settings;
  const target = resolvePushTarget({
    ...(args.push.url ? { flag: args.push.url } : {}),
    ...(Deno.env.get(PUSH_URL_ENV) ? { env: Deno.env.get(PUSH_URL_ENV) } : {}),
    ...(push.powerBiUrl ? { settings: push.powerBiUrl } : {}),
    ...(settingsFile ? { settingsFile } : {}),
  });
  return {
    target,
    outbox: new PushOutbox(args.outboxDir, { maxAgeDays: push.outboxMaxDays, maxMB: push.outboxMaxMB }),
    pusher: new PowerBiPusher(target, { timeoutMs: push.timeoutSeconds * 1000, maxAttempts: push.attempts }),
    limits: batchLimitsFor(push.datasetMode),
  };
}

/** Sends rows (and any backlog) to Power BI; says loudly what the outbox bound dropped. */
export async function deliverRows(rows: readonly MetricRow[], setup: PushSetup): Promise<PushReport> {
  const report = await pushRows(rows, {
    ...setup,
    onDropped: (d) =>
      console.error(
        `warning: outbox ${setup.outbox.dir}: DROPPED ${d.rows} row(s) in ${d.files} file(s) ${d.reason}; ` +
          `they never reached Power BI`,
      ),
  });
  for (const name of report.unreadable) {
    console.error(`warning: outbox file ${name} is not a JSON array of rows; renamed to ${name}.unreadable`);
  }
  return report;
}

/** One line about a push. */
export function describePush(report: PushReport, target: PushTarget): string {
  const backlog = report.backlogRows > 0 ? ` (${report.backlogRows} of them waiting from earlier runs)` : "";
  return `pushed ${report.sentRows} row(s)${backlog} to ${target.display} in ${report.requests} request(s)` +
    (report.retries > 0 ? `, ${report.retries} retried` : "");
}

export async function runCommand(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  const loaded = await loadClient(configDirInputs(args.configDir), args.profile);
  for (const warning of loaded.warnings) console.error(`warning: ${warning}`);
  checkArgsMatchConfig(loaded, args.client, args.environment);
  const push = preparePush(args, loaded.settings, loaded.settingsFile);
  const collected = await collectClient(loaded, {
    profile: args.profile,
    ...(args.region ? { region: args.region } : {}),
  });
  const path = await writeClientOutput(loaded, collected, args.outputDir);
  console.log(describeRun(loaded, collected, path));
  if (push) console.log(describePush(await deliverRows(collected.rows, push), push.target));
  return 0;
}
