/**
 * Planning a run, before any call: which clients, read and checked; the
 * settings they share, with their columns resolved once; the push set-up;
 * the folders the run writes to; and what the cross-file rules warn of.
 * Anything wrong here is the user's to fix before work starts (exit 2),
 * except a broken file under --all, which fails only its own client.
 */
import { resolve } from "node:path";
import { preparePush, type PushSetup } from "./delivery.ts";
import type { ClientToCollect } from "./collect.ts";
import { envProxy } from "../aws/http.ts";
import type { ProxySettings } from "../aws/proxy.ts";
import {
  lookAlikeRowWarnings,
  sharedOutputFiles,
  sharedOutputProblem,
  sharedQueueFiles,
  sharedQueueProblem,
} from "../config/check.ts";
import { type ClientConfig, profileOfConfigFile, sameClientName } from "../config/client_config.ts";
import type { Settings } from "../config/settings.ts";
import {
  findClientConfigFiles,
  type FoundConfigFiles,
  loadClient,
  type LoadedClient,
  type LoadedSettings,
  misnamedConfigError,
  settingsReader,
  strayLine,
} from "../config/load.ts";
import { type ConfigDirInputs, configDirInputs } from "../config/paths.ts";
import type { MetricColumn } from "../connect/catalogue.ts";
import { kpiColumns } from "../connect/columns.ts";
import { atMost } from "../util/at_most.ts";
import { cannotWriteIn } from "../util/atomic_file.ts";
import { ConfigError } from "../util/errors.ts";

/** What the user asked to run, from the command line or from settings.json when double-clicked. */
export interface RunRequest {
  /** The 2019 --profile, repeated; empty with --all. */
  readonly profiles: readonly string[];
  readonly all: boolean;
  /** The 2019 flags: required with a single --profile, checked against its file. */
  readonly client?: string;
  readonly environment?: string;
  readonly configDir?: string;
  readonly outputDir: string;
  /** True when the output folder is the default, for a better word when it cannot be written. */
  readonly outputDirIsDefault?: boolean;
  readonly region?: string;
  /** Set with --push; `url` only when the flag carried one. */
  readonly push?: { readonly url?: string };
  /** Where undelivered rows wait. */
  readonly outboxDir: string;
}

/** A client whose config was read and checked, ready to collect. */
export interface ReadyClient extends ClientToCollect {
  /** "TradeUK DEV". */
  readonly label: string;
  readonly loaded: LoadedClient;
}

/** A client whose config could not be read or breaks a cross-file rule: it fails on its own. */
export interface BrokenClient {
  readonly profile: string;
  /** The profile, as no clientName could be read. */
  readonly label: string;
  readonly error: Error;
}

export type ClientPlan = ReadyClient | BrokenClient;

export const isReady = (plan: ClientPlan): plan is ReadyClient => !("error" in plan);

export interface RunPlan {
  /** More than one client: each failure is its own, and the exit code is 1 for any. */
  readonly multi: boolean;
  readonly clients: readonly ClientPlan[];
  /** The settings.json of the run (the config folder's, shared by its clients), or the defaults. */
  readonly settings: LoadedSettings;
  readonly push?: PushSetup;
  readonly proxy: ProxySettings;
  /** Things the user should know that do not stop the run, each one line. */
  readonly warnings: readonly string[];
  /** The clients again, read afresh (watch mode reads them each cycle, so edits apply without a restart). */
  readonly replan: () => Promise<readonly ClientPlan[]>;
}

/** Reads and checks everything a run needs; throws a one-line ConfigError or UsageError for what stops it. */
export async function planRun(request: RunRequest): Promise<RunPlan> {
  const inputs = configDirInputs(request.configDir);
  const multi = request.all || request.profiles.length > 1;
  const settingsOf = new SettingsWithColumns();
  // --all reads the config folder once here, for its clients, its settings and the files it leaves unread.
  const found = request.all ? await findClientConfigFiles(inputs) : undefined;
  const clients = await planClients(request, inputs, settingsOf, found);
  // One client: its own settings.json; many: the one in the config directory they share.
  const sharedDir = found?.dir ?? (multi ? (await findClientConfigFiles(inputs)).dir : undefined);
  const settingsDir = sharedDir ?? (clients[0] as ReadyClient).loaded.configDir;
  const settings = await settingsOf.read(settingsDir);
  const push = request.push
    ? preparePush(
      { url: request.push.url, outboxDir: request.outboxDir },
      settings,
      settingsOf.columns(settingsDir),
      undefined,
      clients.filter(isReady).map((c) => c.config),
    )
    : undefined;
  const proxy = envProxy(); // a bad HTTPS_PROXY is found here, before any work
  await checkRunFolders(request, push?.outbox.dir);
  const ready = clients.filter(isReady);
  const warnings = [
    ...(found ? found.strays.map(strayLine) : []),
    ...(settings.misnamed ? [settings.misnamed] : []),
    ...settings.warnings,
    ...ready.flatMap((c) => c.loaded.warnings),
    // Only a push puts two clients' rows in one place.
    ...(push ? lookAlikeRowWarnings(ready.map((c) => c.config)).values() : []),
  ];
  return {
    multi,
    clients,
    settings,
    push,
    proxy,
    warnings: [...new Set(warnings)],
    replan: () => planClients(request, inputs, new SettingsWithColumns()),
  };
}

/** A client from a config already in hand (the benchmark's generated fleet), with the settings' columns. */
export function clientFromConfig(profile: string, config: ClientConfig, settings: Settings): ReadyClient {
  return {
    profile,
    label: `${config.clientName} ${config.environment}`,
    config,
    settings,
    columns: kpiColumns(settings.columns),
    loaded: { config, settings, configDir: "", configDirSource: "given", warnings: [] },
  };
}

