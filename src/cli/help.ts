/**
 * The help text: what a user sees with --help, and in brief after a usage
 * error. Each command's own lines live in its file, beside its flags.
 */
import { CHECK_HELP } from "./check.ts";
import { DEMO_HELP } from "./demo.ts";
import { DISCOVER_HELP } from "./discover.ts";
import { INIT_HELP } from "./init.ts";
import { RUN_HELP } from "./run.ts";
import { SCHEMA_HELP } from "./schema.ts";
import { SIMULATE_HELP } from "./simulate.ts";

/** The command lines, one each. */
const SYNOPSIS = `Usage:
  connect-metrics --client NAME --environment ENV --profile PROFILE [options]
  connect-metrics --all [options]              (or --profile P1 --profile P2 ...)
  connect-metrics                              (double-clicked: --all with settings.json, waits for Enter)
  connect-metrics discover --profile PROFILE [--instance-id ID | --instance-alias A] [...]
  connect-metrics check [--all | --profile PROFILE] [--live]
  connect-metrics init [--profile PROFILE] [--config-dir DIR] [--force]
  connect-metrics demo [--output-dir DIR]
  connect-metrics schema [--config-dir DIR] [--mode Push|Streaming|PushStreaming]
  connect-metrics simulate [--port N] [--config-dir DIR] [--latency-ms N] [--seed N]`;

export const USAGE = `connect-metrics: Amazon Connect queue KPIs to JSON and Power BI

${SYNOPSIS}

${RUN_HELP}

Commands:
${[DISCOVER_HELP, CHECK_HELP, INIT_HELP, DEMO_HELP, SCHEMA_HELP, SIMULATE_HELP].join("\n")}

  --help, -h, /?        this text
  --version, -V         the version

Exit codes: 0 success, 1 AWS or network failure, 2 usage or config error.`;

/**
 * Under a usage error: the command lines and where the rest is, short
 * enough that the error above stays on a console window's screen (the whole
 * help would scroll it away).
 */
export const USAGE_AFTER_ERROR = `${SYNOPSIS}

Every flag and command: connect-metrics --help`;
