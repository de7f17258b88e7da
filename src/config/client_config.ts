/**
 * `<profile>-instance-queues.json`: one client's Connect instance and the
 * queues on the dashboard. The 2019 format is the contract; the optional
 * fields are new and default to what the 2019 tool did.
 */
import { basename } from "node:path";
import { ConfigError } from "../util/errors.ts";
import { isObject, parseConfigJson, unknownFieldWarnings } from "./json.ts";
import { QueueList } from "./queue_list.ts";
import { looseName } from "../util/spelling.ts";
import { isTimeZone } from "../util/time.ts";

export const CONFIG_SUFFIX = "-instance-queues.json";
export const ENVIRONMENTS = ["DEV", "TEST", "PROD"] as const;
export const CHANNELS = ["VOICE", "CHAT", "TASK", "EMAIL"] as const;
export const DEFAULT_TIME_ZONE = "Europe/London";
/** The longest clientName: it names the output file and is said in every line about the client. */
export const MAX_CLIENT_NAME = 100;

export type Environment = typeof ENVIRONMENTS[number];
export type Channel = typeof CHANNELS[number];

export interface ClientConfig {
  /** The file it came from, as the user should see it in messages. */
  readonly file: string;
  readonly clientName: string;
  readonly accountId: string;
  readonly environment: Environment;
  readonly instanceId: string;
  /** In the file's order: the order of the rows. */
  readonly queues: QueueList;
  readonly region?: string;
  readonly timeZone: string;
  readonly channels: readonly Channel[];
  /** Set when the tool assumes a role itself (roleArn, or roleName + accountId). */
  readonly assumeRole?: AssumeRoleConfig;
}

/** A role in the client's account, assumed from the source profile's credentials. */
export interface AssumeRoleConfig {
  readonly roleArn: string;
  /** Undefined: the SDK's default credential chain (environment, default profile, ...). */
  readonly sourceProfile?: string;
  readonly externalId?: string;
}

export interface ParsedClientConfig {
  readonly config: ClientConfig;
  /** Things worth telling the user that do not stop the run. */
  readonly warnings: readonly string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const INSTANCE_ID_EXPECTED = "the Connect instance id, a GUID like 0d525d33-c2af-4b86-9d67-393db396e896";

/** The ids of config/instance-queues.example.json, which `init` copies: never a real instance's or queue's. */
export const isPlaceholderId = (id: string) => id.startsWith("00000000-0000-");
/** The clientName of that example: left in a file, it is what the dashboard would show. */
export const EXAMPLE_CLIENT_NAME = "ExampleClient";

/**
 * An id as Connect writes it: lower case, without the spaces a paste can
 * bring. A GUID's letters are hex digits in either case, and Connect's ids
 * are all lower case, so an id copied in capitals still matches its
 * queue's results.
 */
export const plainId = (id: string): string => id.trim().toLowerCase();

/** `plainId` of a field's value; anything but a string is left for the caller to refuse. */
const plainIdOf = (value: unknown): unknown => typeof value === "string" ? plainId(value) : value;

/** Instance and queue ARNs, as the Connect console shows them; the id is their last part. */
const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/([0-9a-f-]{36})$/i;
const QUEUE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}\/queue\/([0-9a-f-]{36})$/i;

/** The instance id in `text`: the id itself, or the id at the end of the instance's ARN. */
export function instanceIdOf(text: string): string | undefined {
  const id = plainId(text.trim().match(INSTANCE_ARN)?.[1] ?? text);
  return GUID.test(id) ? id : undefined;
}

const ACCOUNT_ID_EXPECTED = 'a 12-digit AWS account id in quotes, e.g. "111111111111"';

/**
 * The account id in `text` as people copy it: the AWS console's account menu
 * shows it as 1111-2222-3333. Undefined unless that is 12 digits.
 */
export function accountIdOf(text: string): string | undefined {
  const id = text.replace(/[\s-]/g, "");
  return /^\d{12}$/.test(id) ? id : undefined;
}

