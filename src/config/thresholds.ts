/**
 * settings.json's `"thresholds"`: when a wallboard tile turns amber or red,
 * for every queue, a client's queues, or one queue of one client; the most
 * specific wins. Only measures where more is worse have thresholds.
 *
 *   "thresholds": {
 *     "oldestWaitSeconds": { "amber": 60, "red": 180 },
 *     "clients": { "TradeUK": { "contactsInQueue": { "amber": 3, "red": 6 },
 *                               "queues": { "Complaints": { "oldestWaitSeconds": { "amber": 30, "red": 90 } } } } }
 *   }
 */
import { ConfigError } from "../util/errors.ts";
import { isCommentKey, isObject } from "./json.ts";

/** What a threshold can be set on. */
export const THRESHOLD_MEASURES = ["contactsInQueue", "oldestWaitSeconds", "abandoned"] as const;
export type ThresholdMeasure = typeof THRESHOLD_MEASURES[number];

/** At or over `amber` a value is amber, at or over `red` red. */
export interface Band {
  readonly amber: number;
  readonly red: number;
}

export type Level = "ok" | "amber" | "red";

type Bands = Partial<Record<ThresholdMeasure, Band>>;

export interface Thresholds {
  readonly all: Bands;
  /** By lower-cased clientName: the client's own, and its queues' by lower-cased queue name. */
  readonly clients: ReadonlyMap<string, { readonly own: Bands; readonly queues: ReadonlyMap<string, Bands> }>;
}

/** Without settings: the oldest contact's wait amber at a minute, red at three. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  all: { oldestWaitSeconds: { amber: 60, red: 180 } },
  clients: new Map(),
};

const EXAMPLE = '{ "oldestWaitSeconds": { "amber": 60, "red": 180 } }';

/** Validates `"thresholds"`; throws a one-line ConfigError naming the field. */
export function parseThresholds(raw: unknown, file: string): Thresholds {
  const bad: (field: string, expected: string) => never = (field, expected) => {
    throw new ConfigError(`${file}: field "${field}": expected ${expected}`);
  };
  const bands = (value: unknown, where: string, nested: readonly string[]): Bands => {
    if (!isObject(value)) bad(where, `an object like ${EXAMPLE}`);
    const out: Record<string, Band> = {};
    for (const [key, band] of Object.entries(value as Record<string, unknown>)) {
      if (isCommentKey(key) || nested.includes(key)) continue;
      if (!(THRESHOLD_MEASURES as readonly string[]).includes(key)) {
        bad(`${where}.${key}`, `one of ${[...THRESHOLD_MEASURES, ...nested].join(", ")}`);
      }
      const { amber, red } = (isObject(band) ? band : {}) as Record<string, unknown>;
      const number = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n >= 0;
      if (!isObject(band) || !number(amber) || !number(red)) {
        bad(`${where}.${key}`, '{ "amber": N, "red": N }, numbers of 0 or more');
      }
      if ((amber as number) > (red as number)) bad(`${where}.${key}`, "amber at or below red");
      out[key] = { amber: amber as number, red: red as number };
    }
    return out;
  };
  const all = bands(raw, "thresholds", ["clients"]);
  const clientsRaw = (raw as Record<string, unknown>).clients ?? {};
  if (!isObject(clientsRaw)) bad("thresholds.clients", 'a map of clientName to thresholds, e.g. { "TradeUK": ... }');
  const clients = new Map<string, { own: Bands; queues: Map<string, Bands> }>();
  for (const [client, value] of Object.entries(clientsRaw as Record<string, unknown>)) {
    if (isCommentKey(client)) continue;
    const where = `thresholds.clients.${client}`;
    const own = bands(value, where, ["queues"]);
    const queuesRaw = (value as Record<string, unknown>).queues ?? {};
    if (!isObject(queuesRaw)) bad(`${where}.queues`, 'a map of queue name to thresholds, e.g. { "Sales": ... }');
    const queues = new Map<string, Bands>();
    for (const [queue, q] of Object.entries(queuesRaw as Record<string, unknown>)) {
      if (!isCommentKey(queue)) queues.set(queue.toLowerCase(), bands(q, `${where}.queues.${queue}`, []));
    }
    clients.set(client.toLowerCase(), { own, queues });
  }
  return { all: { ...DEFAULT_THRESHOLDS.all, ...all }, clients };
}

/** The band for one measure of one queue: the queue's, else its client's, else everyone's. */
export function bandFor(
  thresholds: Thresholds,
  clientName: string,
  queueName: string,
  measure: ThresholdMeasure,
): Band | undefined {
  const client = thresholds.clients.get(clientName.toLowerCase());
  return client?.queues.get(queueName.toLowerCase())?.[measure] ?? client?.own[measure] ?? thresholds.all[measure];
}

/** A value's level in its band. */
export function levelOf(value: number, band: Band | undefined): Level {
  if (!band) return "ok";
  return value >= band.red ? "red" : value >= band.amber ? "amber" : "ok";
}
