/** The output file: written whole or not at all. */
import { dirname, join } from "node:path";
import type { ClientConfig } from "../config/client_config.ts";
import type { MetricRow } from "../rows/flatten.ts";

/** `<client>-<environment>-metric-data.json`, lower-case, safe on Windows. */
export function outputFileName(config: Pick<ClientConfig, "clientName" | "environment">): string {
  const safe = (text: string) => text.toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
  return `${safe(config.clientName)}-${safe(config.environment)}-metric-data.json`;
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

/** The rows as the 2019 tool wrote them: a JSON array, indented. */
export async function writeRowsFile(path: string, rows: readonly MetricRow[]): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(rows, null, 2) + "\n");
}
