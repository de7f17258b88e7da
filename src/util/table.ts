/** Plain-text tables for people reading a terminal. */

/** Rows as aligned columns: text left, numbers right. */
export function formatTable(rows: readonly Record<string, string | number>[], columns: readonly string[]): string {
  const cell = (value: string | number | undefined) => value === undefined ? "" : String(value);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: (string | number | undefined)[]) =>
    values
      .map((v, i) => typeof v === "number" ? cell(v).padStart(widths[i]) : cell(v).padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [
    line([...columns]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map((r) => line(columns.map((c) => r[c]))),
  ].join("\n");
}
