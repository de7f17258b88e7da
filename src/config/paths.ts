/**
 * Where files are. Config files, in order: `--config-dir`, then
 * CONNECT_METRICS_CONFIG_DIR, then ./config in the working directory, then
 * config/ beside the executable, then the copy built into the executable.
 * A directory named by the flag or the variable is the only place looked.
 * And where the output and the outbox go when no flag says.
 */
import { basename, dirname, join, resolve, sep } from "node:path";
import { ConfigError } from "../util/errors.ts";
import { isFileAt } from "../util/atomic_file.ts";
import { likelyMeant } from "../util/spelling.ts";
import { CONFIG_SUFFIX } from "./client_config.ts";
import { NOTEPAD_ADDS_TXT, unquoted } from "../util/text.ts";

export type ConfigDirSource =
  | "--config-dir"
  | "CONNECT_METRICS_CONFIG_DIR"
  | "working directory"
  | "beside the executable"
  | "built-in defaults";

export interface ConfigDir {
  readonly dir: string;
  readonly source: ConfigDirSource;
}

export interface ConfigDirInputs {
  readonly flag?: string;
  readonly env?: string;
  readonly cwd: string;
  readonly execPath: string;
  readonly embedded: string;
}

/** The built-in example configs (embedded by `deno compile --include config`). */
export const EMBEDDED_CONFIG_DIR = join(import.meta.dirname!, "..", "..", "config");

/** The commented settings.json that `init` writes; the MI zip has copies named so, in config/ and beside the exe. */
export const SETTINGS_EXAMPLE_FILE = "settings.example.json";
export const SETTINGS_EXAMPLE = join(EMBEDDED_CONFIG_DIR, SETTINGS_EXAMPLE_FILE);
/** The commented client config that `init` copies; the MI zip has it in config/. */
export const CONFIG_EXAMPLE_FILE = "instance-queues.example.json";
export const CONFIG_EXAMPLE = join(EMBEDDED_CONFIG_DIR, CONFIG_EXAMPLE_FILE);

/** True inside an executable built by `deno compile` (its modules live in a deno-compile-* virtual folder). */
export const IS_COMPILED = import.meta.url.includes("deno-compile-");

/**
 * Where the tool keeps what it writes for itself (logs): beside the exe
 * when compiled, the working directory when run from source.
 */
export function appDir(): string {
  return IS_COMPILED ? dirname(Deno.execPath()) : Deno.cwd();
}

/**
 * The user's own folder for the tool's logs, for when the folder beside the
 * exe cannot be written (e.g. under Program Files): %LOCALAPPDATA% on
 * Windows, else $XDG_STATE_HOME or ~/.local/state.
 */
export function userStateDir(): string | undefined {
  const local = Deno.env.get("LOCALAPPDATA");
  if (local) return join(local, "connect-metrics");
  const state = Deno.env.get("XDG_STATE_HOME");
  if (state) return join(state, "connect-metrics");
  const home = Deno.env.get("HOME");
  return home ? join(home, ".local", "state", "connect-metrics") : undefined;
}

/** The environment's inputs, read once. */
export function configDirInputs(flag?: string): ConfigDirInputs {
  return {
    flag,
    env: unquoted(Deno.env.get("CONNECT_METRICS_CONFIG_DIR") ?? "") || undefined,
    cwd: Deno.cwd(),
    execPath: Deno.execPath(),
    embedded: EMBEDDED_CONFIG_DIR,
  };
}

/** The directories to look in, in order (pure). */
export function configDirCandidates(inputs: ConfigDirInputs): ConfigDir[] {
  if (inputs.flag) {
    return [{ dir: resolve(inputs.cwd, inputs.flag), source: "--config-dir" }];
  }
  if (inputs.env) {
    return [{ dir: resolve(inputs.cwd, inputs.env), source: "CONNECT_METRICS_CONFIG_DIR" }];
  }
  return [
    { dir: join(inputs.cwd, "config"), source: "working directory" },
    { dir: join(dirname(inputs.execPath), "config"), source: "beside the executable" },
    { dir: inputs.embedded, source: "built-in defaults" },
  ];
}

/**
 * Where `init` and `discover` put a new file: the folder runs will read it
 * from. That is ./config when it exists, else config/ beside the exe when
 * that exists (the MI zip has one), so that `C:\connect-metrics\connect-metrics.exe
 * init` typed in a prompt open at the user's home folder does not write where
 * neither a double-click nor a scheduled task will look. Else ./config.
 */
export async function configDirForNewFiles(inputs: ConfigDirInputs): Promise<string> {
  const [first, ...rest] = configDirCandidates(inputs).filter((c) => c.source !== "built-in defaults");
  if (isNamedByUser(first)) return first.dir;
  for (const candidate of [first, ...rest]) {
    if (await Deno.stat(candidate.dir).then((s) => s.isDirectory, () => false)) return candidate.dir;
  }
  return first.dir;
}

/**
 * The hint when no config is found and the exe was started from inside a
 * zip: Windows Explorer then runs a temporary copy of the exe alone
 * (...\Temp1_connect-dashboard-metrics.zip\connect-metrics.exe), without
 * the config folder that is beside it in the zip.
 */
