/**
 * `connect-metrics init`: a new install's settings.json and one client
 * config, copied from the commented examples built into the executable.
 */
import { join } from "node:path";
import { parseInitArgs } from "./args.ts";
import { configFileName } from "../config/client_config.ts";
import { configDirForNewFiles, configDirInputs, EMBEDDED_CONFIG_DIR } from "../config/paths.ts";
import { SETTINGS_FILE } from "../config/settings.ts";
import { pathExists, writeFileAtomic } from "../util/atomic_file.ts";
import { UsageError } from "../util/errors.ts";

export const SETTINGS_EXAMPLE = join(EMBEDDED_CONFIG_DIR, "settings.example.json");
export const CONFIG_EXAMPLE = join(EMBEDDED_CONFIG_DIR, "instance-queues.example.json");

export async function initCommand(argv: string[]): Promise<number> {
  const args = parseInitArgs(argv);
  const dir = await configDirForNewFiles(configDirInputs(args.configDir));
  const targets = [
    { path: join(dir, SETTINGS_FILE), from: SETTINGS_EXAMPLE },
    { path: join(dir, configFileName(args.profile)), from: CONFIG_EXAMPLE },
  ];
  if (!args.force) {
    const present = [];
    for (const t of targets) if (await pathExists(t.path)) present.push(t.path);
    if (present.length > 0) {
      throw new UsageError(`${present.join(" and ")} already exist(s); nothing written`, "add --force to overwrite");
    }
  }
  for (const t of targets) {
    await writeFileAtomic(t.path, await Deno.readTextFile(t.from));
    console.log(`wrote ${t.path}`);
  }
  console.log(`
Next:
  1. Edit ${targets[1].path}: clientName, accountId, environment and region.
  2. connect-metrics discover --profile ${args.profile}     fills in the instance and every queue
  3. connect-metrics check --live                            proves credentials and config
  4. connect-metrics --client NAME --environment ENV --profile ${args.profile} [--push]`);
  return 0;
}
