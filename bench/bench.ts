/**
 * `deno task bench`: wall time, API calls, throttling and memory of real
 * runs against the Connect emulator (40 ms added latency, Connect's real
 * quotas), compared with the lower bound the quota allows. Not a test:
 * the numbers are printed, never asserted.
 */
import { type ClientPlan, runCycle } from "../src/cli/pipeline.ts";
import { Reporter } from "../src/cli/log.ts";
import { formatTable } from "../src/cli/table.ts";
import type { ClientConfig } from "../src/config/client_config.ts";
import { DEFAULT_SETTINGS } from "../src/config/settings.ts";
import { RequestPacer } from "../src/connect/pacing.ts";
import { CONNECT_QUOTAS, type ConnectOperation, MAX_QUEUES_PER_REQUEST } from "../src/connect/quotas.ts";
import { ConnectModel } from "../src/simulator/connect_model.ts";
import { addGeneratedFleet } from "../src/simulator/fleet.ts";
import { startEmulatorServer } from "../src/simulator/server.ts";

const LATENCY_MS = 40;
const REGION = "eu-west-2";
const CREDENTIALS = { accessKeyId: "AKIABENCHMARK0000001", secretAccessKey: "bench-secret" };
const MB = 1024 * 1024;
/** Long enough for a drained bucket (burst 8 at 5 a second) to fill again. */
const WARM_UP_PAUSE_MS = 2_000;

function clientsOf(model: ConnectModel, accounts: number, queues: number): ClientPlan[] {
  return addGeneratedFleet(model, { accounts, queuesPerInstance: queues, region: REGION }).map((f) => {
    const config: ClientConfig = {
      file: `${f.clientName}-instance-queues.json`,
      clientName: f.clientName,
      accountId: f.accountId,
      environment: "PROD",
      instanceId: f.instanceId,
      queues: f.queues,
      region: REGION,
      timeZone: "Europe/London",
      channels: ["VOICE"],
    };
    return {
      profile: f.clientName,
      loaded: { config, settings: DEFAULT_SETTINGS, configDir: "", configDirSource: "bench", warnings: [] },
    };
  });
}

/** Peak RSS while `work` runs, sampled every 10 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = Deno.memoryUsage().rss;
  const timer = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 10);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, Deno.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

/** Calls needed / 5 per second per account and API (accounts in parallel), plus one round trip. */
function lowerBoundSeconds(queues: number): number {
  const callsPerApi = Math.ceil(queues / MAX_QUEUES_PER_REQUEST);
  const rate = Math.min(
    ...(["GetCurrentMetricData", "GetMetricData"] as ConnectOperation[]).map((op) => CONNECT_QUOTAS[op].ratePerSecond),
  );
  return callsPerApi / rate + LATENCY_MS / 1000;
}

/** `connect-metrics simulate` in its own process, so that its work and memory are not counted as the tool's. */
async function startSimulator(accounts: number, queues: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "-P",
      "--config",
      new URL("../deno.json", import.meta.url).pathname,
      new URL("../main.ts", import.meta.url).pathname,
      "simulate",
      "--port",
      "0",
      "--fleet",
      String(accounts),
      "--queues",
      String(queues),
      "--latency-ms",
      String(LATENCY_MS),
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!banner.includes("Press Ctrl+C")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the simulator did not start");
    banner += value;
  }
  reader.releaseLock();
  const url = banner.match(/Amazon Connect emulator on (http:\/\/127\.0\.0\.1:\d+)/)![1];
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}

