/** Shared test helpers: running the real CLI, writing real config files. */
import { join } from "node:path";
import { parseClientConfig } from "../src/config/client_config.ts";
import { DEFAULT_COLUMNS } from "../src/connect/catalogue.ts";
import { type TimeWindow, todaySoFar } from "../src/connect/window.ts";
import type { MetricRow } from "../src/rows/flatten.ts";
import { ConnectModel } from "../src/simulator/connect_model.ts";
import { addConfiguredInstances } from "../src/simulator/fleet.ts";
import { type EmulatorServer, type EmulatorServerOptions, startEmulatorServer } from "../src/simulator/server.ts";

export const REPO = join(import.meta.dirname!, "..");
const MAIN = join(REPO, "main.ts");
const DENO_JSON = join(REPO, "deno.json");

/** The metrics window at `now` in UK time: today so far or, just after midnight (when that is empty), the hour before. */
export function metricsWindowAt(now: number): TimeWindow {
  return todaySoFar(now, "Europe/London") ??
    { start: new Date(now - 3_600_000 - (now % 300_000)), end: new Date(now - (now % 300_000)) };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs main.ts as a subprocess with exactly the permissions the compiled
 * exe gets (the "default" permission set of deno.json).
 */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; execPath?: string },
): Promise<CliResult> {
  const output = await cliCommand(args, options).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

/** The same command as `runCli`, to spawn (and kill) yourself. */
/** `deno run` of main.ts with exactly the exe's permissions: what every CLI test runs. */
export const CLI_ARGS = ["run", "-q", "-P", "--no-prompt", "--config", DENO_JSON, MAIN];

export function cliCommand(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; execPath?: string },
): Deno.Command {
  return new Deno.Command(options.execPath ?? Deno.execPath(), {
    args: [...CLI_ARGS, ...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...isolatedAwsEnv(options.cwd), ...options.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** An environment that cannot see the machine's own AWS set-up. */
export function isolatedAwsEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** A profile with static keys in `home`/.aws/credentials. */
export async function writeAwsProfile(
  home: string,
  profile: string,
  keys: { accessKeyId: string; secretAccessKey: string; region?: string },
): Promise<void> {
  await Deno.mkdir(join(home, ".aws"), { recursive: true });
  await Deno.writeTextFile(
    join(home, ".aws", "credentials"),
    `[${profile}]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
    { append: true },
  );
  if (keys.region) {
    await Deno.writeTextFile(join(home, ".aws", "config"), `[profile ${profile}]\nregion = ${keys.region}\n`, {
      append: true,
    });
  }
}

/** The seed's example config, as a plain object to vary. */
export function seedConfig(): Record<string, unknown> {
  return {
    clientName: "TradeUK",
    accountId: "111111111111",
    environment: "DEV",
    instanceId: "0d525d33-c2af-4b86-9d67-393db396e896",
    queues: {
      "e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef": "BasicQueue",
      "5b1c9a5e-3f0e-4c1a-9a57-6c1d2f0a7b11": "Customer Services",
      "8d0f3f2a-1e57-4a4b-b0a8-2c7e9b1f4d22": "Collections",
    },
  };
}

export async function writeConfig(dir: string, profile: string, config: unknown): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `${profile}-instance-queues.json`);
  await Deno.writeTextFile(path, typeof config === "string" ? config : JSON.stringify(config, null, 2));
  return path;
}

/** The CLI tests' profile and its recognisable fake keys (grepped for in output). */
export const PROFILE = "capita-tradeuk-dev";
export const ACCESS_KEY = "AKIARUNTESTKEY000001";
export const SECRET_KEY = "run-test-SECRET-wJalrXUtnFEMI-K7MDENG";
export const RUN_ARGS = ["--client", "tradeuk", "--environment", "dev", "--profile", PROFILE];

export interface Workspace {
  readonly dir: string;
  readonly server: EmulatorServer;
  readonly run: (args: string[], env?: Record<string, string>, execPath?: string) => Promise<CliResult>;
  /** The environment `run` gives the CLI, for `cliCommand`. */
  readonly env: Record<string, string>;
}

/**
 * A temp working directory with ./config, an AWS profile, and both emulators
 * (Connect serving the config's instance); the CLI runs with
 * AWS_ENDPOINT_URL_CONNECT pointing at it.
 */
export async function withWorkspace(
  fn: (env: Workspace) => Promise<void>,
  config = seedConfig(),
  emulator: EmulatorServerOptions = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-cli-" });
  const server = await startEmulatorServer({ model: new ConnectModel(5), ...emulator });
  try {
    const path = await writeConfig(join(dir, "config"), PROFILE, config);
    addConfiguredInstances(server.model, [servedConfig(config, path)]);
    await writeAwsProfile(dir, PROFILE, { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, region: "eu-west-2" });
    const run = (args: string[], env: Record<string, string> = {}, execPath?: string) =>
      runCli(args, {
        cwd: dir,
        env: { AWS_ENDPOINT_URL_CONNECT: server.url, ...env },
        ...(execPath ? { execPath } : {}),
      });
    await fn({ dir, server, run, env: { AWS_ENDPOINT_URL_CONNECT: server.url } });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** A filesystem with no room left, and a way to make a little. */
export interface FullDisk {
  readonly mountPoint: string;
  /** Frees `bytes` (whole pages of 4 KB) for the next writes. */
  readonly free: (bytes: number) => Promise<void>;
}

/**
 * A real full filesystem: a 64 KB tmpfs under `dir`, filled to the last
 * byte. Mounting needs root (CI runs as root); elsewhere the test says why
 * it was skipped and this returns false.
 */
export async function withFullDisk(dir: string, fn: (disk: FullDisk) => Promise<void>): Promise<boolean> {
  const mountPoint = join(dir, "full-disk");
  await Deno.mkdir(mountPoint);
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint],
    stderr: "piped",
  }).output().catch((error) => ({ success: false, stderr: new TextEncoder().encode(String(error)) }));
  if (!mount.success) {
    const why = new TextDecoder().decode(mount.stderr).trim();
    console.log(`SKIPPED: a full disk needs a tmpfs mount (as root), which this machine refused (${why})`);
    return false;
  }
  try {
    const filler = join(mountPoint, "filler");
    const file = await Deno.open(filler, { write: true, create: true });
    try {
      for (;;) await file.write(new Uint8Array(4096));
    } catch (error) {
      if (!(error instanceof Error) || !/No space left|ENOSPC|os error 28/i.test(error.message)) throw error;
    } finally {
      file.close();
    }
    const free = async (bytes: number) =>
      await Deno.truncate(filler, Math.max(0, (await Deno.stat(filler)).size - bytes));
    await fn({ mountPoint, free });
  } finally {
    await new Deno.Command("umount", { args: [mountPoint] }).output();
  }
  return true;
}

/** The workspace's config as the emulator serves it; the seed's when the config is deliberately broken. */
function servedConfig(config: unknown, path: string) {
  try {
    return parseClientConfig(typeof config === "string" ? config : JSON.stringify(config), path).config;
  } catch {
    return parseClientConfig(JSON.stringify(seedConfig()), path).config;
  }
}

/** Rows in the published layout, numbered, all with one Date. */
export function sampleRows(count: number, date = "2026-11-28T10:00:00.000"): MetricRow[] {
  return Array.from({ length: count }, (_, i) => {
    const row: MetricRow = { Date: date, Client: "TradeUK", QueueName: `Queue ${i}` };
    for (const c of DEFAULT_COLUMNS) row[c.column] = i;
    return row;
  });
}

/** A child's output read until `until` matches all that was read, or (without it) to the end. */
export async function readUntil(reader: ReadableStreamDefaultReader<string>, until?: RegExp): Promise<string> {
  let text = "";
  while (!until?.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return text;
}

/** Ends a watch-mode child however its test went: SIGTERM if still running, then its streams closed. */
export async function stopWatch(child: Deno.ChildProcess, reader: ReadableStreamDefaultReader<string>): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // already stopped
  }
  await child.status;
  await reader.cancel().catch(() => {});
  await child.stderr.cancel().catch(() => {});
}

/** Every name and text of the files a run left under `dir` (not the set-up's own .aws and config): what a secret must not reach. */
export async function textsLeftIn(dir: string): Promise<string[]> {
  const texts: string[] = [];
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      const full = join(path, entry.name);
      if (entry.isDirectory && entry.name !== ".aws" && entry.name !== "config") await walk(full);
      if (entry.isFile) texts.push(entry.name, await Deno.readTextFile(full));
    }
  };
  await walk(dir);
  return texts;
}
