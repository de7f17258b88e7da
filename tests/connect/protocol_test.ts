/**
 * The tool's ConnectClient reads the metrics answers itself (protocol.ts):
 * from the same bytes, it must give what the SDK's own reading gives.
 */
import {
  ConnectClient,
  GetCurrentMetricDataCommand,
  GetMetricDataCommand,
  paginateGetCurrentMetricData,
  paginateGetMetricData,
} from "@aws-sdk/client-connect";
import { assert, assertEquals } from "../assert.ts";
import { metricsWindowAt } from "../helpers.ts";
import { createConnectClient } from "../../src/connect/client.ts";
import { readResultsOf } from "../../src/connect/protocol.ts";
import { DEFAULT_COLUMNS, METRICS } from "../../src/connect/catalogue.ts";
import { RequestPacer } from "../../src/connect/pacing.ts";
import { planRequests } from "../../src/connect/plan.ts";
import { todaySoFar } from "../../src/connect/window.ts";
import { QueueList } from "../../src/config/queue_list.ts";
import { ConnectModel } from "../../src/simulator/connect_model.ts";
import { addGeneratedFleet } from "../../src/simulator/fleet.ts";
import { startEmulatorServer } from "../../src/simulator/server.ts";

const REGION = "eu-west-2";
const CREDENTIALS = { accessKeyId: "AKIAPROTOCOLTEST0001", secretAccessKey: "protocol-test-secret" };
const INSTANCE = "11111111-2222-3333-4444-555555555555";

/** The SDK as it comes, and the tool's client, calling `endpoint` (or each its own). */
function bothClients(endpoint: string, toolEndpoint = endpoint) {
  return {
    sdk: new ConnectClient({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 1 }),
    tool: createConnectClient({
      accountId: "111122223333",
      region: REGION,
      endpoint: toolEndpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      pacer: new RequestPacer(),
    }),
  };
}

/** An answer less the request id, which differs from one request to the next. */
function withoutRequestId<T extends { $metadata: { requestId?: string } }>(answer: T): T {
  const { requestId: _requestId, ...metadata } = answer.$metadata;
  return { ...answer, $metadata: metadata };
}

/** A loopback server giving every request the same answer. */
function answering(status: number, body: string, headers: Record<string, string> = {}) {
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      await request.body?.cancel();
      return new Response(body, { status, headers: { "content-type": "application/json", ...headers } });
    },
  );
}

Deno.test("the metrics answers of the emulator, every page, read as the SDK reads them", async () => {
  // Twin emulators with a stopped clock: the same request gets the same bytes from either; each client has
  // its own, since a stopped clock never refills the quota.
  const now = Date.now();
  const twins = await Promise.all(
    [1, 2].map(() => startEmulatorServer({ model: new ConnectModel(7), now: () => now })),
  );
  const { sdk, tool } = bothClients(twins[0].url, twins[1].url);
  try {
    const [instance, twin] = twins.map((server) =>
      addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: 150, region: REGION })[0]
    );
    assertEquals(twin, instance);
    const pages = async (client: ConnectClient) => {
      // A plan each: the SDK's paginators write each page's NextToken into the input they are given.
      const plan = planRequests({
        instanceId: instance.instanceId,
        queues: new QueueList(instance.queues),
        channels: ["VOICE", "CHAT"],
        columns: [...DEFAULT_COLUMNS, { column: "SL60", metric: METRICS.get("SERVICE_LEVEL")!, threshold: 60 }],
        window: todaySoFar(now, "Europe/London"),
        pageSize: 40,
      });
      const current = [], historical = [];
      for (const input of plan.current) {
        for await (const page of paginateGetCurrentMetricData({ client }, input)) current.push(withoutRequestId(page));
      }
      for (const input of plan.historical) {
        for await (const page of paginateGetMetricData({ client }, input)) historical.push(withoutRequestId(page));
      }
      return { current, historical };
    };
    const bySdk = await pages(sdk);
    const byTool = await pages(tool);
    assertEquals(byTool, bySdk);
    // What the comparison covered: several pages, the snapshot time as a Date, values and thresholds.
    assert(byTool.current.length > 2 && byTool.historical.length > 2);
    assert(byTool.current[0].DataSnapshotTime instanceof Date);
    const historical = byTool.historical.flatMap((page) => page.MetricResults ?? []);
    assert(historical.some((r) => r.Collections?.some((c) => typeof c.Value === "number" && c.Value > 0)));
    assert(historical.some((r) => r.Collections?.some((c) => c.Metric?.Threshold?.ThresholdValue !== undefined)));
  } finally {
    sdk.destroy();
    tool.destroy();
    await Promise.all(twins.map((server) => server.close()));
  }
});

