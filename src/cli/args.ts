/**
 * Command-line parsing for every command: one parser, one way to fail.
 * Flags the 2019 tool took keep their names.
 */
import { dirname, join, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { accountIdOf, awsRegionOf, INSTANCE_ID_EXPECTED, instanceIdOf } from "../config/client_config.ts";
import { appDir } from "../config/paths.ts";
import { DATASET_MODES, type DatasetMode, datasetModeOf, MIN_INTERVAL_MS } from "../config/settings.ts";
import { UsageError } from "../util/errors.ts";
import type { RunRequest } from "../app/plan.ts";
import { didYouMean } from "../util/spelling.ts";
import { parseInterval } from "../util/time.ts";

/** What to run (app/plan.ts), and how this command shows it. */
export interface RunArgs extends RunRequest {
  /** Watch mode: repeat every this many milliseconds, on wall-clock boundaries. */
  readonly everyMs?: number;
  readonly verbosity: Verbosity;
  readonly logFile?: string;
  readonly logFormat: LogFormat;
}

export type Verbosity = "quiet" | "normal" | "verbose";
export type LogFormat = "text" | "json";

export interface DemoArgs {
  readonly outputDir: string;
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

export interface SchemaArgs {
  readonly configDir?: string;
  readonly mode?: DatasetMode;
}

export const DEFAULT_OUTPUT_DIR = "output";

/**
 * Where the JSON files go without --output-dir: `output` in the working
 * directory, as in 2019, except when that is Windows' own folder (a task
 * made by schtasks starts in C:\Windows\System32, and one run with highest
 * privileges could write there): then `output` beside the exe, where its
 * config and logs are.
 */
export function defaultOutputDir(
  cwd = Deno.cwd(),
  systemRoot = Deno.env.get("SystemRoot") ?? Deno.env.get("windir"),
  besideExe = appDir(),
): string {
  const inside = (dir: string, root: string) => {
    const [d, r] = [resolve(dir).toLowerCase(), resolve(root).toLowerCase()];
    return d === r || d.startsWith(r.endsWith(sep) ? r : r + sep);
  };
  return systemRoot && inside(cwd, systemRoot) ? join(besideExe, DEFAULT_OUTPUT_DIR) : DEFAULT_OUTPUT_DIR;
}
export const DEFAULT_SIMULATOR_PORT = 8484;

type Options = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/** parseArgs, strict, with its errors turned into one-line UsageErrors. */
function parse(argv: string[], options: Options): Record<string, unknown> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const message = (e as Error).message.replace(/\.?\s*To specify.*$/s, "").split("\n")[0];
    const flags = Object.keys(options ?? {}).map((name) => `--${name}`);
    // No hint: main prints the usage under every UsageError.
    throw new UsageError(
      message.replace(/^Unknown option '(.*)'$/, (_, flag) => `unknown flag '${flag}'${didYouMean(flag, flags)}`)
        .replace(/^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing$/, "$1 needs a value")
        // Most often the rest of a folder name with a space in it, typed without quotes.
        .replace(
          /^Unexpected argument '(.*)'\. This command does not take positional arguments$/s,
          `unexpected argument '$1': each value goes right after its flag, and one with a space needs quotes ` +
            `(--output-dir "C:\\MI Reports\\output")`,
        ),
    );
  }
  for (const [name, value] of Object.entries(values)) {
    // Windows reads \" as a quote inside the value: "C:\MI\output\" --push arrives as one value, C:\MI\output" --push.
    const quote = /-(dir|file)$/.test(name) && typeof value === "string" ? value.indexOf('"') : -1;
    if (quote >= 0) {
      throw new UsageError(
        `--${name} ${(value as string).slice(0, quote + 1)} holds a quote, which no path can` +
          ((value as string).length > quote + 1 ? ", and took in the words after it" : "") +
          `: in a Windows command a backslash just before the closing quote keeps the quote; ` +
          `leave that backslash out (--${name} "C:\\MI Reports\\output")`,
      );
    }
  }
  return values;
}

function required(values: Record<string, unknown>, name: string, example: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw new UsageError(`missing --${name} (e.g. --${name} ${example})`);
  }
  return value.trim();
}

