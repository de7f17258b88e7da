/**
 * One cycle over many clients, in-process: what a client whose Connect, or
 * whose STS, does not answer does to itself and to the others.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { type CycleOptions, fetchDeadline, runCycle } from "../../src/app/cycle.ts";
import { clientFromConfig, type ReadyClient } from "../../src/app/plan.ts";
import { preparePush } from "../../src/app/delivery.ts";
import { datasetColumns } from "../../src/sinks/powerbi_schema.ts";
import { formatSummary } from "../../src/cli/report.ts";
import { DEFAULT_SETTINGS } from "../../src/config/settings.ts";
import { RequestPacer } from "../../src/connect/pacing.ts";
import { ClockOffset } from "../../src/aws/clock.ts";
import { ConnectModel } from "../../src/simulator/connect_model.ts";
import { addGeneratedFleet, type FleetInstance } from "../../src/simulator/fleet.ts";
import type { ClientConfig } from "../../src/config/client_config.ts";
import { QueueList } from "../../src/config/queue_list.ts";
import { type EmulatorServer, startEmulatorServer } from "../../src/simulator/server.ts";

/** One client plan per generated instance, as loading its config file would give. */
function plansFor(fleet: FleetInstance[], extra: Partial<ClientConfig> = {}): ReadyClient[] {
  return fleet.map((f) =>
    clientFromConfig(
      f.clientName.toLowerCase(),
      {
        file: `${f.clientName.toLowerCase()}-instance-queues.json`,
        clientName: f.clientName,
        accountId: f.accountId,
        environment: "PROD",
        instanceId: f.instanceId,
        queues: new QueueList(f.queues),
        region: "eu-west-2",
        timeZone: "Europe/London",
        channels: ["VOICE"],
        ...extra,
      },
      DEFAULT_SETTINGS,
    )
  );
}

/** The cycle options of these tests: the emulator, made-up keys, a fresh pacer; and `extra`. */
function cycleOptions(server: EmulatorServer, dir: string, extra: Partial<CycleOptions> = {}): CycleOptions {
  return {
    outputDir: dir,
    credentials: { accessKeyId: "AKIACYCLETEST0000001", secretAccessKey: "cycle-test-secret" },
    endpoint: server.url,
    pacer: new RequestPacer(),
    ...extra,
  };
}

