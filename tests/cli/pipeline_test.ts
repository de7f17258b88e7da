/**
 * One cycle over many clients, in-process: what a client whose Connect
 * does not answer does to the others.
 */
import { assertEquals, assertMatch } from "../assert.ts";
import { type ClientPlan, formatSummary, runCycle } from "../../src/cli/pipeline.ts";
import { Reporter } from "../../src/cli/log.ts";
import { DEFAULT_SETTINGS } from "../../src/config/settings.ts";
import { RequestPacer } from "../../src/connect/pacing.ts";
import { ConnectModel } from "../../src/simulator/connect_model.ts";
import { addGeneratedFleet } from "../../src/simulator/fleet.ts";
import { startEmulatorServer } from "../../src/simulator/server.ts";

Deno.test("a client whose Connect does not answer fails on its own after the timeout; the others are written", async () => {
  const server = await startEmulatorServer({ model: new ConnectModel(5) });
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cycle-" });
  try {
    const fleet = addGeneratedFleet(server.model, { accounts: 3, queuesPerInstance: 5, region: "eu-west-2" });
    const clients: ClientPlan[] = fleet.map((f) => ({
      profile: f.clientName.toLowerCase(),
      loaded: {
        config: {
          file: `${f.clientName.toLowerCase()}-instance-queues.json`,
          clientName: f.clientName,
          accountId: f.accountId,
          environment: "PROD",
          instanceId: f.instanceId,
          queues: f.queues,
          region: "eu-west-2",
          timeZone: "Europe/London",
          channels: ["VOICE"],
        },
        settings: DEFAULT_SETTINGS,
        configDir: dir,
        configDirSource: "test",
        warnings: [],
      },
    }));
    server.connect.accountLatencyMs.set(fleet[1].accountId, 1_500); // far longer than the timeout below
    const report = await runCycle(clients, {
      outputDir: dir,
      reporter: new Reporter("quiet"),
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
    assertMatch(summary, /\nClient02 PROD +0 +0 +0 +[\d.]+ +FAILED: Amazon Connect did not answer/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
