/**
 * Amazon Connect API quotas, per AWS account per Region, shared by every
 * caller and instance in it. The emulator enforces these figures and the
 * client paces itself by them: one source for both.
 */
import type { RateQuota } from "../util/token_bucket.ts";

export type ConnectOperation =
  | "GetCurrentMetricData"
  | "GetMetricData"
  | "ListQueues"
  | "ListInstances"
  | "DescribeQueue";

export const CONNECT_QUOTAS: Readonly<Record<ConnectOperation, RateQuota>> = {
  GetCurrentMetricData: { ratePerSecond: 5, burst: 8 },
  GetMetricData: { ratePerSecond: 5, burst: 8 },
  // Sources differ (2 to 10/s); the reference sheet says assume the lowest.
  ListQueues: { ratePerSecond: 2, burst: 5 },
  ListInstances: { ratePerSecond: 2, burst: 5 },
  // Not on the reference sheet: the lowest figure, as for ListQueues.
  DescribeQueue: { ratePerSecond: 2, burst: 5 },
};

/** Request size limits of the metrics APIs. */
export const MAX_QUEUES_PER_REQUEST = 100;
export const MAX_RESULTS_PER_PAGE = 100;
export const MAX_QUEUE_LIST_PAGE = 1000;
export const MAX_INSTANCE_LIST_PAGE = 10;

/** Historical (GetMetricData) time rules. */
export const HISTORICAL_STEP_MINUTES = 5;
export const HISTORICAL_MAX_SPAN_HOURS = 24;
/** A NextToken of the metrics APIs is good for this long. */
export const NEXT_TOKEN_TTL_MINUTES = 5;
