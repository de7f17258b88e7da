/** `check --live`: one cheap call that proves credentials, Region, instance and queues. */
import { type ConnectClient, GetCurrentMetricDataCommand } from "@aws-sdk/client-connect";
import type { ClientConfig } from "../config/client_config.ts";
import { describeConnectError, isQueueNotFound } from "./errors.ts";
import { MAX_QUEUES_PER_REQUEST } from "./quotas.ts";

/**
 * GetCurrentMetricData for up to 100 of the config's queues, one metric, one
 * page. A queue Connect no longer has is not a failure (a run leaves its row
 * out): Connect's words for it are returned, to be said as a warning.
 */
export async function probeInstance(client: ConnectClient, config: ClientConfig): Promise<string | undefined> {
  try {
    await client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: config.instanceId,
        Filters: { Queues: config.queues.slice(0, MAX_QUEUES_PER_REQUEST).map((q) => q.id), Channels: ["VOICE"] },
        Groupings: ["QUEUE"],
        CurrentMetrics: [{ Name: "AGENTS_ONLINE", Unit: "COUNT" }],
        MaxResults: 1,
      }),
    );
    return undefined;
  } catch (error) {
    if (isQueueNotFound(error)) return (error as Error).message;
    const region = await client.config.region().catch(() => undefined);
    throw describeConnectError(error, {
      clientName: config.clientName,
      instanceId: config.instanceId,
      configFile: config.file,
      operation: "GetCurrentMetricData",
      region,
    });
  }
}
