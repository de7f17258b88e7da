/**
 * Planning the Connect calls for one client (pure): which queues go in
 * which request, and which metrics each API is asked for.
 */
import type {
  CurrentMetricName,
  GetCurrentMetricDataCommandInput,
  GetMetricDataCommandInput,
  HistoricalMetricName,
} from "@aws-sdk/client-connect";
import type { Channel } from "../config/client_config.ts";
import type { Queue } from "../config/queue_list.ts";
import { type MetricColumn, metricKey } from "./catalogue.ts";
import { MAX_QUEUES_PER_REQUEST } from "./quotas.ts";
import type { TimeWindow } from "./window.ts";

/** The queues of one request: at most 100. */
export type QueueBatch = readonly string[];

export interface MetricsPlan {
  readonly current: GetCurrentMetricDataCommandInput[];
  /** Empty when the historical window is empty (just after midnight). */
  readonly historical: GetMetricDataCommandInput[];
}

export interface PlanInput {
  readonly instanceId: string;
  readonly queues: Iterable<Queue>;
  readonly channels: readonly Channel[];
  readonly columns: readonly MetricColumn[];
  readonly window: TimeWindow | null;
  /** MaxResults per page; the API's maximum when not given. */
  readonly pageSize?: number;
}

/** Splits queue ids into batches of at most `size`, keeping their order. */
export function batchQueues(
  queues: Iterable<Queue>,
  size = MAX_QUEUES_PER_REQUEST,
): QueueBatch[] {
  const batches: string[][] = [];
  for (const { id } of queues) {
    if (batches.length === 0 || batches[batches.length - 1].length === size) batches.push([]);
    batches[batches.length - 1].push(id);
  }
  return batches;
}

/** Every request needed for one client, grouped by QUEUE. */
export function planRequests(input: PlanInput): MetricsPlan {
  const batches = batchQueues(input.queues);
  const unique = <T>(items: T[], key: (item: T) => string) => [
    ...new Map(items.map((item) => [key(item), item])).values(),
  ];
  const currentMetrics = unique(
    input.columns.filter((c) => c.metric.api === "current"),
    (c) => c.metric.name,
  ).map((c) => ({ Name: c.metric.name as CurrentMetricName, Unit: c.metric.unit }));
  const historicalMetrics = unique(
    input.columns.filter((c) => c.metric.api === "historical"),
    (c) => metricKey(c.metric.name, c.threshold),
  ).map((c) => ({
    Name: c.metric.name as HistoricalMetricName,
    Statistic: c.metric.statistic,
    Unit: c.metric.unit,
    ...(c.threshold === undefined ? {} : { Threshold: { Comparison: "LT" as const, ThresholdValue: c.threshold } }),
  }));
  const common = (queues: QueueBatch) => ({
    InstanceId: input.instanceId,
    Filters: { Queues: [...queues], Channels: [...input.channels] },
    Groupings: ["QUEUE" as const],
    ...(input.pageSize === undefined ? {} : { MaxResults: input.pageSize }),
  });
  return {
    current: currentMetrics.length === 0 ? [] : batches.map((queues) => ({
      ...common(queues),
      CurrentMetrics: currentMetrics,
    })),
    historical: historicalMetrics.length === 0 || input.window === null ? [] : batches.map((queues) => ({
      ...common(queues),
      StartTime: input.window!.start,
      EndTime: input.window!.end,
      HistoricalMetrics: historicalMetrics,
    })),
  };
}