Deno.test("a client whose Connect does not answer fails on its own after the timeout; the others are written", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(5) });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  try {
    const fleet = addGeneratedFleet(server.model, { accounts: 3, queuesPerInstance: 5, region: "eu-west-2" });
    const clients = plansFor(fleet);
    server.connect.accountLatencyMs.set(fleet[1].accountId, 1_500); // far longer than the timeout below
    const report = await runCycle(clients, {
      outputDir: dir,
      credentials: { accessKeyId: "AKIACYCLETEST0000001", secretAccessKey: "cycle-test-secret" },
      endpoint: server.url,
      pacer: new RequestPacer(),
      requestTimeoutMs: 200,
    });
    const [first, slow, third] = report.results;
    assertEquals([first.error, third.error], [undefined, undefined]);
    assertMatch(
      String(slow.error?.message),
      /^Amazon Connect did not answer Get(Current)?MetricData for client Client02 in time, after 5 attempts \(instance .* in eu-west-2\)$/,
    );
    const written = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assertEquals(written, ["client01-prod-metric-data.json", "client03-prod-metric-data.json"]);
    const summary = formatSummary(report);
    // Its calls are counted, though it failed: 5 attempts, 4 of them retries (they were 0 and 0, hiding it).
    assertMatch(summary, /\nClient02 PROD +0 +5 +4 +[\d.]+ +FAILED: Amazon Connect did not answer/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an STS that does not answer fails the role's client after its timeout, blaming STS; Connect is not called", async () => {
  // Accepts connections and never answers, as a proxy that swallows traffic to STS would.
  const sts = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of sts) held.push(conn);
  })();
  const server = await startEmulatorServer({ model: new ConnectModel(6) });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  const env = {
    AWS_ACCESS_KEY_ID: "AKIASTSTIMEOUTTEST01",
    AWS_SECRET_ACCESS_KEY: "sts-timeout-secret",
    AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${sts.addr.port}`,
    AWS_CONFIG_FILE: join(dir, "none"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
  };
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, Deno.env.get(k)]));
  for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
  try {
    const [fleet] = addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: 3, region: "eu-west-2" });
    const roleArn = `arn:aws:iam::${fleet.accountId}:role/connect-metrics-read-only`;
    const report = await runCycle(plansFor([fleet], { assumeRole: { roleArn } }), {
      outputDir: dir,
      endpoint: server.url,
      pacer: new RequestPacer(),
      requestTimeoutMs: 200,
    });
    const [result] = report.results;
    assertMatch(
      String(result.error?.message),
      new RegExp(`^AWS STS did not answer in time to assume ${roleArn}, after 3 attempts$`),
    );
    assert.ok(held.length >= 3, "STS was tried three times (the SDK's retries)");
    assertEquals(server.connect.requests.length, 0, "Connect was never called");
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).length, 0, "nothing written");
  } finally {
    for (const [k, v] of Object.entries(before)) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    sts.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with --push, a client's rows are in the outbox as soon as its file is written, and go in one request", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(7) });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  try {
    const fleet = addGeneratedFleet(server.model, { accounts: 3, queuesPerInstance: 4, region: "eu-west-2" });
    server.connect.accountLatencyMs.set(fleet[2].accountId, 1_500); // the third client is slow
    const clients = plansFor(fleet);
    const dataset = server.powerBi.addDataset(datasetColumns(clients[0].columns));
    const push = preparePush(
      { url: server.powerBi.pushUrl(server.powerBiUrl, dataset), outboxDir: join(dir, "outbox") },
      { settings: DEFAULT_SETTINGS },
      clients[0].columns,
    );
    const outboxWhenDone: number[] = [];
    const report = await runCycle(
      clients,
      cycleOptions(server, dir, {
        push,
        onClientDone: () => {
          // What a SIGKILL at this moment would leave for the next run to send.
          const files = [...Deno.readDirSync(join(dir, "outbox"))].filter((e) => e.name.endsWith(".json"));
          outboxWhenDone.push(files.length);
        },
      }),
    );
    assertEquals(report.results.map((r) => r.error), [undefined, undefined, undefined]);
    // Each client done had its rows in the outbox already, long before the slow one finished and the push began.
    assertEquals(outboxWhenDone.length, 3);
    outboxWhenDone.forEach((files, done) => assert.ok(files >= done + 1, `client ${done + 1} done, ${files} file(s)`));
    assert.ok(outboxWhenDone[0] < 3, "the first client's rows were queued while the slow client was still fetching");
    assertEquals(report.push?.sentRows, 12);
    assertEquals(dataset.rows.length, 12, "Power BI got every client's rows");
    assertEquals(server.powerBi.requests.length, 1, "this run's files went together, within Power BI's request limits");
    assertEquals([...Deno.readDirSync(join(dir, "outbox"))].length, 0, "nothing left waiting");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Connect's quota used by someone else: pacing learns the rate it gets, and every client finishes", async () => {
  // The account's quota is 1 request a second, not the documented 5: the rest goes to the customer's own wallboards.
  const quota = { ratePerSecond: 1, burst: 1 };
  const quotas = {
    GetCurrentMetricData: quota,
    GetMetricData: quota,
    ListQueues: quota,
    ListInstances: quota,
    DescribeQueue: quota,
  };
  const server = await startEmulatorServer({ model: new ConnectModel(8), quotas });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  try {
    const fleet = addGeneratedFleet(server.model, { accounts: 5, queuesPerInstance: 300, region: "eu-west-2" });
    const pacer = new RequestPacer();
    const report = await runCycle(plansFor(fleet), {
      outputDir: dir,
      credentials: { accessKeyId: "AKIACYCLETEST0000001", secretAccessKey: "cycle-test-secret" },
      endpoint: server.url,
      pacer,
    });
    const throttled = server.connect.requests.filter((r) => r.errorType === "ThrottlingException").length;
    assertEquals(report.results.map((r) => r.error?.message), new Array(5).fill(undefined));
    assertEquals(report.results.map((r) => r.rows), new Array(5).fill(300));
    assert.ok(throttled > 0, "the quota did bite");
    const rate = pacer.rate(fleet[0].accountId, "eu-west-2", "GetCurrentMetricData")!;
    assert.ok(rate < 4.5, `the pace came down from 4.5 a second to what the account allows: ${rate}`);
    assertEquals(
      report.results.reduce((sum, r) => sum + r.retries, 0),
      throttled,
      "every throttled call was retried, and counted",
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("throttled past the SDK's own retries: sent again while the run's time lasts, not a failed client", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(9) });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  try {
    const [fleet] = addGeneratedFleet(server.model, { accounts: 1, queuesPerInstance: 5, region: "eu-west-2" });
    // Someone else holds the account's quota for both requests' five SDK attempts.
    server.connect.failNext(10, 429, "ThrottlingException");
    const options = {
      outputDir: dir,
      credentials: { accessKeyId: "AKIACYCLETEST0000001", secretAccessKey: "cycle-test-secret" },
      endpoint: server.url,
      pacer: new RequestPacer(),
    };
    const report = await runCycle(plansFor([fleet]), { ...options, throttledUntil: Date.now() + 60_000 });
    assertEquals(report.results[0].error, undefined);
    assertEquals(report.results[0].rows, 5);
    assert.ok(
      report.results[0].retries >= 7,
      `the throttled calls were counted as retries: ${report.results[0].retries}`,
    );

    // With no time left, the SDK's attempts are all there are: the client fails, saying why.
    server.connect.failNext(10, 429, "ThrottlingException");
    const late = await runCycle(plansFor([fleet]), {
      ...options,
      pacer: new RequestPacer(),
      throttledUntil: Date.now(),
    });
    assertMatch(String(late.results[0].error?.message), /Throttl/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with --push, full requests go while a slow client is still fetching; the rest goes after it, none twice", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(8) });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  try {
    // Two fast clients of 100 queues (each fills a Streaming dataset's 15 KB requests) and a slow one of 3.
    const fast = addGeneratedFleet(server.model, { accounts: 2, queuesPerInstance: 100, region: "eu-west-2" });
    const [slow] = addGeneratedFleet(new ConnectModel(9), { accounts: 1, queuesPerInstance: 3, region: "eu-west-2" })
      .map((f) => ({ ...f, accountId: "333333333333", clientName: "Slow" }));
    server.model.addInstance({ accountId: slow.accountId, id: slow.instanceId, alias: "slow", queues: slow.queues });
    server.connect.accountLatencyMs.set(slow.accountId, 1_500);
    const clients = plansFor([...fast, slow]);
    const dataset = server.powerBi.addDataset(datasetColumns(clients[0].columns), { mode: "Streaming" });
    const push = preparePush(
      { url: server.powerBi.pushUrl(server.powerBiUrl, dataset), outboxDir: join(dir, "outbox") },
      { settings: DEFAULT_SETTINGS },
      clients[0].columns,
    );
    let slowDoneAt = 0;
    const report = await runCycle(
      clients,
      cycleOptions(server, dir, {
        push,
        onClientDone: (index) => {
          if (index === 2) slowDoneAt = Date.now();
        },
      }),
    );
    assertEquals(report.results.map((r) => r.error), [undefined, undefined, undefined]);
    const before = server.powerBi.requests.filter((r) => r.at < slowDoneAt && r.status === 200);
    assert.ok(before.length > 0, "rows reached Power BI before the slow client was done");
    assertEquals(dataset.rows.length, 203, "every row, once");
    assertEquals(new Set(dataset.rows.map((r) => `${r.Client}|${r.QueueName}`)).size, 203);
    assertEquals([report.push?.sentRows, report.push?.requests], [203, server.powerBi.requests.length]);
    assertEquals([...Deno.readDirSync(join(dir, "outbox"))].filter((e) => e.name.endsWith(".json")), []);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a client Connect has not answered by the time for fetching fails then, saying so; the others are written and pushed", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(5) });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  try {
    const fleet = addGeneratedFleet(server.model, { accounts: 3, queuesPerInstance: 5, region: "eu-west-2" });
    const clients = plansFor(fleet);
    // Answers after a minute: within the request timeout (30 s) and its retries, it would hold the cycle 2.5 minutes.
    server.connect.accountLatencyMs.set(fleet[1].accountId, 60_000);
    const dataset = server.powerBi.addDataset(datasetColumns(clients[0].columns));
    const push = preparePush(
      { url: server.powerBi.pushUrl(server.powerBiUrl, dataset), outboxDir: join(dir, "outbox") },
      { settings: DEFAULT_SETTINGS },
      clients[0].columns,
    );
    const started = Date.now();
    const report = await runCycle(clients, cycleOptions(server, dir, { push, fetchBy: started + 1_000 }));
    const [first, slow, third] = report.results;
    assertEquals([first.error, third.error], [undefined, undefined]);
    assertMatch(
      String(slow.error?.message),
      /^Amazon Connect had not answered all of client Client02's requests when the run's time for fetching was up, 1 s in \(instance .*\)$/,
    );
    assert.ok(slow.ms < 30_000, `it failed at the cut-off, not after the request timeout: ${slow.ms} ms`);
    const written = (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.isFile).map((e) => e.name).sort();
    assertEquals(written, ["client01-prod-metric-data.json", "client03-prod-metric-data.json"]);
    assertEquals([report.pushError, dataset.rows.length], [undefined, 10], "the others' rows reached Power BI");
    // Its two requests (one per metrics API) were sent, though neither was answered.
    assertMatch(formatSummary(report), /\nClient02 PROD +0 +2 +0 +[\d.]+ +FAILED: Amazon Connect had not answered/);

    // One client at a time: a client whose turn had not come is not fetched either, and is told so.
    const queued = await runCycle(
      [clients[1], clients[0]],
      cycleOptions(server, dir, { concurrency: 1, fetchBy: Date.now() + 500 }),
    );
    assertMatch(String(queued.results[0].error?.message), /^Amazon Connect had not answered all of client Client02's/);
    assertMatch(
      String(queued.results[1].error?.message),
      /^client Client01 was not fetched: the run's time for fetching was up, \d+ s in, before its turn came/,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a cycle's time for fetching: three quarters of it, the rest for writing and pushing", () => {
  const start = Date.parse("2026-12-04T10:00:00Z");
  assertEquals(fetchDeadline(start, start + 60_000), start + 45_000);
  assertEquals(fetchDeadline(start, start + 55_000), start + 41_250);
});

Deno.test("this computer's clock 6 minutes slow: the SDK learns AWS's time, and the next cycle's clients start with it", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(5), now: () => Date.now() + 6 * 60_000 });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  try {
    const fleet = addGeneratedFleet(server.model, { accounts: 3, queuesPerInstance: 5, region: "eu-west-2" });
    const clock = new ClockOffset();
    const refused = () => server.connect.requests.filter((r) => r.errorType === "InvalidSignatureException").length;
    const first = await runCycle(plansFor(fleet), cycleOptions(server, dir, { clock }));
    assertEquals(first.results.map((r) => r.error), [undefined, undefined, undefined]);
    const written = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assertEquals(written, [
      "client01-prod-metric-data.json",
      "client02-prod-metric-data.json",
      "client03-prod-metric-data.json",
    ]);
    assert(refused() > 0, "AWS refused the clock at first");
    assert(Math.abs(first.clockOffsetMs - 6 * 60_000) < 5_000, `AWS is 6 minutes ahead (${first.clockOffsetMs} ms)`);
    // As a watch-mode cycle: its clients are new, and none is refused again.
    const before = refused();
    const next = await runCycle(plansFor(fleet), cycleOptions(server, dir, { clock }));
    assertEquals(next.results.map((r) => [r.error, r.retries]), [[undefined, 0], [undefined, 0], [undefined, 0]]);
    assertEquals(refused(), before);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
