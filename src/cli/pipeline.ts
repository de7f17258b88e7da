/**
 * The pipeline every run command shares: one client collected, written and
 * described; a cycle over many clients with failures isolated; the push.
 * Used by the default command, `demo` and the benchmark.
 */
import { join } from "node:path";
import type { Credentials } from "../aws/credentials.ts";
import { outputFileName, type Queue, sameClientName } from "../config/client_config.ts";
import type { LoadedClient, LoadedSettings } from "../config/load.ts";
import { rowColumns } from "../connect/catalogue.ts";
import { kpiColumns } from "../connect/columns.ts";
import { connectClientFor, ConnectionPool, DEFAULT_MAX_CONNECTIONS } from "../connect/client.ts";
import { type FetchedMetrics, fetchMetrics } from "../connect/fetch.ts";
import { planRequests } from "../connect/plan.ts";
import type { RequestPacer } from "../connect/pacing.ts";
import { type TimeWindow, todaySoFar } from "../connect/window.ts";
import { flattenRows, type MetricRow } from "../rows/flatten.ts";
import { writeRowsFile } from "../sinks/json_file.ts";
import { PushOutbox } from "../sinks/outbox.ts";
import { type BatchLimits, batchLimitsFor, PowerBiPusher } from "../sinks/powerbi.ts";
import { type PushReport, pushRows } from "../sinks/push.ts";
import { PUSH_URL_ENV, type PushTarget, resolvePushTarget } from "../sinks/push_target.ts";
import { AwsError, ConfigError, WriteError } from "../util/errors.ts";
import { localWallClock } from "../util/time.ts";
import { briefly } from "../util/text.ts";
import type { Reporter } from "./log.ts";
import { ClientProgress } from "./progress.ts";
import { formatTable } from "./table.ts";

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
  /** The client-side rate limiter (default: the process's, at Connect's real quotas). */
  readonly pacer?: RequestPacer;
  /** Connections shared with the other clients of the cycle (runCycle's own). */
  readonly connections?: ConnectionPool;
  /** How long one AWS request (Connect's, or STS's for a role) may take (tests shorten it); then the SDK retries it. */
  readonly requestTimeoutMs?: number;
}

export interface CollectedClient {
  readonly rows: MetricRow[];
  readonly fetched: FetchedMetrics;
  /** Null when "today so far" was empty and GetMetricData was not called. */
  readonly window: TimeWindow | null;
  /** Queues of the config that Connect no longer has: they have no row. */
  readonly missingQueues: readonly Queue[];
}