/**
 * settings.json of each folder read once, its columns checked against the
 * metric catalogue as it is read (a column Connect cannot give is found
 * before any work) and kept, so no client resolves them again.
 */
class SettingsWithColumns {
  readonly #read = settingsReader();
  readonly #columns = new Map<string, MetricColumn[]>();

  read = async (dir: string): Promise<LoadedSettings> => {
    const loaded = await this.#read(dir);
    if (!this.#columns.has(dir)) this.#columns.set(dir, kpiColumns(loaded.settings.columns, loaded.file));
    return loaded;
  };

  columns(dir: string): MetricColumn[] {
    return this.#columns.get(dir)!;
  }
}

/** Config files read and parsed at once by --all: enough to keep the disk busy, few enough to hold little. */
const FILES_READ_AT_ONCE = 8;

async function planClients(
  request: RunRequest,
  inputs: ConfigDirInputs,
  settingsOf: SettingsWithColumns,
  found?: FoundConfigFiles,
): Promise<ClientPlan[]> {
  const ready = async (profile: string): Promise<ReadyClient> => {
    const loaded = await loadClient(inputs, profile, settingsOf.read);
    const { config, settings } = loaded;
    return {
      profile,
      label: `${config.clientName} ${config.environment}`,
      config,
      settings,
      columns: settingsOf.columns(loaded.configDir),
      loaded,
    };
  };
  if (!request.all && request.profiles.length === 1) {
    // The 2019 form: a bad file is the user's to fix before anything runs (exit 2).
    const client = await ready(request.profiles[0]);
    checkArgsMatchConfig(client, request.client!, request.environment!);
    return [client];
  }
  if (!request.all) {
    // Profiles the user named: a missing or broken file is a mistake to fix before any work (exit 2).
    const plans = withoutClashingFiles(await Promise.all(request.profiles.map(ready)));
    const failed = plans.find((plan) => !isReady(plan)) as BrokenClient | undefined;
    if (failed) throw failed.error;
    return plans;
  }
  // Files found by --all: a broken one becomes a failed client, so it cannot blank the others.
  const { paths, misnamed } = found ?? await findClientConfigFiles(inputs);
  const files = [...paths, ...misnamed].sort();
  const planFile = async (path: string): Promise<ClientPlan> => {
    if (misnamed.includes(path)) {
      const profile = profileOfConfigFile(path.slice(0, -".txt".length));
      return { profile, label: profile, error: misnamedConfigError(path) };
    }
    const profile = profileOfConfigFile(path);
    return await ready(profile).catch((error) => ({ profile, label: profile, error: error as Error }));
  };
  // A few files at a time, in order. Read all at once, a thousand files' text and parses were held together,
  // and that was the run's peak of memory: 1,000 x 250 peaked at 185-221 MB there; read so, planning is not the peak.
  const plans: ClientPlan[] = new Array(files.length);
  await atMost(FILES_READ_AT_ONCE, files.length, async (index) => {
    plans[index] = await planFile(files[index]);
  });
  return withoutClashingFiles(plans);
}

/**
 * The 2019 flags must agree with the file they select: they guard against a
 * mix-up of profiles, not against how the name is spaced or cased.
 */
function checkArgsMatchConfig({ config }: ReadyClient, client: string, environment: string): void {
  if (!sameClientName(client, config.clientName)) {
    throw new ConfigError(
      `--client ${client} does not match clientName "${config.clientName}" in ${config.file}`,
      "use the client the profile's config file is for, or the right --profile",
    );
  }
  if (environment.toUpperCase() !== config.environment) {
    throw new ConfigError(
      `--environment ${environment} does not match environment "${config.environment}" in ${config.file}`,
    );
  }
}

/**
 * Clients that would write the same output file, or the same queues of one
 * instance, both fail: which of the two is right cannot be told, and one
 * client's rows must never appear under another's name.
 */
function withoutClashingFiles(plans: readonly ClientPlan[]): ClientPlan[] {
  const configs = plans.filter(isReady).map((plan) => plan.config);
  const sameOutput = sharedOutputFiles(configs);
  const sameQueues = sharedQueueFiles(configs);
  return plans.map((plan): ClientPlan => {
    if (!isReady(plan)) return plan;
    const { config, profile } = plan;
    const others = sameOutput.get(config.file);
    const queues = sameQueues.get(config.file);
    if (!others && !queues) return plan;
    const error = others
      ? new ConfigError(
        `${config.file}: ${sharedOutputProblem(config, others)}`,
        "give each client file its own clientName (or environment)",
      )
      : new ConfigError(
        `${config.file}: ${sharedQueueProblem(config, queues!)}`,
        `each client's file names its own instance and queues: connect-metrics discover --profile ${profile} ` +
          "fills them in",
      );
    return { profile, label: profile, error };
  });
}

/**
 * The output folder (and the outbox, with --push) must take files before
 * anything is fetched: otherwise every client's rows are fetched and lost.
 * A scheduled task starts in C:\Windows\System32 unless told otherwise.
 */
async function checkRunFolders(request: RunRequest, outboxDir?: string): Promise<void> {
  const output = await cannotWriteIn(request.outputDir);
  if (output) {
    throw new ConfigError(
      `output folder ${resolve(request.outputDir)}: cannot write to it (${output})`,
      request.outputDirIsDefault
        ? `that is "output" in the working directory; run from a folder you can write to, or give --output-dir`
        : "give --output-dir a folder you can write to",
    );
  }
  const outbox = outboxDir ? await cannotWriteIn(outboxDir) : undefined;
  if (outbox) {
    throw new ConfigError(
      `outbox folder ${outboxDir}: cannot write to it (${outbox})`,
      "give --outbox-dir a folder you can write to",
    );
  }
}
