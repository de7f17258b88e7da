import { join } from "node:path";
import { assertEquals, assertMatch, rejects } from "../assert.ts";
import { type ConfigDirInputs, EMBEDDED_CONFIG_DIR, findConfigFile } from "../../src/config/paths.ts";
import { ConfigError } from "../../src/util/errors.ts";
import { REPO, seedConfig, writeConfig } from "../helpers.ts";

const FILE = "p-instance-queues.json";

/** A temp tree with a config dir at every place the lookup can use. */
async function tree() {
  const root = await Deno.makeTempDir();
  const places = {
    flag: join(root, "flag"),
    env: join(root, "env"),
    cwd: join(root, "cwd"),
    exe: join(root, "exe"),
    embedded: join(root, "embedded"),
  };
  for (const dir of Object.values(places)) {
    await writeConfig(dir === places.cwd || dir === places.exe ? join(dir, "config") : dir, "p", seedConfig());
  }
  const inputs: ConfigDirInputs = {
    flag: places.flag,
    env: places.env,
    cwd: places.cwd,
    execPath: join(places.exe, "connect-metrics.exe"),
    embedded: places.embedded,
  };
  return { root, places, inputs };
}

Deno.test("config lookup order: flag, env, ./config, beside the exe, built in", async (t) => {
  const { root, places, inputs } = await tree();
  try {
    await t.step("--config-dir wins over everything", async () => {
      assertEquals(await findConfigFile(inputs, FILE), {
        dir: places.flag,
        source: "--config-dir",
        path: join(places.flag, FILE),
      });
    });
    await t.step("then CONNECT_METRICS_CONFIG_DIR", async () => {
      const found = await findConfigFile({ ...inputs, flag: undefined }, FILE);
      assertEquals([found.dir, found.source], [places.env, "CONNECT_METRICS_CONFIG_DIR"]);
    });
    const plain = { ...inputs, flag: undefined, env: undefined };
    await t.step("then ./config in the working directory", async () => {
      const found = await findConfigFile(plain, FILE);
      assertEquals([found.dir, found.source], [join(places.cwd, "config"), "working directory"]);
    });
    await t.step("then config/ beside the executable", async () => {
      await Deno.remove(join(places.cwd, "config"), { recursive: true });
      const found = await findConfigFile(plain, FILE);
      assertEquals([found.dir, found.source], [join(places.exe, "config"), "beside the executable"]);
    });
    await t.step("then the built-in copy", async () => {
      await Deno.remove(join(places.exe, "config"), { recursive: true });
      const found = await findConfigFile(plain, FILE);
      assertEquals([found.dir, found.source], [places.embedded, "built-in defaults"]);
    });
    await t.step("nowhere: one line listing every place looked", async () => {
      await Deno.remove(places.embedded, { recursive: true });
      const error = await rejects(() => findConfigFile(plain, FILE), ConfigError);
      assertMatch(
        error.message,
        /^config file p-instance-queues\.json not found; looked in .*cwd\/config \(working directory\), .*exe\/config \(beside the executable\), .*embedded \(built-in defaults\)$/,
      );
    });
    await t.step("a directory named by the flag is the only place looked, and one not there is said so", async () => {
      const error = await rejects(() => findConfigFile({ ...inputs, flag: join(root, "nope") }, FILE), ConfigError);
      assertMatch(error.message, /nope \(--config-dir\): no such folder$/);
      await Deno.mkdir(join(root, "empty"));
      const empty = await rejects(() => findConfigFile({ ...inputs, flag: join(root, "empty") }, FILE), ConfigError);
      assertMatch(empty.message, /looked in .*empty \(--config-dir\)$/);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the built-in copy is the repository's config/ (what deno compile --include config embeds)", () => {
  assertEquals(EMBEDDED_CONFIG_DIR, join(REPO, "config"));
});
