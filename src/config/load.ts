/** Reading a client's config file and the settings beside it. */
import { basename, dirname, join } from "node:path";
import {
  type ClientConfig,
  CONFIG_SUFFIX,
  configFileName,
  isPlaceholderId,
  parseClientConfig,
  plainId,
} from "./client_config.ts";
import { ambiguousQueues } from "./check.ts";
import { isObject } from "./json.ts";
import { looseName } from "../util/spelling.ts";
import {
  CONFIG_EXAMPLE_FILE,
  configDirCandidates,
  configDirFiles,
  type ConfigDirInputs,
  findConfigFile,
  insideZipHint,
  isNamedByUser,
  namedConfigDirMissing,
  SETTINGS_EXAMPLE_FILE,
  unreadableConfigDir,
} from "./paths.ts";
import { DEFAULT_SETTINGS, parseSettings, type Settings, SETTINGS_FILE } from "./settings.ts";
import { ConfigError } from "../util/errors.ts";
import { isFileAt } from "../util/atomic_file.ts";
import { NOTEPAD_ADDS_TXT, readUserText } from "../util/text.ts";

export interface LoadedClient {
  readonly config: ClientConfig;
  readonly settings: Settings;
  /** Undefined when there is no settings.json. */
  readonly settingsFile?: string;
  /** LoadedSettings.misnamed: a settings.json.txt there instead. */
  readonly settingsMisnamed?: string;
  /** The directory both came from, and why that one. */
  readonly configDir: string;
  readonly configDirSource: string;
  readonly warnings: readonly string[];
}

/** Finds and validates `<profile>-instance-queues.json` and its settings. */
export async function loadClient(
  inputs: ConfigDirInputs,
  profile: string,
  readSettingsOf: (dir: string) => Promise<LoadedSettings> = readSettings,
): Promise<LoadedClient> {
  const found = await findConfigFile(inputs, configFileName(profile));
  const text = await readText(found.path);
  const { config, warnings } = parseClientConfig(text, found.path);
  const parsedSettings = await readSettingsOf(found.dir);
  return {
    config,
    settings: parsedSettings.settings,
    settingsFile: parsedSettings.file,
    settingsMisnamed: parsedSettings.misnamed,
    configDir: found.dir,
    configDirSource: found.source,
    warnings: [
      ...warnings,
      ...ambiguousQueues(config, text).map((line) => `${found.path}: ${line}`),
      ...parsedSettings.warnings,
    ],
  };
}

export interface LoadedSettings {
  readonly settings: Settings;
  /** Undefined when there is no settings.json and the defaults apply. */
  readonly file?: string;
  readonly warnings: readonly string[];
  /** Why the settings.json.txt found instead of settings.json is not read (it is the user's settings). */
  readonly misnamed?: string;
}

/** `dir`/settings.json, or the defaults when there is none. */
export async function readSettings(dir: string): Promise<LoadedSettings> {
  const file = join(dir, SETTINGS_FILE);
  const text = await readText(file, { optional: true });
  if (text !== undefined) return { ...parseSettings(text, file), file };
  const txt = `${file}.txt`;
  const hasTxt = await isFileAt(txt);
  const misnamed = hasTxt ? misnamedFileLine(txt) : await editedExampleLine(dir);
  return { settings: DEFAULT_SETTINGS, warnings: [], misnamed };
}

/**
 * The MI zip has settings.example.json in config/ and beside the exe; one
 * with a push URL pasted into it is never read. Judged by that URL, not by
 * any difference from this version's example: an older release's example,
 * left beside a newer exe, is no news.
 */
async function editedExampleLine(dir: string): Promise<string | undefined> {
  for (const path of [join(dir, SETTINGS_EXAMPLE_FILE), join(dirname(dir), SETTINGS_EXAMPLE_FILE)]) {
    const example = await readJsonObject(path);
    const url = Object.entries(example ?? {}).find(([key]) =>
      [looseName("powerBiUrl"), looseName("eventHubConnectionString")].includes(looseName(key))
    )?.[1];
    if (typeof url === "string" && url.trim() !== "") {
      return `${path}: not read, as it is the example, and a push URL has been pasted into it; ` +
        `save it as ${join(dir, SETTINGS_FILE)} (the file runs read)`;
    }
  }
  return undefined;
}