/** config -> plan -> fetch -> rows, for one client. */
export async function collectClient(loaded: LoadedClient, options: CollectOptions): Promise<CollectedClient> {
  const { config, settings } = loaded;
  const columns = kpiColumns(settings.columns, loaded.settingsFile);
  const now = options.now ?? Date.now();
  const window = todaySoFar(now, config.timeZone);
  const plan = planRequests({
    instanceId: config.instanceId,
    queues: config.queues,
    channels: config.channels,
    columns,
    window,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
  const region = options.region ?? config.region;
  const client = await connectClientFor(
    { ...config, profile: options.profile, ...(region ? { region } : {}) },
    {
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.pacer ? { pacer: options.pacer } : {}),
      ...(options.connections ? { connections: options.connections } : {}),
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    },
  );
  try {
    const fetched = await fetchMetrics(client, plan, {
      clientName: config.clientName,
      instanceId: config.instanceId,
      configFile: config.file,
      ...(settings.oldestContactAgeUnit ? { oldestContactAgeUnit: settings.oldestContactAgeUnit } : {}),
    });
    const missingQueues = config.queues.filter((q) => fetched.missingQueues.has(q.id));
    if (missingQueues.length === config.queues.length) {
      throw new AwsError(
        `ResourceNotFoundException: none of the ${config.queues.length} queue(s) in ${config.file} is in instance ` +
          `${config.instanceId} (client ${config.clientName}) - check queues in ${config.file}`,
        "connect-metrics discover lists the instance's queues into the file",
        "ResourceNotFoundException",
      );
    }
    const rows = flattenRows({
      date: localWallClock(now, config.timeZone),
      clientName: config.clientName,
      queues: config.queues.filter((q) => !fetched.missingQueues.has(q.id)),
      columns,
      values: fetched.values,
    });
    return { rows, fetched, window, missingQueues };
  } finally {
    client.destroy();
  }
}

/**
 * The 2019 flags must agree with the file they select: they guard against a
 * mix-up of profiles, not against how the name is spaced or cased.
 */
export function checkArgsMatchConfig(loaded: LoadedClient, client: string, environment: string): void {
  const { config } = loaded;
  if (!sameClientName(client, config.clientName)) {
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
  await writeRowsFile(path, collected.rows).catch((error) => {
    throw new WriteError(`cannot write ${path}: ${(error as Error).message}`, "is another program holding it open?");
  });
  return path;
}

/** One line for the user about a finished client. */
export function describeRun(loaded: LoadedClient, collected: CollectedClient, path: string): string {
  const { config } = loaded;
  const { requests, retries } = collected.fetched;
  const history = collected.window
    ? `since ${localWallClock(collected.window.start.getTime(), config.timeZone).slice(11, 16)}`
    : "none yet today (first five minutes after midnight)";
  const queues = collected.rows.length;
  return `${config.clientName} ${config.environment}: ${queues} queue${queues === 1 ? "" : "s"}, ` +
    `${requests} API requests (${retries} retried), history ${history} -> ${path}`;
}

/** The warning for queues Connect no longer has: their rows are left out, the others are written. */
export function describeMissingQueues(loaded: LoadedClient, collected: CollectedClient, profile: string): string {
  const { config } = loaded;
  const missing = collected.missingQueues;
  const names = missing.map((q) => `"${q.name}" (${q.id})`).join(", ");
  return `${config.clientName} ${config.environment}: ${missing.length} queue(s) in ${config.file} not in instance ` +
    `${config.instanceId} (deleted in Connect?), so no row: ${names}; ` +
    `connect-metrics discover --prune --profile ${profile} takes them out of the file`;
}

/** Everything `--push` needs, resolved before any work so a bad URL is exit 2. */
export interface PushSetup {
  readonly target: PushTarget;
  readonly outbox: PushOutbox;
  readonly pusher: PowerBiPusher;
  readonly limits: BatchLimits;
  /** The columns of the rows this run pushes (PushPlan.columns). */
  readonly columns: readonly string[];
  /** How long a one-shot run goes on sending earlier runs' rows (settings.json pushBacklogSeconds). */
  readonly backlogMs: number;
}

export function preparePush(
  args: { readonly push?: { readonly url?: string }; readonly outboxDir: string },
  loaded: Pick<LoadedSettings, "settings" | "file" | "misnamed">,
): PushSetup | undefined {
  if (!args.push) return undefined;
  const { push } = loaded.settings;
  const target = resolvePushTarget({
    ...(args.push.url ? { flag: args.push.url } : {}),
    ...(Deno.env.get(PUSH_URL_ENV) ? { env: Deno.env.get(PUSH_URL_ENV) } : {}),
    ...(push.powerBiUrl ? { settings: push.powerBiUrl } : {}),
    ...(loaded.file ? { settingsFile: loaded.file } : {}),
    ...(loaded.misnamed ? { settingsMisnamed: loaded.misnamed } : {}),
  });
  return {
    target,
    outbox: new PushOutbox(
      args.outboxDir,
      { maxAgeDays: push.outboxMaxDays, maxMB: push.outboxMaxMB },
      Date.now,
      target.tag,
    ),
    pusher: new PowerBiPusher(target, { timeoutMs: push.timeoutSeconds * 1000, maxAttempts: push.attempts }),
    limits: batchLimitsFor(push.datasetMode),
    columns: rowColumns(kpiColumns(loaded.settings.columns, loaded.file)),
    backlogMs: push.backlogSeconds * 1000,
  };
}

/** Sends rows (and any backlog) to Power BI; says loudly what the outbox bound dropped. */
export async function deliverRows(
  rows: readonly MetricRow[],
  setup: PushSetup,
  warn: (message: string) => void = (message) => console.error(`warning: ${message}`),
  deadline?: number,
): Promise<PushReport> {
  const report = await pushRows(rows, {
    ...setup,
    ...(deadline === undefined ? {} : { deadline }),
    onDropped: (d) =>
      warn(
        `outbox ${setup.outbox.dir}: DROPPED ${d.rows} row(s) in ${d.files} file(s) ${d.reason}; ` +
          `they never reached Power BI`,
      ),
  });
  const other = report.otherDataset;
  if (other.files > 0) {
    warn(
      `outbox ${setup.outbox.dir}: ${other.rows} row(s) in ${other.files} file(s) wait for another Power BI dataset ` +
        `(another push URL's; files *-for-${
          other.tags.join(".json, *-for-")
        }.json); they go when a run pushes to it, ` +
        `else are dropped after ${setup.outbox.bound.maxAgeDays} days`,
    );
  }
  for (const name of report.unreadable) {
    warn(`outbox file ${name} is not a JSON array of rows; renamed to ${name}.unreadable`);
  }
  for (const r of report.refused) {
    warn(
      `${r.reason}: ${r.rows} row(s) of an earlier run, with other columns than settings.json now gives; ` +
        `set aside as ${join(setup.outbox.dir, r.name)}, and the rows after them sent`,
    );
  }
  return report;
}

/** One line about a push. */
export function describePush(report: PushReport, target: PushTarget): string {
  const backlog = report.backlogRows > 0 ? ` (${report.backlogRows} of them waiting from earlier runs)` : "";
  const waiting = report.remaining.rows > 0
    ? `; ${report.remaining.rows} row(s) still waiting in the outbox go with the next push (oldest first)`
    : "";
  return `pushed ${report.sentRows} row(s)${backlog} to ${target.display} in ${report.requests} request(s)` +
    (report.retries > 0 ? `, ${report.retries} retried` : "") + waiting;
}

/** One client of a run: its config, or why it could not be read. */
export type ClientPlan =
  | { readonly profile: string; readonly loaded: LoadedClient }
  | { readonly profile: string; readonly error: Error };

export interface ClientResult {
  readonly profile: string;
  /** "TradeUK DEV", or the profile when the config could not be read. */
  readonly label: string;
  readonly rows: number;
  readonly requests: number;
  readonly retries: number;
  readonly ms: number;
  readonly path?: string;
  readonly error?: Error;
  /** The run's line for this client (describeRun), when it succeeded. */
  readonly line?: string;
  /** The rows written, when it succeeded. */
  readonly data?: readonly MetricRow[];
  /** Said after the client's line: queues of the config that Connect no longer has. */
  readonly warnings?: readonly string[];
}

export interface CycleReport {
  readonly results: readonly ClientResult[];
  readonly push?: PushReport;
  readonly pushTarget?: PushTarget;
  readonly pushError?: Error;
  readonly ms: number;
}

export interface CycleOptions extends Omit<CollectOptions, "profile" | "now" | "connections"> {
  readonly outputDir: string;
  readonly push?: PushSetup;
  readonly reporter: Reporter;
  /** Clients fetched at once (accounts are paced separately, so many can run together). */
  readonly concurrency?: number;
  readonly progress?: boolean;
  /** Watch mode: when to stop starting pushes of the backlog (PushPlan.deadline). */
  readonly pushDeadline?: number;
}

export const DEFAULT_CONCURRENCY = 16;

const labelOf = (plan: ClientPlan) =>
  "loaded" in plan ? `${plan.loaded.config.clientName} ${plan.loaded.config.environment}` : plan.profile;

/**
 * Every client: fetched concurrently, each written on its own, a failure
 * kept to its client. Then one push of every row (and the outbox backlog).
 */
export async function runCycle(clients: readonly ClientPlan[], options: CycleOptions): Promise<CycleReport> {
  const started = performance.now();
  const now = Date.now();
  const { reporter } = options;
  const progress = new ClientProgress(clients.map(labelOf), options.progress ?? false);
  const results: ClientResult[] = new Array(clients.length);
  const rows: MetricRow[][] = new Array(clients.length).fill([]);
  const connections = new ConnectionPool(DEFAULT_MAX_CONNECTIONS, options.requestTimeoutMs);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < clients.length; i = next++) {
      const plan = clients[i];
      const label = labelOf(plan);
      const t0 = performance.now();
      if (!("loaded" in plan)) {
        results[i] = { profile: plan.profile, label, rows: 0, requests: 0, retries: 0, ms: 0, error: plan.error };
        progress.update(i, "FAILED (config)");
        continue;
      }
      progress.update(i, "fetching");
      try {
        const collected = await collectClient(plan.loaded, { ...options, profile: plan.profile, now, connections });
        // Pushed even if the file cannot be written (held open by another program): the two sinks are independent.
        rows[i] = collected.rows;
        const path = await writeClientOutput(plan.loaded, collected, options.outputDir);
        const { requests, retries } = collected.fetched;
        results[i] = {
          profile: plan.profile,
          label,
          rows: collected.rows.length,
          requests,
          retries,
          ms: performance.now() - t0,
          path,
          line: describeRun(plan.loaded, collected, path),
          data: collected.rows,
          ...(collected.missingQueues.length > 0
            ? { warnings: [describeMissingQueues(plan.loaded, collected, plan.profile)] }
            : {}),
        };
        progress.update(i, `ok, ${collected.rows.length} rows`);
      } catch (error) {
        results[i] = {
          profile: plan.profile,
          label,
          rows: 0,
          requests: 0,
          retries: 0,
          ms: performance.now() - t0,
          error: error as Error,
        };
        progress.update(i, "FAILED");
      }
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, clients.length) }, worker),
    );
  } finally {
    connections.close();
  }

  let push: PushReport | undefined;
  let pushError: Error | undefined;
  if (options.push) {
    try {
      push = await deliverRows(rows.flat(), options.push, (message) => reporter.warn(message), options.pushDeadline);
    } catch (error) {
      pushError = error as Error;
    }
  }
  return {
    results,
    ...(push ? { push } : {}),
    ...(options.push ? { pushTarget: options.push.target } : {}),
    ...(pushError ? { pushError } : {}),
    ms: performance.now() - started,
  };
}

