/** Files written whole or not at all, and folders checked before anything is written to them. */
import { dirname, join } from "node:path";

/** Whether anything is at `path` (a file about to be overwritten, or one another run has removed). */
export const pathExists = (path: string): Promise<boolean> => Deno.stat(path).then(() => true, () => false);

/** Whether a file (not a folder) is at `path`. */
export const isFileAt = (path: string): Promise<boolean> => Deno.stat(path).then((s) => s.isFile, () => false);

/**
 * The disk, or the user's quota on it, has no room left. Deno names the
 * error by its POSIX code on every system (Windows' ERROR_DISK_FULL too).
 */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === "ENOSPC" || code === "EDQUOT";
}

/** What to do about a full disk, `flag` being the option that chooses the folder. */
export function fullDiskHint(flag: string): string {
  return `free some space on that disk, or give ${flag} a folder on another disk`;
}

/**
 * Why a file operation failed, in the user's words. Deno's own permission
 * check (the exe may write anywhere the user can, so only a system folder
 * such as /proc meets it) says "run again with --allow-all", which a user of
 * the exe cannot do.
 */
function problemOf(error: unknown): string {
  if (error instanceof Deno.errors.NotCapable) return "the system does not let programs write there";
  return (error as Error).message;
}

/** Why files cannot be written in `dir` (created if missing), or undefined when they can. */
export async function cannotWriteIn(dir: string): Promise<string | undefined> {
  if (await isFileAt(dir)) return "it is a file, not a folder";
  try {
    await Deno.mkdir(dir, { recursive: true });
    const probe = join(dir, `.${crypto.randomUUID()}.tmp`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
    return undefined;
  } catch (error) {
    return problemOf(error);
  }
}

/** Why `file` cannot be appended to (created, with its folder, if missing), or undefined when it can. */
export async function cannotAppendTo(file: string): Promise<string | undefined> {
  try {
    await Deno.mkdir(dirname(file), { recursive: true });
    (await Deno.open(file, { append: true, create: true })).close();
    return undefined;
  } catch (error) {
    return problemOf(error);
  }
}

const utf8 = new TextEncoder();

/**
 * Writes `text` to a temporary file beside `path`, flushes it to the disk,
 * then renames it over `path`: a reader, a run that dies half-way, or the
 * machine losing power never sees half a file (without the flush, the
 * rename can reach the disk before the data does).
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = join(
    dirname(path),
    `.${crypto.randomUUID()}.tmp`,
  );
  try {
    {
      // Written and flushed through one handle, closed before the rename, which Windows may refuse on an open file.
      using file = await Deno.open(temp, { write: true, createNew: true });
      const bytes = utf8.encode(text);
      for (let written = 0; written < bytes.length;) written += await file.write(bytes.subarray(written));
      await file.sync();
    }
    await renameRetrying(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/**
 * Waits between rename attempts. On Windows a virus scanner checking the new
 * file, or a program reading the old one (Power BI Desktop, Excel), can hold
 * it for a moment; giving up at once would lose that minute's rows.
 */
const RENAME_RETRY_MS = [50, 100, 200, 400, 800];

async function renameRetrying(from: string, to: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      return await Deno.rename(from, to);
    } catch (error) {
      if (attempt >= RENAME_RETRY_MS.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, RENAME_RETRY_MS[attempt]));
    }
  }
}
