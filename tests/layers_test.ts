/**
 * The house's one rule of imports (../shared/STYLE.md): main.ts -> cli/ ->
 * app/ -> {display, sinks, rows, connect, aws, config} -> util/, never back up, with
 * simulator/ beside them as the dev wing; and bench/ uses app/, never cli/.
 */
import { join, relative } from "node:path";
import { assertEquals } from "./assert.ts";
import { REPO } from "./helpers.ts";

/** How high each folder stands: a file may import only from folders of a lower rank (or its own). */
const RANK: Record<string, number> = {
  util: 0,
  config: 1,
  aws: 2,
  connect: 3,
  rows: 3,
  sinks: 3,
  simulator: 4,
  display: 4,
  app: 5,
  cli: 6,
  bench: 6,
};

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** `src/cli/run.ts` -> "cli"; `bench/bench.ts` -> "bench". */
const folderOf = (path: string) => {
  const parts = relative(REPO, path).split("/");
  return parts[0] === "src" ? parts[1] : parts[0];
};

Deno.test("imports run one way: cli -> app -> stages -> util, never back up; bench uses app, not cli", async () => {
  const upward: string[] = [];
  for (const root of [join(REPO, "src"), join(REPO, "bench")]) {
    for await (const file of sourceFiles(root)) {
      const from = folderOf(file);
      const text = await Deno.readTextFile(file);
      for (const [, spec] of text.matchAll(/^(?:import|export)[^;]*? from "(\.[^"]+)"/gms)) {
        const to = folderOf(join(file, "..", spec));
        if (to === from || !(to in RANK)) continue;
        // The stages of the flow may use those to their left: config -> plan -> fetch -> rows -> sinks.
        const ok = (RANK[to] < RANK[from] || (from === "sinks" && (to === "rows" || to === "connect")) ||
          (from === "rows" && to === "connect")) &&
          // The emulators are the dev wing: only the commands that serve them (simulate, demo) and the benchmark.
          (to !== "simulator" || from === "cli" || from === "bench");
        if (!ok) upward.push(`${relative(REPO, file)} imports ${to}/ (${spec})`);
      }
    }
  }
  assertEquals(upward, []);
});