/** About as much of an error as keeps the summary within a console window's width. */
const SUMMARY_OUTCOME_CHARS = 60;

/** The end-of-run table: per client rows, API calls, retries, time and outcome. */
export function formatSummary(report: CycleReport): string {
  const table = formatTable(
    report.results.map((r) => ({
      Client: r.label,
      Rows: r.rows,
      "API calls": r.requests,
      Retries: r.retries,
      Seconds: Number((r.ms / 1000).toFixed(1)),
      // The whole error is said above the table; here, enough to tell the clients' failures apart.
      Outcome: r.error
        ? `FAILED: ${briefly(r.error.message, SUMMARY_OUTCOME_CHARS)}`
        : r.warnings
        ? "ok, with a warning"
        : "ok",
    })),
    ["Client", "Rows", "API calls", "Retries", "Seconds", "Outcome"],
  );
  const failed = report.results.filter((r) => r.error).length;
  const push = report.pushError
    ? "; push FAILED (rows kept in the outbox)"
    : report.push
    ? `; ${report.push.sentRows} row(s) pushed`
    : "";
  return `${table}\n${report.results.length - failed} of ${report.results.length} client(s) ok in ${
    (report.ms / 1000).toFixed(1)
  } s${push}`;
}

/** 0 when every client and the push succeeded, else 1 (the summary says which failed). */
export function cycleExitCode(report: CycleReport): number {
  return report.results.some((r) => r.error) || report.pushError ? 1 : 0;
}