/** What an id field expects, plus the id to use when the user pasted the console's ARN instead. */
function expectedId(what: string, got: unknown, arn: RegExp): string {
  const id = typeof got === "string" ? got.trim().match(arn)?.[1] : undefined;
  return id ? `${what} (that is an ARN: use the id at its end, "${id}")` : what;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Whether `value` is written as AWS Region codes are (eu-west-2, us-gov-west-1), wherever it was given. */
export function isAwsRegion(value: string): boolean {
  return REGION.test(value);
}

/** A Region as people type it ("EU-West-2 ") as AWS writes it; undefined when it is not a Region. */
export function awsRegionOf(typed: string): string | undefined {
  const region = typed.trim().toLowerCase();
  return isAwsRegion(region) ? region : undefined;
}

const KNOWN_FIELDS = new Set([
  "clientName",
  "accountId",
  "environment",
  "instanceId",
  "queues",
  "region",
  "timeZone",
  "channels",
  "roleArn",
  "roleName",
  "sourceProfile",
  "externalId",
]);
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:\/-]{2,1224}$/;

/** The config file name for an AWS profile. */
export function configFileName(profile: string): string {
  return `${profile}${CONFIG_SUFFIX}`;
}

/**
 * The client's output file, `<client>-<environment>-metric-data.json`,
 * lower-case, safe on Windows: named by the config, so that checking the
 * configs can tell when two would write one file.
 */
export function outputFileName(config: Pick<ClientConfig, "clientName" | "environment">): string {
  // "(Test)" is "test", not "-test-": a name starting with "-" reads as a flag to command-line tools.
  const safe = (text: string) => {
    const name = foldedName(text).replace(/[^\p{L}\p{N}._-]+/gu, "-");
    return name.replace(/^-+|-+$/g, "") || name;
  };
  return `${safe(config.clientName)}-${safe(config.environment)}-metric-data.json`;
}

/**
 * A name in lower case without its accents ("Société" -> "societe"), as a UK
 * keyboard types it; letters with no unaccented form (Greek, "ø") stay.
 */
function foldedName(name: string): string {
  return name.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
}

/**
 * Whether a name typed on a command line is the client's: "Trade UK", "trade-uk" and "TRADEUK" are one client,
 * and so are "Société Générale" and "societe generale".
 */
export function sameClientName(typed: string, clientName: string): boolean {
  const key = (name: string) => foldedName(name).replace(/[^\p{L}\p{N}]+/gu, "");
  return key(typed) === key(clientName);
}

/** The AWS profile a config file is named for: `config/P-instance-queues.json` -> `P`. */
export function profileOfConfigFile(path: string): string {
  return basename(path).slice(0, -CONFIG_SUFFIX.length);
}

