/**
 * One cycle of a run: every client fetched concurrently, each written on
 * its own, a failure kept to its client; then one push of every row (and
 * the outbox backlog). Progress goes to callbacks; the cycle returns a
 * report as data and never prints.
 */
import { collectClient, type CollectedClient, type ConnectAccess, writeClientOutput } from "./collect.ts";
import { MemoryPolicy } from "./memory.ts";
import { deliverRows, type DeliveryOptions, type PushSetup, queueRows } from "./delivery.ts";
import { type ClientPlan, isReady, type ReadyClient } from "./plan.ts";
import type { Queue } from "../config/queue_list.ts";
import { processClockOffset } from "../aws/clock.ts";
import { rereadProfileFiles } from "../aws/sdk_settings.ts";
import { ConnectionPool, connectionsFor } from "../connect/client.ts";
import { MAX_QUEUES_PER_REQUEST } from "../connect/quotas.ts";
import { atMost } from "../util/at_most.ts";
import type { TimeWindow } from "../connect/window.ts";
import type { MetricRow } from "../rows/flatten.ts";
import type { DroppedRows, OutboxFile } from "../sinks/outbox.ts";
import type { PushReport } from "../sinks/push.ts";
import { unlessAborted } from "../util/abort.ts";
import { AwsError, exitCodeFor } from "../util/errors.ts";

interface ClientCounts {
  readonly rows: number;
  /** API requests made, and how many of them were retries. */
  readonly requests: number;
  readonly retries: number;
  readonly ms: number;
}

/** A client whose rows were fetched and written. */
export interface DoneClient extends ClientCounts {
  readonly plan: ReadyClient;
  readonly error?: undefined;
  /** Where the rows were written. */
  readonly path: string;
  /** The rows written, when the cycle was asked to keep them (CycleOptions.keepRows); else empty. */
  readonly data: readonly MetricRow[];
  /** The window of "today so far" asked of GetMetricData; null when empty (just after midnight). */
  readonly window: TimeWindow | null;
  /** Queues of the config that Connect no longer has: they have no row. */
  readonly missingQueues: readonly Queue[];
}

/** A client that failed: its config, its credentials, Connect, or its output file. */
export interface FailedClient extends ClientCounts {
  readonly plan: ClientPlan;
  readonly error: Error;
}

export type ClientResult = DoneClient | FailedClient;

export interface CycleReport {
  readonly results: readonly ClientResult[];
  readonly push?: PushReport;
  readonly pushError?: Error;
  readonly ms: number;
  /** AWS's time minus this computer's, as the clients learnt it (ClockOffset). */
  readonly clockOffsetMs: number;
}

/** What a cycle tells as it goes: a client's state, a finished client, the push starting. */
export interface CycleCallbacks {
  readonly onClientStarted?: (index: number) => void;
  readonly onClientDone?: (index: number, result: ClientResult) => void;
  readonly onPushStarted?: (rows: number) => void;
  readonly onDropped?: (dropped: DroppedRows) => void;
}

export interface CycleOptions extends ConnectAccess, CycleCallbacks {
  readonly outputDir: string;
  readonly push?: PushSetup;
  /** Clients fetched at once (accounts are paced separately, so many can run together). */
  readonly concurrency?: number;
  /** No push of the backlog is started after this instant (PushPlan.deadline). */
  readonly pushDeadline?: number;
  /** Nothing is still being pushed after this instant (PushPlan.stopBy). */
  readonly pushStopBy?: number;
  /**
   * No client is still being fetched after this instant (fetchDeadline): one
   * that is has its requests cut off and fails, saying so. A Connect that
   * does not answer would otherwise hold up the other clients' push (their
   * rows go in one push after the last client) and the next run. Until
   * then, throttled calls are sent again (ConnectAccess.throttledUntil).
   */
  readonly fetchBy?: number;
  /** Keep each client's rows in its result (to show them); otherwise they are let go once written and queued. */
  readonly keepRows?: boolean;
}

export const DEFAULT_CONCURRENCY = 16;

/**
 * The share of a cycle's time its clients may be fetched for. The rest is
 * for what follows: writing, pushing their rows, and the summary, so that
 * a cycle cut off still ends before the next one is due.
 */
export const FETCH_SHARE = 0.75;

/** When a cycle started at `start`, and over by `runUntil`, stops fetching (CycleOptions.fetchBy). */
export function fetchDeadline(start: number, runUntil: number): number {
  return start + (runUntil - start) * FETCH_SHARE;
}

/**
 * The failure of a client not fetched when the time for fetching of the cycle
 * started at `cycleStart` was up: being fetched, or not yet begun.
 */
