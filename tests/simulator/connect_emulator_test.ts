/**
 * The emulator against the real AWS SDK and the AWS CLI: it must behave as
 * shared/reference/amazon-connect-api.md says the service does.
 */
import {
  ConnectClient,
  GetCurrentMetricDataCommand,
  type GetCurrentMetricDataCommandInput,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  ListQueuesCommand,
} from "@aws-sdk/client-connect";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { ConnectModel } from "../../src/simulator/connect_model.ts";
import { addGeneratedFleet, type FleetInstance } from "../../src/simulator/fleet.ts";
import { type EmulatorServer, startEmulatorServer } from "../../src/simulator/server.ts";
import { floorToMinutes } from "../../src/util/time.ts";

const CREDENTIALS = { accessKeyId: "AKIAEMULATORTEST0001", secretAccessKey: "emulator-test-secret" };

async function withEmulator(
  fn: (server: EmulatorServer, instance: FleetInstance, sdk: ConnectClient) => Promise<void>,
  queues = 5,
) {
  const server = await startEmulatorServer({ model: new ConnectModel(7) });
  const [instance] = addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: queues });
  // One attempt: the emulator's answers are seen as they are, not retried.
  const sdk = new ConnectClient({
    region: "eu-west-2",
    credentials: CREDENTIALS,
    endpoint: server.url,
    maxAttempts: 1,
  });
  try {
    await fn(server, instance, sdk);
  } finally {
    sdk.destroy();
    await server.close();
  }
}

/** Sends a command and returns the error code and status it failed with. */
async function failure(sdk: ConnectClient, command: GetCurrentMetricDataCommand | GetMetricDataCommand) {
  try {
    await sdk.send(command as GetCurrentMetricDataCommand);
  } catch (e) {
    const error = e as { name: string; message: string; $metadata: { httpStatusCode: number } };
    return { code: error.name, status: error.$metadata.httpStatusCode, message: error.message };
  }
  throw new Error("the request was expected to fail");
}

const current = (instance: FleetInstance, extra: Partial<GetCurrentMetricDataCommandInput> = {}) =>
  new GetCurrentMetricDataCommand({
    InstanceId: instance.instanceId,
    Filters: { Queues: instance.queues.map((q) => q.id), Channels: ["VOICE"] },
    Groupings: ["QUEUE"],
    CurrentMetrics: [
      { Name: "AGENTS_ONLINE", Unit: "COUNT" },
      { Name: "AGENTS_ON_CALL", Unit: "COUNT" },
      { Name: "OLDEST_CONTACT_AGE", Unit: "SECONDS" },
    ],
    ...extra,
  });

const lastHour = () => {
  const end = floorToMinutes(Date.now(), 5);
  return { StartTime: new Date(end - 3_600_000), EndTime: new Date(end) };
};
const historical = (instance: FleetInstance, extra: Partial<GetMetricDataCommandInput> = {}) =>
  new GetMetricDataCommand({
    InstanceId: instance.instanceId,
    ...lastHour(),
    Filters: { Queues: instance.queues.map((q) => q.id), Channels: ["VOICE"] },
    Groupings: ["QUEUE"],
    HistoricalMetrics: [
      { Name: "CONTACTS_QUEUED", Statistic: "SUM", Unit: "COUNT" },
      { Name: "CONTACTS_HANDLED", Statistic: "SUM", Unit: "COUNT" },
    ],
    ...extra,
  });

Deno.test("GetCurrentMetricData answers per queue, plausibly, and the same for the same minute", async () => {
  await withEmulator(async (_server, instance, sdk) => {
    const first = await sdk.send(current(instance));
    const again = await sdk.send(current(instance));
    assertEquals(first.MetricResults!.length, 5);
    assertEquals(first.MetricResults!.map((r) => r.Collections), again.MetricResults!.map((r) => r.Collections));
    for (const result of first.MetricResults!) {
      const value = (name: string) => result.Collections!.find((c) => c.Metric!.Name === name)!.Value!;
      assert.ok(value("AGENTS_ON_CALL") <= value("AGENTS_ONLINE"), "agents on call never exceed agents online");
      assert.ok(instance.queues.some((q) => q.id === result.Dimensions!.Queue!.Id));
      assertMatch(result.Dimensions!.Queue!.Arn!, /^arn:aws:connect:eu-west-2:\d{12}:instance\/.+\/queue\/.+$/);
    }
  });
});