/** Validates a config file's text. Throws a one-line `ConfigError`. */
export function parseClientConfig(
  text: string,
  file: string,
): ParsedClientConfig {
  const raw = parseConfigJson(text, file);
  // Typed on the const, so that TypeScript narrows after a call (an arrow's own `never` does not).
  const bad: (field: string, expected: string, got: unknown) => never = (field, expected, got) => {
    // The 2019 format's names are exact, as other tools read them: say so when one is written another way.
    const writtenAs = got === undefined && isObject(raw)
      ? Object.keys(raw).find((key) => looseName(key) === looseName(field))
      : undefined;
    throw new ConfigError(
      `${file}: field "${field}": expected ${expected}, got ${show(got)}` +
        (writtenAs ? `; the file has "${writtenAs}": write it "${field}"` : ""),
    );
  };
  if (!isObject(raw)) {
    throw new ConfigError(
      `${file}: expected a JSON object { "clientName": ..., ... }, got ${show(raw)}`,
    );
  }

  const clientName = raw.clientName;
  if (typeof clientName !== "string" || clientName.trim() === "") {
    bad("clientName", 'the client\'s name as text, e.g. "TradeUK"', clientName);
  }
  // It names the output file (Windows paths stop at 260 characters) and is said in every line about the client.
  if (clientName.trim().length > MAX_CLIENT_NAME) {
    bad("clientName", `a client's name of at most ${MAX_CLIENT_NAME} characters`, clientName);
  }
  const warnings: string[] = [];
  const accountId = parseAccountId(raw.accountId, file, warnings, bad);
  const environment = raw.environment;
  if (
    typeof environment !== "string" ||
    !(ENVIRONMENTS as readonly string[]).includes(environment.toUpperCase())
  ) {
    // "Production", "Dev " or "testing": the one meant, said rather than taken (the 2019 names are exact).
    const meant = typeof environment === "string"
      ? ENVIRONMENTS.find((e) => environment.trim().toUpperCase().startsWith(e))
      : undefined;
    bad(
      "environment",
      `DEV, TEST or PROD${meant ? ` (write ${JSON.stringify(environment)} as ${meant})` : ""}`,
      environment,
    );
  }
  const instanceId = plainIdOf(raw.instanceId);
  if (typeof instanceId !== "string" || !GUID.test(instanceId)) {
    bad(
      "instanceId",
      expectedId(INSTANCE_ID_EXPECTED, raw.instanceId, INSTANCE_ARN),
      raw.instanceId,
    );
  }
  const queues = parseQueues(raw.queues, bad);

  // Region and channels as people type them ("EU-West-2", "voice"), in the case AWS and Connect write them.
  const region = typeof raw.region === "string" ? awsRegionOf(raw.region) : undefined;
  if (raw.region !== undefined && region === undefined) bad("region", "an AWS Region such as eu-west-2", raw.region);
  const timeZone = raw.timeZone ?? DEFAULT_TIME_ZONE;
  if (typeof timeZone !== "string" || !isTimeZone(timeZone)) {
    bad("timeZone", "an IANA time zone such as Europe/London", raw.timeZone);
  }
  // Written for UK time, GMT is UTC all year: in summer the Date column and "today so far" would be an hour out.
  if (/^(Etc\/)?(GMT0?|Greenwich)$/i.test(timeZone.trim())) {
    warnings.push(
      `${file}: "timeZone": "${timeZone}" is UTC all year, with no summer time; for UK time, write "Europe/London" ` +
        `(the default, when timeZone is left out)`,
    );
  }
  const channels = Array.isArray(raw.channels)
    ? raw.channels.map((c) => typeof c === "string" ? c.trim().toUpperCase() : c)
    : raw.channels ?? ["VOICE"];
  if (
    !Array.isArray(channels) || channels.length === 0 ||
    channels.some((c) => !(CHANNELS as readonly unknown[]).includes(c)) ||
    new Set(channels).size !== channels.length
  ) {
    bad("channels", `a list of distinct channels from ${CHANNELS.join(", ")}`, raw.channels);
  }

  const assumeRole = parseAssumeRole(raw, accountId, bad);
  warnings.push(...unknownFieldWarnings(raw, KNOWN_FIELDS, file));
  if (sameClientName(clientName, EXAMPLE_CLIENT_NAME)) {
    warnings.push(
      `${file}: clientName is still the example's, "${EXAMPLE_CLIENT_NAME}", which the rows and the dashboard ` +
        `would show; write the client's name there (or connect-metrics discover --client NAME)`,
    );
  }
  if (isPlaceholderId(instanceId as string)) {
    warnings.push(`${file}: instanceId is still the example's; connect-metrics discover fills in your instance's`);
  }
  const examples = queues.filter((q) => isPlaceholderId(q.id));
  if (examples.length > 0) {
    warnings.push(
      `${file}: ${examples.map((q) => `"${q.name}"`).join(", ")} is still the example's queue; ` +
        "discover fills in the real ones, and --prune removes the example",
    );
  }

  return {
    config: {
      file,
      clientName: clientName.trim(),
      accountId,
      environment: environment.toUpperCase() as Environment,
      instanceId: instanceId,
      queues,
      ...(region === undefined ? {} : { region }),
      timeZone: timeZone,
      channels: channels as Channel[],
      ...(assumeRole ? { assumeRole } : {}),
    },
    warnings,
  };
}

/**
 * accountId: the metrics calls of 2019 did not need it, so a file that
 * worked then may hold it as the console shows it (1111-2222-3333) or as a
 * number; both still work. A number of fewer than 12 digits has lost the
 * id's leading zeros, which cannot be told from a typo.
 */
