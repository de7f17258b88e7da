/** Files written whole or not at all. */
import { dirname, join } from "node:path";

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