Deno.test("GetMetricData: handled never exceeds queued, and windows add up", async () => {
  await withEmulator(async (_server, instance, sdk) => {
    const { StartTime, EndTime } = lastHour();
    const middle = new Date((StartTime.getTime() + EndTime.getTime()) / 2);
    const whole = await sdk.send(historical(instance));
    const a = await sdk.send(historical(instance, { StartTime, EndTime: middle }));
    const b = await sdk.send(historical(instance, { StartTime: middle, EndTime }));
    const queued = (out: typeof whole, id: string) =>
      out.MetricResults!.find((r) => r.Dimensions!.Queue!.Id === id)?.Collections?.find((c) =>
        c.Metric!.Name === "CONTACTS_QUEUED"
      )?.Value ?? 0;
    for (const result of whole.MetricResults!) {
      const [q, h] = result.Collections!.map((c) => c.Value!);
      assert.ok(h <= q, "handled never exceeds queued");
      const id = result.Dimensions!.Queue!.Id!;
      assertEquals(queued(a, id) + queued(b, id), queued(whole, id));
    }
  });
});

Deno.test("quiet queues are absent from the results, as on the real service", async () => {
  await withEmulator(async (server, instance, sdk) => {
    server.model.instances.get(instance.instanceId)!.queues.get(instance.queues[0].id)!.quiet = true;
    const out = await sdk.send(current(instance));
    assertEquals(out.MetricResults!.length, 4);
    assert.ok(!out.MetricResults!.some((r) => r.Dimensions!.Queue!.Id === instance.queues[0].id));
  });
});

Deno.test("OLDEST_CONTACT_AGE comes in seconds with groupings and milliseconds without", async () => {
  await withEmulator(async (_server, instance, sdk) => {
    const oneQueue = { Filters: { Queues: [instance.queues[0].id], Channels: ["VOICE" as const] } };
    const metrics = { CurrentMetrics: [{ Name: "OLDEST_CONTACT_AGE" as const, Unit: "SECONDS" as const }] };
    const grouped = await sdk.send(current(instance, { ...oneQueue, ...metrics }));
    const ungrouped = await sdk.send(current(instance, { ...oneQueue, ...metrics, Groupings: [] }));
    const seconds = grouped.MetricResults![0].Collections![0].Value!;
    assertEquals(ungrouped.MetricResults![0].Collections![0].Value, seconds * 1000);
    assertEquals(ungrouped.MetricResults![0].Dimensions, {});
  });
});