function integer(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/**
 * `--push` takes an optional value, which parseArgs cannot express:
 * `--push`, `--push URL` and `--push=URL` become `--push` plus `--push-url`.
 */
function splitOptionalPush(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--push=")) {
      out.push("--push", "--push-url", arg.slice("--push=".length));
    } else if (arg === "--push" && i + 1 < argv.length && !argv[i + 1].startsWith("-")) {
      out.push("--push", "--push-url", argv[++i]);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** The 2019 Python script's flags (argparse took any start of one that fits no other, as in `--env dev`). */
const SCRIPT_FLAGS = ["client", "environment", "profile"];

/** The 2019 PowerShell wrapper's parameters (any case, any start that fits one only) and what each is now. */
const WRAPPER_PARAMETERS: Record<string, string> = {
  client: "--client",
  environment: "--environment",
  profilename: "--profile",
  powerbiurl: "--push",
};

/**
 * The 2019 command lines as their users typed them, in today's flags, so a
 * scheduled task keeps its arguments: `--env dev` (argparse's abbreviation)
 * is `--environment dev`, and the wrapper's `-Client tradeuk -Environment dev
 * -ProfileName P -PowerBIUrl URL` (also `-Client:tradeuk`) is `--client
 * tradeuk --environment dev --profile P --push URL`. Today's own flags win.
 */
function from2019Flags(argv: string[], flags: readonly string[]): string[] {
  return argv.map((arg) => {
    const script = arg.match(/^--([a-z-]+)(=.*)?$/s);
    if (script && !flags.includes(script[1])) {
      const [full, ...others] = SCRIPT_FLAGS.filter((f) => f.startsWith(script[1]));
      return full && others.length === 0 ? `--${full}${script[2] ?? ""}` : arg;
    }
    const wrapper = arg.match(/^-([a-z]+)(?::(.*))?$/is);
    if (!wrapper) return arg;
    const [name, ...others] = Object.keys(WRAPPER_PARAMETERS).filter((p) => p.startsWith(wrapper[1].toLowerCase()));
    if (!name || others.length > 0) return arg;
    return WRAPPER_PARAMETERS[name] + (wrapper[2] === undefined ? "" : `=${wrapper[2]}`);
  });
}

/**
 * --profile is an AWS profile's name, which also names the config file. A
 * config file's name or path in its place (dragged into the prompt from
 * Explorer) gets the name to give instead.
 */
function profileName(value: string): string {
  const file = value.trim().replace(/^.*[\\/]/, "");
  if (!/\.json(\.txt)?$/i.test(file)) return value.trim();
  const name = file.replace(/(-instance-queues)?\.json(\.txt)?$/i, "");
  throw new UsageError(`--profile takes the AWS profile's name, not a file: --profile ${name}`);
}

/** outbox/ beside the output folder. */
export function defaultOutboxDir(outputDir: string): string {
  return join(dirname(resolve(outputDir)), "outbox");
}

/**
 * `connect-metrics --client C --environment E --profile P [...]` (the 2019
 * form), `--all`, or `--profile` repeated; with `--every 60s` it repeats.
 */
export function parseRunArgs(argv: string[]): RunArgs {
  const options: Options = {
    client: { type: "string" },
    environment: { type: "string" },
    profile: { type: "string", multiple: true },
    all: { type: "boolean" },
    "config-dir": { type: "string" },
    "output-dir": { type: "string" },
    region: { type: "string" },
    push: { type: "boolean" },
    "push-url": { type: "string" },
    "outbox-dir": { type: "string" },
    every: { type: "string" },
    quiet: { type: "boolean", short: "q" },
    verbose: { type: "boolean", short: "v" },
    "log-file": { type: "string" },
    "log-format": { type: "string" },
  };
  const values = parse(splitOptionalPush(from2019Flags(argv, Object.keys(options!))), options);
  const outputDir = (values["output-dir"] as string | undefined) ?? defaultOutputDir();
  // A profile named twice is one client, fetched once.
  const profiles = [
    ...new Set(((values.profile as string[] | undefined) ?? []).map(profileName).filter(Boolean)),
  ];
  const all = Boolean(values.all);
  if (all && profiles.length > 0) throw new UsageError("give --all or --profile, not both");
  if (!all && profiles.length === 0) {
    throw new UsageError("missing --profile (e.g. --profile capita-tradeuk-dev), or --all for every config file");
  }
  const single = !all && profiles.length === 1;
  if (!single && (values.client || values.environment)) {
    throw new UsageError("--client and --environment go with a single --profile; --all takes them from each file");
  }
  if (values.quiet && values.verbose) throw new UsageError("give --quiet or --verbose, not both");
  let everyMs: number | undefined;
  if (values.every !== undefined) {
    everyMs = parseInterval(values.every as string);
    if (everyMs === undefined || everyMs < MIN_INTERVAL_MS) {
      throw new UsageError(
        `--every expects an interval of at least ${MIN_INTERVAL_MS / 1000}s, such as 60s or 5m; got "${values.every}"`,
      );
    }
  }
  const logFormat = ((values["log-format"] as string | undefined) ?? "text").toLowerCase();
  if (logFormat !== "text" && logFormat !== "json") {
    throw new UsageError(`--log-format expects text or json, got "${logFormat}"`);
  }
  return {
    profiles,
    all,
    ...(single ? { client: required(values, "client", "tradeuk") } : {}),
    ...(single ? { environment: required(values, "environment", "dev") } : {}),
    ...(values["config-dir"] ? { configDir: values["config-dir"] as string } : {}),
    outputDir,
    ...region(values),
    ...(values.push ? { push: values["push-url"] ? { url: values["push-url"] as string } : {} } : {}),
    outboxDir: (values["outbox-dir"] as string | undefined) ?? defaultOutboxDir(outputDir),
    ...(everyMs ? { everyMs } : {}),
    verbosity: values.quiet ? "quiet" : values.verbose ? "verbose" : "normal",
    ...(values["log-file"] ? { logFile: values["log-file"] as string } : {}),
    logFormat,
  };
}

/** `connect-metrics demo [--output-dir DIR]` */
export function parseDemoArgs(argv: string[]): DemoArgs {
  const values = parse(argv, { "output-dir": { type: "string" } });
  return { outputDir: (values["output-dir"] as string | undefined) ?? DEFAULT_OUTPUT_DIR };
}

/** `connect-metrics simulate [--port N] [--config-dir DIR] [...]` */
export function parseSimulateArgs(argv: string[]): SimulateArgs {
  const values = parse(argv, {
    port: { type: "string" },
    "config-dir": { type: "string" },
    "latency-ms": { type: "string" },
    seed: { type: "string" },
    fleet: { type: "string" },
    queues: { type: "string" },
  });
  return {
    port: integer(values, "port", DEFAULT_SIMULATOR_PORT, 0, 65535),
    ...(values["config-dir"] ? { configDir: values["config-dir"] as string } : {}),
    latencyMs: integer(values, "latency-ms", 0, 0, 60_000),
    seed: integer(values, "seed", 1, 0, 2 ** 31 - 1),
    fleet: integer(values, "fleet", 3, 1, 1000),
    queues: integer(values, "queues", 10, 1, 10_000),
  };
}

/** `connect-metrics schema [--config-dir DIR] [--mode MODE]` */
export function parseSchemaArgs(argv: string[]): SchemaArgs {
  const values = parse(argv, { "config-dir": { type: "string" }, mode: { type: "string" } });
  const typed = values.mode as string | undefined;
  const mode = typed === undefined ? undefined : datasetModeOf(typed);
  if (typed !== undefined && !mode) {
    throw new UsageError(`--mode expects one of ${DATASET_MODES.join(", ")}, got "${typed}"`);
  }
  return {
    ...(values["config-dir"] ? { configDir: values["config-dir"] as string } : {}),
    ...(mode ? { mode } : {}),
  };
}

export interface DiscoverArgs {
  readonly profile: string;
  readonly instanceId?: string;
  readonly instanceAlias?: string;
  readonly client?: string;
  readonly environment?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly configDir?: string;
  readonly prune: boolean;
  readonly dryRun: boolean;
}

const optional = (values: Record<string, unknown>, name: string, key = name) =>
  typeof values[name] === "string" && (values[name] as string).trim() !== ""
    ? { [key]: (values[name] as string).trim() }
    : {};

/** --region, checked here: a misspelt Region would otherwise reach AWS as an unknown host name. */
function region(values: Record<string, unknown>): { region?: string } {
  const value = optional(values, "region").region;
  if (value === undefined) return {};
  // "EU-WEST-2" is eu-west-2, as in the client config; a variable other tools read too is taken as it is.
  const typed = awsRegionOf(value);
  if (!typed) throw new UsageError(`--region expects an AWS Region such as eu-west-2, got "${value}"`);
  return { region: typed };
}

/** `connect-metrics discover --profile P [--instance-id ID | --instance-alias A] [...]` */
export function parseDiscoverArgs(argv: string[]): DiscoverArgs {
  const values = parse(argv, {
    profile: { type: "string" },
    "instance-id": { type: "string" },
    "instance-alias": { type: "string" },
    client: { type: "string" },
    environment: { type: "string" },
    "account-id": { type: "string" },
    region: { type: "string" },
    "config-dir": { type: "string" },
    prune: { type: "boolean" },
    "dry-run": { type: "boolean" },
  });
  if (values["instance-id"] && values["instance-alias"]) {
    throw new UsageError("give --instance-id or --instance-alias, not both");
  }
  const accountFlag = values["account-id"] as string | undefined;
  const accountId = accountFlag === undefined ? undefined : accountIdOf(accountFlag);
  if (accountFlag !== undefined && !accountId) {
    throw new UsageError(`--account-id expects a 12-digit AWS account id, got "${accountFlag}"`);
  }
  const instanceFlag = values["instance-id"] as string | undefined;
  const instanceId = instanceFlag === undefined ? undefined : instanceIdOf(instanceFlag);
  if (instanceFlag !== undefined && !instanceId) {
    throw new UsageError(`--instance-id expects ${INSTANCE_ID_EXPECTED}, or the instance's ARN; got "${instanceFlag}"`);
  }
  return {
    profile: profileName(required(values, "profile", "capita-tradeuk-dev")),
    ...(instanceId ? { instanceId } : {}),
    ...optional(values, "instance-alias", "instanceAlias"),
    ...optional(values, "client"),
    ...optional(values, "environment"),
    ...(accountId ? { accountId } : {}),
    ...region(values),
    ...optional(values, "config-dir", "configDir"),
    prune: Boolean(values.prune),
    dryRun: Boolean(values["dry-run"]),
  } as DiscoverArgs;
}

export interface CheckArgs {
  /** Undefined with --all (the default): every config file. */
  readonly profile?: string;
  readonly live: boolean;
  readonly configDir?: string;
  readonly region?: string;
}

/** `connect-metrics check [--all | --profile P] [--live]` */
export function parseCheckArgs(argv: string[]): CheckArgs {
  const values = parse(argv, {
    all: { type: "boolean" },
    profile: { type: "string" },
    live: { type: "boolean" },
    "config-dir": { type: "string" },
    region: { type: "string" },
  });
  if (values.all && values.profile) throw new UsageError("give --all or --profile, not both");
  if (typeof values.profile === "string") profileName(values.profile);
  return {
    ...optional(values, "profile"),
    live: Boolean(values.live),
    ...optional(values, "config-dir", "configDir"),
    ...region(values),
  } as CheckArgs;
}

export interface InitArgs {
  readonly profile: string;
  readonly configDir?: string;
  readonly force: boolean;
}

export const INIT_EXAMPLE_PROFILE = "example-client-dev";

/** `connect-metrics init [--profile P] [--config-dir DIR] [--force]` */
export function parseInitArgs(argv: string[]): InitArgs {
  const values = parse(argv, {
    profile: { type: "string" },
    "config-dir": { type: "string" },
    force: { type: "boolean" },
  });
  return {
    profile: profileName((values.profile as string | undefined) ?? "") || INIT_EXAMPLE_PROFILE,
    ...optional(values, "config-dir", "configDir"),
    force: Boolean(values.force),
  };
}
