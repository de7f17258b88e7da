/**
 * `check`'s rules over a set of config files (pure): each file valid, no
 * queue id or name twice in a file, no instance in two files.
 */
import { type ClientConfig, parseClientConfig } from "./client_config.ts";

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
    if (c.config) byInstance.set(c.config.instanceId, [...(byInstance.get(c.config.instanceId) ?? []), c.path]);
  }
  return checks.map((c) => {
    const others = c.config ? byInstance.get(c.config.instanceId)!.filter((p) => p !== c.path) : [];
    return others.length === 0 ? c : {
      ...c,
      problems: [
        ...c.problems,
        `instance ${c.config!.instanceId} is also in ${others.join(", ")}: its rows would be written twice`,
      ],
    };
  });
}
