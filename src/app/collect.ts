/** One client's part of a run: config -> plan -> fetch -> rows, then its output file. */
import { join } from "node:path";
import type { ClockOffset } from "../aws/clock.ts";
import type { Credentials } from "../aws/credentials.ts";
import { type ClientConfig, outputFileName } from "../config/client_config.ts";
import type { Queue } from "../config/queue_list.ts";
import type { Settings } from "../config/settings.ts";
import type { MetricColumn } from "../connect/catalogue.ts";
import { connectClientFor, type ConnectionPool } from "../connect/client.ts";
import { type FetchedMetrics, fetchMetrics } from "../connect/fetch.ts";
import type { RequestPacer } from "../connect/pacing.ts";
import { planRequests } from "../connect/plan.ts";
import { type TimeWindow, todaySoFar } from "../connect/window.ts";
import { flattenRows, type MetricRow } from "../rows/flatten.ts";
import { writeRowsFile } from "../sinks/json_file.ts";
import { fullDiskHint, isDiskFull } from "../util/atomic_file.ts";
import { AwsError, WriteError } from "../util/errors.ts";
import { localWallClock } from "../util/time.ts";

/** A client ready to collect: its config, its settings and the columns they give (resolved once, when planned). */
export interface ClientToCollect {
  /** The --profile: names the config file, and is the AWS profile unless the config names a role. */
  readonly profile: string;
  readonly config: ClientConfig;
  readonly settings: Settings;
  readonly columns: readonly MetricColumn[];
}

/** How to reach Connect; every field has a default fit for a real run. */
export interface ConnectAccess {
  /** --region: above the config's. */
  readonly region?: string;
  /** Fixed credentials (the demo's, the benchmark's); otherwise the profile's or the role's. */
  readonly credentials?: Credentials;
  /** The demo's in-process emulator; otherwise AWS_ENDPOINT_URL_CONNECT or AWS. */
  readonly endpoint?: string;
  /** MaxResults per page (tests use small pages to exercise pagination). */
  readonly pageSize?: number;
  /** The client-side rate limiter (default: the process's, at Connect's real quotas). */
  readonly pacer?: RequestPacer;
  /** What the clients learn of AWS's clock from its answers (default: the process's). */
  readonly clock?: ClockOffset;
  /** How long one AWS request (Connect's, or STS's for a role) may take (tests shorten it); then the SDK retries it. */
  readonly requestTimeoutMs?: number;
  /** Until when (epoch ms) throttled requests are sent again after the SDK's retries (FetchContext.throttledUntil). */
  readonly throttledUntil?: number;
}

export interface CollectOptions extends ConnectAccess {
  /** The run's instant (epoch ms): one Date for every row. */
  readonly now?: number;
  /** Connections shared with the other clients of the cycle. */
  readonly connections?: ConnectionPool;
  /** Cuts off the client's Connect requests (the cycle's time for fetching is up). */
  readonly signal?: AbortSignal;
  /** Told of each Connect request as it leaves, and whether it is a retry. */
  readonly onAttempt?: (retry: boolean) => void;
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
export async function collectClient(client: ClientToCollect, options: CollectOptions = {}): Promise<CollectedClient> {
  const { config, settings, columns } = client;
  const now = options.now ?? Date.now();
  const window = todaySoFar(now, config.timeZone);
  const plan = planRequests({
    instanceId: config.instanceId,
    queues: config.queues,
    channels: config.channels,
    columns,
    window,
    pageSize: options.pageSize,
  });
  const connect = await connectClientFor(
    { ...config, profile: client.profile, region: options.region ?? config.region },
    options,
  );
  try {
    const fetched = await fetchMetrics(connect, plan, {
      clientName: config.clientName,
      instanceId: config.instanceId,
      configFile: config.file,
      oldestContactAgeUnit: settings.oldestContactAgeUnit,
      throttledUntil: options.throttledUntil,
      signal: options.signal,
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
    connect.destroy();
  }
}

/** Writes the client's rows to `output/<client>-<environment>-metric-data.json` (atomically); returns the path. */
export async function writeClientOutput(
  config: ClientConfig,
  rows: readonly MetricRow[],
  outputDir: string,
): Promise<string> {
  const path = join(outputDir, outputFileName(config));
  await writeRowsFile(path, rows).catch((error) => {
    throw new WriteError(
      `cannot write ${path}: ${(error as Error).message}`,
      isDiskFull(error) ? fullDiskHint("--output-dir") : "is another program holding it open?",
    );
  });
  return path;
}
