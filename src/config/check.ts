/**
 * `check`'s rules over a set of config files (pure): each file valid, no
 * queue id or name twice in a file, no instance in two files, no two files
 * writing one output file.
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
    const problems = duplicateQueueIds(file.text).map((id) =>
      `queue id ${id} appears twice in "queues"; only the last name would be used`
    );
    const byName = new Map<string, number>();
    for (const q of config.queues) byName.set(q.name.toLowerCase(), (byName.get(q.name.toLowerCase()) ?? 0) + 1);
    for (const [name, count] of byName) {
      if (count > 1) problems.push(`${count} queues are named "${name}": their rows could not be told apart`);
    }
    return { path: file.path, config, problems, warnings: [...parsed.warnings] };
  });
  const byInstance = new Map<string, string[]>();
  for (const c of checks) {
    // Files fresh from init all hold the example's instance: their warning says to run discover.
    if (c.config && !isPlaceholderId(c.config.instanceId)) {
      byInstance.set(c.config.instanceId, [...(byInstance.get(c.config.instanceId) ?? []), c.path]);
    }
  }
  const shared = sharedOutputFiles(checks.flatMap((c) => (c.config ? [c.config] : [])));
  return checks.map((c) => {
    if (!c.config) return c;
    const others = (byInstance.get(c.config.instanceId) ?? []).filter((p) => p !== c.path);
    const sameOutput = shared.get(c.config.file);
    const problems = [
      ...c.problems,
      ...(others.length > 0
        ? [`instance ${c.config.instanceId} is also in ${others.join(", ")}: its rows would be written twice`]
        : []),
      ...(sameOutput ? [sharedOutputProblem(c.config, sameOutput)] : []),
    ];
    return problems.length === c.problems.length ? c : { ...c, problems };
  });
}
