/**
 * The emulator's in-memory Amazon Connect: instances, queues and the
 * deterministic, plausible metric values they report. Same seed, same
 * instant, same answer; agents on call never exceed agents online and
 * contacts handled never exceed contacts queued.
 */

export interface SimQueue {
  readonly id: string;
  readonly name: string;
  readonly type: "STANDARD" | "AGENT";
  /** A quiet queue has no activity: Connect leaves it out of results. */
  quiet: boolean;
}

export interface SimInstance {
  readonly id: string;
  readonly accountId: string;
  /** Undefined: the instance answers in any Region. */
  readonly region?: string;
  readonly alias: string;
  readonly queues: Map<string, SimQueue>;
}

export interface InstanceSpec {
  readonly id: string;
  readonly accountId: string;
  readonly region?: string;
  readonly alias?: string;
  readonly queues: readonly { id: string; name: string; type?: "STANDARD" | "AGENT"; quiet?: boolean }[];
}

/** What an emulated caller may not do: access key -> denied operations. */
export type DeniedActions = Map<string, Set<string>>;

const INTERVAL_MS = 5 * 60_000;
const CHANNEL_CODES: Record<string, number> = { VOICE: 0, CHAT: 1, TASK: 2, EMAIL: 3 };

/** A number in [0, 1) from a 32-bit base and three integers (murmur3-style finaliser). */
function mix(base: number, a: number, b: number, c: number): number {
  let h = base ^ Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b) ^ Math.imul(c + 7, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

export class ConnectModel {
  readonly instances = new Map<string, SimInstance>();
  /** Access key -> the account it belongs to (unmapped keys see every account). */
  readonly accountOfKey = new Map<string, string>();
  readonly denied: DeniedActions = new Map();

  constructor(readonly seed = 1) {}

  addInstance(spec: InstanceSpec): SimInstance {
    const instance: SimInstance = {
      id: spec.id,
      accountId: spec.accountId,
      ...(spec.region ? { region: spec.region } : {}),
      alias: spec.alias ?? `instance-${spec.id.slice(0, 8)}`,
      queues: new Map(),
    };
    for (const q of spec.queues) {
      instance.queues.set(q.id, {
        id: q.id,
        name: q.name,
        type: q.type ?? "STANDARD",
        quiet: q.quiet ?? false,
      });
    }
    this.instances.set(instance.id, instance);
    return instance;
  }

  /** Deny `operation` (e.g. "GetMetricData") to `accessKeyId` ("*": everyone). */
  deny(accessKeyId: string, operation: string): void {
    const set = this.denied.get(accessKeyId) ?? new Set();
    set.add(operation);
    this.denied.set(accessKeyId, set);
  }

  isDenied(accessKeyId: string, operation: string): boolean {
    return Boolean(
      this.denied.get(accessKeyId)?.has(operation) || this.denied.get("*")?.has(operation),
    );
  }

  /** A number in [0, 1) fixed by the seed and the parts. */
  #random(...parts: (string | number)[]): number {
    let h = 0x811c9dc5 ^ this.seed;
    const text = parts.join("|");
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return (h >>> 0) / 2 ** 32;
  }

  /** A queue id's 32-bit hash under this seed, to mix numbers into. */
  #hash(text: string): number {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }

  #int(max: number, ...parts: (string | number)[]): number {
    return Math.floor(this.#random(...parts) * (max + 1));
  }

  /** The queue's size: how many agents it usually has. */
  #size(queueId: string): number {
    return 1 + this.#int(11, queueId, "size");
  }

  /**
   * Real-time values of one queue at `atMs`, in catalogue units (seconds).
   * Null when the queue is quiet (no agents, nothing queued).
   */
  currentValues(queue: SimQueue, channels: readonly string[], atMs: number): Map<string, number> | null {
    if (queue.quiet) return null;
    const minute = Math.floor(atMs / 60_000);
    const size = this.#size(queue.id);
    const online = size + this.#int(2, queue.id, minute, "online");
    const onCall = this.#int(online, queue.id, minute, "oncall");
    const acw = this.#int(online - onCall, queue.id, minute, "acw");
    const nonProductive = Math.floor(this.#int(online - onCall - acw, queue.id, minute, "np") / 2);
    const available = online - onCall - acw - nonProductive;
    const inQueue = channels.reduce(
      (sum, ch) => sum + this.#int(Math.ceil(size / (ch === "VOICE" ? 2 : 4)), queue.id, minute, ch, "inq"),
      0,
    );
    const oldest = inQueue > 0 ? 5 + this.#int(600, queue.id, minute, "oldest") : 0;
    return new Map([
      ["AGENTS_ONLINE", online],
      ["AGENTS_STAFFED", online],
      ["AGENTS_AVAILABLE", available],
      ["AGENTS_ON_CALL", onCall],
      ["AGENTS_ON_CONTACT", onCall],
      ["AGENTS_NON_PRODUCTIVE", nonProductive],
      ["AGENTS_AFTER_CONTACT_WORK", acw],
      ["AGENTS_ERROR", 0],
      ["CONTACTS_IN_QUEUE", inQueue],
      ["CONTACTS_SCHEDULED", 0],
      ["SLOTS_ACTIVE", onCall],
      ["SLOTS_AVAILABLE", online - onCall],
      ["OLDEST_CONTACT_AGE", oldest],
      ["ESTIMATED_WAIT_TIME", inQueue > 0 ? Math.round(oldest / 2) : 0],
    ]);
  }

  /**
   * Historical values over [startMs, endMs), built from 5-minute intervals
   * so that longer windows add up. Null when the queue is quiet. A value of
   * null inside the map means "no data" (an average over no contacts).
   */
  historicalValues(
    queue: SimQueue,
    channels: readonly string[],
    startMs: number,
    endMs: number,
  ): Map<string, number | null> | null {
    if (queue.quiet) return null;
    const size = this.#size(queue.id);
    const base = this.#hash(queue.id);
    let queued = 0;
    let abandoned = 0;
    // Numeric hashing per interval: a day of 5-minute intervals for thousands of queues stays cheap.
    for (let t = startMs; t < endMs; t += INTERVAL_MS) {
      const hour = Math.floor((t % 86_400_000) / 3_600_000); // UTC
      const busy = hour >= 7 && hour < 19 ? 1 : 0.2;
      const interval = t / INTERVAL_MS;
      for (let c = 0; c < channels.length; c++) {
        const channel = CHANNEL_CODES[channels[c]] ?? c;
        const q = Math.floor(mix(base, interval, channel, 1) * (Math.ceil(size * busy) + 1));
        queued += q;
        if (mix(base, interval, channel, 3) < 0.2) {
          abandoned += Math.min(q, Math.floor(mix(base, interval, channel, 2) * 2));
        }
      }
    }
    const handled = queued - abandoned;
    const span = `${startMs}-${endMs}`;
    const avg = (low: number, high: number, name: string) =>
      handled === 0 ? null : Math.round((low + this.#random(queue.id, span, name) * (high - low)) * 100) / 100;
    const part = (share: number, name: string) => Math.floor(handled * share * this.#random(queue.id, span, name));
    const values = new Map<string, number | null>([
      ["CONTACTS_QUEUED", queued],
      ["CONTACTS_HANDLED", handled],
      ["CONTACTS_ABANDONED", abandoned],
      ["CONTACTS_HANDLED_INCOMING", handled],
      ["CONTACTS_HANDLED_OUTBOUND", 0],
      ["CONTACTS_CONSULTED", part(0.1, "consulted")],
      ["CONTACTS_AGENT_HUNG_UP_FIRST", part(0.3, "hungup")],
      ["CONTACTS_HOLD_ABANDONS", part(0.02, "holdab")],
      ["CONTACTS_TRANSFERRED_IN", part(0.05, "tin")],
      ["CONTACTS_TRANSFERRED_OUT", part(0.05, "tout")],
      ["CONTACTS_TRANSFERRED_IN_FROM_QUEUE", part(0.03, "tinq")],
      ["CONTACTS_TRANSFERRED_OUT_FROM_QUEUE", part(0.03, "toutq")],
      ["CONTACTS_MISSED", part(0.02, "missed")],
      ["CALLBACK_CONTACTS_HANDLED", part(0.05, "callback")],
      ["API_CONTACTS_HANDLED", 0],
      ["HANDLE_TIME", avg(180, 420, "handle")],
      ["AFTER_CONTACT_WORK_TIME", avg(20, 90, "acw")],
      ["HOLD_TIME", avg(0, 60, "hold")],
      ["INTERACTION_TIME", avg(150, 360, "interaction")],
      ["INTERACTION_AND_HOLD_TIME", avg(160, 400, "ih")],
      ["QUEUE_ANSWER_TIME", avg(5, 120, "answer")],
      ["ABANDON_TIME", abandoned === 0 ? null : avg(10, 200, "abandon")],
      ["QUEUED_TIME", queued === 0 ? null : 10 + this.#int(900, queue.id, span, "qmax")],
      ["OCCUPANCY", avg(40, 95, "occupancy")],
    ]);
    return values;
  }

  /** SERVICE_LEVEL for a threshold: higher thresholds are met more often. */
  serviceLevel(queue: SimQueue, startMs: number, endMs: number, thresholdSeconds: number): number | null {
    const handled = this.historicalValues(queue, ["VOICE"], startMs, endMs)?.get("CONTACTS_HANDLED") ?? 0;
    if (handled === 0) return null;
    const base = 50 + this.#random(queue.id, startMs, endMs, "sl") * 30;
    const lift = Math.min(1, thresholdSeconds / 120) * (100 - base);
    return Math.round((base + lift) * 100) / 100;
  }
}
