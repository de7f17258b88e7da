/** Fetching through the real AWS SDK from the emulator over loopback. */
import { ConnectClient } from "@aws-sdk/client-connect";
import { assert, assertEquals, assertMatch, rejects } from "../assert.ts";
import { metricsWindowAt } from "../helpers.ts";
import { type ConnectClientOptions, ConnectionPool, createConnectClient } from "../../src/connect/client.ts";
import { DEFAULT_COLUMNS, type MetricColumn } from "../../src/connect/catalogue.ts";
import { fetchMetrics } from "../../src/connect/fetch.ts";
import { RequestPacer } from "../../src/connect/pacing.ts";
import { CONNECT_QUOTAS } from "../../src/connect/quotas.ts";
import { ClockOffset } from "../../src/aws/clock.ts";
import { type MetricsPlan, planRequests } from "../../src/connect/plan.ts";
import { flattenRows } from "../../src/rows/flatten.ts";
import { ConnectModel } from "../../src/simulator/connect_model.ts";
import { addGeneratedFleet, type FleetInstance } from "../../src/simulator/fleet.ts";
import { type EmulatorServer, startEmulatorServer } from "../../src/simulator/server.ts";
import { AwsError } from "../../src/util/errors.ts";

const REGION = "eu-west-2";
const CREDENTIALS = { accessKeyId: "AKIAFETCHTEST0000001", secretAccessKey: "fetch-test-secret" };

/** The plan of `instance`'s queues on VOICE: today so far or, just after midnight, the hour before. */
function planFor(
  instance: FleetInstance,
  options: { pageSize?: number; columns?: readonly MetricColumn[]; now?: number } = {},
): MetricsPlan {
  const now = options.now ?? Date.now();
  return planRequests({
    instanceId: instance.instanceId,
    queues: instance.queues,
    channels: ["VOICE"],
    columns: options.columns ?? DEFAULT_COLUMNS,
    window: metricsWindowAt(now),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
}

/** A client of `instance`'s account, with a pacer of its own: tests must not share quota with each other. */
const clientOf = (instance: FleetInstance, endpoint: string, options: Partial<ConnectClientOptions> = {}) =>
  createConnectClient({
    accountId: instance.accountId,
    region: REGION,
    credentials: CREDENTIALS,
    endpoint,
    pacer: new RequestPacer(),
    ...options,
  });

/** Whose metrics, for the errors. */
const contextFor = (instance: FleetInstance) => ({
  clientName: "Client01",
  instanceId: instance.instanceId,
  configFile: "config/c-instance-queues.json",
});

interface FetchOptions {
  readonly pageSize?: number;
  readonly requestTimeoutMs?: number;
  /** The SDK's attempts a request (its default here: DEFAULT_MAX_ATTEMPTS). */
  readonly maxAttempts?: number;
  /** FetchContext.throttledUntil: a request throttled past the SDK's attempts is sent again until then. */
  readonly throttledUntil?: number;
}

async function scenario(
  queues: number,
  fn: (
    s: {
      server: EmulatorServer;
      instance: FleetInstance;
      fetch: (options?: FetchOptions) => ReturnType<typeof fetchMetrics>;
    },
  ) => Promise<void>,
  /** latencyMs: the emulator's; handshakeMs: new connections reach it through slowHandshakeRelay. */
  network: { latencyMs?: number; handshakeMs?: number } = {},
) {
  const server = await startEmulatorServer({ model: new ConnectModel(11), latencyMs: network.latencyMs });
  const relay = network.handshakeMs ? slowHandshakeRelay(new URL(server.url), network.handshakeMs) : undefined;
  // Kept-alive connections, as a run's, so that a request after the first ones reuses one.
  const connections = new ConnectionPool();
  const [instance] = addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: queues });
  const fetch = async ({ pageSize, requestTimeoutMs, maxAttempts, throttledUntil }: FetchOptions = {}) => {
    const client = clientOf(instance, relay?.url ?? server.url, {
      ...(requestTimeoutMs ? { requestTimeoutMs } : { connections }),
      maxAttempts,
    });
    try {
      return await fetchMetrics(client, planFor(instance, { pageSize }), { ...contextFor(instance), throttledUntil });
    } finally {
      client.destroy();
    }
  };
  try {
    await fn({ server, instance, fetch });
  } finally {
    connections.close();
    await relay?.close();
    await server.close();
  }
}

