/**
 * `connect-metrics init`: a new install's settings.json and one client
 * config, copied from the commented examples built into the executable.
 * Run once per client: a settings.json already there holds the push URL and
 * the team's choices, so it is kept, even with --force.
 */
import { join } from "node:path";
import { parseFlags, profileFlag, trimmed } from "./parse.ts";
import { configFileName } from "../config/client_config.ts";
import { CONFIG_EXAMPLE, configDirForNewFiles, configDirInputs, SETTINGS_EXAMPLE } from "../config/paths.ts";
import { SETTINGS_FILE } from "../config/settings.ts";
import { pathExists, writeFileAtomic } from "../util/atomic_file.ts";
import { UsageError } from "../util/errors.ts";

/** Its lines in `--help` (under "Commands:"). */
export const INIT_HELP =
  `  init                  write an example PROFILE-instance-queues.json (default example-client-dev), and
                        settings.json when there is none (an existing one is kept, even with --force)`;

export const INIT_OPTIONS = {
  profile: { type: "string" },
  "config-dir": { type: "string" },
  force: { type: "boolean" },
} as const;

export const INIT_EXAMPLE_PROFILE = "example-client-dev";

export interface InitArgs {
  readonly profile: string;
  readonly configDir?: string;
  readonly force: boolean;
}

/** `connect-metrics init [--profile P] [--config-dir DIR] [--force]` */
export function parseInitArgs(argv: string[]): InitArgs {
  const values = parseFlags(argv, INIT_OPTIONS);
  return {
    profile: profileFlag(values.profile ?? "") || INIT_EXAMPLE_PROFILE,
    configDir: trimmed(values["config-dir"]),
    force: values.force ?? false,
  };
}

export async function initCommand(argv: string[]): Promise<number> {
  const args = parseInitArgs(argv);
  const dir = await configDirForNewFiles(configDirInputs(args.configDir));
  const settings = join(dir, SETTINGS_FILE);
  const client = join(dir, configFileName(args.profile));
  if (!args.force && await pathExists(client)) {
    throw new UsageError(
      `${client} already exists; nothing written`,
      "give another --profile for a new client, or add --force to replace this one with the example (its queues are lost)",
    );
  }
  const keepSettings = await pathExists(settings);
  if (!keepSettings) {
    await writeFileAtomic(settings, await Deno.readTextFile(SETTINGS_EXAMPLE));
    console.log(`wrote ${settings}`);
  }
  await writeFileAtomic(client, await Deno.readTextFile(CONFIG_EXAMPLE));
  console.log(`wrote ${client}`);
  if (keepSettings) console.log(`kept ${settings} as it is (init never replaces it)`);
  const steps: [string, string][] = [
    [`Edit ${client}:`, "clientName, accountId, environment and region"],
    [`connect-metrics discover --profile ${args.profile}`, "fills in the instance and every queue"],
    ["connect-metrics check --live", "proves credentials and config"],
  ];
  if (!keepSettings) {
    steps.push([`For --push, paste the Power BI dataset's Push URL into "powerBiUrl" in ${settings}`, ""]);
  }
  steps.push([`connect-metrics --client NAME --environment ENV --profile ${args.profile} [--push]`, ""]);
  const width = Math.max(...steps.filter(([, why]) => why).map(([what]) => what.length));
  console.log("\nNext:");
  steps.forEach(([what, why], i) => console.log(`  ${i + 1}. ${why ? `${what.padEnd(width)}  ${why}` : what}`));
  return 0;
}
