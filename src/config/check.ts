/**
 * `check`'s rules over a set of config files (pure): each file valid, no
 * queue id or name twice in a file, no queue of an instance in two files,
 * no two files writing one output file; and a warning for two files whose
 * rows would look alike in Power BI.
 */
import { type ClientConfig, isPlaceholderId, outputFileName, parseClientConfig } from "./client_config.ts";

export interface ConfigFileText {
  readonly path: string;
  readonly text: string;
}

export interface ConfigCheck {
  readonly path: string;
  /** Set when the file parsed. */
  readonly config?: ClientConfig;
  /** Each makes `check` fail. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

const GUID_KEY = /"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"\s*:/gi;

/** Queue ids written twice in a file: JSON.parse would silently keep only the last. */
export function duplicateQueueIds(text: string): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const [, id] of text.matchAll(GUID_KEY)) {
    const key = id.toLowerCase();
    if (seen.has(key)) twice.add(id);
    seen.add(key);
  }
  return [...twice];
}

/**
 * A queue id written twice in a file (JSON keeps only the last name), or
 * two queues with one name (their rows could not be told apart): `check`
 * fails the file, and a run, which goes on as the 2019 script did, warns.
 */
export function ambiguousQueues(config: ClientConfig, text: string): string[] {
  const lines = duplicateQueueIds(text).map((id) =>
    `queue id ${id} appears twice in "queues"; only the last name would be used`
  );
  const byName = new Map<string, number>();
  for (const q of config.queues) byName.set(q.name.toLowerCase(), (byName.get(q.name.toLowerCase()) ?? 0) + 1);
  for (const [name, count] of byName) {
    if (count > 1) lines.push(`${count} queues are named "${name}": their rows could not be told apart`);
  }
  return lines;
}

/**
 * For each config file whose output file another one would write too (the
 * same clientName and environment), the other files. Each run would write
 * one over the other, and their rows would reach Power BI as one Client.
 */
export function sharedOutputFiles(configs: readonly ClientConfig[]): Map<string, string[]> {
  const byOutput = new Map<string, Set<string>>();
  for (const c of configs) {
    const name = outputFileName(c);
    byOutput.set(name, (byOutput.get(name) ?? new Set()).add(c.file));
  }
  const shared = new Map<string, string[]>();
  for (const files of byOutput.values()) {
    if (files.size > 1) { for (const file of files) shared.set(file, [...files].filter((f) => f !== file)); }
  }
  return shared;
}

/**
 * For each config file with a queue of a Connect instance that another file
 * has too (most often a file copied for a new client, its instance and
 * queues left as they were), the others and the queues. Those queues'
 * rows would be written twice, under both files' names. An instance whose
 * queues are split between clients, each file its own, is no problem.
 * The example's placeholder instance is left to its own warning.
 */
export function sharedQueueFiles(
  configs: readonly ClientConfig[],
): Map<string, { readonly others: string[]; readonly queues: string[] }> {
  const shared = new Map<string, { others: string[]; queues: string[] }>();
  for (const c of configs) {
    if (isPlaceholderId(c.instanceId)) continue;
    for (const other of configs) {
      if (other.file === c.file || other.instanceId !== c.instanceId) continue;
      const ids = new Set(other.queues.map((q) => q.id));
      const both = c.queues.filter((q) => ids.has(q.id)).map((q) => q.name);
      if (both.length === 0) continue;
      const entry = shared.get(c.file) ?? { others: [], queues: [] };
      entry.others.push(other.file);
      entry.queues.push(...both.filter((name) => !entry.queues.includes(name)));
      shared.set(c.file, entry);
    }
  }
  return shared;
}

/** The one line for a file of `sharedQueueFiles`. */
export function sharedQueueProblem(config: ClientConfig, shared: { others: string[]; queues: string[] }): string {
  const names = shared.queues.slice(0, 3).map((name) => `"${name}"`).join(", ") +
    (shared.queues.length > 3 ? ` and ${shared.queues.length - 3} more` : "");
  return `instance ${config.instanceId} is also in ${shared.others.join(", ")}, with ${shared.queues.length} of the ` +
    `same queue(s) (${names}): their rows would be written twice`;
}

/**
 * For each config file whose rows another file's rows would look like in
 * Power BI: the same clientName as written, another environment (DEV and
 * PROD of one client), and a queue name in common. Rows carry no
 * environment, so pushed together they cannot be told apart. Each output
 * file is its own; only a push mixes them, so this is a warning.
 */
export function lookAlikeRowWarnings(configs: readonly ClientConfig[]): Map<string, string> {
  const warnings = new Map<string, string>();
  for (const c of configs) {
    const names = new Set(c.queues.map((q) => q.name));
    const others = configs.filter((o) =>
      o.file !== c.file && o.clientName === c.clientName && o.environment !== c.environment &&
      o.queues.some((q) => names.has(q.name))
    );
    if (others.length === 0) continue;
    warnings.set(
      c.file,
      `${c.file}: its rows (Client "${c.clientName}", environment ${c.environment}) look like those of ` +
        `${others.map((o) => `${o.file} (${o.environment})`).join(", ")} in Power BI, which gets no environment: ` +
        "pushed together, they mix on the dashboard; keep one environment per pushing folder, or give each its own " +
        "clientName",
    );
  }
  return warnings;
}

/** The one line for a file of `sharedOutputFiles`. */
export function sharedOutputProblem(config: ClientConfig, others: readonly string[]): string {
  return `clientName "${config.clientName}" and environment "${config.environment}" are also those of ` +
    `${others.join(", ")}: both would write ${outputFileName(config)}, one over the other`;
}

export function checkConfigFiles(files: readonly ConfigFileText[]): ConfigCheck[] {
  const checks = files.map((file): ConfigCheck => {
    let parsed;
    try {
      parsed = parseClientConfig(file.text, file.path);
    } catch (error) {
      return { path: file.path, problems: [(error as Error).message], warnings: [] };
    }
    const { config } = parsed;
    return { path: file.path, config, problems: ambiguousQueues(config, file.text), warnings: [...parsed.warnings] };
  });
  const configs = checks.flatMap((c) => (c.config ? [c.config] : []));
  const lookAlike = lookAlikeRowWarnings(configs);
  const sameQueues = sharedQueueFiles(configs);
  const shared = sharedOutputFiles(configs);
  return checks.map((c) => {
    if (!c.config) return c;
    const queues = sameQueues.get(c.config.file);
    const sameOutput = shared.get(c.config.file);
    const problems = [
      ...c.problems,
      ...(queues ? [sharedQueueProblem(c.config, queues)] : []),
      ...(sameOutput ? [sharedOutputProblem(c.config, sameOutput)] : []),
    ];
    const alike = lookAlike.get(c.config.file);
    const warnings = alike ? [...c.warnings, alike] : c.warnings;
    return problems.length === c.problems.length && !alike ? c : { ...c, problems, warnings };
  });
}
