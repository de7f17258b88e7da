/**
 * `deno task bench`: wall time, API calls, throttling and memory of real
 * runs against the Connect emulator (40 ms added latency, Connect's real
 * quotas), compared with the lower bound the quota allows. Not a test:
 * the numbers are printed, never asserted.
 *
 * Time is measured in-process, the median of warm cycles (as in watch mode). Peak
 * memory is the tool's own process: `deno task start --all` (or, with
 * `--exe PATH`, a compiled build) over config files for the same fleet, run
 * as the scheduler runs it, with the kernel's maximum RSS read by GNU time.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { parseArgs } from "node:util";
import { ConnectClient, GetCurrentMetricDataCommand, GetMetricDataCommand } from "@aws-sdk/client-connect";
import { runCycle } from "../src/app/cycle.ts";
import { clientFromConfig, type ReadyClient } from "../src/app/plan.ts";
import { formatTable } from "../src/util/table.ts";
import { type ClientConfig, configFileName } from "../src/config/client_config.ts";
import { QueueList } from "../src/config/queue_list.ts";
import { DEFAULT_SETTINGS } from "../src/config/settings.ts";
import { RequestPacer } from "../src/connect/pacing.ts";
import { planRequests } from "../src/connect/plan.ts";
import { todaySoFar } from "../src/connect/window.ts";
import { CONNECT_QUOTAS, type ConnectOperation, MAX_QUEUES_PER_REQUEST } from "../src/connect/quotas.ts";
import { ConnectModel } from "../src/simulator/connect_model.ts";
import { addGeneratedFleet, type FleetInstance } from "../src/simulator/fleet.ts";
import { startEmulatorServer } from "../src/simulator/server.ts";
import { RUNTIME_FLAGS } from "../scripts/compile.ts";

const LATENCY_MS = 40;
const REGION = "eu-west-2";
const CREDENTIALS = { accessKeyId: "AKIABENCHMARK0000001", secretAccessKey: "bench-secret" };
const MB = 1024 * 1024;
/** Long enough for a drained bucket (burst 8 at 5 a second) to fill again. */
const WARM_UP_PAUSE_MS = 2_000;

const ENVIRONMENT = "PROD";
const profileOf = (f: FleetInstance) => `${f.clientName.toLowerCase()}-prod`;

function clientsOf(fleet: readonly FleetInstance[]): ReadyClient[] {
  return fleet.map((f) => {
    const config: ClientConfig = {
      file: `${f.clientName}-instance-queues.json`,
      clientName: f.clientName,
      accountId: f.accountId,
      environment: ENVIRONMENT,
      instanceId: f.instanceId,
      queues: new QueueList(f.queues),
      region: REGION,
      timeZone: "Europe/London",
      channels: ["VOICE"],
    };
    return clientFromConfig(profileOf(f), config, DEFAULT_SETTINGS);
  });
}

/** GNU time, which reads the kernel's maximum RSS of the process it runs; absent on some machines. */
const GNU_TIME = "/usr/bin/time";
/** Whether GNU_TIME is GNU's (BSD's, on macOS, has no -f). */
const hasGnuTime = new Deno.Command(GNU_TIME, { args: ["-f", "%M", "true"], stdout: "null", stderr: "null" })
  .output().then((r) => r.success, () => false);

/** Runs of the tool's own process per case: its peak RSS varies by several MB from run to run. */
let ONE_SHOT_RUNS = 7;
/** Warm cycles timed per case: one cycle's wall time varies by a quarter from one to the next. */
const WARM_CYCLES = 5;

/** A config file per client and an AWS profile per config, as an MI machine has them. */
async function writeFleetFiles(fleet: readonly FleetInstance[], dir: string): Promise<void> {
  const configDir = join(dir, "config");
  await Deno.mkdir(configDir, { recursive: true });
  let credentials = "";
  for (const f of fleet) {
    const config = {
      clientName: f.clientName,
      accountId: f.accountId,
      environment: ENVIRONMENT,
      instanceId: f.instanceId,
      region: REGION,
      queues: Object.fromEntries(f.queues.map((q) => [q.id, q.name])),
    };
    await Deno.writeTextFile(join(configDir, configFileName(profileOf(f))), JSON.stringify(config, null, 2));
    credentials += `[${profileOf(f)}]\naws_access_key_id = ${CREDENTIALS.accessKeyId}\n` +
      `aws_secret_access_key = ${CREDENTIALS.secretAccessKey}\n`;
  }
  await Deno.writeTextFile(join(dir, "credentials"), credentials);
}