Deno.test("250 queues: 3 requests per API, every queue's values fetched", async () => {
  await scenario(250, async ({ server, instance, fetch }) => {
    const fetched = await fetch();
    const byOperation = (op: string) => server.connect.requests.filter((r) => r.operation === op).map((r) => r.queues);
    assertEquals(byOperation("GetCurrentMetricData"), [100, 100, 50]);
    assertEquals(byOperation("GetMetricData"), [100, 100, 50]);
    assertEquals([fetched.requests, fetched.retries], [6, 0]);
    assertEquals(fetched.values.size, 250);
    for (const q of instance.queues) {
      assert.ok(fetched.values.get(q.id)!.has("AGENTS_ONLINE") && fetched.values.get(q.id)!.has("CONTACTS_QUEUED"));
    }
  });
});

Deno.test("the same values whether the client hands each answer's results over as read (the tool's) or not (the SDK's)", async () => {
  // A stopped clock: both fetches get the same numbers (12 calls, within the quota's burst for each API).
  const now = Date.now();
  const server = await startEmulatorServer({ model: new ConnectModel(11), now: () => now });
  const [instance] = addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: 250 });
  const tool = clientOf(instance, server.url);
  const sdk = new ConnectClient({ region: REGION, endpoint: server.url, credentials: CREDENTIALS });
  try {
    const byTool = await fetchMetrics(tool, planFor(instance, { now }), contextFor(instance));
    const bySdk = await fetchMetrics(sdk, planFor(instance, { now }), contextFor(instance));
    assertEquals(byTool.values.size, 250);
    assertEquals(byTool.values, bySdk.values);
    assertEquals([byTool.requests, bySdk.requests], [6, 6]);
  } finally {
    tool.destroy();
    sdk.destroy();
    await server.close();
  }
});

Deno.test("pagination: small pages are followed to the end, nothing missed", async () => {
  await scenario(25, async ({ server, fetch }) => {
    const fetched = await fetch({ pageSize: 10 });
    assertEquals(server.connect.requests.filter((r) => r.operation === "GetCurrentMetricData").length, 3);
    assertEquals(server.connect.requests.filter((r) => r.operation === "GetMetricData").length, 3);
    assertEquals(fetched.values.size, 25);
  });
});

Deno.test("a throttled burst still succeeds: the SDK retries 429 with backoff", async () => {
  await scenario(5, async ({ server, instance, fetch }) => {
    // Another tool has just spent the account's quota for both APIs.
    server.connect.exhaustQuota(instance.accountId, REGION, "GetCurrentMetricData");
    server.connect.exhaustQuota(instance.accountId, REGION, "GetMetricData");
    const fetched = await fetch();
    const throttled = server.connect.requests.filter((r) => r.status === 429).length;
    assert.ok(throttled >= 2, `expected throttling, saw ${throttled} 429s`);
    assertEquals(fetched.retries, throttled);
    assertEquals(fetched.values.size, 5);
  });
});

Deno.test("5xx answers are retried by the SDK", async () => {
  await scenario(3, async ({ server, fetch }) => {
    server.connect.failNext(2, 500, "InternalServiceException");
    const fetched = await fetch();
    assertEquals(fetched.retries, 2);
    assertEquals(fetched.values.size, 3);
  });
});

Deno.test("a request Connect does not answer times out, is retried, then fails with one line", async () => {
  await scenario(3, async ({ server, instance, fetch }) => {
    server.connect.accountLatencyMs.set(instance.accountId, 1_000);
    const error = await rejects(() => fetch({ requestTimeoutMs: 150 }), AwsError);
    assertMatch(
      error.message,
      new RegExp(
        `^Amazon Connect did not answer Get(Current)?MetricData for client Client01 in time, after 5 attempts ` +
          `\\(instance ${instance.instanceId} in ${REGION}\\)$`,
      ),
    );
    assertMatch(String(error.hint), /^check the network connection/);
  });
});

Deno.test("an unknown instance fails with one line naming client, instance, code and config file", async () => {
  await scenario(3, async ({ server, instance, fetch }) => {
    server.model.instances.delete(instance.instanceId);
    const error = await rejects(() => fetch(), AwsError);
    assertEquals(
      error.message,
      `ResourceNotFoundException: Instance ${instance.instanceId} not found (client Client01, instance ${instance.instanceId} in ${REGION}) - check instanceId in config/c-instance-queues.json, and that the instance is in ${REGION}`,
    );
    // One 404 for each API, neither retried: a 404 is final.
    assertEquals(server.connect.requests.map((r) => r.status), [404, 404]);
  });
});

