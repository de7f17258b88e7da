/** The help text: what a user sees with --help, and in brief after a usage error. */

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

Fetch one client's metrics (the 2019 command line):
  --client NAME         the client, e.g. tradeuk (must match clientName in the config)
  --environment ENV     dev, test or prod (must match environment in the config)
  --profile PROFILE     the AWS profile; also names config/PROFILE-instance-queues.json
  --config-dir DIR      where config files are (default: ./config, then beside the exe)
  --output-dir DIR      where the JSON file goes (default: output; beside the exe when
                        started in the Windows folder, as a scheduled task is)
  --region REGION       the AWS Region (default: the config's region, then AWS_REGION or
                        AWS_DEFAULT_REGION, then the AWS profile's)
  --push [URL]          also send the rows to a Power BI push URL; better than a URL here
                        (visible to other processes): CONNECT_METRICS_POWERBI_URL or
                        "powerBiUrl" in config/settings.json
  --outbox-dir DIR      rows waiting for Power BI (default: outbox beside the output folder)

Many clients, on a schedule:
  --all                 every config/*-instance-queues.json; failures are isolated, a summary ends the run
  --every 60s           repeat on each interval of the clock (also 5m) until Ctrl+C or SIGTERM
  --quiet, -q           only errors (and the summary when something failed)
  --verbose, -v         also where configs were found and per-client timings
  --log-file FILE       log here; without a console the log is logs/connect-metrics-DATE.log
  --log-format FORMAT   text (default) or json

Commands:
  discover              list the instance's standard queues into config/PROFILE-instance-queues.json
    --instance-id ID|ARN, --instance-alias A   which instance (default: the file's; else asks, or lists them)
    --client NAME --environment ENV [--account-id N]   for a new file
    --prune             remove queues gone from Connect (default: report them)
    --dry-run           print the changes, write nothing
  check                 validate every config and settings file, one line each
    --profile PROFILE   only that client's file (default: --all)
    --live              also prove credentials, Region, instance and queues with one call per client
  init                  write an example PROFILE-instance-queues.json (default example-client-dev), and
                        settings.json when there is none (an existing one is kept, even with --force)
  demo                  the whole pipeline against the built-in Connect and Power BI emulators
  schema                the Power BI dataset columns and PostDataset body for the current settings
    --mode MODE         Push, Streaming or PushStreaming (default: settings, else Streaming)
  simulate              serve the Connect and Power BI emulators on 127.0.0.1 for other tools
    --port N            port to listen on (default 8484; 0 picks a free one)
    --config-dir DIR    serve the instances and queues of these config files
    --fleet N --queues N  without config files: N accounts of N queues (default 3 x 10)
    --latency-ms N      delay every answer by N ms
    --seed N            a different, still repeatable, set of values

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
