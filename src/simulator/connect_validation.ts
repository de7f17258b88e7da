/**
 * The emulator's request validation, as the reference sheet gives the real
 * service's rules: filters, groupings, page sizes, metrics with their units
 * and statistics, the time window, and the queues asked for. Each rule
 * throws the ApiError the service answers with.
 */
import { ApiError, invalidParameter, invalidRequest, isObject, type Json } from "./connect_api.ts";
import type { SimInstance, SimQueue } from "./connect_model.ts";
import { CHANNELS } from "../config/client_config.ts";
import { MAX_SERVICE_LEVEL_METRICS, METRICS, SERVICE_LEVEL_THRESHOLD } from "../connect/catalogue.ts";
import {
  HISTORICAL_MAX_SPAN_HOURS,
  HISTORICAL_STEP_MINUTES,
  MAX_QUEUES_PER_REQUEST,
  MAX_RESULTS_PER_PAGE,
} from "../connect/quotas.ts";

const SUPPORTED_GROUPINGS = ["QUEUE", "CHANNEL"];
const ALL_GROUPINGS = [
  "QUEUE",
  "CHANNEL",
  "ROUTING_PROFILE",
  "ROUTING_STEP_EXPRESSION",
  "AGENT_STATUS",
  "SUBTYPE",
  "VALIDATION_TEST_TYPE",
];

/** What both metric operations take: filters, channels (defaulted), groupings and the page size. */
export interface CommonRequest {
  readonly filters: Json;
  readonly channels: string[];
  readonly groupings: string[];
  readonly maxResults: number;
}

export function validateCommon(body: Json): CommonRequest {
  if (!isObject(body.Filters)) throw invalidRequest("Filters is required");
  const filters = body.Filters;
  for (const key of Object.keys(filters)) {
    if (key !== "Queues" && key !== "Channels") {
      throw invalidParameter(`The emulator supports Queues and Channels filters only, not ${key}`);
    }
  }
  const channels = filters.Channels ?? [];
  if (!Array.isArray(channels) || channels.some((c) => !(CHANNELS as readonly string[]).includes(c))) {
    throw invalidParameter(`Filters.Channels must be from ${CHANNELS.join(", ")}`);
  }
  const groupings = body.Groupings ?? [];
  if (!Array.isArray(groupings) || groupings.length > 2 || groupings.some((g) => !ALL_GROUPINGS.includes(g))) {
    throw invalidParameter(`Groupings: at most 2 of ${ALL_GROUPINGS.join(", ")}`);
  }
  if (groupings.some((g) => !SUPPORTED_GROUPINGS.includes(g))) {
    throw invalidParameter(
      `Groupings other than QUEUE and CHANNEL need routing-profile filters, which the emulator does not model`,
    );
  }
  const maxResults = body.MaxResults ?? MAX_RESULTS_PER_PAGE;
  if (!Number.isInteger(maxResults) || (maxResults as number) < 1 || (maxResults as number) > MAX_RESULTS_PER_PAGE) {
    throw invalidParameter(`MaxResults must be from 1 to ${MAX_RESULTS_PER_PAGE}`);
  }
  return {
    filters,
    channels: channels.length > 0 ? channels as string[] : ["VOICE", "CHAT", "TASK"],
    groupings: groupings as string[],
    maxResults: maxResults as number,
  };
}

/** GetCurrentMetricData's CurrentMetrics: real-time metrics in their units. */
export function validateCurrentMetrics(body: Json, request: CommonRequest): Json[] {
  const metrics = body.CurrentMetrics;
  if (!Array.isArray(metrics) || metrics.length === 0) throw invalidRequest("CurrentMetrics is required");
  for (const m of metrics) {
    const definition = isObject(m) ? METRICS.get(String(m.Name)) : undefined;
    if (!definition || definition.api !== "current") {
      throw invalidParameter(`${isObject(m) ? m.Name : m} is not a real-time metric`);
    }
    if (m.Unit !== definition.unit) {
      throw invalidParameter(`The unit of ${definition.name} must be ${definition.unit}, not ${m.Unit}`);
    }
  }
  if (request.groupings.includes("CHANNEL") && !Array.isArray(request.filters.Channels)) {
    throw invalidParameter("A CHANNEL grouping needs a Channels filter");
  }
  return metrics as Json[];
}

