/**
 * What the emulator answers once a request is valid: the result lines its
 * groupings ask for, each metric added up over the line's queues and
 * channels from the model, sorted as the service sorts them, and cut into
 * pages with NextTokens that expire and must repeat their request.
 */
import { invalidParameter, type Json, queueArn } from "./connect_api.ts";
import type { ConnectModel, SimInstance, SimQueue } from "./connect_model.ts";
import { METRICS } from "../connect/catalogue.ts";
import { NEXT_TOKEN_TTL_MINUTES } from "../connect/quotas.ts";

/** One result line: the queues and channels whose values it adds up. */
interface ResultCell {
  readonly queue?: SimQueue;
  readonly channel?: string;
  readonly queues: readonly SimQueue[];
  readonly channels: readonly string[];
}

/** The result lines a request's groupings ask for. */
function resultCells(queues: SimQueue[], channels: string[], groupings: string[]): ResultCell[] {
  const byQueue = groupings.includes("QUEUE");
  const byChannel = groupings.includes("CHANNEL");
  if (!byQueue && !byChannel) return [{ queues, channels }];
  if (!byQueue) return channels.map((channel) => ({ channel, queues, channels: [channel] }));
  return queues.flatMap((queue) =>
    byChannel
      ? channels.map((channel) => ({ queue, channel, queues: [queue], channels: [channel] }))
      : [{ queue, queues: [queue], channels }]
  );
}

function dimensions(cell: ResultCell, instance: SimInstance, region: string): Json {
  return {
    ...(cell.queue ? { Queue: { Id: cell.queue.id, Arn: queueArn(instance, cell.queue, region) } } : {}),
    ...(cell.channel ? { Channel: cell.channel } : {}),
  };
}

export interface MetricsQuery {
  readonly instance: SimInstance;
  readonly queues: SimQueue[];
  readonly channels: string[];
  readonly groupings: string[];
  readonly metrics: Json[];
  readonly region: string;
}

/** GetCurrentMetricData's result lines at `at`, sorted by AGENTS_ONLINE, descending (the service's order). */
export function currentResults(model: ConnectModel, query: MetricsQuery, at: number): Json[] {
  const { instance, queues, channels, groupings, metrics, region } = query;
  // Without groupings the model says OLDEST_CONTACT_AGE comes in milliseconds.
  const ageFactor = groupings.length === 0 ? 1000 : 1;
  const results: { online: number; result: Json }[] = [];
  for (const cell of resultCells(queues, channels, groupings)) {
    const totals = new Map<string, number>();
    for (const q of cell.queues) {
      for (const [name, value] of model.currentValues(q, cell.channels, at) ?? []) {
        totals.set(
          name,
          name === "OLDEST_CONTACT_AGE" ? Math.max(totals.get(name) ?? 0, value) : (totals.get(name) ?? 0) + value,
        );
      }
    }
    if (totals.size === 0) continue;
    results.push({
      online: totals.get("AGENTS_ONLINE") ?? 0,
      result: {
        Dimensions: dimensions(cell, instance, region),
        Collections: metrics.map((m) => ({
          Metric: { Name: m.Name, Unit: m.Unit },
          Value: m.Name === "OLDEST_CONTACT_AGE"
            ? (totals.get("OLDEST_CONTACT_AGE") ?? 0) * ageFactor
            : (totals.get(String(m.Name)) ?? 0),
        })),
      },
    });
  }
  return results.sort((a, b) => b.online - a.online).map((r) => r.result);
}

/** GetMetricData's result lines over [start, end). */
export function historicalResults(model: ConnectModel, query: MetricsQuery, start: number, end: number): Json[] {
  const { instance, queues, channels, groupings, metrics, region } = query;
  const results: Json[] = [];
  for (const cell of resultCells(queues, channels, groupings)) {
    // Summing over queues is right for counts; for averages the emulator
    // reports the first active queue's value, which is plausible enough.
    let collected: Map<string, number | null> | null = null;
    for (const q of cell.queues) {
      const values = model.historicalValues(q, cell.channels, start, end);
      if (!values) continue;
      if (!collected) collected = values;
      else {
        for (const [name, value] of values) {
          if (METRICS.get(name)?.statistic === "SUM") collected.set(name, (collected.get(name) ?? 0) + (value ?? 0));
        }
      }
    }
    if (!collected) continue;
    const firstQueue = cell.queues.find((q) => !q.quiet)!;
    results.push({
      Dimensions: dimensions(cell, instance, region),
      Collections: metrics.map((m) => {
        const threshold = typeof m.Threshold === "object" && m.Threshold !== null ? m.Threshold as Json : undefined;
        const value = m.Name === "SERVICE_LEVEL"
          ? model.serviceLevel(firstQueue, start, end, threshold!.ThresholdValue as number)
          : collected!.get(String(m.Name)) ?? null;
        return {
          Metric: {
            Name: m.Name,
            Statistic: m.Statistic,
            Unit: m.Unit,
            ...(threshold ? { Threshold: threshold } : {}),
          },
          ...(value === null ? {} : { Value: value }),
        };
      }),
    });
  }
  return results;
}

/** One page of `items`, and the NextToken for the rest (undefined on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
  /** When the first page was asked for: later pages answer as of then. */
  readonly issuedAt: number;
}

/**
 * Paging as the service does it. A NextToken carries the offset, when it
 * was issued (it expires after 5 minutes) and a digest of the request,
 * which a follow-up must repeat.
 */
export class Pager {
  constructor(private readonly now: () => number) {}

  /** Where the page `request` asks for starts; the request's NextToken, if any, checked. */
  start(request: Json, kind: string, scope: string): { offset: number; issuedAt: number } {
    const token = request.NextToken;
    if (token === undefined || token === null) return { offset: 0, issuedAt: this.now() };
    let decoded: { o: number; t: number; d: string };
    try {
      decoded = JSON.parse(atob(String(token)));
    } catch {
      throw invalidParameter("The NextToken is not valid");
    }
    if (decoded.d !== digest(request, kind, scope)) {
      throw invalidParameter("The NextToken was issued for a request with other parameters");
    }
    if (this.now() - decoded.t > NEXT_TOKEN_TTL_MINUTES * 60_000) {
      throw invalidParameter("The NextToken has expired");
    }
    return { offset: decoded.o, issuedAt: decoded.t };
  }

  /** The page of `all` from `at`, `size` long, with the token for the next. */
  page<T>(all: readonly T[], request: Json, kind: string, scope: string, at: ReturnType<Pager["start"]>, size: number) {
    const end = at.offset + size;
    const nextToken = end < all.length
      ? btoa(JSON.stringify({ o: end, t: at.issuedAt, d: digest(request, kind, scope) }))
      : undefined;
    return { items: all.slice(at.offset, end), nextToken, issuedAt: at.issuedAt } satisfies Page<T>;
  }
}

/** A digest of the request without its NextToken. */
function digest(body: Json, kind: string, scope: string): string {
  const { NextToken: _ignored, ...rest } = body;
  const text = `${kind}:${scope}:${JSON.stringify(rest)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
