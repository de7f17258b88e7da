/**
 * Merging discovered queues into a config file (pure): new queues added,
 * queues gone from Connect reported (removed only when pruning), every
 * other field and the order of keys kept.
 */
import { plainId } from "./client_config.ts";
import type { Queue } from "./queue_list.ts";

export interface QueueMerge {
  /** The file's object, ready to write. */
  readonly config: Record<string, unknown>;
  readonly added: readonly Queue[];
  /** In the file but no longer in Connect. */
  readonly gone: readonly Queue[];
  readonly pruned: boolean;
  /** Same id, another name in Connect: the file's name is kept (it is what the dashboard shows). */
  readonly renamed: readonly { readonly id: string; readonly file: string; readonly connect: string }[];
}

export function mergeQueues(
  existing: Record<string, unknown>,
  discovered: readonly Queue[],
  options: { prune: boolean },
): QueueMerge {
  const current = (existing.queues ?? {}) as Record<string, string>;
  const inConnect = new Map(discovered.map((q) => [q.id, q.name]));
  const queues: Record<string, string> = {};
  const gone: Queue[] = [];
  const renamed: { id: string; file: string; connect: string }[] = [];
  for (const [written, name] of Object.entries(current)) {
    // An id the file has in capitals (or with spaces) is Connect's queue: written back as Connect writes it.
    const id = plainId(written);
    const connectName = inConnect.get(id);
    if (connectName === undefined) {
      gone.push({ id: written, name });
      if (options.prune) continue;
      queues[written] = name;
      continue;
    }
    if (connectName !== name) renamed.push({ id, file: name, connect: connectName });
    queues[id] = name;
  }
  const inFile = new Set(Object.keys(current).map(plainId));
  const added = discovered.filter((q) => !inFile.has(q.id));
  for (const q of added) queues[q.id] = q.name;
  // Rebuild in the file's key order, "queues" in its place (or last when new).
  const config: Record<string, unknown> = {};
  for (const key of Object.keys(existing)) config[key] = key === "queues" ? queues : existing[key];
  if (!("queues" in config)) config.queues = queues;
  return { config, added, gone, pruned: options.prune, renamed };
}

/** The lines a user reads: `+` added, `-` removed, `!` gone but kept, `~` named differently in Connect. */
export function describeMerge(merge: QueueMerge): string[] {
  return [
    ...merge.added.map((q) => `+ ${q.id}  ${q.name}`),
    ...merge.gone.map((q) =>
      merge.pruned
        ? `- ${q.id}  ${q.name}  (gone from Connect: removed)`
        : `! ${q.id}  ${q.name}  (gone from Connect: kept; --prune removes it)`
    ),
    ...merge.renamed.map((r) => `~ ${r.id}  "${r.file}" is "${r.connect}" in Connect (the file's name is kept)`),
  ];
}