/** GetMetricData's window: on 5-minute steps, within the last 24 hours, at most 24 hours long (epoch ms). */
export function validateWindow(body: Json, now: number): { start: number; end: number } {
  if (typeof body.StartTime !== "number") throw invalidRequest("StartTime is required (epoch seconds)");
  if (typeof body.EndTime !== "number") throw invalidRequest("EndTime is required (epoch seconds)");
  const start = body.StartTime * 1000;
  const end = body.EndTime * 1000;
  const step = HISTORICAL_STEP_MINUTES * 60_000;
  const maxSpan = HISTORICAL_MAX_SPAN_HOURS * 3_600_000;
  if (start % step !== 0) {
    throw invalidParameter(`StartTime must be a multiple of ${HISTORICAL_STEP_MINUTES} minutes`);
  }
  if (end % step !== 0) throw invalidParameter(`EndTime must be a multiple of ${HISTORICAL_STEP_MINUTES} minutes`);
  if (start < now - maxSpan) {
    throw invalidParameter(`StartTime must be within the last ${HISTORICAL_MAX_SPAN_HOURS} hours`);
  }
  if (end <= start) throw invalidParameter("EndTime must be after StartTime");
  if (end - start > maxSpan) {
    throw invalidParameter(`The time range must be ${HISTORICAL_MAX_SPAN_HOURS} hours or less`);
  }
  return { start, end };
}

/** GetMetricData's HistoricalMetrics: each with its statistic and unit, SERVICE_LEVEL with its threshold. */
export function validateHistoricalMetrics(body: Json): Json[] {
  const metrics = body.HistoricalMetrics;
  if (!Array.isArray(metrics) || metrics.length === 0) throw invalidRequest("HistoricalMetrics is required");
  let serviceLevels = 0;
  for (const m of metrics) {
    const definition = isObject(m) ? METRICS.get(String(m.Name)) : undefined;
    if (!definition || definition.api !== "historical") {
      throw invalidParameter(`${isObject(m) ? m.Name : m} is not a historical metric`);
    }
    if (m.Statistic !== definition.statistic || m.Unit !== definition.unit) {
      throw invalidParameter(
        `${definition.name} takes Statistic ${definition.statistic} and Unit ${definition.unit}, not ${m.Statistic} and ${m.Unit}`,
      );
    }
    if (definition.needsThreshold) {
      serviceLevels++;
      const t = isObject(m.Threshold) ? m.Threshold : {};
      const value = t.ThresholdValue;
      if (
        t.Comparison !== "LT" || typeof value !== "number" || !Number.isInteger(value) ||
        value < SERVICE_LEVEL_THRESHOLD.min || value > SERVICE_LEVEL_THRESHOLD.max
      ) {
        throw invalidParameter(
          `${definition.name} needs a Threshold with Comparison LT and a ThresholdValue from ${SERVICE_LEVEL_THRESHOLD.min} to ${SERVICE_LEVEL_THRESHOLD.max}`,
        );
      }
    } else if (m.Threshold !== undefined) {
      throw invalidParameter(`${definition.name} does not take a Threshold`);
    }
  }
  if (serviceLevels > MAX_SERVICE_LEVEL_METRICS) {
    throw invalidParameter(`At most ${MAX_SERVICE_LEVEL_METRICS} SERVICE_LEVEL metrics per request`);
  }
  return metrics as Json[];
}

/** How the emulator answers a queue id the instance does not have: the service's answer is not documented. */
export type UnknownQueueAnswer = "ResourceNotFoundException" | "InvalidParameterException";

/** The queues of Filters.Queues (ids or ARNs), each one the instance has. */
export function requestedQueues(
  instance: SimInstance,
  filters: Json,
  unknown: UnknownQueueAnswer = "ResourceNotFoundException",
): SimQueue[] {
  const ids = filters.Queues;
  if (!Array.isArray(ids) || ids.length === 0) {
    throw invalidParameter("Filters.Queues must hold at least one queue id or ARN");
  }
  if (ids.length > MAX_QUEUES_PER_REQUEST) {
    throw invalidParameter(`Filters.Queues can hold at most ${MAX_QUEUES_PER_REQUEST} queues, got ${ids.length}`);
  }
  return ids.map((raw) => {
    const id = String(raw).replace(/^arn:aws[\w-]*:connect:[^:]*:\d{12}:instance\/[^/]+\/queue\//, "");
    const queue = instance.queues.get(id);
    if (!queue) {
      throw unknown === "ResourceNotFoundException"
        ? new ApiError(404, unknown, `Queue ${id} not found in instance ${instance.id}`)
        : invalidParameter(`Filters.Queues: ${id} is not a queue of instance ${instance.id}`);
    }
    return queue;
  });
}

/** A list operation's maxResults query parameter (default 100, or `max` if lower). */
export function pageSizeParam(url: URL, max: number): number {
  const raw = url.searchParams.get("maxResults");
  if (raw === null) return Math.min(100, max);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidParameter(`maxResults must be from 1 to ${max}`);
  return n;
}

/** ListQueues' queueTypes. */
export function queueTypesParam(url: URL): string[] {
  const types = url.searchParams.getAll("queueTypes");
  for (const t of types) {
    if (t !== "STANDARD" && t !== "AGENT") throw invalidParameter(`queueTypes must be STANDARD or AGENT, not ${t}`);
  }
  return types;
}
