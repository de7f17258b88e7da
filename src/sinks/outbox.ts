/**
 * The push outbox: rows waiting for Power BI (or Event Hubs), one file per request body,
 * beside the output folder. Rows are written here before they are sent and
 * a file is deleted only after the destination took it, so a run that dies at any
 * moment loses nothing (a row may arrive twice, never zero times). Each
 * file names the dataset it is for, so that two scheduled tasks pushing to
 * two datasets (a test and a live dashboard) never send each other's rows.
 */
import { DEFAULT_PUSH_SETTINGS } from "../config/settings.ts";
import { join } from "node:path";
import type { MetricRow } from "../rows/flatten.ts";
import { pathExists, writeFileAtomic } from "../util/atomic_file.ts";

export interface OutboxBound {
  readonly maxAgeDays: number;
  readonly maxMB: number;
}

/**
 * Without outboxMaxMB in settings.json, the outbox holds this many cycles
 * of the fleet's rows (half an hour of Power BI down, at a run a minute),
 * never less than the smallest bound nor more than the largest.
 */
export const OUTBOX_SIZING = { cycles: 30, minMB: 50, maxMB: 2048 } as const;

/** The outbox's size bound for a fleet whose cycle makes `cycleBytes` of rows. */
export function outboxBoundMB(cycleBytes: number): number {
  const mb = Math.ceil(OUTBOX_SIZING.cycles * cycleBytes / (1024 * 1024));
  return Math.min(OUTBOX_SIZING.maxMB, Math.max(OUTBOX_SIZING.minMB, mb));
}

/** settings.json's defaults, their one home (the size: a small fleet's). */
export const DEFAULT_OUTBOX_BOUND: OutboxBound = {
  maxAgeDays: DEFAULT_PUSH_SETTINGS.outboxMaxDays,
  maxMB: OUTBOX_SIZING.minMB,
};

/** One waiting request body. */
export interface OutboxFile {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  /** When it was queued (epoch ms), read from the name. */
  readonly queuedAt: number;
  /** The dataset's tag (PushTarget.tag); none in files from before tags, which go to any dataset. */
  readonly dataset?: string;
}

/** What enforcing the bound threw away: said loudly by the caller. */
export interface DroppedRows {
  readonly files: number;
  readonly rows: number;
  readonly reason: string;
}

const NAME = /^(\d{8}T\d{9}Z)-(\d{6})-[0-9a-f]{8}(?:-for-([0-9a-f]{8}))?\.json$/;
const DAY_MS = 86_400_000;
/** Files `setAside` renamed: kept for the user to look at, for as long as the age bound keeps waiting rows. */
const SET_ASIDE = /\.json\.(unreadable|refused)$/;
/** Temp files older than this belong to a run that died mid-write. */
const STALE_TEMP_MS = 3_600_000;
/** Beside a file a run is sending: see `claim`. */
const CLAIM = ".sending";

async function sameFile(handle: Deno.FsFile, path: string): Promise<boolean> {
  const [open, named] = [await handle.stat(), await Deno.lstat(path).catch(() => null)];
  return named !== null && named.ino === open.ino && named.dev === open.dev;
}

/** `20261128T151538123Z`: sorts in time order as text. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, "");
}

function parseStamp(text: string): number {
  const [, y, mo, d, h, mi, s, ms] = text.match(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z$/)!;
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms);
}

let sequence = 0;

/** The files of `dir` set aside as unreadable or refused, oldest first; none when there is no such folder. */
export async function setAsideFiles(dir: string): Promise<{ name: string; why: "unreadable" | "refused" }[]> {
  const names = await Array.fromAsync(Deno.readDir(dir)).catch(() => []);
  return names.flatMap((entry) => {
    const why = entry.isFile ? entry.name.match(SET_ASIDE)?.[1] : undefined;
    return why ? [{ name: entry.name, why: why as "unreadable" | "refused" }] : [];
  }).sort((a, b) => (a.name < b.name ? -1 : 1));
}

export class PushOutbox {
  /** Locked claim files of the files this run is sending, by path. */
  readonly #claims = new Map<string, Deno.FsFile>();

  /** `dataset`: the tag of the dataset this run pushes to; its files are `mine`. */
  constructor(
    readonly dir: string,
    readonly bound: OutboxBound = DEFAULT_OUTBOX_BOUND,
    private readonly now: () => number = Date.now,
    readonly dataset?: string,
  ) {}

  /** Whether a waiting file is for this outbox's dataset (untagged files are for any). */
  mine(file: OutboxFile): boolean {
    return file.dataset === undefined || this.dataset === undefined || file.dataset === this.dataset;
  }

  /** Queues each batch as its own file, atomically, in order. */
  async add(batches: readonly (readonly MetricRow[])[]): Promise<OutboxFile[]> {
    const added: OutboxFile[] = [];
    for (const rows of batches) {
      const queuedAt = this.now();
      sequence = (sequence + 1) % 1_000_000;
      const random = crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0");
      const tag = this.dataset === undefined ? "" : `-for-${this.dataset}`;
      const name = `${stamp(queuedAt)}-${String(sequence).padStart(6, "0")}-${random}${tag}.json`;
      const path = join(this.dir, name);
      const text = JSON.stringify(rows) + "\n";
      await writeFileAtomic(path, text);
      const bytes = new TextEncoder().encode(text).length;
      added.push({ name, path, bytes, queuedAt, ...(this.dataset === undefined ? {} : { dataset: this.dataset }) });
    }
    return added;
  }

