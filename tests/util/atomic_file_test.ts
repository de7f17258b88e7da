/** Output files are written whole, even when something holds the old one for a moment. */
import { join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { writeFileAtomic } from "../../src/util/atomic_file.ts";

const leftovers = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).filter((n) => n.endsWith(".tmp"));

Deno.test("a file held for a moment (a virus scanner, a reader) is replaced once it is let go", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-atomic-" });
  try {
    const path = join(dir, "tradeuk-dev-metric-data.json");
    // Something stands where the file goes (on Windows: the old file, locked); it goes away after 150 ms.
    await Deno.mkdir(join(path, "held"), { recursive: true });
    setTimeout(() => Deno.removeSync(path, { recursive: true }), 150);
    await writeFileAtomic(path, "[]\n");
    assertEquals(await Deno.readTextFile(path), "[]\n");
    assertEquals(await leftovers(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file that stays held fails after the retries, leaving no temp file and the old one as it was", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-atomic-" });
  try {
    const path = join(dir, "tradeuk-dev-metric-data.json");
    await Deno.mkdir(join(path, "held"), { recursive: true });
    const error = await writeFileAtomic(path, "[]\n").then(() => undefined, (e) => e);
    assert.ok(error instanceof Error, "the write fails");
    assert.ok((await Deno.stat(join(path, "held"))).isDirectory, "what was there is untouched");
    assertEquals(await leftovers(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
