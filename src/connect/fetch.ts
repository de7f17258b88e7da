/**
 * Fetching one client's metrics through the SDK: every planned request,
 * every page, values normalised and keyed by queue id and metric key.
 */
import {
  type ConnectClient,
  type CurrentMetricResult,
  type HistoricalMetricResult,
  paginateGetCurrentMetricData,
  paginateGetMetricData,
} from "@aws-sdk/client-connect";
import { metricKey, normaliseValue, oldestContactAgeUnit } from "./catalogue.ts";
import type { OldestContactAgeUnit } from "../config/settings.ts";
import type { MetricsPlan } from "./plan.ts";
import { describeConnectError, isQueueNotFound, isThrottled } from "./errors.ts";
import { readResultsOf } from "./protocol.ts";
import { NEXT_TOKEN_TTL_MINUTES } from "./quotas.ts";

/**
 * How recently a NextToken must have come for a request sent again to resume
 * with it: a minute inside its life, for the pacer and the SDK's attempts.
 */
const RESUME_WITHIN_MS = (NEXT_TOKEN_TTL_MINUTES - 1) * 60_000;

/** queue id -> metric key -> value. A queue with no data has no entry. */
export type QueueValues = Map<string, Map<string, number>>;

/** One queue's part of an answer, as both metrics APIs give it. */
interface MetricResult<M> {
  readonly Dimensions?: { readonly Queue?: { readonly Id?: string } };
  readonly Collections?: readonly { readonly Metric?: M; readonly Value?: number | null }[];
}

export interface FetchedMetrics {
  readonly values: QueueValues;
  /** Queue ids Connect says the instance does not have (deleted since the config was written). */
  readonly missingQueues: ReadonlySet<string>;
  /** HTTP requests made, retries included. */
  readonly requests: number;
  readonly retries: number;
}

export interface FetchContext {
  readonly clientName: string;
  readonly instanceId: string;
  readonly configFile: string;
  /** Overrides the catalogue's OLDEST_CONTACT_AGE rule (settings.json). */
  readonly oldestContactAgeUnit?: OldestContactAgeUnit;
  /**
   * Until when (epoch ms) a request still throttled after the SDK's own
   * retries is sent again: the quota is shared, so throttling is a reason to
   * slow down (the pacer has), not to fail, while the run's time lasts.
   */
  readonly throttledUntil?: number;
  /** Cuts off the requests in flight, and any not yet sent (the run's time for fetching is up). */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/** Runs the plan's requests concurrently (the pacer spaces them). */
export async function fetchMetrics(
  client: ConnectClient,
  plan: MetricsPlan,
  context: FetchContext,
): Promise<FetchedMetrics> {
  const now = context.now ?? Date.now;
  const sendOptions = { abortSignal: context.signal };
  const values: QueueValues = new Map();
  /** When a request's input last had a page answered: the NextToken the SDK's paginator left in it is that old. */
  const pageAnsweredAt = new WeakMap<object, number>();
  let requests = 0;
  let retries = 0;
  /** Stores one answer's values; `keyOf` names a metric, `valueOf` normalises it. */
  const storeValues = <M extends { Name?: string }>(
    results: readonly MetricResult<M>[] | undefined,
    keyOf: (metric: M & { Name: string }) => string,
    valueOf: (name: string, value: number) => number = (_name, value) => value,
  ) => {
    for (const result of results ?? []) {
      const queueId = result.Dimensions?.Queue?.Id;
      for (const { Metric, Value } of result.Collections ?? []) {
        // A null Value means no data: the row shows 0, as for an absent queue.
        if (!queueId || !Metric?.Name || Value === undefined || Value === null) continue;
        let queue = values.get(queueId);
        if (!queue) values.set(queueId, queue = new Map());
        queue.set(keyOf(Metric as M & { Name: string }), valueOf(Metric.Name, Value));
      }
    }
  };
  const missingQueues = new Set<string>();
  /**
   * One planned request. A queue deleted in Connect but still in the config
   * fails the whole request (404): halving the batch until the requests
   * succeed finds it (a few more calls, paced like the rest), so that one
   * stale queue does not blank every other queue of the client.
   * The SDK's paginator writes each page's NextToken into `input`: sent
   * again after a throttle, the request resumes at the page refused, unless
   * that token may have expired (then from the first page); its halves start
   * from the first page, since Connect takes a NextToken only with the
   * queues it was issued for.
   */
  const request = async <I extends { Filters?: { Queues?: string[] }; NextToken?: string }>(
    operation: string,
    input: I,
    work: (input: I) => Promise<void>,
  ): Promise<void> => {
    try {
      await work(input);
    } catch (error) {
      if (isThrottled(error) && context.throttledUntil !== undefined && now() < context.throttledUntil) {
        const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
        requests += attempts;
        retries += attempts;
        const resume = now() - (pageAnsweredAt.get(input) ?? -Infinity) < RESUME_WITHIN_MS;
        return await request(operation, resume ? input : { ...input, NextToken: undefined }, work);
      }
      const queues = input.Filters?.Queues ?? [];
      if (!isQueueNotFound(error, queues) || queues.length === 0) {
        const region = await client.config.region().catch(() => undefined);
        // What the client's calls cost before it failed: the summary counts a failed client's calls too.
        const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
        throw Object.assign(describeConnectError(error, { ...context, operation, region }) as Error, {
          calls: { requests: requests + attempts, retries: retries + attempts - 1 },
        });
      }
      requests += (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
      if (queues.length === 1) return void missingQueues.add(queues[0]);
      const half = Math.ceil(queues.length / 2);
      await Promise.all(
        [queues.slice(0, half), queues.slice(half)].map((part) =>
          request(operation, { ...input, NextToken: undefined, Filters: { ...input.Filters, Queues: part } }, work)
        ),
      );
    }
  };

  /**
   * Every page of one request. Each answer's values are stored as it is read
   * (readResultsOf, protocol.ts), and its page comes without them; a page
   * that still has them came from a client without the tool's protocol.
   */
  const readPages = async <R>(
    input: object,
    pages: AsyncIterable<{ $metadata: { attempts?: number }; MetricResults?: R[] }>,
    store: (results: R[] | undefined) => void,
  ) => {
    readResultsOf(input, (results) => store(results as R[]));
    for await (const page of pages) {
      pageAnsweredAt.set(input, now());
      // The page's HTTP requests: the SDK's attempts at it.
      const attempts = page.$metadata.attempts ?? 1;
      requests += attempts;
      retries += attempts - 1;
      store(page.MetricResults);
    }
  };

  await Promise.all([
    ...plan.current.map((input) =>
      request("GetCurrentMetricData", input, (input) => {
        const unit = context.oldestContactAgeUnit ?? oldestContactAgeUnit((input.Groupings ?? []).length > 0);
        return readPages<CurrentMetricResult>(
          input,
          paginateGetCurrentMetricData({ client }, input, sendOptions),
          (results) =>
            storeValues(results, (metric) => metric.Name, (name, value) => normaliseValue(name, value, unit)),
        );
      })
    ),
    ...plan.historical.map((input) =>
      request("GetMetricData", input, (input) =>
        readPages<HistoricalMetricResult>(
          input,
          paginateGetMetricData({ client }, input, sendOptions),
          (results) => storeValues(results, (metric) => metricKey(metric.Name, metric.Threshold?.ThresholdValue)),
        ))
    ),
  ]);
  return { values, missingQueues, requests, retries };
}