Deno.test("validation: the service's rules, as 400/404 with x-amzn-ErrorType", async (t) => {
  await withEmulator(async (_server, instance, sdk) => {
    const cases: [string, GetCurrentMetricDataCommand | GetMetricDataCommand, string, RegExp][] = [
      [
        "more than 100 queues",
        current({ ...instance, queues: [...instance.queues, ...Array(97).fill(instance.queues[0])] }),
        "InvalidParameterException",
        /at most 100 queues, got 102/,
      ],
      [
        "a real-time metric with the wrong unit",
        current(instance, { CurrentMetrics: [{ Name: "OLDEST_CONTACT_AGE", Unit: "COUNT" }] }),
        "InvalidParameterException",
        /unit of OLDEST_CONTACT_AGE must be SECONDS/,
      ],
      [
        "a historical metric with the wrong statistic",
        historical(instance, { HistoricalMetrics: [{ Name: "CONTACTS_QUEUED", Statistic: "AVG", Unit: "COUNT" }] }),
        "InvalidParameterException",
        /CONTACTS_QUEUED takes Statistic SUM and Unit COUNT/,
      ],
      [
        "SERVICE_LEVEL without a threshold",
        historical(instance, { HistoricalMetrics: [{ Name: "SERVICE_LEVEL", Statistic: "AVG", Unit: "PERCENT" }] }),
        "InvalidParameterException",
        /needs a Threshold/,
      ],
      [
        "StartTime off a 5-minute boundary",
        historical(instance, { StartTime: new Date(lastHour().StartTime.getTime() + 60_000) }),
        "InvalidParameterException",
        /StartTime must be a multiple of 5 minutes/,
      ],
      [
        "StartTime more than 24 hours ago",
        historical(instance, { StartTime: new Date(floorToMinutes(Date.now() - 25 * 3_600_000, 5)) }),
        "InvalidParameterException",
        /within the last 24 hours/,
      ],
      [
        "EndTime equal to StartTime",
        historical(instance, { EndTime: lastHour().StartTime }),
        "InvalidParameterException",
        /EndTime must be after StartTime/,
      ],
      [
        "MaxResults over 100",
        current(instance, { MaxResults: 101 }),
        "InvalidParameterException",
        /MaxResults must be from 1 to 100/,
      ],
      [
        "a CHANNEL grouping without a Channels filter",
        current(instance, { Filters: { Queues: [instance.queues[0].id] }, Groupings: ["CHANNEL"] }),
        "InvalidParameterException",
        /CHANNEL grouping needs a Channels filter/,
      ],
      [
        "an unknown instance",
        current({ ...instance, instanceId: "00000000-0000-4000-8000-000000000000" }),
        "ResourceNotFoundException",
        /Instance 00000000-0000-4000-8000-000000000000 not found/,
      ],
      [
        "an unknown queue",
        current({ ...instance, queues: [{ id: "11111111-1111-4111-8111-111111111111", name: "x" }] }),
        "ResourceNotFoundException",
        /Queue 11111111-1111-4111-8111-111111111111 not found/,
      ],
    ];
    for (const [name, command, code, message] of cases) {
      await t.step(name, async () => {
        const error = await failure(sdk, command);
        assertEquals([error.code, error.status], [code, code === "ResourceNotFoundException" ? 404 : 400]);
        assertMatch(error.message, message);
      });
    }
  });
});

Deno.test("queue ARNs are accepted in Filters.Queues, as on the real service", async () => {
  await withEmulator(async (_server, instance, sdk) => {
    const arn = `arn:aws:connect:eu-west-2:${instance.accountId}:instance/${instance.instanceId}/queue/${
      instance.queues[1].id
    }`;
    const out = await sdk.send(current(instance, { Filters: { Queues: [arn], Channels: ["VOICE"] } }));
    assertEquals(out.MetricResults!.map((r) => r.Dimensions!.Queue!.Id), [instance.queues[1].id]);
  });
});

