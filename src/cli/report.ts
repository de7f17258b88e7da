/**
 * Every sentence about a run and its cycles: what was planned, each
 * client's line as it finishes, the push, and the summary table. The cycle
 * itself (app/) reports data; this turns it into words for a Reporter.
 */
import { join } from "node:path";
import type { Reporter } from "./log.ts";
import { ClientProgress } from "./progress.ts";
import { formatTable } from "../util/table.ts";
import { CLOCK_TOLERANCE_MS, SET_THE_CLOCK } from "../aws/clock.ts";
import { displayProxy } from "../aws/proxy.ts";
import type { ClientResult, CycleCallbacks, CycleReport, DoneClient } from "../app/cycle.ts";
import type { PushSetup } from "../app/delivery.ts";
import type { DatasetMode } from "../config/settings.ts";
import { POWER_BI_LIMITS, requestQuotasFor } from "../sinks/powerbi.ts";
import type { PowerBiBudget } from "../sinks/powerbi_budget.ts";
import { isReady, type RunPlan } from "../app/plan.ts";
import { ROW_KEY_COLUMNS } from "../connect/catalogue.ts";
import type { DroppedRows } from "../sinks/outbox.ts";
import type { PushReport } from "../sinks/push.ts";
import type { PushTarget } from "../sinks/push_target.ts";
import { briefly, wholeNumber as count } from "../util/text.ts";
import { clockTime as clock, localWallClock } from "../util/time.ts";

/** The warnings of the plan, then (with --verbose) where everything was found and where it goes. */
export function tellPlan(plan: RunPlan, reporter: Reporter): void {
  for (const warning of plan.warnings) reporter.warn(warning);
  for (const c of plan.clients.filter(isReady)) {
    reporter.detail(`config ${c.config.file} (${c.loaded.configDirSource})`);
  }
  reporter.detail(`settings ${plan.settings.file ?? "(none: the default columns)"}`);
  if (plan.push) reporter.detail(`push to ${plan.push.target.display}, outbox ${plan.push.outbox.dir}`);
  for (const [variable, url] of [["HTTPS_PROXY", plan.proxy.https], ["HTTP_PROXY", plan.proxy.http]] as const) {
    if (url) reporter.detail(`AWS calls go through the proxy ${displayProxy(url)} (${variable})`);
  }
}

/** One line for the user about a finished client. */
export function describeClient(result: DoneClient): string {
  const { plan: { config }, requests, retries, rows, window } = result;
  const history = window
    ? `since ${localWallClock(window.start.getTime(), config.timeZone).slice(11, 16)}`
    : "none yet today (first five minutes after midnight)";
  return `${config.clientName} ${config.environment}: ${rows} queue${rows === 1 ? "" : "s"}, ` +
    `${requests} API requests (${retries} retried), history ${history} -> ${result.path}`;
}

/** The warning for queues Connect no longer has: their rows are left out, the others are written. */
export function describeMissingQueues(result: DoneClient): string | undefined {
  const { plan, missingQueues } = result;
  if (missingQueues.length === 0) return undefined;
  const { config } = plan;
  const names = missingQueues.map((q) => `"${q.name}" (${q.id})`).join(", ");
  return `${config.clientName} ${config.environment}: ${missingQueues.length} queue(s) in ${config.file} not in ` +
    `instance ${config.instanceId} (deleted in Connect?), so no row: ${names}; ` +
    `connect-metrics discover --prune --profile ${plan.profile} takes them out of the file`;
}

/** The warning for a computer whose clock is further from AWS's than AWS accepts, or undefined. */
export function describeClockOffset(offsetMs: number): string | undefined {
  if (Math.abs(offsetMs) <= CLOCK_TOLERANCE_MS) return undefined;
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const howFar = minutes < 90 ? `${minutes} minutes` : `about ${Math.round(minutes / 60)} hours`;
  const tolerance = CLOCK_TOLERANCE_MS / 60_000;
  return `this computer's clock is ${howFar} ${offsetMs > 0 ? "behind" : "ahead of"} AWS's, and AWS refuses ` +
    `requests more than ${tolerance} minutes off: the run signs them with AWS's time instead; ${SET_THE_CLOCK}`;
}

