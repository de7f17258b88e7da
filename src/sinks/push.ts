/**
 * `--push`: this run's rows join the outbox, then the whole outbox goes to
 * the destination (Power BI or Event Hubs) oldest first, each file deleted
 * only after the destination took it.
 */
import type { MetricRow } from "../rows/flatten.ts";
import { fullDiskHint } from "../util/atomic_file.ts";
import { PushError } from "../util/errors.ts";
import type { DroppedRows, OutboxFile, PushOutbox } from "./outbox.ts";
import { type BatchLimits, splitIntoBatches } from "./batches.ts";
import type { Sender } from "./sender.ts";

export interface PushReport {
  readonly sentFiles: number;
  readonly sentRows: number;
  readonly requests: number;
  readonly retries: number;
  /** Rows of earlier runs among those sent. */
  readonly backlogRows: number;
  readonly dropped: readonly DroppedRows[];
  /** Files that could not be read (moved aside as *.unreadable). */
  readonly unreadable: readonly string[];
  /** Files of other columns that Power BI refused (moved aside as *.refused). */
  readonly refused: readonly RefusedFile[];
  /** Rows waiting for another dataset (another push URL's): left for a run that pushes there. */
  readonly otherDataset: { readonly files: number; readonly rows: number; readonly tags: readonly string[] };
  /**
   * This run's rows the outbox could not take (a full disk): sent from
   * memory, first, so that the disk being full never stops delivery.
   */
  readonly notKept?: { readonly rows: number; readonly reason: string };
  /** Rows of this dataset left in the outbox at the deadline, for the next push. */
  readonly remaining: { readonly files: number; readonly rows: number };
}

export interface RefusedFile {
  /** The name it was set aside under. */
  readonly name: string;
  readonly rows: number;
  /** Power BI's answer. */
  readonly reason: string;
}

export interface PushPlan {
  readonly outbox: PushOutbox;
  /** Files this run has already put in the outbox (client by client, as each finished): sent as its own. */
  readonly queued?: readonly OutboxFile[];
  /** The outbox bound was applied already this cycle, before any rows were added (runCycle does). */
  readonly boundApplied?: boolean;
  readonly pusher: Sender;
  readonly limits: BatchLimits;
  /** Called as soon as the bound drops rows, before any sending. */
  readonly onDropped?: (dropped: DroppedRows) => void;
  /**
   * The columns of this run's rows. A waiting file with other columns (from
   * before settings.json changed) that Power BI refuses (HTTP 400) can never
   * be sent, and would hold up every later row: it is set aside instead.
   */
  readonly columns?: readonly string[];
  /**
   * No file is started after this instant (epoch ms), beyond as many as
   * this push adds, so that a long backlog (Power BI down for hours) goes
   * over several runs instead of holding up the next fetch; the rest waits,
   * in order, in the outbox.
   */
  readonly deadline?: number;
  /** Nothing is still being sent after this instant (epoch ms): a hung Power BI cannot stretch the run. */
  readonly stopBy?: number;
  readonly now?: () => number;
}

/** Whether `rows` (one file's: all alike) have exactly `columns`. */
function hasColumns(rows: readonly MetricRow[], columns: readonly string[]): boolean {
  const keys = Object.keys(rows[0] ?? {});
  return keys.length === columns.length && columns.every((c) => keys.includes(c));
}