export function insideZipHint(inputs: ConfigDirInputs): string | undefined {
  if (inputs.flag || inputs.env || !/\.zip[\\/]/i.test(inputs.execPath)) return undefined;
  return "connect-metrics was started from inside the zip file: extract the whole zip (right-click it, Extract All) " +
    "and start connect-metrics.exe from the extracted folder";
}

/**
 * The first candidate directory that holds `fileName`, with the file's path.
 * Throws a ConfigError listing every place looked when none does.
 */
export async function findConfigFile(
  inputs: ConfigDirInputs,
  fileName: string,
): Promise<ConfigDir & { path: string }> {
  const missing = await namedConfigDirMissing(inputs);
  if (missing) throw missing;
  const candidates = configDirCandidates(inputs);
  for (const candidate of candidates) {
    const path = join(candidate.dir, fileName);
    if (await isFile(path, candidate)) return { ...candidate, path };
  }
  const places = candidates.map((c) => `${c.dir} (${c.source})`).join(", ");
  const misnamed = await Promise.all(
    candidates.map(async (c) => {
      const path = join(c.dir, `${fileName}.txt`);
      return await isFile(path, c).catch(() => false) ? path : undefined;
    }),
  );
  const txt = misnamed.find((path) => path !== undefined);
  const near = await nearlyNamed(candidates, fileName);
  throw new ConfigError(
    `config file ${fileName} not found; looked in ${places}`,
    (txt && `${txt} is there instead: rename it to ${fileName} (${NOTEPAD_ADDS_TXT})`) ??
      insideZipHint(inputs) ??
      (near && `${near} is there; did you mean --profile ${basename(near).slice(0, -CONFIG_SUFFIX.length)}?`) ??
      "the file is named <profile>-instance-queues.json: check --profile, or pass --config-dir",
  );
}

/**
 * The names of the files in a config folder, sorted: the one scan of a
 * folder that every reader of it uses. A link to a file counts as the file
 * (an analyst may link a client's file from a shared folder). Throws what
 * reading the folder throws (NotFound, PermissionDenied) for the caller to say.
 */
export async function configDirFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile || (entry.isSymlink && await isFileAt(join(dir, entry.name)))) names.push(entry.name);
  }
  return names.sort();
}

/** A config file in one of `candidates` whose name is `fileName` mistyped (`tradeuk-prd` for `tradeuk-prod`). */
async function nearlyNamed(candidates: readonly ConfigDir[], fileName: string): Promise<string | undefined> {
  for (const { dir } of candidates) {
    // Not there, or not readable: said by the "looked in" list.
    const names = (await configDirFiles(dir).catch(() => [])).filter((name) => name.endsWith(CONFIG_SUFFIX));
    const meant = likelyMeant(fileName, names);
    if (meant) return join(dir, meant);
  }
  return undefined;
}

/**
 * Whether the user named this directory (--config-dir, the variable). One
 * they did not name and that cannot be read is passed over: a scheduled
 * task's working directory is C:\Windows\System32, whose "config" folder
 * (the registry's) only administrators may read.
 */
export function isNamedByUser(candidate: ConfigDir): boolean {
  return candidate.source === "--config-dir" || candidate.source === "CONNECT_METRICS_CONFIG_DIR";
}

/**
 * A config folder the user named (--config-dir, the variable) that does not
 * exist is a mistake to say as such, with the folder they likely meant:
 * not "no files found", nor a hint to make new ones with init.
 */
export async function namedConfigDirMissing(inputs: ConfigDirInputs): Promise<ConfigError | undefined> {
  const [candidate] = configDirCandidates(inputs);
  // lstat: a link that cannot be followed is there, and "cannot read it" says more of it than "no such folder".
  const there = await Deno.lstat(candidate.dir).then(() => true, (error) => !(error instanceof Deno.errors.NotFound));
  if (!isNamedByUser(candidate) || there) return undefined;
  const parent = dirname(candidate.dir);
  const siblings: string[] = [];
  try {
    for await (const entry of Deno.readDir(parent)) if (entry.isDirectory) siblings.push(entry.name);
  } catch {
    // the parent is not there either: nothing to suggest
  }
  const meant = likelyMeant(basename(candidate.dir), siblings);
  return new ConfigError(
    `${candidate.dir} (${candidate.source}): no such folder`,
    meant
      ? `did you mean ${join(parent, meant)}?`
      : `give the folder that holds the *${CONFIG_SUFFIX} files; connect-metrics init --config-dir DIR starts a new one`,
  );
}

/** The ConfigError for a config directory the user named that cannot be read. */
export async function unreadableConfigDir(candidate: ConfigDir, error: unknown): Promise<ConfigError> {
  if (await isFileAt(candidate.dir)) {
    // --config-dir config\tradeuk-prod-instance-queues.json: the file, where its folder was meant.
    return new ConfigError(
      `${candidate.dir} (${candidate.source}) is a file, not a folder`,
      `give the folder it is in: ${dirname(candidate.dir)}`,
    );
  }
  return new ConfigError(`${candidate.dir} (${candidate.source}): cannot read it (${(error as Error).message})`);
}

async function isFile(path: string, candidate: ConfigDir): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || !isNamedByUser(candidate)) return false;
    throw await unreadableConfigDir(candidate, e);
  }
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

/** outbox/ beside the output folder. */
export function defaultOutboxDir(outputDir: string): string {
  return join(dirname(resolve(outputDir)), "outbox");
}