/** One line about a push. */
export function describePush(report: PushReport, target: PushTarget): string {
  const backlog = report.backlogRows > 0 ? ` (${report.backlogRows} of them waiting from earlier runs)` : "";
  const waiting = report.remaining.rows > 0
    ? `; ${report.remaining.rows} row(s) still waiting in the outbox go with the next push (oldest first)`
    : "";
  const notKept = report.notKept
    ? `; ${report.notKept.rows} row(s) of this run that the outbox could not keep (${report.notKept.reason}) ` +
      "went from memory"
    : "";
  return `pushed ${report.sentRows} row(s)${backlog} to ${target.display} in ${report.requests} request(s)` +
    (report.retries > 0 ? `, ${report.retries} retried` : "") + notKept + waiting;
}

/** The requests a minute a dataset of this mode takes, at the tightest of its quotas. */
const requestsPerMinuteFor = (mode: DatasetMode) =>
  Math.min(...requestQuotasFor(mode).map((q) => q.limit * 60_000 / q.windowMs));

/** Requests a minute: whole from 10, else to one decimal place ("0.2", "7.5"). */
const perMinute = (n: number) => (n >= 10 ? count(n) : String(Math.round(n * 10) / 10));

/** "40 minutes", "5.6 hours", "3 days". */
function span(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 120) return `${Math.floor(minutes)} minute${Math.floor(minutes) === 1 ? "" : "s"}`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 6) / 10} hours`;
  return `${Math.round(minutes / 1440)} days`;
}

/**
 * The Power BI budget in one line: what the fleet sends, what the dataset
 * will hold ("keeps the last 40 minutes of 20 clients"), and, when Power BI
 * will refuse it or fall behind, why and what to do instead.
 */
export function describeBudget(budget: PowerBiBudget, everyMs: number, mode: DatasetMode): string {
  const { clients, rowsPerCycle, rowsPerHour, requestsPerCycle, fifoWindowMs } = budget;
  const ofClients = `${clients} client${clients === 1 ? "" : "s"}`;
  const fleet = `${ofClients} (${count(rowsPerCycle)} queues) every ${everyMs / 1000} s`;
  const keeps = fifoWindowMs * 1.0001 < everyMs
    ? `keeps only the newest ${count(POWER_BI_LIMITS.fifoRows)} of each cycle's ${count(rowsPerCycle)} rows`
    : `keeps the last ${span(fifoWindowMs)} of ${ofClients}`;
  const holds = budget.storesRows
    ? `the ${mode} dataset ${keeps} with basicFIFO retention (without it, it is full at ` +
      `${count(POWER_BI_LIMITS.maxRowsWithoutFifo)} rows in ${span(budget.hoursToFillWithoutFifo * 3_600_000)} ` +
      "and refuses more)"
    : `a Streaming dataset stores no rows (its tiles show the latest); as Push or PushStreaming with basicFIFO it ` +
      `would keep ${keeps.replace(/^keeps /, "")}`;
  const minute = perMinute(requestsPerCycle * 60_000 / everyMs);
  const line = `Power BI: ${fleet} send ${count(rowsPerHour)} rows an hour in ${requestsPerCycle} ` +
    `request${requestsPerCycle === 1 ? "" : "s"} a cycle (${minute} a minute, of the ` +
    `${count(requestsPerMinuteFor(mode))} a ${mode} dataset takes); ${holds}`;
  if (!budget.remedy) return line;
  const { remedy } = budget;
  return `${line}. It will not fit: ${budget.problems.join("; ")}. Instead: --every ${remedy.everyMs / 1000}s or ` +
    `longer, one dataset (push URL) per ${remedy.clientsPerDataset} client${
      remedy.clientsPerDataset === 1 ? "" : "s"
    }, or Fabric (--push with an ` +
    "Eventstream's connection string; docs/delivery.md)";
}