async function throughputCase(name: string, accounts: number, queues: number) {
  const clients = clientsOf(new ConnectModel(), accounts, queues); // the same seeded fleet the simulator serves
  const simulator = await startSimulator(accounts, queues);
  const outputDir = await Deno.makeTempDir({ prefix: "connect-metrics-bench-" });
  try {
    const cycle = () =>
      runCycle(clients, {
        outputDir,
        reporter: new Reporter("quiet"),
        credentials: CREDENTIALS,
        endpoint: simulator.url,
        pacer: new RequestPacer(),
      });
    // One cycle first, unmeasured: both processes' JIT warm, as in watch mode; then the quota refills.
    await cycle();
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_PAUSE_MS));
    const started = performance.now();
    const { result, peak } = await withPeakRss(cycle);
    const wall = (performance.now() - started) / 1000;
    const bound = lowerBoundSeconds(queues);
    const sum = (f: (r: (typeof result.results)[number]) => number) => result.results.reduce((n, r) => n + f(r), 0);
    return {
      Case: name,
      "Wall s": Number(wall.toFixed(2)),
      "API calls": sum((r) => r.requests),
      // The emulator answers nothing but 200 and 429 here, so every retry was a throttled call.
      Throttled: sum((r) => r.retries),
      "Failed clients": result.results.filter((r) => r.error).length,
      "Peak RSS MB": Number((peak / MB).toFixed(0)),
      "Bound s": Number(bound.toFixed(2)),
      Ratio: Number((wall / bound).toFixed(2)),
    };
  } finally {
    await simulator.stop();
    await Deno.remove(outputDir, { recursive: true });
  }
}

/** Watch mode's memory: many fast cycles (quotas lifted so they are fast), RSS after warm-up and at the end. */
async function memoryCase(cycles: number) {
  const lifted = Object.fromEntries(
    Object.keys(CONNECT_QUOTAS).map((op) => [op, { ratePerSecond: 1e6, burst: 1e6 }]),
  ) as Record<ConnectOperation, { ratePerSecond: number; burst: number }>;
  const model = new ConnectModel();
  const clients = clientsOf(model, 1, 10);
  const server = await startEmulatorServer({ model, quotas: lifted });
  const outputDir = await Deno.makeTempDir({ prefix: "connect-metrics-bench-" });
  const pacer = new RequestPacer(undefined, undefined, lifted);
  try {
    let warm = 0;
    for (let i = 0; i < cycles; i++) {
      await runCycle(clients, {
        outputDir,
        reporter: new Reporter("quiet"),
        credentials: CREDENTIALS,
        endpoint: server.url,
        pacer,
      });
      server.connect.requests.length = 0; // the emulator's own log is not the tool's memory
      if (i === 99) warm = Deno.memoryUsage().rss;
    }
    const end = Deno.memoryUsage().rss;
    return { cycles, warmMb: warm / MB, endMb: end / MB, growthMb: (end - warm) / MB };
  } finally {
    await server.close();
    await Deno.remove(outputDir, { recursive: true });
  }
}

if (import.meta.main) {
  console.log(
    `connect-metrics benchmark: Connect emulator with ${LATENCY_MS} ms latency and the real quotas; ` +
      "each case measured after one warm-up cycle\n",
  );
  const rows = [];
  for (
    const [name, accounts, queues] of [["1 client x 10 queues", 1, 10], ["1 client x 1,000 queues", 1, 1000], [
      "20 accounts x 250 queues",
      20,
      250,
    ]] as const
  ) {
    rows.push(await throughputCase(name, accounts, queues));
  }
  console.log(formatTable(rows, Object.keys(rows[0])));
  console.log(
    "\nBound: calls per API per account / 5 per second (accounts in parallel) + one round trip." +
      "\nTargets: ratio at most 1.3 for the two large cases, no failed calls, peak RSS at most 100 MB.",
  );
  const memory = await memoryCase(1000);
  console.log(
    `\nWatch mode memory: ${memory.cycles} cycles of 1 client x 10 queues: RSS ${memory.warmMb.toFixed(0)} MB ` +
      `after 100 cycles, ${memory.endMb.toFixed(0)} MB after ${memory.cycles} (growth ${
        memory.growthMb.toFixed(1)
      } MB)`,
  );
}
