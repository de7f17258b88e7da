/**
 * Discovery: the account's Connect instances and an instance's standard
 * queues, every page, through the SDK's paginators.
 */
import { type ConnectClient, paginateListInstances, paginateListQueues } from "@aws-sdk/client-connect";
import type { Queue } from "../config/queue_list.ts";
import { MAX_INSTANCE_LIST_PAGE, MAX_QUEUE_LIST_PAGE } from "./quotas.ts";
import { describeConnectError, type ErrorContext } from "./errors.ts";

export interface DiscoveredInstance {
  readonly id: string;
  readonly alias: string;
  readonly status: string;
  /** From the instance ARN. */
  readonly accountId: string;
}

/** The account id in an ARN (`arn:aws:connect:REGION:ACCOUNT:...`). */
export function accountOfArn(arn: string | undefined): string {
  return arn?.split(":")[4] ?? "";
}

async function explained<T>(client: ConnectClient, context: ErrorContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const region = await client.config.region().catch(() => undefined);
    throw describeConnectError(error, { ...context, region });
  }
}

/** Every instance of the account in the client's Region (ListInstances, all pages). */
export function listInstances(client: ConnectClient, context: Omit<ErrorContext, "operation" | "instanceId">) {
  return explained(client, { ...context, operation: "ListInstances", instanceId: "(any)" }, async () => {
    const instances: DiscoveredInstance[] = [];
    for await (const page of paginateListInstances({ client, pageSize: MAX_INSTANCE_LIST_PAGE }, {})) {
      for (const i of page.InstanceSummaryList ?? []) {
        if (!i.Id) continue;
        instances.push({
          id: i.Id,
          alias: i.InstanceAlias ?? "",
          status: i.InstanceStatus ?? "",
          accountId: accountOfArn(i.Arn),
        });
      }
    }
    return instances;
  });
}

/** Every STANDARD queue of an instance (ListQueues, all pages), in Connect's order, with the account. */
export function listStandardQueues(
  client: ConnectClient,
  instanceId: string,
  context: Omit<ErrorContext, "operation" | "instanceId">,
): Promise<{ queues: Queue[]; accountId: string }> {
  return explained(client, { ...context, operation: "ListQueues", instanceId }, async () => {
    const queues: Queue[] = [];
    let accountId = "";
    const input = { InstanceId: instanceId, QueueTypes: ["STANDARD" as const] };
    for await (const page of paginateListQueues({ client, pageSize: MAX_QUEUE_LIST_PAGE }, input)) {
      for (const q of page.QueueSummaryList ?? []) {
        if (!q.Id || q.QueueType !== "STANDARD") continue;
        queues.push({ id: q.Id, name: q.Name ?? q.Id });
        accountId ||= accountOfArn(q.Arn);
      }
    }
    return { queues, accountId };
  });
}