/** The JSON object in `path`; undefined when it is not there or not a JSON object. */
async function readJsonObject(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value = JSON.parse(await readUserText(path));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON's content, whatever its spacing and line ends; the text itself if it is not JSON. */
function canonicalJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** `readSettings`, once per directory: the clients of one folder share its settings.json. */
export function settingsReader(): (dir: string) => Promise<LoadedSettings> {
  const read = new Map<string, Promise<LoadedSettings>>();
  return (dir) => {
    let settings = read.get(dir);
    if (!settings) read.set(dir, settings = readSettings(dir));
    return settings;
  };
}

/** The settings of the first config directory that has a settings.json, else the defaults. */
export async function loadSettings(inputs: ConfigDirInputs): Promise<LoadedSettings> {
  for (const { dir } of configDirCandidates(inputs)) {
    const loaded = await readSettings(dir);
    if (loaded.file) return loaded;
  }
  return { settings: DEFAULT_SETTINGS, warnings: [] };
}

async function readText(path: string): Promise<string>;
async function readText(
  path: string,
  options: { optional: true },
): Promise<string | undefined>;
async function readText(
  path: string,
  options?: { optional: true },
): Promise<string | undefined> {
  try {
    return await readUserText(path);
  } catch (e) {
    if (options?.optional && e instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(`${path}: cannot read: ${(e as Error).message}`);
  }
}

/** A config file saved as `...-instance-queues.json.txt`: found, so that it is reported rather than left out. */
const MISNAMED_SUFFIX = `${CONFIG_SUFFIX}.txt`;

/** Why a file saved as `NAME.txt` is not read, and what to do. */
function misnamed(path: string): { message: string; hint: string } {
  return {
    message: `${path}: not read, as its name ends in ".txt"`,
    hint: `rename it to ${basename(path).slice(0, -".txt".length)} (${NOTEPAD_ADDS_TXT})`,
  };
}

/** A `misnamed` file of findClientConfigFiles, as the error of its client. */
export function misnamedConfigError(path: string): ConfigError {
  const { message, hint } = misnamed(path);
  return new ConfigError(message, hint);
}

/** The same, as one line for a warning or check's FAIL line. */
export function misnamedFileLine(path: string): string {
  const { message, hint } = misnamed(path);
  return `${message}; ${hint}`;
}

/**
 * The client config files: the profile's, or every `*-instance-queues.json`
 * of the first config directory that has any (never the built-in example),
 * with any `*-instance-queues.json.txt` there as `misnamed`, and a line for
 * each `strays` file that looks meant as a client's but is not read. Throws a
 * ConfigError when none.
 */
export interface FoundConfigFiles {
  readonly dir: string;
  readonly paths: string[];
  readonly misnamed: string[];
  readonly strays: Stray[];
}

export async function findClientConfigFiles(inputs: ConfigDirInputs, profile?: string): Promise<FoundConfigFiles> {
  if (profile) {
    const found = await findConfigFile(inputs, configFileName(profile));
    return { dir: found.dir, paths: [found.path], misnamed: [], strays: [] };
  }
  const missing = await namedConfigDirMissing(inputs);
  if (missing) throw missing;
  // The built-in example is a template, not a client: --all never runs it.
  const candidates = configDirCandidates(inputs).filter((c) => c.source !== "built-in defaults");
  const allStrays: Stray[] = [];
  for (const candidate of candidates) {
    const { dir } = candidate;
    let names: string[] = [];
    try {
      names = await configDirFiles(dir);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) && isNamedByUser(candidate)) {
        throw await unreadableConfigDir(candidate, error);
      }
    }
    const paths = names.filter((n) => n.endsWith(CONFIG_SUFFIX)).map((n) => join(dir, n));
    const misnamed = names.filter((n) => n.endsWith(MISNAMED_SUFFIX)).map((n) => join(dir, n));
    const notRead = await strays(dir, names);
    if (paths.length + misnamed.length > 0) return { dir, paths, misnamed, strays: notRead };
    allStrays.push(...notRead);
  }
  const places = candidates.map((c) => c.dir).join(", ");
  throw new ConfigError(
    `no *${CONFIG_SUFFIX} files found; looked in ${places}`,
    insideZipHint(inputs) ?? (allStrays.length > 0 ? allStrays.map(strayLine).join("; and ") : undefined) ??
      "connect-metrics init writes an example config to start from",
  );
}

