/** The output file: written whole or not at all. */
import { writeFileAtomic } from "../util/atomic_file.ts";
import { stringifyAscii } from "../util/json.ts";
import type { ClientConfig } from "../config/client_config.ts";
import type { MetricRow } from "../rows/flatten.ts";

/** `<client>-<environment>-metric-data.json`, lower-case, safe on Windows. */
export function outputFileName(config: Pick<ClientConfig, "clientName" | "environment">): string {
  const safe = (text: string) => text.toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
  return `${safe(config.clientName)}-${safe(config.environment)}-metric-data.json`;
}

/** The rows as the 2019 tool wrote them: a JSON array, indented, ASCII only (Python's json.dump). */
export async function writeRowsFile(path: string, rows: readonly MetricRow[]): Promise<void> {
  await writeFileAtomic(path, stringifyAscii(rows) + "\n");
}