Deno.test('doubles JSON cannot write (restJson1\'s "NaN", "Infinity") and the snapshot time: as the SDK reads them', async (t) => {
  const answers = {
    GetCurrentMetricData: {
      MetricResults: [{
        Dimensions: { Queue: { Id: "q1", Arn: "arn:q1" }, Channel: "VOICE" },
        Collections: [
          { Metric: { Name: "CONTACTS_IN_QUEUE", Unit: "COUNT" }, Value: "NaN" },
          { Metric: { Name: "AGENTS_ONLINE", Unit: "COUNT" }, Value: "Infinity" },
          { Metric: { Name: "OLDEST_CONTACT_AGE", Unit: "SECONDS" }, Value: 12 },
          { Metric: { Name: "AGENTS_AVAILABLE", Unit: "COUNT" } },
        ],
      }],
      DataSnapshotTime: 1796364000.25,
      ApproximateTotalCount: 1,
      NextToken: "",
    },
    GetMetricData: {
      MetricResults: [{
        Dimensions: { Queue: { Id: "q1", Arn: "arn:q1" } },
        Collections: [{
          Metric: {
            Name: "SERVICE_LEVEL",
            Statistic: "AVG",
            Unit: "PERCENT",
            Threshold: { Comparison: "LT", ThresholdValue: "-Infinity" },
          },
          Value: "-Infinity",
        }],
      }],
    },
  };
  const send = {
    GetCurrentMetricData: (client: ConnectClient) =>
      client.send(new GetCurrentMetricDataCommand({ InstanceId: INSTANCE, Filters: {}, CurrentMetrics: [] })),
    GetMetricData: (client: ConnectClient) =>
      client.send(
        new GetMetricDataCommand({
          InstanceId: INSTANCE,
          Filters: {},
          HistoricalMetrics: [],
          StartTime: new Date(0),
          EndTime: new Date(0),
        }),
      ),
  };
  const expected = { GetCurrentMetricData: [NaN, Infinity, 12, undefined], GetMetricData: [-Infinity] };
  for (const operation of ["GetCurrentMetricData", "GetMetricData"] as const) {
    await t.step(operation, async () => {
      const server = answering(200, JSON.stringify(answers[operation]));
      const { sdk, tool } = bothClients(`http://127.0.0.1:${server.addr.port}`);
      try {
        const bySdk = withoutRequestId(await send[operation](sdk));
        const byTool = withoutRequestId(await send[operation](tool));
        assertEquals(byTool, bySdk);
        assertEquals(byTool.MetricResults?.[0].Collections?.map((c) => c.Value), expected[operation]);
      } finally {
        sdk.destroy();
        tool.destroy();
        await server.shutdown();
      }
    });
  }
});

Deno.test("an error, an empty body, a body that is not JSON: as the SDK reads them", async (t) => {
  const cases = [
    {
      name: "400 InvalidParameterException",
      status: 400,
      body: JSON.stringify({ message: "The queue q9 is not valid" }),
      headers: { "x-amzn-ErrorType": "InvalidParameterException:http://internal.amazon.com/coral/" },
    },
    { name: "200 and an HTML page (a proxy's)", status: 200, body: "<html><body>Proxy login</body></html>" },
    { name: "200 and nothing", status: 200, body: "" },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const server = answering(c.status, c.body, c.headers);
      const { sdk, tool } = bothClients(`http://127.0.0.1:${server.addr.port}`);
      const outcome = (client: ConnectClient) =>
        client.send(new GetCurrentMetricDataCommand({ InstanceId: INSTANCE, Filters: {}, CurrentMetrics: [] }))
          .then((answer) => ({ answer: withoutRequestId(answer) }))
          .catch((error) => ({
            error: { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode },
          }));
      try {
        const bySdk = await outcome(sdk);
        assertEquals(await outcome(tool), bySdk);
        if (c.status >= 300 || c.body) assert("error" in bySdk, "the SDK took it for an answer");
      } finally {
        sdk.destroy();
        tool.destroy();
        await server.shutdown();
      }
    });
  }
});

/**
 * `send` twice: once with an input that names who takes its results, once with
 * one that does not. What the first hands over and the second's page must agree.
 */
async function handedOver<I extends object, O extends { MetricResults?: unknown[]; $metadata: { requestId?: string } }>(
  input: () => I,
  send: (input: I) => Promise<O>,
  operation: string,
) {
  const handed: unknown[][] = [];
  const named = input();
  readResultsOf(named, (results) => handed.push(results));
  const page = await send(named);
  const unnamed = await send(input());
  assertEquals(page.MetricResults, undefined, operation);
  assertEquals(handed, [unnamed.MetricResults], operation);
  assertEquals(unnamed.MetricResults?.length, 20, operation);
  // Everything else on the page is as ever.
  assertEquals({ ...withoutRequestId(page), MetricResults: unnamed.MetricResults }, withoutRequestId(unnamed));
}

Deno.test("a request that names who takes its results: they are handed over as read, as the page had them, and the page comes without them", async () => {
  const now = Date.now();
  const server = await startEmulatorServer({ model: new ConnectModel(7), now: () => now });
  const { sdk, tool } = bothClients(server.url);
  try {
    const [instance] = addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: 20, region: REGION });
    const plan = () =>
      planRequests({
        instanceId: instance.instanceId,
        queues: new QueueList(instance.queues),
        channels: ["VOICE"],
        columns: DEFAULT_COLUMNS,
        window: metricsWindowAt(now),
      });
    await handedOver(
      () => plan().current[0],
      (input) => tool.send(new GetCurrentMetricDataCommand(input)),
      "GetCurrentMetricData",
    );
    await handedOver(
      () => plan().historical[0],
      (input) => tool.send(new GetMetricDataCommand(input)),
      "GetMetricData",
    );
  } finally {
    sdk.destroy();
    tool.destroy();
    await server.close();
  }
});