  /** Every waiting file, oldest first, whichever dataset it is for. */
  async pending(): Promise<OutboxFile[]> {
    const files: OutboxFile[] = [];
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        const match = entry.isFile ? entry.name.match(NAME) : null;
        if (!match) continue;
        const path = join(this.dir, entry.name);
        const { size } = await Deno.stat(path);
        files.push({
          name: entry.name,
          path,
          bytes: size,
          queuedAt: parseStamp(match[1]),
          ...(match[3] ? { dataset: match[3] } : {}),
        });
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async read(file: OutboxFile): Promise<MetricRow[]> {
    // A file opened and saved again in Notepad starts with a byte-order mark: still the same rows.
    return JSON.parse((await Deno.readTextFile(file.path)).replace(/^\uFEFF/, ""));
  }

  /**
   * Out of the queue but kept, as `NAME.why` beside it (`unreadable`,
   * `refused`): rows that can never be sent as they are, but are not lost.
   */
  async setAside(file: OutboxFile, why: string): Promise<string> {
    const name = `${file.name}.${why}`;
    await Deno.rename(file.path, join(this.dir, name)).catch(() => {});
    return name;
  }

  /** After the destination took it (200, 201). A file already gone (another run sent it) is fine. */
  async remove(file: OutboxFile): Promise<void> {
    await Deno.remove(file.path).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }

  /**
   * Takes a waiting file for this run to send, so that another run pushing
   * from the same folder (the open exe and the scheduled task) does not send
   * it too: an exclusive lock on `NAME.sending`. False while another run
   * holds it. The system drops the lock of a run that dies, so its files go
   * with the next run. Every true is followed by `release`.
   */
  async claim(file: OutboxFile): Promise<boolean> {
    const path = file.path + CLAIM;
    let handle: Deno.FsFile;
    try {
      handle = await Deno.open(path, { write: true, create: true });
    } catch (error) {
      // Windows: being removed by the run that has just released it.
      if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
    // The run that held it before may have removed it since this opened it: only a lock on the file the name
    // still stands for counts.
    const held = await handle.tryLock(true) && await sameFile(handle, path);
    if (held) this.#claims.set(file.path, handle);
    else handle.close();
    return held;
  }

  /** After sending, setting aside, or failing to send a claimed file. */
  async release(file: OutboxFile): Promise<void> {
    const handle = this.#claims.get(file.path);
    if (!handle) return;
    this.#claims.delete(file.path);
    // Removed while still locked, so that no run can lock it in between.
    await Deno.remove(file.path + CLAIM).catch(() => {});
    handle.close();
  }

  /** Rows waiting, counted by reading the files. */
  async countRows(files: readonly OutboxFile[]): Promise<number> {
    let rows = 0;
    for (const file of files) rows += (await this.read(file).catch(() => [])).length;
    return rows;
  }

  /**
   * Drops files older than the age bound, then the oldest files until the
   * rest fit the size bound; also clears temp files and claims of runs that
   * died.
   */
  async enforceBound(): Promise<DroppedRows[]> {
    const now = this.now();
    await this.#removeLeftovers(now);
    let files = await this.pending();
    const dropped: DroppedRows[] = [];
    const old = files.filter((f) => now - f.queuedAt > this.bound.maxAgeDays * DAY_MS);
    if (old.length > 0) {
      dropped.push({
        files: old.length,
        rows: await this.#drop(old),
        reason: `older than ${this.bound.maxAgeDays} days`,
      });
      files = files.slice(old.length);
    }
    const maxBytes = this.bound.maxMB * 1024 * 1024;
    let total = files.reduce((sum, f) => sum + f.bytes, 0);
    const over: OutboxFile[] = [];
    for (const file of files) {
      if (total <= maxBytes) break;
      over.push(file);
      total -= file.bytes;
    }
    if (over.length > 0) {
      dropped.push({ files: over.length, rows: await this.#drop(over), reason: `over ${this.bound.maxMB} MB` });
    }
    return dropped;
  }

  async #drop(files: readonly OutboxFile[]): Promise<number> {
    const rows = await this.countRows(files);
    for (const file of files) await this.remove(file);
    return rows;
  }

  async #removeLeftovers(now: number): Promise<void> {
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        if (!entry.isFile) continue;
        const path = join(this.dir, entry.name);
        if (entry.name.endsWith(CLAIM)) {
          // Left by a run that died after sending the file it claims.
          if (!(await pathExists(path.slice(0, -CLAIM.length)))) await Deno.remove(path).catch(() => {});
          continue;
        }
        // Rows set aside (unreadable, refused) are kept as long as waiting rows are, then go too.
        const setAside = SET_ASIDE.test(entry.name);
        if (!entry.name.endsWith(".tmp") && !setAside) continue;
        const { mtime } = await Deno.stat(path);
        const maxAgeMs = setAside ? this.bound.maxAgeDays * DAY_MS : STALE_TEMP_MS;
        if (mtime && now - mtime.getTime() > maxAgeMs) await Deno.remove(path).catch(() => {});
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
