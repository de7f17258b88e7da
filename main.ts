/**
 * connect-metrics: parse the command line, dispatch to a command, and turn
 * any error into one line on stderr and an exit code.
 */
import denoJson from "./deno.json" with { type: "json" };
import { checkCommand } from "./src/cli/check.ts";
import { demoCommand } from "./src/cli/demo.ts";
import { discoverCommand } from "./src/cli/discover.ts";
import { doubleClick } from "./src/cli/double_click.ts";
import { initCommand } from "./src/cli/init.ts";
import { isInteractive, printError } from "./src/cli/log.ts";
import { USAGE, USAGE_AFTER_ERROR } from "./src/cli/help.ts";
import { runCommand } from "./src/cli/run.ts";
import { schemaCommand } from "./src/cli/schema.ts";
import { simulateCommand } from "./src/cli/simulate.ts";
import { EXIT, exitCodeFor, UsageError } from "./src/util/errors.ts";
import { didYouMean } from "./src/util/spelling.ts";
import { trustSystemCertificates } from "./src/util/tls_trust.ts";

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  check: checkCommand,
  demo: demoCommand,
  discover: discoverCommand,
  init: initCommand,
  schema: schemaCommand,
  simulate: simulateCommand,
};

/** Besides --help and -h: the Windows `/?`, PowerShell's `-?`, and `connect-metrics help`. */
const HELP_FLAGS = new Set(["--help", "-h", "-?", "/?", "/h", "/help"]);

export async function main(argv: string[]): Promise<number> {
  // `deno task start -- ARGS` passes its "--" through on Deno 2.9; no command or flag starts with it.
  if (argv[0] === "--") argv = argv.slice(1);
  if (argv.some((arg) => HELP_FLAGS.has(arg.toLowerCase())) || argv[0] === "help") {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (argv.includes("--version") || argv.includes("-V")) {
    console.log(`connect-metrics ${denoJson.version}`);
    return EXIT.ok;
  }
  const command = COMMANDS[argv[0]];
  try {
    if (!command && argv.length > 0 && !/^[-/]/.test(argv[0])) {
      throw new UsageError(
        `unknown command '${argv[0]}'` + (didYouMean(argv[0], Object.keys(COMMANDS)) ||
          `; the commands are ${Object.keys(COMMANDS).join(", ")}, and a fetch takes flags only ` +
            "(--profile PROFILE, or --all)"),
      );
    }
    trustSystemCertificates(); // before any HTTPS connection is made
    // No arguments on a console: the exe was double-clicked; it keeps its window open whatever happens.
    if (argv.length === 0 && isInteractive()) return await doubleClick();
    return command ? await command(argv.slice(1)) : await runCommand(argv);
  } catch (error) {
    printError(error);
    if (error instanceof UsageError) console.error(`\n${USAGE_AFTER_ERROR}`);
    return exitCodeFor(error);
  }
}

/**
 * The last resort for an error that escaped every handler (a bug): still
 * one masked `error:` line and exit 1, never Deno's raw report, which could
 * carry the push URL's key (a fetch error names its URL) or an AWS secret.
 */
export function catchStrayErrors(): void {
  const fail = (event: Event, error: unknown) => {
    event.preventDefault();
    printError(error);
    Deno.exit(EXIT.failure);
  };
  globalThis.addEventListener("unhandledrejection", (event) => fail(event, event.reason));
  globalThis.addEventListener("error", (event) => fail(event, event.error));
}

if (import.meta.main) {
  catchStrayErrors();
  Deno.exit(await main(Deno.args));
}
