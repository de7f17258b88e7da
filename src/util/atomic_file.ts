/** Files written whole or not at all, and folders checked before anything is written to them. */
import { dirname, join } from "node:path";

/** Why files cannot be written in `dir` (created if missing), or undefined when they can. */
export async function cannotWriteIn(dir: string): Promise<string | undefined> {
  try {
    await Deno.mkdir(dir, { recursive: true });
    const probe = join(dir, `.${crypto.randomUUID()}.tmp`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Writes `text` to a temporary file beside `path`, then renames it over
 * `path`: a reader, or a run that dies half-way, never sees half a file.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = join(
    dirname(path),
    `.${crypto.randomUUID()}.tmp`,
  );
  try {
    await Deno.writeTextFile(temp, text);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
