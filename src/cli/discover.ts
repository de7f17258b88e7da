/**
 * `connect-metrics discover`: list an instance's standard queues and write
 * (or merge into) config/<profile>-instance-queues.json.
 */
import { join } from "node:path";
import { notBoth, parseFlags, profileFlag, regionFlag, required, trimmed } from "./parse.ts";
import {
  accountIdOf,
  type ClientConfig,
  configFileName,
  INSTANCE_ID_EXPECTED,
  instanceIdOf,
  isPlaceholderId,
  parseClientConfig,
  sameClientName,
} from "../config/client_config.ts";
import { parseConfigJson } from "../config/json.ts";
import { describeMerge, mergeQueues } from "../config/merge.ts";
import { configDirForNewFiles, configDirInputs, findConfigFile } from "../config/paths.ts";
import { connectClientFor } from "../connect/client.ts";
import { type DiscoveredInstance, listInstances, listStandardQueues } from "../connect/discover.ts";
import { writeFileAtomic } from "../util/atomic_file.ts";
import { ConfigError, UsageError } from "../util/errors.ts";
import { stringifyAscii } from "../util/json.ts";
import { readUserText } from "../util/text.ts";

/** Its lines in `--help` (under "Commands:"). */
export const DISCOVER_HELP =
  `  discover              list the instance's standard queues into config/PROFILE-instance-queues.json
    --instance-id ID|ARN, --instance-alias A   which instance (default: the file's; else asks, or lists them)
    --client NAME --environment ENV [--account-id N]   for a new file
    --prune             remove queues gone from Connect (default: report them)
    --dry-run           print the changes, write nothing`;

export const DISCOVER_OPTIONS = {
  profile: { type: "string" },
  "instance-id": { type: "string" },
  "instance-alias": { type: "string" },
  client: { type: "string" },
  environment: { type: "string" },
  "account-id": { type: "string" },
  region: { type: "string" },
  "config-dir": { type: "string" },
  prune: { type: "boolean" },
  "dry-run": { type: "boolean" },
} as const;

export interface DiscoverArgs {
  readonly profile: string;
  readonly instanceId?: string;
  readonly instanceAlias?: string;
  readonly client?: string;
  readonly environment?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly configDir?: string;
  readonly prune: boolean;
  readonly dryRun: boolean;
}

/** `connect-metrics discover --profile P [--instance-id ID | --instance-alias A] [...]` */
export function parseDiscoverArgs(argv: string[]): DiscoverArgs {
  const values = parseFlags(argv, DISCOVER_OPTIONS);
  notBoth(values["instance-id"], values["instance-alias"], "--instance-id or --instance-alias");
  const accountFlag = values["account-id"];
  const accountId = accountFlag === undefined ? undefined : accountIdOf(accountFlag);
  if (accountFlag !== undefined && !accountId) {
    throw new UsageError(`--account-id expects a 12-digit AWS account id, got "${accountFlag}"`);
  }
  const instanceFlag = values["instance-id"];
  const instanceId = instanceFlag === undefined ? undefined : instanceIdOf(instanceFlag);
  if (instanceFlag !== undefined && !instanceId) {
    throw new UsageError(`--instance-id expects ${INSTANCE_ID_EXPECTED}, or the instance's ARN; got "${instanceFlag}"`);
  }
  return {
    profile: profileFlag(required(values.profile, "profile", "capita-tradeuk-dev")),
    instanceId,
    instanceAlias: trimmed(values["instance-alias"]),
    client: trimmed(values.client),
    environment: trimmed(values.environment),
    accountId,
    region: regionFlag(values.region),
    configDir: trimmed(values["config-dir"]),
    prune: values.prune ?? false,
    dryRun: values["dry-run"] ?? false,
  };
}

interface ExistingFile {
  readonly path: string;
  readonly raw: Record<string, unknown>;
  readonly config: ClientConfig;
}

/** The profile's config file if the user has one (the exe's built-in examples do not count). */
async function existingFile(args: DiscoverArgs): Promise<{ path: string; existing?: ExistingFile }> {
  const inputs = configDirInputs(args.configDir);
  const name = configFileName(args.profile);
  const found = await findConfigFile(inputs, name).catch((e) => {
    if (e instanceof ConfigError) return undefined;
    throw e;
  });
  if (!found || found.source === "built-in defaults") {
    return { path: join(await configDirForNewFiles(inputs), name) };
  }
  const text = await readUserText(found.path);
  const { config } = parseClientConfig(text, found.path);
  return { path: found.path, existing: { path: found.path, raw: parseConfigJson(text, found.path) as never, config } };
}

/** Which instance: the flag, the file's, the alias, the only one, or the user's choice on a terminal. */
async function chooseInstance(
  args: DiscoverArgs,
  existing: ExistingFile | undefined,
  list: () => Promise<DiscoveredInstance[]>,
): Promise<string> {
  if (args.instanceId) {
    if (existing && existing.config.instanceId !== args.instanceId) {
      throw new UsageError(
        `--instance-id ${args.instanceId} is not the instanceId ${existing.config.instanceId} of ${existing.path}`,
        "one config file is one instance: use another --profile for another instance",
      );
    }
    return args.instanceId;
  }
  if (existing && !args.instanceAlias) return existing.config.instanceId;
  const instances = await list();
  if (args.instanceAlias) {
    const match = instances.find((i) => i.alias.toLowerCase() === args.instanceAlias!.toLowerCase());
    if (!match) {
      throw new UsageError(
        `no instance with alias "${args.instanceAlias}"; the account has: ${describeInstances(instances)}`,
      );
    }
    return match.id;
  }
  if (instances.length === 0) throw new UsageError("the account has no Amazon Connect instance in this Region");
  if (instances.length === 1) return instances[0].id;
  if (!Deno.stdin.isTerminal()) {
    throw new UsageError(
      `the account has ${instances.length} instances; choose one with --instance-id or --instance-alias: ` +
        describeInstances(instances),
    );
  }
  instances.forEach((i, n) => console.log(`  ${n + 1}. ${i.alias} (${i.id}) ${i.status}`));
  const answer = prompt(`Which instance? [1-${instances.length}]`)?.trim() ?? "";
  const chosen = instances[Number(answer) - 1];
  if (!chosen) throw new UsageError(`"${answer}" is not a number from 1 to ${instances.length}`);
  return chosen.id;
}