function parseAccountId(
  value: unknown,
  file: string,
  warnings: string[],
  bad: (field: string, expected: string, got: unknown) => never,
): string {
  if (typeof value === "string") return accountIdOf(value) ?? bad("accountId", ACCOUNT_ID_EXPECTED, value);
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    return bad("accountId", ACCOUNT_ID_EXPECTED, value);
  }
  const digits = String(value);
  if (digits.length !== 12) {
    return bad("accountId", `${ACCOUNT_ID_EXPECTED} (a number drops the id's leading zeros)`, value);
  }
  warnings.push(
    `${file}: accountId is a number; put it in quotes ("${digits}"), as a number cannot keep leading zeros`,
  );
  return digits;
}

function parseQueues(
  value: unknown,
  bad: (field: string, expected: string, got: unknown) => never,
): QueueList {
  const expected = 'a map of queue id to queue name, e.g. { "e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef": "BasicQueue" }';
  if (!isObject(value)) return bad("queues", expected, value);
  const entries = Object.entries(value);
  if (entries.length === 0) return bad("queues", `at least one queue: ${expected}`, value);
  const seen = new Set<string>();
  return new QueueList(entries.map(([key, name]) => {
    const id = plainId(key);
    if (!GUID.test(id)) {
      // { "BasicQueue": "e42fa1d8-..." }: name and id swapped, as a list is often copied.
      const swapped = typeof name === "string" && GUID.test(plainId(name))
        ? ` (the name and the id are the wrong way round: write "${plainId(name)}": "${key}")`
        : "";
      bad(`queues.${key}`, expectedId("a queue id (GUID) as the key", key, QUEUE_ARN) + swapped, key);
    }
    if (seen.has(id)) bad(`queues.${key}`, "each queue once (this id is already there, in another case)", key);
    seen.add(id);
    if (typeof name !== "string" || name.trim() === "") {
      bad(`queues.${key}`, "the queue's name as text", name);
    }
    return { id, name: name.trim() };
  }));
}

function parseAssumeRole(
  raw: Record<string, unknown>,
  accountId: string,
  bad: (field: string, expected: string, got: unknown) => never,
): AssumeRoleConfig | undefined {
  const { roleArn, roleName, sourceProfile, externalId } = raw;
  if (roleArn !== undefined && roleName !== undefined) {
    bad("roleName", "nothing when roleArn is given (use one of the two)", roleName);
  }
  let arn: string | undefined;
  if (roleArn !== undefined) {
    const match = typeof roleArn === "string" ? roleArn.match(ROLE_ARN) : null;
    if (!match) bad("roleArn", "an IAM role ARN like arn:aws:iam::111111111111:role/NAME", roleArn);
    if (match![1] !== accountId) {
      bad("roleArn", `a role in the client's account ${accountId} (see "accountId")`, roleArn);
    }
    arn = roleArn as string;
  } else if (roleName !== undefined) {
    if (typeof roleName !== "string" || !ROLE_NAME.test(roleName)) {
      bad("roleName", "an IAM role name such as connect-metrics-ccm-dev-tradeuk", roleName);
    }
    arn = `arn:aws:iam::${accountId}:role/${roleName}`;
  }
  if (sourceProfile !== undefined && (typeof sourceProfile !== "string" || sourceProfile.trim() === "")) {
    bad("sourceProfile", "the AWS profile whose credentials assume the role", sourceProfile);
  }
  if (externalId !== undefined && (typeof externalId !== "string" || !EXTERNAL_ID.test(externalId))) {
    bad("externalId", "the role's sts:ExternalId (2 to 1224 letters, digits or +=,.@:/-)", "(hidden)");
  }
  if (arn === undefined) {
    if (sourceProfile !== undefined) bad("roleArn", "a role to assume when sourceProfile is given", undefined);
    if (externalId !== undefined) bad("roleArn", "a role to assume when externalId is given", undefined);
    return undefined;
  }
  return {
    roleArn: arn,
    ...(sourceProfile === undefined ? {} : { sourceProfile: sourceProfile.trim() }),
    ...(externalId === undefined ? {} : { externalId: externalId }),
  };
}

/** A short, one-line rendering of a bad value for an error message. */
function show(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