Deno.test("a request without SigV4 Authorization is refused with 403", async () => {
  await withEmulator(async (server, instance) => {
    const response = await fetch(`${server.url}/metrics/current/${instance.instanceId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Filters: { Queues: [instance.queues[0].id] }, CurrentMetrics: [] }),
    });
    assertEquals(response.status, 403);
    assertEquals(response.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException");
    assertEquals(await response.json(), { Message: "Missing Authentication Token" });
  });
});

Deno.test("a request signed more than 5 minutes from the service's clock is 403 InvalidSignatureException", async () => {
  await withEmulator(async (server, instance) => {
    // systemClockOffset: the SDK signs as if its clock were that far off.
    const signedAt = (offsetMs: number) =>
      new ConnectClient({
        region: "eu-west-2",
        credentials: CREDENTIALS,
        endpoint: server.url,
        maxAttempts: 1,
        systemClockOffset: offsetMs,
      });
    for (
      const [offsetMs, words] of [[
        -6 * 60_000,
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
      ], [6 * 60_000, /^Signature not yet current: \d{8}T\d{6}Z is still later than/]] as const
    ) {
      const sdk = signedAt(offsetMs);
      try {
        const error = await failure(sdk, current(instance));
        assertEquals([error.code, error.status], ["InvalidSignatureException", 403]);
        assertMatch(error.message, words);
      } finally {
        sdk.destroy();
      }
    }
    // Four minutes off is within the window.
    const late = signedAt(-4 * 60_000);
    try {
      assert((await late.send(current(instance))).MetricResults);
    } finally {
      late.destroy();
    }
    // A PC clock six minutes slow: the SDK sets it right from the service's Date header, and its retry passes.
    const retrying = new ConnectClient({
      region: "eu-west-2",
      credentials: CREDENTIALS,
      endpoint: server.url,
      maxAttempts: 2,
      systemClockOffset: -6 * 60_000,
    });
    try {
      const before = server.connect.requests.length;
      assert((await retrying.send(current(instance))).MetricResults);
      assertEquals(server.connect.requests.slice(before).map((r) => r.status), [403, 200]);
    } finally {
      retrying.destroy();
    }
  });
});

Deno.test("a denied IAM action is 403 AccessDeniedException naming the action", async () => {
  await withEmulator(async (server, instance, sdk) => {
    server.model.deny(CREDENTIALS.accessKeyId, "GetMetricData");
    const error = await failure(sdk, historical(instance));
    assertEquals([error.code, error.status], ["AccessDeniedException", 403]);
    assertMatch(error.message, /not authorized to perform: connect:GetMetricData on resource: arn:aws:connect:/);
    // The other API is still allowed.
    await sdk.send(current(instance));
  });
});

Deno.test("quota: a burst of 8 passes, the rest of a 20-request burst is 429 ThrottlingException", async () => {
  await withEmulator(async (server, instance, sdk) => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => sdk.send(current(instance))));
    const throttled = results.filter((r) =>
      r.status === "rejected" && (r.reason as Error).name === "ThrottlingException" &&
      (r.reason as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode === 429
    );
    // Tokens trickle back at 5/s while the burst is in flight, so allow one.
    assert.ok(results.length - throttled.length >= 8 && results.length - throttled.length <= 9);
    assertEquals(server.connect.requests.filter((r) => r.status === 429).length, throttled.length);
    // The historical API has its own bucket.
    await sdk.send(historical(instance));
  });
});

Deno.test("pagination: NextToken pages through results and must repeat the request", async () => {
  await withEmulator(async (_server, instance, sdk) => {
    const first = await sdk.send(current(instance, { MaxResults: 10 }));
    assertEquals(first.MetricResults!.length, 10);
    assertEquals(first.ApproximateTotalCount, 25);
    const second = await sdk.send(current(instance, { MaxResults: 10, NextToken: first.NextToken }));
    const third = await sdk.send(current(instance, { MaxResults: 10, NextToken: second.NextToken }));
    assertEquals(third.NextToken, undefined);
    const ids = [...first.MetricResults!, ...second.MetricResults!, ...third.MetricResults!].map((r) =>
      r.Dimensions!.Queue!.Id
    );
    assertEquals(new Set(ids).size, 25);
    const changed = await failure(
      sdk,
      current(instance, { MaxResults: 10, NextToken: first.NextToken, Groupings: ["QUEUE", "CHANNEL"] }),
    );
    assertEquals(changed.code, "InvalidParameterException");
  }, 25);
});

Deno.test("ListQueues pages through standard queues only when asked", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(3) });
  const [instance] = addGeneratedFleet(server.model, {
    accounts: 1,
    queuesPerInstance: 1200,
    agentQueuesPerInstance: 30,
  });
  const sdk = new ConnectClient({ region: "eu-west-2", credentials: CREDENTIALS, endpoint: server.url });
  try {
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sdk.send(
        new ListQueuesCommand({
          InstanceId: instance.instanceId,
          QueueTypes: ["STANDARD"],
          MaxResults: 1000,
          NextToken,
        }),
      );
      seen.push(...page.QueueSummaryList!.map((q) => q.Id!));
      NextToken = page.NextToken;
    } while (NextToken);
    assertEquals(seen.length, 1200);
  } finally {
    sdk.destroy();
    await server.close();
  }
});

const cliEnv = {
  AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  AWS_CONFIG_FILE: "/nonexistent",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
};

Deno.test("the preinstalled AWS CLI works against the emulator unchanged", async () => {
  await withEmulator(async (server, instance) => {
    const out = await new Deno.Command("aws", {
      args: [
        "connect",
        "get-current-metric-data",
        "--endpoint-url",
        server.url,
        "--region",
        "eu-west-2",
        "--instance-id",
        instance.instanceId,
        "--filters",
        `Queues=${instance.queues[0].id},${instance.queues[1].id},Channels=VOICE`,
        "--groupings",
        "QUEUE",
        "--current-metrics",
        "Name=AGENTS_ONLINE,Unit=COUNT",
        "Name=CONTACTS_IN_QUEUE,Unit=COUNT",
        "--output",
        "json",
      ],
      env: cliEnv,
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    const answer = JSON.parse(new TextDecoder().decode(out.stdout));
    assertEquals(answer.MetricResults.length, 2);
    assertEquals(
      answer.MetricResults.map((r: { Collections: { Metric: { Name: string } }[] }) =>
        r.Collections.map((c) => c.Metric.Name)
      ),
      [["AGENTS_ONLINE", "CONTACTS_IN_QUEUE"], ["AGENTS_ONLINE", "CONTACTS_IN_QUEUE"]],
    );
    // AWS CLI v1 prints timestamps as epoch seconds.
    assert.ok(Math.abs(answer.DataSnapshotTime - Date.now() / 1000) < 60);

    const bad = await new Deno.Command("aws", {
      args: [
        "connect",
        "get-current-metric-data",
        "--endpoint-url",
        server.url,
        "--region",
        "eu-west-2",
        "--instance-id",
        "00000000-0000-4000-8000-000000000000",
        "--filters",
        `Queues=${instance.queues[0].id}`,
        "--current-metrics",
        "Name=AGENTS_ONLINE,Unit=COUNT",
      ],
      env: cliEnv,
    }).output();
    assertEquals(bad.code, 255, "AWS CLI v1 exits 255 on a service error");
    assertMatch(
      new TextDecoder().decode(bad.stderr),
      /ResourceNotFoundException.*Instance 00000000-0000-4000-8000-000000000000 not found/,
    );
  });
});

Deno.test("aws connect describe-queue names a queue id; GetMetricDataV2 is said to be outside the emulator", async () => {
  await withEmulator(async (server, instance) => {
    const aws = async (...args: string[]) => {
      const out = await new Deno.Command("aws", {
        args: ["connect", ...args, "--endpoint-url", server.url, "--region", "eu-west-2", "--output", "json"],
        env: cliEnv,
      }).output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    };
    const [queue] = instance.queues;
    const described = await aws("describe-queue", "--instance-id", instance.instanceId, "--queue-id", queue.id);
    assertEquals(described.code, 0, described.stderr);
    const { Queue } = JSON.parse(described.stdout);
    assertEquals([Queue.QueueId, Queue.Name, Queue.Status], [queue.id, queue.name, "ENABLED"]);
    assertMatch(
      Queue.QueueArn,
      new RegExp(`^arn:aws:connect:eu-west-2:\\d{12}:instance/${instance.instanceId}/queue/${queue.id}$`),
    );

    const unknown = "00000000-0000-4000-8000-000000000000";
    const gone = await aws("describe-queue", "--instance-id", instance.instanceId, "--queue-id", unknown);
    assertEquals(gone.code, 255);
    assertMatch(gone.stderr, new RegExp(`ResourceNotFoundException.*Queue ${unknown} not found`));

    const v2 = await aws(
      "get-metric-data-v2",
      ...["--resource-arn", `arn:aws:connect:eu-west-2:111111111111:instance/${instance.instanceId}`],
      ...["--start-time", "2026-11-28T00:00:00Z", "--end-time", "2026-11-28T12:00:00Z"],
      ...["--filters", `FilterKey=QUEUE,FilterValues=${queue.id}`, "--metrics", "Name=AVG_HANDLE_TIME"],
    );
    assertEquals(v2.code, 255);
    assertMatch(
      v2.stderr,
      /UnknownOperationException.*GetMetricDataV2 is a Connect operation the emulator does not serve/,
    );
    assertEquals(
      server.connect.requests.map((r) => [r.operation, r.status]),
      [["DescribeQueue", 200], ["DescribeQueue", 404], ["POST /metrics/data", 404]],
    );
  });
});