Deno.test("a queue Connect no longer has is found by halving its batch; every other queue's values arrive", async () => {
  await scenario(250, async ({ server, instance, fetch }) => {
    const gone = instance.queues[137].id;
    server.model.instances.get(instance.instanceId)!.queues.delete(gone);
    const fetched = await fetch();
    assertEquals([...fetched.missingQueues], [gone]);
    assertEquals(fetched.values.size, 249);
    for (const operation of ["GetCurrentMetricData", "GetMetricData"]) {
      const calls = server.connect.requests.filter((r) => r.operation === operation);
      // The two good batches, the bad one, then two halves per level down to the one queue (7 levels for 100).
      assert.ok(calls.length <= 3 + 1 + 2 * 7, `${operation}: ${calls.length} calls`);
      // Only the half holding it is split again: batches of 100, 50, 25, 13, 6, 3 and 1 queues hold it.
      assertEquals(calls.filter((r) => r.status === 404).map((r) => r.queues), [100, 50, 25, 13, 6, 3, 1]);
    }
    assertEquals(fetched.requests, server.connect.requests.length, "every call counted, the 404s too");
  });
});

Deno.test("a queue deleted between two pages of a request: its halves start again from the first page", async () => {
  await scenario(30, async ({ server, instance, fetch }) => {
    const gone = instance.queues[17].id;
    // Deleted as soon as the first page of either API has been answered.
    const log = server.connect.requests;
    const record = log.push.bind(log);
    log.push = (...entries) => {
      if (entries.some((e) => e.status === 200)) server.model.instances.get(instance.instanceId)!.queues.delete(gone);
      return record(...entries);
    };
    const fetched = await fetch({ pageSize: 10 });
    assertEquals([...fetched.missingQueues], [gone]);
    assertEquals(fetched.values.size, 29);
    assertEquals(log.filter((r) => r.status === 400), [], "no NextToken sent with other queues than it was issued for");
  });
});

Deno.test("a later page throttled past the SDK's attempts: sent again, from that page, none twice and none missed", async () => {
  await scenario(30, async ({ server, fetch }) => {
    // Once both APIs' first pages are answered, the next request (a later page of either) is throttled.
    const log = server.connect.requests;
    const record = log.push.bind(log);
    const answered = new Set<string>();
    let armed = false;
    log.push = (...entries) => {
      for (const e of entries) if (e.status === 200) answered.add(e.operation);
      if (answered.size === 2 && !armed) {
        armed = true;
        server.connect.failNext(1, 429, "ThrottlingException");
      }
      return record(...entries);
    };
    const fetched = await fetch({ pageSize: 10, maxAttempts: 1, throttledUntil: Date.now() + 60_000 });
    assertEquals(log.filter((r) => r.status === 429).length, 1);
    assertEquals(fetched.values.size, 30);
    for (const operation of ["GetCurrentMetricData", "GetMetricData"]) {
      const pages = log.filter((r) => r.operation === operation && r.status === 200);
      assertEquals(pages.length, 3, `${operation}: three pages of 10 queues, each once`);
    }
    assertEquals([fetched.requests, fetched.retries], [7, 1]);
  });
});

Deno.test("AccessDeniedException names the missing IAM action", async () => {
  await scenario(3, async ({ server, fetch }) => {
    server.model.deny("*", "GetMetricData");
    const error = await rejects(() => fetch(), AwsError);
    assertMatch(
      error.message,
      /^AccessDeniedException: the credentials for client Client01 are not allowed connect:GetMetricData on instance /,
    );
    assertMatch(error.hint!, /connect:GetMetricData/);
  });
});

Deno.test("queues with no data still get a row of zeros", async () => {
  await scenario(4, async ({ server, instance, fetch }) => {
    server.model.instances.get(instance.instanceId)!.queues.get(instance.queues[2].id)!.quiet = true;
    const fetched = await fetch();
    const rows = flattenRows({
      date: "d",
      clientName: "C",
      queues: instance.queues,
      columns: DEFAULT_COLUMNS,
      values: fetched.values,
    });
    assertEquals(rows.length, 4);
    assertEquals(DEFAULT_COLUMNS.map((c) => rows[2][c.column]), DEFAULT_COLUMNS.map(() => 0));
    assert.ok((rows[0].Agents as number) > 0);
  });
});

/**
 * A TCP relay that holds each new connection's first bytes for `handshakeMs`,
 * as a TLS handshake to a far Region does: a request on a new connection
 * reaches Connect that much later than it left; one on a reused one does not.
 */