/** A file that looks meant as a client's config but is not read, and what to do. */
export interface Stray {
  readonly path: string;
  readonly why: string;
}

export const strayLine = (stray: Stray) => `${stray.path}: ${stray.why}`;

/**
 * Files of `dir` that look meant as a client's config but are not read:
 * the example edited in place, or a name that only nearly fits (a browser's
 * `... (1).json`, Explorer's `... - Copy.json`, another case). One with the
 * same content as a file that is read (the example saved again under its
 * proper name, an untouched copy) is no news.
 */
async function strays(dir: string, names: readonly string[]): Promise<Stray[]> {
  const stem = CONFIG_SUFFIX.slice(1, -".json".length); // instance-queues
  const candidates = names.filter((name) => {
    const lower = name.toLowerCase();
    return !name.endsWith(CONFIG_SUFFIX) && lower.endsWith(".json") && lower.includes(stem);
  });
  if (candidates.length === 0) return [];
  const contentOf = (name: string) => readUserText(join(dir, name)).then(canonicalJson, () => undefined);
  const read = new Set(await Promise.all(names.filter((n) => n.endsWith(CONFIG_SUFFIX)).map(contentOf)));
  const found: Stray[] = [];
  for (const name of candidates) {
    const path = join(dir, name);
    if (read.has(await contentOf(name))) continue;
    if (name === CONFIG_EXAMPLE_FILE) {
      // Every release's example holds placeholder ids: a real one was typed in (an older example is no news).
      const example = await readJsonObject(path);
      const ids = [example?.instanceId, ...Object.keys(isObject(example?.queues) ? example.queues : {})];
      if (ids.some((id) => typeof id === "string" && !isPlaceholderId(plainId(id)))) {
        found.push({
          path,
          why: "not read, as it is the example, and a client's ids have been typed into it; " +
            `save it as PROFILE${CONFIG_SUFFIX}, PROFILE being its client's AWS profile`,
        });
      }
      continue;
    }
    const at = name.toLowerCase().indexOf(`-${stem}`);
    const meant = at > 0 ? `${name.slice(0, at)}${CONFIG_SUFFIX}` : `PROFILE${CONFIG_SUFFIX}`;
    const why = `not read, as only names ending in "${CONFIG_SUFFIX}" are`;
    found.push({
      path,
      why: names.includes(meant)
        ? `${why}; to replace ${meant}, rename it so; to keep it as a backup, end its name in .bak`
        : `${why}; rename it to ${meant}`,
    });
  }
  return found;
}

/** Every `*-instance-queues.json` in `dir`, validated, in name order. */
export async function loadAllClientConfigs(dir: string): Promise<ClientConfig[]> {
  const names = (await configDirFiles(dir).catch((e) => {
    if (e instanceof Deno.errors.NotFound) throw new ConfigError(`config directory ${dir} not found`);
    throw e;
  })).filter((name) => name.endsWith(CONFIG_SUFFIX));
  const configs: ClientConfig[] = [];
  for (const name of names) {
    const path = join(dir, name);
    configs.push(parseClientConfig(await readText(path), path).config);
  }
  return configs;
}
