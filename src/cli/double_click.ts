/**
 * No arguments on an interactive console: the exe was double-clicked. Run
 * every client with settings.json's push destination and interval, show tables,
 * and keep the window open until Enter, also after an error.
 */
import { printError } from "./log.ts";
import { run, type RunArgs } from "./run.ts";
import { loadSettings } from "../config/load.ts";
import { appDir, configDirInputs, defaultOutboxDir, defaultOutputDir } from "../config/paths.ts";
import { pushConfigured } from "../app/delivery.ts";
import { EXIT, exitCodeFor } from "../util/errors.ts";

export async function doubleClick(): Promise<number> {
  let code: number;
  try {
    const loaded = await loadSettings(configDirInputs());
    const { settings, file } = loaded;
    const outputDir = defaultOutputDir();
    const args: RunArgs = {
      profiles: [],
      all: true,
      outputDir,
      push: pushConfigured(loaded) ? {} : undefined,
      outboxDir: defaultOutboxDir(outputDir),
      everyMs: settings.everyMs,
      verbosity: "normal",
      logFormat: "text",
    };
    const flags = [
      "--all",
      ...(args.push ? ["--push"] : []),
      ...(args.everyMs ? ["--every", `${args.everyMs / 1000}s`] : []),
    ];
    console.log(`connect-metrics ${flags.join(" ")}  (settings: ${file ?? "none found, defaults"})\n`);
    code = await run(args, { tables: true });
  } catch (error) {
    printError(error);
    code = exitCodeFor(error);
    // Something to set up, and whoever double-clicked may never have typed a command.
    if (code === EXIT.usage) {
      console.error(
        `set-up: README-MI.md beside the exe goes through it step by step; commands such as ` +
          `"connect-metrics init" are typed in a Command Prompt opened in ${appDir()} ` +
          `(type cmd in the address bar of Explorer's window on that folder)`,
      );
    }
  }
  prompt("\nPress Enter to close this window.");
  return code;
}
