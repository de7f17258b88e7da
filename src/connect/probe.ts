/** `check --live`: one cheap call that proves credentials, Region, instance and queues. */
import { type ConnectClient, GetCurrentMetricDataCommand } from "@aws-sdk/client-connect";
import type { ClientConfig } from "../config/client_config.ts";
import { describeConnectError } from "./errors.ts";
import { MAX_QUEUES_PER_REQUEST } from "./quotas.ts";

/** GetCurrentMetricData for up to 100 of the config's queues, one metric, one page. */
export async function probeInstance(client: ConnectClient, config: ClientConfig): Promise<void> {
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
  } catch (error) {
    const region = await client.config.region().catch(() => undefined);
    throw describeConnectError(error, {
      clientName: config.clientName,
      instanceId: config.instanceId,
      configFile: config.file,
      operation: "GetCurrentMetricData",
      ...(region ? { region } : {}),
    });
  }
}
