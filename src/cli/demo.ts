/**
 * `connect-metrics demo`: the whole pipeline, through the real AWS SDK,
 * against the built-in Connect emulator, then `--push` to the built-in
 * Power BI emulator and to the Event Hubs one (a Fabric Eventstream), all
 * on a free loopback port.
 */
import { join } from "node:path";
import { parseFlags } from "./parse.ts";
import { describeClient, describePush } from "./report.ts";
import { formatTable } from "../util/table.ts";
import { runCycle } from "../app/cycle.ts";
import { deliverRows, preparePush } from "../app/delivery.ts";
import { isReady, planRun } from "../app/plan.ts";
import { configFileName } from "../config/client_config.ts";
import { DEFAULT_OUTPUT_DIR } from "../config/paths.ts";
import { ROW_KEY_COLUMNS } from "../connect/catalogue.ts";
import { ConnectModel } from "../simulator/connect_model.ts";
import { addConfiguredInstances } from "../simulator/fleet.ts";
import { startEmulatorServer } from "../simulator/server.ts";
import { SIMULATED_HUB } from "./simulate.ts";
import { datasetColumns } from "../sinks/powerbi_schema.ts";

/** Its lines in `--help` (under "Commands:"). */
export const DEMO_HELP =
  `  demo                  the whole pipeline against the built-in Connect, Power BI and Event Hubs emulators`;

export const DEMO_PROFILE = "capita-tradeuk-dev";

/** The seed's example client, with a few more queues; one of them is quiet. */
export const DEMO_CONFIG = {
  clientName: "TradeUK",
  accountId: "111111111111",
  environment: "DEV",
  instanceId: "0d525d33-c2af-4b86-9d67-393db396e896",
  region: "eu-west-2",
  queues: {
    "e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef": "BasicQueue",
    "5b1c9a5e-3f0e-4c1a-9a57-6c1d2f0a7b11": "Customer Services",
    "8d0f3f2a-1e57-4a4b-b0a8-2c7e9b1f4d22": "Collections",
    "a3e6c2d1-7b44-4f0e-8c19-5d2a6e3b9c33": "Sales",
    "c7b2e9f4-2d61-4e8a-a4f3-9e1b7c5d0e44": "Complaints",
    "f1a4d6b8-9c23-4b7e-b5d2-3a8e0f6c1d55": "Out of Hours",
  },
} as const;
const QUIET_QUEUE = "f1a4d6b8-9c23-4b7e-b5d2-3a8e0f6c1d55";

export const DEMO_OPTIONS = { "output-dir": { type: "string" } } as const;

/** `connect-metrics demo [--output-dir DIR]` */
export function parseDemoArgs(argv: string[]): { outputDir: string } {
  const values = parseFlags(argv, DEMO_OPTIONS);
  return { outputDir: values["output-dir"] ?? DEFAULT_OUTPUT_DIR };
}

export async function demoCommand(argv: string[]): Promise<number> {
  const args = parseDemoArgs(argv);
  const configDir = await Deno.makeTempDir({ prefix: "connect-metrics-demo-" });
  const server = await startEmulatorServer({ model: new ConnectModel() });
  try {
    await Deno.writeTextFile(
      join(configDir, configFileName(DEMO_PROFILE)),
      JSON.stringify(DEMO_CONFIG, null, 2),
    );
    // Planned as the 2019 command line would be: the same checks, the same settings and columns.
    const plan = await planRun({
      profiles: [DEMO_PROFILE],
      all: false,
      client: DEMO_CONFIG.clientName,
      environment: DEMO_CONFIG.environment,
      configDir,
      outputDir: args.outputDir,
      outboxDir: join(configDir, "outbox"),
    });
    const client = plan.clients.find(isReady)!;
    addConfiguredInstances(server.model, [client.config]);
    server.model.instances.get(DEMO_CONFIG.instanceId)!.queues.get(QUIET_QUEUE)!.quiet = true;

    console.log(`Connect emulator on ${server.url}; demo config ${client.config.file}`);
    const [result] = (await runCycle([client], {
      outputDir: args.outputDir,
      // The emulator checks that requests are signed, not by whom.
      credentials: { accessKeyId: "AKIAEMULATORDEMO0000", secretAccessKey: "emulator-demo-secret" },
      endpoint: server.url,
      keepRows: true,
    })).results;
    if (result.error) throw result.error;
    const { data: rows, path } = result;
    const calls = server.connect.requests.map((r) => `${r.operation} (${r.queues} queues) -> ${r.status}`);
    console.log(`\nFetched through the AWS SDK:\n  ${calls.join("\n  ")}\n`);
    console.log(formatTable(rows, [...ROW_KEY_COLUMNS.slice(2), ...client.columns.map((c) => c.column)]));
    console.log(
      `\nDate ${rows[0]?.Date} (${client.config.timeZone}); "Out of Hours" had no activity, so its row is all zeros.`,
    );
    console.log(describeClient(result));
    console.log(`Wrote ${rows.length} rows to ${path}`);

    const dataset = server.powerBi.addDataset(datasetColumns(client.columns));
    const push = preparePush(
      { url: server.powerBi.pushUrl(server.powerBiUrl, dataset), outboxDir: join(configDir, "outbox") },
      plan.settings,
      client.columns,
    );
    console.log(`\nPower BI emulator on ${server.powerBiUrl}; pushing as --push would:`);
    console.log(describePush(await deliverRows(rows, push), push.target));
    console.log(`Power BI emulator received ${dataset.rows.length} rows for dataset ${dataset.id}`);

    // Fabric Real-Time Intelligence: the same rows to an Eventstream's custom endpoint (an event hub).
    const hub = server.eventHubs.addHub(SIMULATED_HUB);
    const fabric = preparePush(
      { url: server.eventHubs.connectionString(server.url, hub), outboxDir: join(configDir, "outbox") },
      plan.settings,
      client.columns,
    );
    console.log(
      `\nEvent Hubs emulator (a Fabric Eventstream's custom endpoint); pushing as --push CONNECTION-STRING would:`,
    );
    console.log(describePush(await deliverRows(rows, fabric), fabric.target));
    console.log(`Event Hubs emulator received ${hub.events.length} events in event hub ${hub.name}`);
    return 0;
  } finally {
    await server.close();
    await Deno.remove(configDir, { recursive: true });
  }
}
