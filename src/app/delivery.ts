/**
 * Delivery of a cycle's rows: everything `--push` needs, resolved before any
 * work (so a bad URL is exit 2), and one push of the rows and the backlog.
 */
import type { ClientConfig } from "../config/client_config.ts";
import type { LoadedSettings } from "../config/load.ts";
import type { DatasetMode } from "../config/settings.ts";
import { type MetricColumn, rowColumns } from "../connect/catalogue.ts";
import type { MetricRow } from "../rows/flatten.ts";
import { type DroppedRows, outboxBoundMB, type OutboxFile, PushOutbox } from "../sinks/outbox.ts";
import { cycleBytes, type FleetShape } from "../rows/sample.ts";
import { type BatchLimits, splitIntoBatches } from "../sinks/batches.ts";
import { EVENT_HUBS_BATCH_LIMITS, EventHubsSender } from "../sinks/eventhubs.ts";
import { batchLimitsFor, PowerBiPusher } from "../sinks/powerbi.ts";
import { type PowerBiBudget, powerBiBudget } from "../sinks/powerbi_budget.ts";
import { type PushReport, pushRows } from "../sinks/push.ts";
import { EVENT_HUBS_ENV, PUSH_URL_ENV, type PushTarget, resolvePushTarget } from "../sinks/push_target.ts";
import type { Sender } from "../sinks/sender.ts";

/** Everything a push needs. */
export interface PushSetup {
  readonly target: PushTarget;
  readonly outbox: PushOutbox;
  readonly pusher: Sender;
  readonly limits: BatchLimits;
  /** The columns of the rows this run pushes (PushPlan.columns). */
  readonly columns: readonly string[];
  /** How long a one-shot run goes on sending earlier runs' rows (settings.json pushBacklogSeconds). */
  readonly backlogMs: number;
  /** The Power BI dataset's mode (settings.json powerBiDatasetMode); Event Hubs has none. */
  readonly datasetMode: DatasetMode;
}

/** Where the push destination may come from, besides settings.json and the environment: the flag's value. */
export interface PushRequest {
  readonly url?: string;
  readonly outboxDir: string;
}

type Env = (name: string) => string | undefined;
const processEnv: Env = (name) => Deno.env.get(name);

/**
 * Every place a push destination may be set, in the order they count
 * (resolvePushTarget): the flag's value, the environment, settings.json.
 */
function pushSources(loaded: Pick<LoadedSettings, "settings" | "file" | "misnamed">, env: Env, flag?: string) {
  const { push } = loaded.settings;
  return {
    flag,
    env: env(PUSH_URL_ENV),
    envEventHubs: env(EVENT_HUBS_ENV),
    settings: push.powerBiUrl,
    settingsEventHubs: push.eventHubConnectionString,
    settingsFile: loaded.file,
    settingsMisnamed: loaded.misnamed,
  };
}

/** Whether a destination is set anywhere but the flag (the double-clicked exe pushes when one is). */
export function pushConfigured(
  loaded: Pick<LoadedSettings, "settings" | "file" | "misnamed">,
  env = processEnv,
): boolean {
  const { env: url, envEventHubs, settings, settingsEventHubs } = pushSources(loaded, env);
  return Boolean(url || envEventHubs || settings || settingsEventHubs);
}

/** The destination settings.json and the environment name; undefined when none is set, or it is not valid. */
export function configuredDestination(
  loaded: Pick<LoadedSettings, "settings" | "file" | "misnamed">,
  env = processEnv,
): PushTarget | undefined {
  try {
    return resolvePushTarget(pushSources(loaded, env));
  } catch {
    return undefined;
  }
}

/**
 * The push set-up for these settings and columns; throws a one-line error
 * for a bad URL. `fleet`: the clients the run fetches, whose rows size the
 * outbox when settings.json does not.
 */
export function preparePush(
  request: PushRequest,
  loaded: Pick<LoadedSettings, "settings" | "file" | "misnamed">,
  columns: readonly MetricColumn[],
  env: Env = processEnv,
  fleet: readonly ClientConfig[] = [],
): PushSetup {
  const { push } = loaded.settings;
  const target = resolvePushTarget(pushSources(loaded, env, request.url));
  const senderOptions = { timeoutMs: push.timeoutSeconds * 1000, maxAttempts: push.attempts };
  return {
    target,
    outbox: new PushOutbox(
      request.outboxDir,
      {
        maxAgeDays: push.outboxMaxDays,
        maxMB: push.outboxMaxMB ?? outboxBoundMB(cycleBytes(fleetShape(fleet, rowColumns(columns)))),
      },
      Date.now,
      target.tag,
    ),
    pusher: target.kind === "eventhubs"
      ? new EventHubsSender(target, senderOptions)
      : new PowerBiPusher(target, senderOptions, push.datasetMode),
    limits: target.kind === "eventhubs" ? EVENT_HUBS_BATCH_LIMITS : batchLimitsFor(push.datasetMode),
    columns: rowColumns(columns),
    backlogMs: push.backlogSeconds * 1000,
    datasetMode: push.datasetMode,
  };
}

/** The clients' names and queue names, and the row's columns: what sample rows are made of. */
function fleetShape(clients: readonly ClientConfig[], columns: readonly string[]): FleetShape {
  return {
    clients: clients.map((c) => ({ clientName: c.clientName, queueNames: c.queues.map((q) => q.name) })),
    columns,
  };
}

/**
 * What these clients every `everyMs` send the Power BI dataset, against its
 * limits; undefined when the rows go to Event Hubs, which has no such limits.
 */
export function pushBudget(
  clients: readonly ClientConfig[],
  setup: Pick<PushSetup, "columns" | "datasetMode"> & { readonly target?: PushTarget },
  everyMs: number,
): PowerBiBudget | undefined {
  if (setup.target?.kind === "eventhubs") return undefined;
  return powerBiBudget({ ...fleetShape(clients, setup.columns), everyMs, mode: setup.datasetMode });
}

/**
 * A client's rows into the outbox the moment they exist, so that a run
 * killed before its push loses none: the next push sends them.
 */
export function queueRows(rows: readonly MetricRow[], setup: PushSetup): Promise<OutboxFile[]> {
  return setup.outbox.add(splitIntoBatches(rows, setup.limits));
}

export interface DeliveryOptions {
  /** Files this run queued already (queueRows), sent as this run's. */
  readonly queued?: readonly OutboxFile[];
  /** The outbox bound was applied already this cycle (PushPlan.boundApplied). */
  readonly boundApplied?: boolean;
  /** No backlog file is started after this instant (PushPlan.deadline). */
  readonly deadline?: number;
  /** Nothing is still being sent after this instant (PushPlan.stopBy). */
  readonly stopBy?: number;
  /** Told as soon as the outbox bound drops rows, before any sending (which may fail). */
  readonly onDropped?: (dropped: DroppedRows) => void;
}

/** Sends `rows` (and any backlog) to the push destination. */
export function deliverRows(
  rows: readonly MetricRow[],
  setup: PushSetup,
  options: DeliveryOptions = {},
): Promise<PushReport> {
  return pushRows(rows, { ...setup, ...options });
}