function describeInstances(instances: readonly DiscoveredInstance[]): string {
  return instances.map((i) => `${i.alias} (${i.id})`).join(", ") || "none";
}

/**
 * The file as `init` left it, ready to merge into: the example's instance
 * replaced by the one chosen (and its account), the example's queues
 * dropped, as they are never in Connect.
 */
function withoutExample(
  raw: Record<string, unknown>,
  instance: { id: string; accountId?: string },
): { raw: Record<string, unknown>; lines: string[] } {
  const queues = Object.entries(raw.queues as Record<string, string>);
  const fromInit = isPlaceholderId(raw.instanceId as string);
  return {
    raw: {
      ...raw,
      ...(fromInit
        ? { instanceId: instance.id, ...(instance.accountId ? { accountId: instance.accountId } : {}) }
        : {}),
      queues: Object.fromEntries(queues.filter(([id]) => !isPlaceholderId(id))),
    },
    lines: queues.filter(([id]) => isPlaceholderId(id)).map(([id, name]) =>
      `- ${id}  ${name}  (the example's: removed)`
    ),
  };
}

/**
 * --client and --environment given for a file that exists: what they change
 * (a file fresh from init still says "ExampleClient" and DEV), as `~` lines.
 */
function namedByFlags(
  file: ClientConfig,
  args: Pick<DiscoverArgs, "client" | "environment">,
): { fields: Record<string, string>; lines: string[] } {
  const fields: Record<string, string> = {};
  const lines: string[] = [];
  // "tradeuk" for "TradeUK" is the same client: the file's spelling is what the dashboard shows.
  if (args.client && !sameClientName(args.client, file.clientName)) {
    fields.clientName = args.client;
    lines.push(`~ clientName "${file.clientName}" -> "${args.client}" (--client)`);
  }
  const environment = args.environment?.toUpperCase();
  if (environment && environment !== file.environment) {
    fields.environment = environment;
    lines.push(`~ environment "${file.environment}" -> "${environment}" (--environment)`);
  }
  return { fields, lines };
}

export async function discoverCommand(argv: string[]): Promise<number> {
  const args = parseDiscoverArgs(argv);
  const { path, existing } = await existingFile(args);
  const region = args.region ?? existing?.config.region;
  const client = await connectClientFor({
    profile: args.profile,
    accountId: args.accountId ?? existing?.config.accountId ?? "discover",
    clientName: existing?.config.clientName ?? args.client ?? args.profile,
    assumeRole: existing?.config.assumeRole,
    region,
  });
  const context = { clientName: existing?.config.clientName ?? args.client ?? args.profile, configFile: path };
  try {
    // A file fresh from init names the example's instance: choose as if it named none.
    const known = existing && !isPlaceholderId(existing.config.instanceId) ? existing : undefined;
    const instanceId = await chooseInstance(args, known, () => listInstances(client, context));
    const { queues, accountId } = await listStandardQueues(client, instanceId, context);
    console.log(`${queues.length} standard queue(s) in instance ${instanceId}`);

    let config: Record<string, unknown>;
    let lines: string[];
    if (existing) {
      const example = withoutExample(existing.raw, { id: instanceId, ...(accountId ? { accountId } : {}) });
      const merge = mergeQueues(example.raw, queues, { prune: args.prune });
      const named = namedByFlags(existing.config, args);
      config = { ...merge.config, ...named.fields };
      lines = [...named.lines, ...example.lines, ...describeMerge(merge)];
    } else {
      if (!args.client || !args.environment) {
        throw new UsageError(
          `${path} does not exist yet: give --client NAME and --environment ENV for the new file`,
        );
      }
      if (args.accountId && accountId && args.accountId !== accountId) {
        throw new UsageError(`--account-id ${args.accountId} is not the instance's account ${accountId}`);
      }
      config = {
        clientName: args.client,
        accountId: args.accountId ?? accountId,
        environment: args.environment.toUpperCase(),
        instanceId,
        ...(args.region ? { region: args.region } : {}),
        queues: Object.fromEntries(queues.map((q) => [q.id, q.name])),
      };
      lines = queues.map((q) => `+ ${q.id}  ${q.name}`);
    }
    const text = stringifyAscii(config) + "\n";
    const { warnings } = parseClientConfig(text, path); // never write a file the run would refuse
    for (const line of lines) console.log(line);
    if (lines.length === 0) console.log(`${path} is up to date`);
    if (args.dryRun) {
      console.log(`dry run: ${path} not written`);
    } else if (lines.length > 0) {
      await writeFileAtomic(path, text);
      console.log(`wrote ${path}: ${Object.keys(config.queues as object).length} queue(s)`);
    }
    // What runs would say of the file, such as a clientName still the example's.
    for (const warning of warnings) console.error(`warning: ${warning}`);
    return 0;
  } finally {
    client.destroy();
  }
}