function slowHandshakeRelay(target: URL, handshakeMs: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const relaying: Promise<unknown>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      relaying.push((async () => {
        await new Promise((resolve) => setTimeout(resolve, handshakeMs));
        const upstream = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
        open.add(upstream);
        await Promise.all([
          conn.readable.pipeTo(upstream.writable).catch(() => {}),
          upstream.readable.pipeTo(conn.writable).catch(() => {}),
        ]);
      })());
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close: async () => {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // already closed by its other end
        }
      }
      await accepting;
      await Promise.allSettled(relaying);
    },
  };
}

Deno.test("beyond the burst, requests wait for Connect to have counted it: slow handshakes, not one throttled", async () => {
  await scenario(1000, async ({ server, fetch }) => {
    const fetched = await fetch();
    assertEquals(fetched.values.size, 1000);
    assertEquals(server.connect.requests.length, 20, "10 requests an API: Connect's burst of 8, then 2 more");
    assertEquals(server.connect.requests.filter((r) => r.status === 429).length, 0, "none throttled");
    assertEquals(fetched.retries, 0);
  }, { latencyMs: 40, handshakeMs: 150 });
});

Deno.test("a request the quota holds back for minutes is signed as it leaves: no signature expired", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(11), now: () => Date.now() });
  // A world whose clock the pacer moves on while it waits: six minutes pass at once.
  const realNow = Date.now;
  let skipped = 0;
  Date.now = () => realNow() + skipped;
  // One request every 6 minutes, and no burst: the second of each API's two requests waits 6 minutes.
  const slow = { ratePerSecond: 1 / 360, burst: 1 };
  const pacer = new RequestPacer(() => Date.now(), (ms) => {
    skipped += ms;
    return Promise.resolve();
  }, { ...CONNECT_QUOTAS, GetCurrentMetricData: slow, GetMetricData: slow });
  const [instance] = addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: 150 });
  const client = clientOf(instance, server.url, { pacer, clock: new ClockOffset() });
  try {
    const fetched = await fetchMetrics(client, planFor(instance), contextFor(instance));
    assert(skipped >= 360_000, `the pacer held the second requests back (${skipped} ms)`);
    assertEquals(
      server.connect.requests.map((r) => [r.operation, r.status, r.errorType]).sort(),
      [
        ["GetCurrentMetricData", 200, undefined],
        ["GetCurrentMetricData", 200, undefined],
        ["GetMetricData", 200, undefined],
        ["GetMetricData", 200, undefined],
      ],
    );
    assertEquals([fetched.values.size, fetched.retries], [150, 0]);
  } finally {
    Date.now = realNow;
    client.destroy();
    await server.close();
  }
});

Deno.test("a page throttled until its NextToken may have expired: sent again from the first page, not refused", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(11), now: () => Date.now() });
  // A world whose clock moves on six minutes while a throttled request is refused, as when another tool holds the quota.
  const realNow = Date.now;
  let skipped = 0;
  Date.now = () => realNow() + skipped;
  const [instance] = addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: 30 });
  const client = clientOf(instance, server.url, { maxAttempts: 1, clock: new ClockOffset() });
  // Once the first page is answered, the second is throttled (one request at a time: none in flight, signed before
  // the clock moves on, arrives after).
  const log = server.connect.requests;
  const record = log.push.bind(log);
  log.push = (...entries) => {
    if (entries.some((e) => e.status === 429)) skipped += 6 * 60_000;
    if (entries.some((e) => e.status === 200) && log.length === 0) {
      server.connect.failNext(1, 429, "ThrottlingException");
    }
    return record(...entries);
  };
  try {
    const plan = planFor(instance, {
      pageSize: 10,
      columns: DEFAULT_COLUMNS.filter((c) => c.metric.api === "current"),
    });
    const fetched = await fetchMetrics(client, plan, {
      ...contextFor(instance),
      throttledUntil: Date.now() + 3_600_000,
    });
    assertEquals(skipped, 6 * 60_000, "one request was throttled, and six minutes passed");
    assertEquals(log.filter((r) => r.status === 400).map((r) => r.errorType), [], "no expired NextToken sent");
    assertEquals(fetched.values.size, 30);
    assertEquals(plan.historical, []);
    // The first page, then again from the first page: three pages.
    assertEquals(log.map((r) => r.status), [200, 429, 200, 200, 200]);
  } finally {
    Date.now = realNow;
    client.destroy();
    await server.close();
  }
});