/** Said loudly, as soon as it happens: rows the outbox bound dropped never reach the destination. */
export function describeDropped(dropped: DroppedRows, push: PushSetup): string {
  return `outbox ${push.outbox.dir}: DROPPED ${dropped.rows} row(s) in ${dropped.files} file(s) ${dropped.reason}; ` +
    `they never reached ${push.target.service}`;
}

/** What a push left for the user to know: files for another dataset, unreadable or refused files. */
export function pushWarnings(report: PushReport, push: PushSetup): string[] {
  const warnings: string[] = [];
  const other = report.otherDataset;
  if (other.files > 0) {
    warnings.push(
      `outbox ${push.outbox.dir}: ${other.rows} row(s) in ${other.files} file(s) wait for another Power BI dataset ` +
        `or event hub (another push URL's or connection string's; files *-for-${
          other.tags.join(".json, *-for-")
        }.json); they go when a run pushes ` +
        `to it, else are dropped after ${push.outbox.bound.maxAgeDays} days`,
    );
  }
  for (const name of report.unreadable) {
    warnings.push(`outbox file ${name} is not a JSON array of rows; renamed to ${name}.unreadable`);
  }
  for (const r of report.refused) {
    warnings.push(
      `${r.reason}: ${r.rows} row(s) of an earlier run, with other columns than settings.json now gives; ` +
        `set aside as ${join(push.outbox.dir, r.name)}, and the rows after them sent`,
    );
  }
  return warnings;
}

/** What watch mode says as it starts, skips and stops. */
export const WATCH_WORDS = {
  watching: (everyMs: number) => `watching: every ${everyMs / 1000} s on the clock; Ctrl+C stops`,
  stopping: "stopping: the current cycle finishes first (Ctrl+C again quits now)",
  stopped: "stopped",
  skipped: (skipped: number, tookMs: number, next: number) =>
    `the cycle took ${(tookMs / 1000).toFixed(1)} s, longer than --every: skipped ${skipped} run(s); ` +
    `next at ${clock(next)}`,
  /** A separator with the time, so that a log of many cycles reads as cycles. */
  cycle: (number: number, at: number) => `--- cycle ${number} at ${clock(at)} ---`,
  next: (at: number) => `next cycle at ${clock(at)}`,
} as const;

/** What a one-shot run stopped by Ctrl+C kept, and what it did not. */
export function describeInterrupted(written: number, total: number, push?: PushSetup): string {
  const kept = written === 0 ? "no client's rows had been written yet" : `the ${written} client(s) done were written` +
    (push ? `, and their rows wait in ${push.outbox.dir} for the next --push run` : "");
  return `stopped before the end (Ctrl+C or a stop signal): ${kept}; ${total - written} of ${total} client(s) ` +
    "were not written";
}

/** About as much of an error as keeps the summary within a console window's width. */
const SUMMARY_OUTCOME_CHARS = 60;

/**
 * The end-of-run table: per client rows, API calls, retries, time and
 * outcome; then the push, or plainly that there was none (`pushing` false).
 */
export function formatSummary(report: CycleReport, pushing = true): string {
  const table = formatTable(
    report.results.map((r) => ({
      Client: r.plan.label,
      Rows: r.rows,
      "API calls": r.requests,
      Retries: r.retries,
      Seconds: Number((r.ms / 1000).toFixed(1)),
      // The whole error is said above the table; here, enough to tell the clients' failures apart.
      Outcome: r.error
        ? `FAILED: ${briefly(r.error.message, SUMMARY_OUTCOME_CHARS)}`
        : r.missingQueues.length > 0
        ? "ok, with a warning"
        : "ok",
    })),
    ["Client", "Rows", "API calls", "Retries", "Seconds", "Outcome"],
  );
  const failed = report.results.filter((r) => r.error).length;
  const push = report.pushError
    ? "; push FAILED (the error above says which rows wait and where)"
    : report.push
    ? `; ${report.push.sentRows} row(s) pushed`
    : pushing
    ? ""
    : "; not pushed (no --push): no dashboard was updated";
  return `${table}\n${report.results.length - failed} of ${report.results.length} client(s) ok in ${
    (report.ms / 1000).toFixed(1)
  } s${push}`;
}

