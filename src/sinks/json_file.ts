/** The output file: written whole or not at all. */
import { writeFileAtomic } from "../util/atomic_file.ts";
import { stringifyAscii } from "../util/json.ts";
import type { MetricRow } from "../rows/flatten.ts";

/** The rows as the 2019 tool wrote them: a JSON array, indented, ASCII only (Python's json.dump). */
export async function writeRowsFile(path: string, rows: readonly MetricRow[]): Promise<void> {
  await writeFileAtomic(path, stringifyAscii(rows) + "\n");
}