/** Queues `rows` (may be empty: then only what is queued already is sent) and delivers the outbox. */
export async function pushRows(rows: readonly MetricRow[], plan: PushPlan): Promise<PushReport> {
  const { outbox, pusher, limits } = plan;
  // The pusher lives as long as a watch does; this push's share of its counts is the difference.
  const before = { ...pusher.counts };
  // The bound first: what it frees may be what lets this run's rows in.
  const dropped = plan.boundApplied ? [] : await outbox.enforceBound();
  for (const d of dropped) plan.onDropped?.(d);
  let added: OutboxFile[] = [];
  let notKept: { rows: number; reason: string } | undefined;
  if (rows.length > 0) {
    try {
      added = await outbox.add(splitIntoBatches(rows, limits));
    } catch (error) {
      // A full disk (or a folder gone read-only) must not stop delivery: these rows go from memory.
      notKept = { rows: rows.length, reason: (error as Error).message };
    }
  }
  const ours = new Set([...(plan.queued ?? []), ...added].map((f) => f.name));
  let sentFromMemory = 0;
  if (notKept) {
    try {
      for (const batch of splitIntoBatches(rows, limits)) {
        await pusher.post(batch, plan.stopBy);
        sentFromMemory += batch.length;
      }
    } catch (error) {
      if (!(error instanceof PushError)) throw error;
      throw new PushError(
        `${error.message.replace(/\.$/, "")}. ${
          rows.length - sentFromMemory
        } row(s) of this run are lost: the outbox ${outbox.dir} ` +
          `could not keep them (${notKept.reason})`,
        fullDiskHint("--outbox-dir"),
        error.status,
      );
    }
  }

  const listed = await outbox.pending();
  const files = listed.filter((f) => outbox.mine(f));
  const others = listed.filter((f) => !outbox.mine(f));
  let sentFiles = 0;
  let sentRows = 0;
  let backlogRows = 0;
  const unreadable: string[] = [];
  const refused: RefusedFile[] = [];
  let remaining: OutboxFile[] = [];
  const now = plan.now ?? Date.now;
  for (let index = 0; index < files.length; index++) {
    const first = index;
    const file = files[index];
    // At least as many files as this push added (and one), so that the outbox never grows for want of
    // time, even when fetching took the whole budget.
    if (index >= Math.max(1, ours.size) && plan.deadline !== undefined && now() >= plan.deadline) {
      remaining = files.slice(index);
      break;
    }
    // Another run pushing from this folder is sending it.
    if (!(await outbox.claim(file))) continue;
    const group = [file];
    try {
      let groupRows: MetricRow[];
      try {
        groupRows = await outbox.read(file);
        if (!Array.isArray(groupRows)) throw new Error("not a JSON array");
      } catch (error) {
        // Another run (the scheduled task while the exe is open) sent it since the listing: nothing to do.
        if (error instanceof Deno.errors.NotFound) continue;
        await outbox.setAside(file, "unreadable");
        unreadable.push(file.name);
        continue;
      }
      // This run's files, queued client by client, go together while they fit in one request.
      let bytes = file.bytes;
      while (ours.has(file.name) && index + 1 < files.length && ours.has(files[index + 1].name)) {
        const next = files[index + 1];
        if (limits.maxBytes !== undefined && bytes + next.bytes > limits.maxBytes) break;
        if (!(await outbox.claim(next))) break;
        const nextRows = await outbox.read(next).catch(() => undefined);
        if (!Array.isArray(nextRows) || groupRows.length + nextRows.length > limits.maxRows) {
          await outbox.release(next);
          break;
        }
        group.push(next);
        groupRows = groupRows.concat(nextRows);
        bytes += next.bytes;
        index++;
      }
      try {
        // A file from an older run may exceed today's limits (settings changed): split again.
        for (const batch of splitIntoBatches(groupRows, limits)) await pusher.post(batch, plan.stopBy);
      } catch (error) {
        if (!(error instanceof PushError)) throw error;
        if (error.status === 400 && plan.columns && !hasColumns(groupRows, plan.columns)) {
          const name = await outbox.setAside(file, "refused");
          refused.push({ name, rows: groupRows.length, reason: error.message });
          continue;
        }
        const waiting = files.slice(first);
        const waitingRows = await outbox.countRows(waiting);
        throw new PushError(
          `${
            error.message.replace(/\.$/, "")
          }. ${waitingRows} row(s) in ${waiting.length} file(s) are kept in ${outbox.dir} ` +
            `and will be sent by the next --push run`,
          error.hint,
          error.status,
          waitingRows,
        );
      }
      for (const sent of group) await outbox.remove(sent);
      sentFiles += group.length;
      sentRows += groupRows.length;
      if (!ours.has(file.name)) backlogRows += groupRows.length;
    } finally {
      for (const claimed of group) await outbox.release(claimed);
    }
  }
  return {
    sentFiles,
    sentRows: sentRows + sentFromMemory,
    backlogRows,
    notKept,
    requests: pusher.counts.requests - before.requests,
    retries: pusher.counts.retries - before.retries,
    dropped,
    unreadable,
    refused,
    otherDataset: {
      files: others.length,
      rows: await outbox.countRows(others),
      tags: [...new Set(others.map((f) => f.dataset!))],
    },
    remaining: { files: remaining.length, rows: await outbox.countRows(remaining) },
  };
}