export interface TellOptions {
  /** More than one client: errors are prefixed with the client, and a summary ends the cycle. */
  readonly multi: boolean;
  /** Each client's rows as a table (double-clicked). */
  readonly tables: boolean;
  /** One line per client updated in place (a terminal, several clients, not --quiet). */
  readonly progress: boolean;
}

/**
 * Tells a cycle as it goes: each client's line as soon as it and those
 * before it are done (in the order of the clients, whoever finishes first),
 * the push as it starts and ends, then the summary. With the in-place
 * progress lines drawn, the clients' lines wait for the end of the fetch.
 */
export class CycleTeller implements CycleCallbacks {
  readonly #done: (ClientResult | undefined)[];
  #told = 0;
  readonly #progress: ClientProgress;

  constructor(
    readonly plan: RunPlan,
    readonly clients: RunPlan["clients"],
    readonly reporter: Reporter,
    readonly options: TellOptions,
  ) {
    this.#done = new Array(clients.length);
    this.#progress = new ClientProgress(clients.map((c) => c.label), options.progress);
  }

  /** Clients fetched and written so far. */
  get writtenCount(): number {
    return this.#done.filter((r) => r && !r.error).length;
  }

  onClientStarted = (index: number): void => this.#progress.update(index, "fetching");

  onClientDone = (index: number, result: ClientResult): void => {
    this.#progress.update(
      index,
      !result.error ? `ok, ${result.rows} rows` : isReady(result.plan) ? "FAILED" : "FAILED (config)",
    );
    this.#done[index] = result;
    if (!this.options.progress) this.#tellDone();
  };

  onPushStarted = (rows: number): void => {
    this.#tellDone();
    this.reporter.info(`pushing ${rows} row(s) and any backlog to ${this.plan.push!.target.display} ...`);
  };

  onDropped = (dropped: DroppedRows): void => this.reporter.warn(describeDropped(dropped, this.plan.push!));

  /** The end of the cycle: what is left to tell, the push, the summary. */
  finish(report: CycleReport): void {
    this.#tellDone();
    const { reporter } = this;
    const clockWarning = describeClockOffset(report.clockOffsetMs);
    if (clockWarning) reporter.warn(clockWarning);
    if (report.push) {
      for (const warning of pushWarnings(report.push, this.plan.push!)) reporter.warn(warning);
      reporter.info(describePush(report.push, this.plan.push!.target));
    }
    if (report.pushError) reporter.failure(report.pushError);
    if (this.options.multi) {
      const failed = report.results.some((r) => r.error) || report.pushError;
      (failed ? reporter.error.bind(reporter) : reporter.info.bind(reporter))(
        formatSummary(report, this.plan.push !== undefined),
      );
    }
  }

  #tellDone(): void {
    while (this.#told < this.#done.length && this.#done[this.#told]) this.#tellClient(this.#done[this.#told++]!);
  }

  #tellClient(r: ClientResult): void {
    const { reporter, options } = this;
    const label = r.plan.label;
    if (r.error) {
      reporter.failure(r.error, options.multi ? `${label}: ` : "");
      return;
    }
    reporter.info(describeClient(r), {
      client: label,
      rows: r.rows,
      requests: r.requests,
      retries: r.retries,
      ms: r.ms,
    });
    const missing = describeMissingQueues(r);
    if (missing) reporter.warn(missing);
    reporter.detail(`  ${label}: fetched and written in ${(r.ms / 1000).toFixed(2)} s`);
    if (options.tables) {
      reporter.info(formatTable(r.data, Object.keys(r.data[0] ?? {}).filter((c) => c !== ROW_KEY_COLUMNS[0])));
    }
  }
}