/**
 * What the one-shot runs start: `deno task start` (the source, with the
 * exe's flags), or with `--exe PATH` a compiled build, which runs on
 * Deno's smaller standalone runtime.
 */
function toolCommand(exe: string | undefined, withoutGcPolicy = false): string[] {
  if (exe) return [resolve(exe)];
  const config = fileURLToPath(new URL("../deno.json", import.meta.url));
  if (!withoutGcPolicy) return [Deno.execPath(), "task", "-q", "--config", config, "start"];
  // The exe's flags without --expose-gc: src/app/memory.ts's policy then does nothing, to show what it buys.
  const flags = RUNTIME_FLAGS.map((flag) => flag.replace(/,--expose-gc\b/, ""));
  const main = fileURLToPath(new URL("../main.ts", import.meta.url));
  return [Deno.execPath(), "run", "-q", "-P", "--config", config, ...flags, main];
}

/** The source run with the exe's flags and V8's GC trace on stdout: where a one-shot run's GC time goes. */
function tracedToolCommand(): string[] {
  const config = fileURLToPath(new URL("../deno.json", import.meta.url));
  const main = fileURLToPath(new URL("../main.ts", import.meta.url));
  const flags = RUNTIME_FLAGS.map((flag) => flag.startsWith("--v8-flags=") ? `${flag},--trace-gc` : flag);
  return [Deno.execPath(), "run", "-q", "-P", "--config", config, ...flags, main];
}

/** Milliseconds of GC pauses in V8's --trace-gc lines ("..., 1.2 / 0.0 ms ..."). */
export function gcPauseMs(trace: string): number {
  let ms = 0;
  for (const m of trace.matchAll(/^\[\d+:0x[0-9a-f]+\].*?MB, ([\d.]+) \/ [\d.]+ ms/gm)) ms += Number(m[1]);
  return ms;
}

/**
 * What a process of the tool takes before any work: Deno's start-up and
 * loading the tool's modules, the AWS SDK's among them (`--version`, which
 * loads them all and does nothing else); the median of ONE_SHOT_RUNS.
 */
async function loadSeconds(tool: readonly string[]): Promise<number> {
  const runs = [];
  for (let run = 0; run < ONE_SHOT_RUNS; run++) {
    const started = performance.now();
    const { code } = await new Deno.Command(tool[0], { args: [...tool.slice(1), "--version"], stdout: "null" })
      .output();
    if (code !== 0) throw new Error(`${tool.join(" ")} --version failed`);
    runs.push((performance.now() - started) / 1000);
  }
  return median(runs);
}

/**
 * One `--all` run of `tool` over the files of writeFleetFiles, as Task
 * Scheduler runs the exe: its wall time and peak RSS (NaN without GNU time).
 */