function fetchTimeUp(plan: ReadyClient, cycleStart: number, begun: boolean): AwsError {
  const name = plan.config.clientName;
  const s = ((Date.now() - cycleStart) / 1000).toFixed(0);
  return new AwsError(
    begun
      ? `Amazon Connect had not answered all of client ${name}'s requests when the run's time for fetching was up, ` +
        `${s} s in (instance ${plan.config.instanceId})`
      : `client ${name} was not fetched: the run's time for fetching was up, ${s} s in, before its turn came ` +
        `(the clients before it took that long)`,
    "the others went on without it, so that their rows are delivered, and the next run tries it again; if it needs " +
      'longer every run (many queues, a quota others share), give runs more time: "runSeconds" in settings.json, ' +
      "or a longer --every",
    "FetchTimeUp",
  );
}

/**
 * As each client finishes, its rows go into the outbox (with --push) and
 * its output file, and are then let go: memory holds the clients in
 * flight, not the fleet, and a run killed before its push loses no row.
 */
export async function runCycle(clients: readonly ClientPlan[], options: CycleOptions): Promise<CycleReport> {
  const started = performance.now();
  const now = Date.now();
  const results: ClientResult[] = new Array(clients.length);
  /** Files queued client by client; and rows the outbox could not take, to be tried again at the push. */
  const queued: OutboxFile[] = [];
  const unqueued: MetricRow[] = [];
  let rowsToPush = 0;
  // Sized from what the quotas let run at once: the clients fetched together, each at its burst on both APIs.
  const concurrency = Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, clients.length);
  const largest = Math.max(0, ...clients.map((c) => (isReady(c) ? c.config.queues.length : 0)));
  const connections = new ConnectionPool(
    connectionsFor(concurrency, Math.ceil(largest / MAX_QUEUES_PER_REQUEST)),
    options.requestTimeoutMs,
  );
  const memory = new MemoryPolicy();
  // The cut-off: requests still in flight at fetchBy are aborted, and their clients fail at once.
  const cutOff = new AbortController();
  const cutOffTimer = options.fetchBy === undefined
    ? undefined
    : setTimeout(() => cutOff.abort(), Math.max(0, options.fetchBy - Date.now()));
  // Throttled calls are sent again until fetchBy (never after it, their client being cut off).
  const { throttledUntil: asked, fetchBy } = options;
  const throttledUntil = asked === undefined ? fetchBy : fetchBy === undefined ? asked : Math.min(asked, fetchBy);
  const finish = (index: number, result: ClientResult) => {
    results[index] = result;
    options.onClientDone?.(index, result);
    memory.afterClient();
  };
  await rereadProfileFiles(); // once a cycle: keys rotated in the files apply from this cycle on
  memory.beforeClients();
  // The outbox bound before any of this cycle's rows join it: what it frees may be what lets them in. Should it
  // fail (the folder unreadable), the push tries again and says why; the clients are fetched and written regardless.
  let boundApplied = false;
  if (options.push) {
    const dropped = await options.push.outbox.enforceBound().catch(() => undefined);
    for (const d of dropped ?? []) options.onDropped?.(d);
    boundApplied = dropped !== undefined;
  }
  // Rows go out while other clients are still being fetched, a full request at a time, so that a large fleet's push
  // does not stretch the cycle; what is left goes after the last client, as one push.
  const early = new EarlyDelivery(options.push, {
    boundApplied,
    deadline: options.pushDeadline,
    stopBy: options.pushStopBy,
    onDropped: options.onDropped,
  });
  const collectOne = async (i: number) => {
    const plan = clients[i];
    const t0 = performance.now();
    if (!isReady(plan) || cutOff.signal.aborted) {
      const error = isReady(plan) ? fetchTimeUp(plan, now, false) : plan.error;
      finish(i, { plan, rows: 0, requests: 0, retries: 0, ms: 0, error });
      return;
    }
    options.onClientStarted?.(i);
    let collected: CollectedClient | undefined;
    // What the client has sent: a client cut off has no answers to count them from.
    const sent = { requests: 0, retries: 0 };
    const onAttempt = (retry: boolean) => {
      sent.requests++;
      if (retry) sent.retries++;
    };
    try {
      collected = await unlessAborted(
        collectClient(plan, { ...options, now, connections, signal: cutOff.signal, onAttempt, throttledUntil }),
        cutOff.signal,
      ).catch((error) => {
        if (error !== cutOff.signal.reason) throw error;
        throw Object.assign(fetchTimeUp(plan, now, true), { calls: { ...sent } });
      });
      // Queued even if the file cannot be written (held open by another program): the two sinks are independent.
      if (options.push) {
        const rows = collected.rows;
        rowsToPush += rows.length;
        await queueRows(rows, options.push).then((files) => {
          queued.push(...files);
          early.queued(files, rows.length);
        }, () => unqueued.push(...rows));
      }
      const path = await writeClientOutput(plan.config, collected.rows, options.outputDir);
      finish(i, {
        plan,
        ...counts(collected),
        ms: performance.now() - t0,
        path,
        data: options.keepRows ? collected.rows : [],
        window: collected.window,
        missingQueues: collected.missingQueues,
      });
    } catch (error) {
      // A client that failed in Connect still made its calls: fetchMetrics puts them on its error as `calls`.
      const calls = (error as { calls?: { requests: number; retries: number } }).calls;
      finish(i, { plan, ...counts(collected), ...calls, rows: 0, ms: performance.now() - t0, error: error as Error });
    }
  };
  try {
    await atMost(concurrency, clients.length, collectOne);
  } finally {
    clearTimeout(cutOffTimer);
    connections.close();
  }

  let push: PushReport | undefined;
  let pushError: Error | undefined;
  if (options.push) {
    options.onPushStarted?.(rowsToPush);
    const sentEarly = await early.finished();
    try {
      // Rows the outbox could not take are tried once more, and sent from memory if it takes them now.
      push = await deliverRows(unqueued, options.push, {
        queued,
        boundApplied,
        deadline: options.pushDeadline,
        stopBy: options.pushStopBy,
        onDropped: options.onDropped,
      });
      push = combinePushReports(sentEarly, push);
    } catch (error) {
      pushError = error as Error;
    }
  }
  const clockOffsetMs = (options.clock ?? processClockOffset).ms;
  return { results, push, pushError, ms: performance.now() - started, clockOffsetMs };
}

