/** Filling the emulator: from the user's config files, or a made-up fleet. */
import type { ClientConfig } from "../config/client_config.ts";
import type { ConnectModel } from "./connect_model.ts";

/** Every instance and queue of these configs, as the emulator's Connect. */
export function addConfiguredInstances(model: ConnectModel, configs: readonly ClientConfig[]): void {
  for (const config of configs) {
    const existing = model.instances.get(config.instanceId);
    const queues = [...(existing?.queues.values() ?? []), ...config.queues];
    model.addInstance({
      id: config.instanceId,
      accountId: config.accountId,
      ...(config.region ? { region: config.region } : {}),
      alias: config.clientName.toLowerCase().replace(/[^a-z0-9-]+/g, "-"),
      queues,
    });
  }
}

export interface FleetSpec {
  readonly accounts: number;
  readonly queuesPerInstance: number;
  /** Agent queues (one per agent) added to each instance, for ListQueues. */
  readonly agentQueuesPerInstance?: number;
  readonly region?: string;
}

/** A generated instance: what a test or benchmark needs to configure it. */
export interface FleetInstance {
  readonly accountId: string;
  readonly instanceId: string;
  readonly clientName: string;
  readonly queues: readonly { id: string; name: string }[];
}

/** Deterministic GUIDs, so that a generated fleet is the same every time. */
export function fakeGuid(...parts: (string | number)[]): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ round;
    for (const ch of parts.join("/")) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
    hex += (h >>> 0).toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** One instance per account, each with `queuesPerInstance` standard queues. */
export function addGeneratedFleet(model: ConnectModel, spec: FleetSpec): FleetInstance[] {
  const fleet: FleetInstance[] = [];
  for (let a = 0; a < spec.accounts; a++) {
    const accountId = String(200000000000 + a);
    const instanceId = fakeGuid("instance", model.seed, a);
    const clientName = `Client${String(a + 1).padStart(2, "0")}`;
    const queues = Array.from({ length: spec.queuesPerInstance }, (_, q) => ({
      id: fakeGuid("queue", model.seed, a, q),
      name: `Queue ${String(q + 1).padStart(4, "0")}`,
    }));
    const agentQueues = Array.from({ length: spec.agentQueuesPerInstance ?? 0 }, (_, q) => ({
      id: fakeGuid("agent-queue", model.seed, a, q),
      name: `agent-${q + 1}`,
      type: "AGENT" as const,
    }));
    model.addInstance({
      id: instanceId,
      accountId,
      ...(spec.region ? { region: spec.region } : {}),
      alias: clientName.toLowerCase(),
      queues: [...queues, ...agentQueues],
    });
    fleet.push({ accountId, instanceId, clientName, queues });
  }
  return fleet;
}
