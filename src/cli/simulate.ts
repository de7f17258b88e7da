/**
 * `connect-metrics simulate`: the Connect emulator as a server, for the AWS
 * CLI, boto3 or this tool (AWS_ENDPOINT_URL_CONNECT=http://127.0.0.1:PORT),
 * and the Power BI and Event Hubs emulators beside it for `--push`.
 */
import { integer, parseFlags, trimmed } from "./parse.ts";
import { UsageError } from "../util/errors.ts";
import { configDirCandidates, configDirInputs } from "../config/paths.ts";
import { loadAllClientConfigs, loadSettings } from "../config/load.ts";
import { kpiColumns } from "../connect/columns.ts";
import { ConnectModel } from "../simulator/connect_model.ts";
import { addConfiguredInstances, addGeneratedFleet, fakeGuid } from "../simulator/fleet.ts";
import { startEmulatorServer } from "../simulator/server.ts";
import { datasetColumns } from "../sinks/powerbi_schema.ts";

/** Its lines in `--help` (under "Commands:"). */
export const SIMULATE_HELP =
  `  simulate              serve the Connect, Power BI and Event Hubs emulators on 127.0.0.1 for other tools
    --port N            port to listen on (default 8484; 0 picks a free one)
    --config-dir DIR    serve the instances and queues of these config files
    --fleet N --queues N  without config files: N accounts of N queues (default 3 x 10)
    --latency-ms N      delay every answer by N ms
    --seed N            a different, still repeatable, set of values`;

export const SIMULATE_OPTIONS = {
  port: { type: "string" },
  "config-dir": { type: "string" },
  "latency-ms": { type: "string" },
  seed: { type: "string" },
  fleet: { type: "string" },
  queues: { type: "string" },
} as const;

export const DEFAULT_SIMULATOR_PORT = 8484;

/** The event hub simulate and demo serve. */
export const SIMULATED_HUB = "connect-metrics";

/** The same key every time for a seed, so that a walkthrough or a script can name the connection string. */
export function simulatedHubKey(seed: number): string {
  return btoa(fakeGuid("eventhub-key", seed).replaceAll("-", "")).slice(0, 43) + "=";
}

export interface SimulateArgs {
  readonly port: number;
  readonly configDir?: string;
  readonly latencyMs: number;
  readonly seed: number;
  /** Accounts of the generated fleet, when no config files are served. */
  readonly fleet: number;
  readonly queues: number;
}

/** `connect-metrics simulate [--port N] [--config-dir DIR] [...]` */
export function parseSimulateArgs(argv: string[]): SimulateArgs {
  const values = parseFlags(argv, SIMULATE_OPTIONS);
  return {
    port: integer(values.port, "port", DEFAULT_SIMULATOR_PORT, 0, 65535),
    configDir: trimmed(values["config-dir"]),
    latencyMs: integer(values["latency-ms"], "latency-ms", 0, 0, 60_000),
    seed: integer(values.seed, "seed", 1, 0, 2 ** 31 - 1),
    fleet: integer(values.fleet, "fleet", 3, 1, 1000),
    queues: integer(values.queues, "queues", 10, 1, 10_000),
  };
}

export async function simulateCommand(argv: string[]): Promise<number> {
  const args = parseSimulateArgs(argv);
  const model = new ConnectModel(args.seed);
  let source = "";
  if (args.configDir) {
    const [{ dir }] = configDirCandidates(configDirInputs(args.configDir));
    const configs = await loadAllClientConfigs(dir);
    addConfiguredInstances(model, configs);
    source = `${configs.length} config file(s) in ${dir}`;
  }
  if (model.instances.size === 0) {
    addGeneratedFleet(model, { accounts: args.fleet, queuesPerInstance: args.queues, agentQueuesPerInstance: 2 });
    source = `a generated fleet of ${args.fleet} account(s) x ${args.queues} queues (seed ${args.seed})`;
  }
  const server = await startEmulatorServer({ port: args.port, model, latencyMs: args.latencyMs }).catch((error) => {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new UsageError(
      `port ${args.port} is in use, by another simulate or another program: give --port N, or --port 0 for a free one`,
    );
  });
  console.log(`Amazon Connect emulator on ${server.url}, serving ${source}:`);
  for (const instance of model.instances.values()) {
    const queues = [...instance.queues.values()].filter((q) => q.type === "STANDARD");
    console.log(
      `  account ${instance.accountId}  instance ${instance.id}  ${queues.length} queues  (${instance.alias})`,
    );
  }
  const { settings, file } = await loadSettings(configDirInputs(args.configDir));
  const dataset = server.powerBi.addDataset(datasetColumns(kpiColumns(settings.columns, file)), {
    mode: settings.push.datasetMode,
    // The same push URL every time for a seed, so that a walkthrough or a script can name it.
    key: fakeGuid("push-key", args.seed).replaceAll("-", ""),
  });
  console.log(`
Power BI emulator on the same port, one ${dataset.mode} dataset with the columns of \`schema\`:
  push URL (the emulator's own key): ${server.powerBi.pushUrl(server.powerBiUrl, dataset)}
  rows received: GET ${server.powerBiUrl}/emulator/datasets/${dataset.id}/rows
  faults: POST ${server.powerBiUrl}/emulator/faults {"kind": "status", "status": 503, "count": 2}`);
  const hub = server.eventHubs.addHub(SIMULATED_HUB, { key: simulatedHubKey(args.seed) });
  console.log(`
Event Hubs emulator on the same port, as a Fabric Eventstream's custom endpoint (--push takes its connection string):
  connection string (the emulator's own key): ${server.eventHubs.connectionString(server.url, hub)}
  events received: GET ${server.url}/emulator/eventhubs/${hub.name}/events
  faults: POST ${server.url}/emulator/eventhubs/faults {"kind": "status", "status": 503, "count": 2}`);
  const first = model.instances.values().next().value!;
  const queue = [...first.queues.values()][0];
  console.log(`
Point any AWS client at it; any non-empty keys will do (AWS CLI v1 and boto3 read AWS_DEFAULT_REGION):
  export AWS_ENDPOINT_URL_CONNECT=${server.url} AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator \\
    AWS_REGION=eu-west-2 AWS_DEFAULT_REGION=eu-west-2
  aws connect get-current-metric-data --instance-id ${first.id} \\
    --filters Queues=${queue.id},Channels=VOICE --groupings QUEUE \\
    --current-metrics Name=AGENTS_ONLINE,Unit=COUNT
Press Ctrl+C to stop.`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    Deno.addSignalListener("SIGINT", stop);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  });
  await server.close();
  console.log("stopped");
  return 0;
}