/**
 * Pushes started while clients are still being fetched: one at a time,
 * each once this run's queued rows not yet pushed fill a whole request (so
 * a small fleet still goes in one push at the end). A failed one stops
 * them; the push after the last client tries again and reports the error.
 */
class EarlyDelivery {
  readonly #files: OutboxFile[] = [];
  #pendingRows = 0;
  #pendingBytes = 0;
  #running?: Promise<void>;
  #failed = false;
  readonly #reports: PushReport[] = [];

  constructor(
    readonly setup: PushSetup | undefined,
    readonly options: Omit<DeliveryOptions, "queued">,
  ) {}

  /** Files this run just queued, holding `rows` rows. */
  queued(files: readonly OutboxFile[], rows: number): void {
    if (!this.setup) return;
    this.#files.push(...files);
    this.#pendingRows += rows;
    for (const f of files) this.#pendingBytes += f.bytes;
    this.#maybeStart();
  }

  #maybeStart(): void {
    const setup = this.setup;
    if (!setup || this.#running || this.#failed) return;
    const { maxRows, maxBytes } = setup.limits;
    if (this.#pendingRows < maxRows && (maxBytes === undefined || this.#pendingBytes < maxBytes)) return;
    this.#pendingRows = 0;
    this.#pendingBytes = 0;
    this.#running = deliverRows([], setup, { ...this.options, queued: [...this.#files] })
      .then((report) => void this.#reports.push(report), () => void (this.#failed = true))
      .finally(() => {
        this.#running = undefined;
        this.#maybeStart();
      });
  }

  /** Waits for a push in flight; what the early pushes sent. */
  async finished(): Promise<PushReport[]> {
    while (this.#running) await this.#running;
    this.#failed = true; // none starts after this
    return this.#reports;
  }
}

/** Early pushes and the last one as one report: what was sent in all, what is left after the last. */
function combinePushReports(early: readonly PushReport[], last: PushReport): PushReport {
  const sum = (f: (r: PushReport) => number) => [...early, last].reduce((n, r) => n + f(r), 0);
  return {
    ...last,
    sentFiles: sum((r) => r.sentFiles),
    sentRows: sum((r) => r.sentRows),
    requests: sum((r) => r.requests),
    retries: sum((r) => r.retries),
    backlogRows: sum((r) => r.backlogRows),
    dropped: [...early.flatMap((r) => r.dropped), ...last.dropped],
    unreadable: [...early.flatMap((r) => r.unreadable), ...last.unreadable],
    refused: [...early.flatMap((r) => r.refused), ...last.refused],
  };
}

function counts(collected?: CollectedClient) {
  return {
    rows: collected?.rows.length ?? 0,
    requests: collected?.fetched.requests ?? 0,
    retries: collected?.fetched.retries ?? 0,
  };
}

/**
 * The exit code of a run: one client keeps the 2019 codes (2 for its
 * config, e.g. no Region; 1 for AWS or Power BI); many give 1 when any
 * client or the push failed (the summary says which), else 0.
 */
export function runExitCode(report: CycleReport, multi: boolean): number {
  const error = report.results[0]?.error ?? report.pushError;
  if (!multi && error) return exitCodeFor(error);
  return report.results.some((r) => r.error) || report.pushError ? 1 : 0;
}