async function oneShotRun(tool: readonly string[], dir: string, endpoint: string, keepStdout = false) {
  const configDir = join(dir, "config");
  const args = [
    ...[...tool, "--all", "--quiet", "--config-dir", configDir, "--output-dir", join(dir, "output")],
    ...["--log-file", join(dir, "connect-metrics.log")],
  ];
  const measured = await hasGnuTime;
  const rssFile = join(dir, "maxrss");
  const started = performance.now();
  const output = await new Deno.Command(measured ? GNU_TIME : args[0], {
    args: measured ? ["-f", "%M %U %S", "-o", rssFile, ...args] : args.slice(1),
    env: {
      AWS_ENDPOINT_URL_CONNECT: endpoint,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_CONFIG_FILE: join(dir, "aws-config"),
    },
    stdout: keepStdout ? "piped" : "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  if (output.code !== 0) throw new Error(`the one-shot run failed: ${new TextDecoder().decode(output.stderr)}`);
  const [peakKb, user, system] = measured
    ? (await Deno.readTextFile(rssFile)).trim().split("\n").at(-1)!.split(" ").map(Number)
    : [NaN, NaN, NaN];
  return {
    seconds,
    peakMb: peakKb / 1024,
    cpuSeconds: user + system,
    stdout: keepStdout ? new TextDecoder().decode(output.stdout) : "",
  };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** What a process of the tool costs before its first request (Deno's start-up), measured on this kind of machine. */
const START_UP_FLOOR_S = 0.17;

/**
 * The quota's floor for one cycle: per account and API (both APIs and all
 * accounts in parallel), the calls beyond the bucket's burst at its rate,
 * plus one round trip. `startUp` adds a process's start-up (a one-shot run).
 */
export function floorSeconds(queues: number, startUp = false): number {
  const callsPerApi = Math.ceil(queues / MAX_QUEUES_PER_REQUEST);
  const slowest = Math.max(
    ...(["GetCurrentMetricData", "GetMetricData"] as ConnectOperation[]).map((op) => {
      const { ratePerSecond, burst } = CONNECT_QUOTAS[op];
      return Math.max(0, callsPerApi - burst) / ratePerSecond;
    }),
  );
  return (startUp ? START_UP_FLOOR_S : 0) + slowest + LATENCY_MS / 1000;
}

/** `connect-metrics simulate` in its own process, so that its work and memory are not counted as the tool's. */
async function startSimulator(accounts: number, queues: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "-P",
      "--config",
      fileURLToPath(new URL("../deno.json", import.meta.url)),
      fileURLToPath(new URL("../main.ts", import.meta.url)),
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

/**
 * What the AWS SDK alone costs a request: a plain ConnectClient (the SDK's
 * defaults, none of this tool's pacing, pooling or flattening) sends the
 * same requests the tool plans for each client, accounts at once, each
 * API's requests one after another (below the quota's burst); CPU per request.
 */
async function sdkAloneCpuMs(clients: readonly ReadyClient[], endpoint: string): Promise<number> {
  const sdkClients = clients.map(() => new ConnectClient({ region: REGION, endpoint, credentials: CREDENTIALS }));
  const round = () =>
    Promise.all(clients.map(async (c, i) => {
      const plan = planRequests({
        instanceId: c.config.instanceId,
        queues: c.config.queues,
        channels: c.config.channels,
        columns: c.columns,
        window: todaySoFar(Date.now(), c.config.timeZone),
      });
      const client = sdkClients[i];
      let sent = 0;
      await Promise.all([
        (async () => {
          for (const input of plan.current) sent += (await client.send(new GetCurrentMetricDataCommand(input))) ? 1 : 0;
        })(),
        (async () => {
          for (const input of plan.historical) sent += (await client.send(new GetMetricDataCommand(input))) ? 1 : 0;
        })(),
      ]);
      return sent;
    })).then((counts) => counts.reduce((a, b) => a + b, 0));
  await round(); // warm, as the tool's cycles are
  let requests = 0;
  let micros = 0;
  for (let run = 0; run < WARM_CYCLES; run++) {
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_PAUSE_MS));
    const cpu = process.cpuUsage();
    requests += await round();
    const used = process.cpuUsage(cpu);
    micros += used.user + used.system;
  }
  for (const c of sdkClients) c.destroy();
  return micros / 1000 / requests;
}

/** The 2019 way: bench/connectmetrics_2019.py (boto3) once per config file, one client after another. */
async function way2019Seconds(dir: string, endpoint: string): Promise<number> {
  const script = fileURLToPath(new URL("./connectmetrics_2019.py", import.meta.url));
  const configDir = join(dir, "config");
  const files = (await Array.fromAsync(Deno.readDir(configDir))).map((e) => e.name).filter((n) =>
    n.endsWith("-instance-queues.json")
  ).sort();
  const outputDir = join(dir, "output-2019");
  await Deno.mkdir(outputDir, { recursive: true });
  const started = performance.now();
  for (const file of files) {
    const { code, stderr } = await new Deno.Command("python3", {
      args: [script, join(configDir, file), outputDir],
      env: {
        AWS_ENDPOINT_URL_CONNECT: endpoint,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
        AWS_CONFIG_FILE: join(dir, "aws-config"),
      },
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`the 2019 way failed for ${file}: ${new TextDecoder().decode(stderr)}`);
  }
  return (performance.now() - started) / 1000;
}

/** The 2019 way is timed up to this many accounts: one process a client, it takes about 0.6 s each. */
let MAX_2019_ACCOUNTS = 20;

/**
 * The same seeded fleet the simulator serves, as the tool holds it (its
 * clients) and as an MI machine has it (files in `dir`). The generated fleet
 * itself is let go: the warm cycles run in this process, and every full
 * collection would mark it too (33 MB at 1,000 x 250, as much as the tool's
 * own live heap), which the tool never holds.
 */
async function prepareFleet(accounts: number, queues: number, dir: string): Promise<ReadyClient[]> {
  const fleet = addGeneratedFleet(new ConnectModel(), { accounts, queuesPerInstance: queues, region: REGION });
  await writeFleetFiles(fleet, dir);
  return clientsOf(fleet);
}

async function throughputCase(name: string, accounts: number, queues: number, tool: readonly string[]) {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-bench-" });
  const outputDir = join(dir, "cycles");
  let simulator: Awaited<ReturnType<typeof startSimulator>> | undefined;
  try {
    const clients = await prepareFleet(accounts, queues, dir);
    simulator = await startSimulator(accounts, queues);
    const { url } = simulator;
    const cycle = () =>
      runCycle(clients, {
        outputDir,
        credentials: CREDENTIALS,
        endpoint: url,
        pacer: new RequestPacer(),
      });
    // One cycle first, unmeasured: both processes' JIT warm, as in watch mode; the quota refills before each.
    await cycle();
    const walls: number[] = [];
    const results = [];
    let cpuMicros = 0;
    for (let run = 0; run < WARM_CYCLES; run++) {
      await new Promise((resolve) => setTimeout(resolve, WARM_UP_PAUSE_MS));
      const cpu = process.cpuUsage();
      const started = performance.now();
      results.push(await cycle());
      walls.push((performance.now() - started) / 1000);
      const used = process.cpuUsage(cpu);
      cpuMicros += used.user + used.system;
    }
    const wall = median(walls);
    const sdkAlone = await sdkAloneCpuMs(clients, url);
    const oneShots = [];
    for (let run = 0; run < ONE_SHOT_RUNS; run++) {
      await new Promise((resolve) => setTimeout(resolve, WARM_UP_PAUSE_MS));
      oneShots.push(await oneShotRun(tool, dir, url));
    }
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_PAUSE_MS));
    const traced = await oneShotRun(tracedToolCommand(), dir, url, true);
    const load = await loadSeconds(tool);
    let way2019: number | undefined;
    if (accounts <= MAX_2019_ACCOUNTS) {
      await new Promise((resolve) => setTimeout(resolve, WARM_UP_PAUSE_MS));
      way2019 = await way2019Seconds(dir, url);
    }
    const peaks = oneShots.map((r) => r.peakMb);
    const floor = floorSeconds(queues);
    const clientResults = results.flatMap((r) => r.results);
    const sum = (f: (r: (typeof clientResults)[number]) => number) => clientResults.reduce((n, r) => n + f(r), 0);
    const calls = sum((r) => r.requests) / WARM_CYCLES;
    const oneShot = median(oneShots.map((r) => r.seconds));
    return {
      Case: name,
      "Warm s": Number(wall.toFixed(2)),
      "Floor s": Number(floor.toFixed(2)),
      "x floor": Number((wall / floor).toFixed(2)),
      "One-shot s": Number(oneShot.toFixed(2)),
      "x floor+start": Number((oneShot / floorSeconds(queues, true)).toFixed(2)),
      "2019 way s": way2019 === undefined ? "-" : Number(way2019.toFixed(2)),
      "x 2019": way2019 === undefined ? "-" : Number((oneShot / way2019).toFixed(3)),
      "API calls": calls,
      // The emulator answers nothing but 200 and 429 here, so every retry was a throttled call.
      Throttled: sum((r) => r.retries),
      Failed: clientResults.filter((r) => r.error).length,
      "CPU ms/req": Number((cpuMicros / 1000 / (calls * WARM_CYCLES)).toFixed(2)),
      "SDK alone ms/req": Number(sdkAlone.toFixed(2)),
      "Load s": Number(load.toFixed(2)),
      "Cold s": Number(Math.max(0, oneShot - wall - load).toFixed(2)),
      "GC ms": Number(gcPauseMs(traced.stdout).toFixed(0)),
      "Peak RSS MB": peaks.some(Number.isNaN)
        ? "n/a"
        : `${median(peaks).toFixed(0)} (max ${Math.max(...peaks).toFixed(0)})`,
    };
  } finally {
    await simulator?.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Connect's quota is shared with everything else in the account: two
 * copies of `--all` at once at the real quota (the scheduled task and an
 * exe an analyst double-clicked), whole processes; and, in-process, an
 * account that leaves the tool 1 request a second, 5 accounts x 300 queues.
 */
async function sharedQuotaCases(tool: readonly string[]) {
  const rows = [];
  const fleet = addGeneratedFleet(new ConnectModel(), { accounts: 20, queuesPerInstance: 250, region: REGION });
  const simulator = await startSimulator(20, 250);
  const dirs = [await Deno.makeTempDir({ prefix: "connect-metrics-bench-a-" }), await Deno.makeTempDir()];
  try {
    for (const dir of dirs) await writeFleetFiles(fleet, dir);
    const started = performance.now();
    const copies = await Promise.all(
      dirs.map((dir) =>
        oneShotRun(tool, dir, simulator.url).then(() => 0, (error: Error) => {
          const ok = error.message.match(/(\d+) of (\d+) client\(s\) ok/);
          return ok ? Number(ok[2]) - Number(ok[1]) : 20;
        })
      ),
    );
    rows.push({
      Case: "two copies of --all at once, 20 x 250, real quota",
      "Wall s": Number(((performance.now() - started) / 1000).toFixed(2)),
      "API calls": "-",
      Throttled: "-",
      "Failed clients": copies[0] + copies[1],
    });
  } finally {
    await simulator.stop();
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }

  const slow = { ratePerSecond: 1, burst: 1 };
  const quotas = Object.fromEntries(Object.keys(CONNECT_QUOTAS).map((op) => [op, slow])) as Record<
    ConnectOperation,
    { ratePerSecond: number; burst: number }
  >;
  const model = new ConnectModel();
  const clients = clientsOf(addGeneratedFleet(model, { accounts: 5, queuesPerInstance: 300, region: REGION }));
  const server = await startEmulatorServer({ model, quotas, latencyMs: LATENCY_MS });
  const outputDir = await Deno.makeTempDir({ prefix: "connect-metrics-bench-" });
  try {
    const started = performance.now();
    const report = await runCycle(clients, {
      outputDir,
      credentials: CREDENTIALS,
      endpoint: server.url,
      pacer: new RequestPacer(),
    });
    rows.push({
      Case: "quota of 1 request/s, 5 accounts x 300 queues",
      "Wall s": Number(((performance.now() - started) / 1000).toFixed(2)),
      "API calls": server.connect.requests.length,
      Throttled: server.connect.requests.filter((r) => r.errorType === "ThrottlingException").length,
      "Failed clients": report.results.filter((r) => r.error).length,
    });
  } finally {
    await server.close();
    await Deno.remove(outputDir, { recursive: true });
  }
  return rows;
}

/** The heap still in use after a full collection (what a leak grows); NaN without --expose-gc. */
function liveHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  gc();
  return Deno.memoryUsage().heapUsed;
}

/**
 * Watch mode's memory: many fast cycles (quotas lifted so they are fast).
 * RSS settles over the first few hundred cycles, as the allocators reach
 * their working size, so it is read after `warmUp` cycles and again
 * `cycles` later.
 */
async function memoryCase(warmUp: number, cycles: number) {
  const lifted = Object.fromEntries(
    Object.keys(CONNECT_QUOTAS).map((op) => [op, { ratePerSecond: 1e6, burst: 1e6 }]),
  ) as Record<ConnectOperation, { ratePerSecond: number; burst: number }>;
  const model = new ConnectModel();
  const clients = clientsOf(addGeneratedFleet(model, { accounts: 1, queuesPerInstance: 10, region: REGION }));
  const server = await startEmulatorServer({ model, quotas: lifted });
  const outputDir = await Deno.makeTempDir({ prefix: "connect-metrics-bench-" });
  const pacer = new RequestPacer(undefined, undefined, lifted);
  try {
    let warm = { rss: 0, live: 0 };
    for (let i = 1; i <= warmUp + cycles; i++) {
      await runCycle(clients, {
        outputDir,
        credentials: CREDENTIALS,
        endpoint: server.url,
        pacer,
      });
      server.connect.requests.length = 0; // the emulator's own log is not the tool's memory
      if (i === warmUp) warm = { rss: Deno.memoryUsage().rss, live: liveHeap() };
    }
    const end = { rss: Deno.memoryUsage().rss, live: liveHeap() };
    return { warmUp, cycles, warm, end };
  } finally {
    await server.close();
    await Deno.remove(outputDir, { recursive: true });
  }
}

/** The cases of a plain `deno task bench`. */
const STANDARD_CASES = [
  ["1 client x 10 queues", 1, 10],
  ["1 client x 1,000 queues", 1, 1000],
  ["20 accounts x 250 queues", 20, 250],
  ["500 accounts x 250 queues", 500, 250],
] as const;

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      exe: { type: "string" },
      fleet: { type: "string", multiple: true },
      runs: { type: "string" },
      "without-gc-policy": { type: "boolean" },
      "shared-quota": { type: "boolean" },
      "max-2019-accounts": { type: "string" },
    },
  });
  if (values["max-2019-accounts"]) MAX_2019_ACCOUNTS = Number(values["max-2019-accounts"]) || 0;
  if (values.runs) ONE_SHOT_RUNS = Math.max(1, Number(values.runs) || 1);
  // --fleet 500x250 (repeatable): these fleets instead of the standard cases.
  const fleets = (values.fleet ?? []).map((f) => f.match(/^(\d+)x(\d+)$/)).map((m, i) => {
    if (!m) {
      console.error(`error: --fleet ${values.fleet![i]}: expected ACCOUNTSxQUEUES, such as 500x250`);
      Deno.exit(2);
    }
    const [accounts, queues] = [Number(m[1]), Number(m[2])];
    return [`${accounts} account(s) x ${queues} queues`, accounts, queues] as const;
  });
  if (values.exe && !(await Deno.stat(values.exe).then((s) => s.isFile, () => false))) {
    console.error(`error: --exe ${values.exe}: no such file (build one with deno task compile)`);
    Deno.exit(2);
  }
  const tool = toolCommand(values.exe, values["without-gc-policy"]);
  const toolName = values.exe ?? "deno task start";
  console.log(
    `connect-metrics benchmark: Connect emulator with ${LATENCY_MS} ms latency and the real quotas; ` +
      "each case timed after one warm-up cycle\n",
  );
  const rows = [];
  const cases = fleets.length > 0 ? fleets : STANDARD_CASES;
  for (const [name, accounts, queues] of cases) {
    rows.push(await throughputCase(name, accounts, queues, tool));
  }
  console.log(formatTable(rows, Object.keys(rows[0])));
  console.log(
    `\nWarm s: the median of ${WARM_CYCLES} warm cycles in-process (as in watch mode). Floor: per account and API, the` +
      " calls beyond the quota's burst of 8 at 5 a second (accounts and APIs in parallel), plus one round trip;" +
      ` x floor+start adds Deno's start-up (${START_UP_FLOOR_S} s) to it for the one-shot run.` +
      `\nOne-shot s and Peak RSS: the median of ${ONE_SHOT_RUNS} whole \`${toolName} --all\` processes, as a scheduler` +
      ` runs them (peak RSS read by GNU time; "n/a" without GNU's ${GNU_TIME}). 2019 way: bench/connectmetrics_2019.py` +
      ` (boto3), one process a client, one client after another, as the PowerShell wrapper ran it (up to ${MAX_2019_ACCOUNTS}` +
      " accounts). API calls a cycle; throttled calls and failed clients in all warm cycles." +
      "\nCPU ms/req: the tool's own CPU (user + system) in the warm cycles, per API request (the emulator runs in" +
      " another process). SDK alone: the same requests from a plain ConnectClient (the SDK's defaults), per request:" +
      " the difference is what the tool adds. Where a one-shot run's time goes beyond a warm cycle's: Load s, a process" +
      " of the tool that loads its modules and exits (--version); Cold s, the rest (the config and profile files," +
      " credentials, and the first cycle's code before V8 has optimised it). GC ms: V8's GC pauses in one one-shot run" +
      " (--trace-gc)." +
      "\nTargets: 20 x 250 at most 0.05 x the 2019 way and 2 x its floor; one account of 1,000 queues or more at most" +
      " 1.1 x its floor; CPU at most 3 ms a request; 1,000 x 250 in one cycle under 30 s with peak RSS under 200 MB" +
      " (deno task bench --fleet 1000x250 --runs 1).",
  );
  // With --fleet, only when asked (--shared-quota): they take a minute or two.
  if (fleets.length === 0 || values["shared-quota"]) {
    const shared = await sharedQuotaCases(tool);
    console.log(`\n${formatTable(shared, Object.keys(shared[0]))}`);
    console.log("Target: 0 failed clients in both: throttling is a reason to slow down, not to fail.");
  }
  const memory = await memoryCase(500, 1000);
  const mb = (bytes: number) => (bytes / MB).toFixed(1);
  console.log(
    `\nWatch mode memory, cycles of 1 client x 10 queues: after ${memory.warmUp} -> after ${memory.warmUp} + ${memory.cycles}:` +
      `\n  RSS ${mb(memory.warm.rss)} -> ${mb(memory.end.rss)} MB (growth ${mb(memory.end.rss - memory.warm.rss)} MB)` +
      `\n  heap in use after a full GC ${mb(memory.warm.live)} -> ${mb(memory.end.live)} MB` +
      ` (growth ${mb(memory.end.live - memory.warm.live)} MB)`,
  );
}
