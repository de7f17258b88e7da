/**
 * Where AWS credentials come from: the SDK's own providers, never our own.
 * Either a named profile (static keys, role_arn + source_profile,
 * credential_process, SSO, as the AWS CLI resolves them), or a role in the
 * client's account that the tool assumes itself (config `roleArn`). Every
 * failure becomes one line naming the profile or role; every secret is
 * registered for redaction.
 */
import { basename, dirname, join } from "node:path";
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { parseKnownFiles } from "@smithy/core/config";
import { isNetworkError, networkFailure, networkHint, requestHandlerOptions } from "./http.ts";
import type { ConnectClientConfig } from "@aws-sdk/client-connect";
import type { AssumeRoleConfig } from "../config/client_config.ts";
import { AwsError, ConfigError } from "../util/errors.ts";
import { registerSecret } from "../util/redact.ts";
import { likelyMeant } from "../util/spelling.ts";
import { NOTEPAD_ADDS_TXT, utf16Encoding } from "../util/text.ts";

export type Credentials = NonNullable<ConnectClientConfig["credentials"]>;
type Identity = Awaited<ReturnType<ReturnType<typeof fromIni>>>;
/** What every function here returns: call it for the (cached) identity. */
export type Provider = () => Promise<Identity>;

/** How the tool identifies itself in CloudTrail when it assumes a role. */
export const SESSION_NAME_PREFIX = "connect-metrics";
/** Assumed-role credentials are reused until this close to expiry. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/** The files the SDK reads profiles from, for messages. */
export function profileFiles(): { credentials: string; config: string } {
  // An empty variable counts as unset, as the SDK reads it.
  const home = Deno.env.get("HOME") || Deno.env.get("USERPROFILE") || "~";
  return {
    credentials: Deno.env.get("AWS_SHARED_CREDENTIALS_FILE") || join(home, ".aws", "credentials"),
    config: Deno.env.get("AWS_CONFIG_FILE") || join(home, ".aws", "config"),
  };
}

/**
 * Why a profile that may well be written in these files could not be read
 * from them, for the "profile not found" hint: a task run as SYSTEM, which
 * has a home of its own; Notepad's hidden ".txt"; or UTF-16 from
 * PowerShell's `>`, which no AWS tool reads.
 */
export function profileFilesProblem(files: { credentials: string; config: string }): string | undefined {
  // A scheduled task set to run as SYSTEM (or another service account) reads that account's home, not the user's.
  const serviceHome = [files.credentials, files.config].find((f) =>
    /[\\/](systemprofile|ServiceProfiles)[\\/]/i.test(f)
  );
  if (serviceHome && !readIfThere(files.credentials) && !readIfThere(files.config)) {
    return `${serviceHome} is in the home of a Windows service account (a task run as SYSTEM): run the task as the ` +
      "user whose .aws folder has the profile (schtasks /RU, see README-MI.md)";
  }
  // Explorer on older Windows will not name a folder ".aws" (it asks for a name before the dot): "aws" gets made.
  const folder = dirname(files.credentials);
  const undotted = join(dirname(folder), "aws", basename(files.credentials));
  if (basename(folder) === ".aws" && !readIfThere(files.credentials) && readIfThere(undotted)) {
    return `${undotted} is there, in a folder named aws: AWS tools read ${folder}; rename the folder to .aws ` +
      '(in Explorer, type ".aws." and Windows drops the last dot)';
  }
  for (const file of [files.credentials, files.config]) {
    const bytes = readIfThere(file);
    // Notepad's hidden ".txt", or a name given by hand: credentials.ini, config.cfg.
    const instead = bytes ? undefined : withExtension(file);
    if (instead) {
      return `${instead} is there instead: rename it to ${basename(file)}` +
        (instead.endsWith(".txt") ? ` (${NOTEPAD_ADDS_TXT})` : ", with no extension");
    }
    if (bytes && utf16Encoding(bytes)) {
      return `${file} is saved as UTF-16 (PowerShell's > and Out-File write that), which AWS tools cannot read: ` +
        "save it as UTF-8 or ANSI (Notepad: File, Save As, Encoding)";
    }
  }
  return undefined;
}

/**
 * The sections of an AWS ini file as written, by name (trimmed, spaces
 * single), each with its settings (values trimmed); empty when the file
 * is not there.
 */
function iniSections(file: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  const bytes = readIfThere(file);
  if (!bytes) return sections;
  let current: Record<string, string> | undefined;
  for (const line of new TextDecoder().decode(bytes).split(/\r?\n/)) {
    const header = line.match(/^[ \t]*\[([^\]]*)\]/);
    if (header) {
      const name = header[1].trim().replace(/\s+/g, " ");
      current = sections.get(name) ?? {};
      sections.set(name, current);
      continue;
    }
    // "name: value" is no setting to AWS tools, which read only "name = value"; kept aside to be said.
    const setting = line.match(/^[ \t]*([\w-]+)[ \t]*([=:])(.*)$/);
    if (current && setting) current[`${setting[1].toLowerCase()}${setting[2] === ":" ? ":" : ""}`] = setting[3].trim();
  }
  return sections;
}

/** A profile's settings as the SDK merges them (the credentials file over the config file); undefined when absent. */
function profileSettings(profile: string, files: { credentials: string; config: string }) {
  const fromConfig = iniSections(files.config).get(profile === "default" ? "default" : `profile ${profile}`);
  const fromCredentials = iniSections(files.credentials).get(profile);
  return fromConfig || fromCredentials ? { ...fromConfig, ...fromCredentials } : undefined;
}

/**
 * What a profile that is there lacks, when it gets its credentials from
 * neither a role, SSO nor a process: one of its two keys, or both (the
 * SDK then says only that the profile could not be resolved).
 */
function missingKeys(settings: Record<string, unknown>): string | undefined {
  const other = [
    "role_arn",
    "credential_source",
    "sso_session",
    "sso_start_url",
    "credential_process",
    "web_identity_token_file",
  ];
  if (other.some((key) => settings[key])) return undefined;
  const has = (key: string) => typeof settings[key] === "string" && (settings[key] as string).trim() !== "";
  const [id, secret] = [has("aws_access_key_id"), has("aws_secret_access_key")];
  if (id && secret) return undefined;
  if ("aws_access_key_id:" in settings || "aws_secret_access_key:" in settings) {
    return 'its keys are written with ":", which AWS tools do not read (write aws_access_key_id = ..., with "=")';
  }
  if (!id && !secret) return "it has no keys (add aws_access_key_id and aws_secret_access_key under it)";
  return id
    ? "it has an aws_access_key_id but no aws_secret_access_key (add the secret access key that came with it)"
    : "it has an aws_secret_access_key but no aws_access_key_id (add the access key id that came with it)";
}

/**
 * Why `profile` is not read although something like it is written: a
 * section headed the other file's way (`[profile P]` belongs in config,
 * `[P]` in credentials), or a name a letter or two off.
 */
function profileSectionProblem(profile: string, files: { credentials: string; config: string }): string | undefined {
  const credentials = [...iniSections(files.credentials).keys()];
  const config = [...iniSections(files.config).keys()];
  if (credentials.includes(`profile ${profile}`)) {
    return `${files.credentials} has [profile ${profile}]: in the credentials file the section is [${profile}] ` +
      `("profile " is only written in the config file)`;
  }
  if (profile !== "default" && config.includes(profile)) {
    return `${files.config} has [${profile}]: in the config file the section is [profile ${profile}] ` +
      `(or move its keys to ${files.credentials}, as [${profile}])`;
  }
  // A section of that very name is not a misspelling of it.
  const known = [...credentials, ...config.map((s) => s.replace(/^profile\s+/, ""))].filter((s) => s !== profile);
  const meant = likelyMeant(profile, known);
  if (meant === undefined) return undefined;
  return meant.toLowerCase() === profile.toLowerCase()
    ? `the files have a profile [${meant}], and profile names are case-sensitive: write it [${profile}]`
    : `the files have a profile [${meant}]; did you mean ${meant}?`;
}

/** How to add a profile, on a machine that may well have no AWS CLI (the MI team's has none). */
function addProfile(profile: string, files: { credentials: string }): string {
  return `add a [${profile}] section with its keys to ${files.credentials} (README-MI.md, step 2; ` +
    `or aws configure --profile ${profile})`;
}

/**
 * For `check`: the AWS files read once, offline, the way the SDK reads them;
 * then, per client, why its AWS profile would not be found. Undefined when
 * it is there, or when the credentials come from the default chain (roleArn
 * without sourceProfile).
 */
export async function missingProfileChecker(): Promise<
  (profile: string, assumeRole?: AssumeRoleConfig) => string | undefined
> {
  const known = await parseKnownFiles({ ignoreCache: true }).catch(() => ({}));
  const files = profileFiles();
  return (profile, assumeRole) => {
    const needed = assumeRole ? assumeRole.sourceProfile : profile;
    if (needed === undefined) return undefined;
    // Read as written: the SDK leaves out a section with no setting it reads ("key: value" lines).
    const there = profileSettings(needed, files);
    const missing = there && missingKeys(there);
    if (missing) return `AWS profile "${needed}": ${missing}, so a run stops there (${files.credentials})`;
    if (needed in known) return undefined;
    const why = profileFilesProblem(files) ?? profileSectionProblem(needed, files) ?? addProfile(needed, files);
    return `AWS profile "${needed}" is not in ${files.credentials} or ${files.config}, so a run stops there (${why})`;
  };
}

/** `file` with an extension added (credentials.txt, credentials.ini), when there is one; the .txt first. */
function withExtension(file: string): string | undefined {
  if (readIfThere(`${file}.txt`)) return `${file}.txt`;
  try {
    const name = basename(file);
    for (const entry of Deno.readDirSync(dirname(file))) {
      if (entry.isFile && /^\.\w{1,4}$/.test(entry.name.slice(name.length)) && entry.name.startsWith(`${name}.`)) {
        return join(dirname(file), entry.name);
      }
    }
  } catch {
    // no folder: nothing there instead
  }
  return undefined;
}

function readIfThere(file: string): Uint8Array | undefined {
  try {
    return Deno.readFileSync(file);
  } catch {
    return undefined;
  }
}

function registered(provider: Provider): Provider {
  return async () => {
    const identity = await provider();
    registerSecret(identity.secretAccessKey);
    registerSecret(identity.sessionToken);
    return identity;
  };
}

const errorCode = (error: unknown) => {
  const e = error as { name?: string; Code?: string };
  return e.name && e.name !== "Error" ? e.name : e.Code ?? "Error";
};
const said = (error: unknown) => String((error as Error).message ?? error).replace(/\s+/g, " ").trim();

/** mfa_serial on a profile: ask on a terminal, explain otherwise. */
function mfaCodeProvider(profile: string) {
  return (serial: string): Promise<string> => {
    if (!Deno.stdin.isTerminal()) {
      throw new AwsError(
        `AWS profile "${profile}" needs an MFA code (mfa_serial ${serial}), which can only be typed on a terminal`,
        "run once interactively, or give scheduled runs a profile without mfa_serial",
      );
    }
    const code = prompt(`MFA code for ${serial}:`)?.trim() ?? "";
    if (!/^\d{6}$/.test(code)) throw new AwsError(`an MFA code is 6 digits; got "${code}"`);
    return Promise.resolve(code);
  };
}

/**
 * A named profile's credentials, failures explained, reused until near expiry.
 * `requestTimeoutMs`: for STS when the profile has a role_arn (tests shorten it).
 */
export function profileCredentials(profile: string, requestTimeoutMs?: number): Provider {
  // clientConfig: the STS client that assumes a profile's role_arn.
  const provider = fromIni({
    profile,
    ignoreCache: true, // keys rotated in the file are used from the next watch cycle on
    mfaCodeProvider: mfaCodeProvider(profile),
    clientConfig: { requestHandler: requestHandlerOptions(requestTimeoutMs) },
  });
  const checked: Provider = async () => {
    const identity = await provider();
    const problem = keysProblem(identity);
    if (problem) {
      throw new ConfigError(`AWS profile "${profile}": ${problem}`, `fix them in ${profileFiles().credentials}`);
    }
    return identity;
  };
  return reused(`profile|${profile}`, checked, (error) => describeCredentialError(error, { profile }));
}

/**
 * Keys as hand-written into a credentials file go wrong in ways AWS would
 * only call "invalid": quotes (read as part of the key, by every AWS tool)
 * or a character that is not part of a key.
 */
function keysProblem(identity: Identity): string | undefined {
  const quoted = (value: string | undefined) =>
    value !== undefined && /^["'\u201c\u2018]|["'\u201d\u2019]$/.test(value);
  if (quoted(identity.accessKeyId) || quoted(identity.secretAccessKey)) {
    return "its keys are written in quotes, which AWS tools take as part of the key: remove the quotes";
  }
  if (!/^\w{16,128}$/.test(identity.accessKeyId)) {
    return "its aws_access_key_id is not an access key id (letters and digits only, like AKIAIOSFODNN7EXAMPLE)";
  }
  return undefined;
}

const cache = new Map<string, Promise<Identity>>();

/**
 * Temporary credentials (an assumed role, SSO) are shared by every client
 * and watch cycle, and fetched again only near expiry or after a failure:
 * each fetch may be an STS call or an MFA prompt. Keys that never expire
 * are read from the files afresh each time (once per client per cycle),
 * so that keys rotated in the credentials file apply without a restart.
 */
function reused(key: string, provider: Provider, explain: (error: unknown) => unknown): Provider {
  return registered(async () => {
    const cached = cache.get(key);
    if (cached) {
      const identity = await cached.catch(() => undefined);
      if (identity?.expiration && identity.expiration.getTime() - Date.now() > REFRESH_BEFORE_MS) return identity;
    }
    const fresh = provider().catch((error) => {
      cache.delete(key);
      throw explain(error);
    });
    cache.set(key, fresh);
    return fresh;
  });
}

/**
 * Credentials of `role`, assumed by the tool from the source profile (or
 * the default chain), reused for the whole run and refreshed near expiry.
 */
export function assumeRoleCredentials(
  role: AssumeRoleConfig,
  clientName: string,
  region?: string,
  requestTimeoutMs?: number,
): Provider {
  const source: Provider = role.sourceProfile
    ? profileCredentials(role.sourceProfile, requestTimeoutMs)
    : registered(fromNodeProviderChain());
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: role.roleArn,
      RoleSessionName: sessionName(clientName),
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
      DurationSeconds: 3600,
    },
    masterCredentials: source,
    clientConfig: { ...(region ? { region } : {}), requestHandler: requestHandlerOptions(requestTimeoutMs) },
  });
  const key = `role|${role.roleArn}|${role.sourceProfile ?? ""}|${role.externalId ?? ""}`;
  return reused(key, provider, (error) => describeCredentialError(error, { role }));
}

/** `connect-metrics-TradeUK`: within STS's 64 characters of [\w+=,.@-]. */
export function sessionName(clientName: string): string {
  return `${SESSION_NAME_PREFIX}-${clientName}`.replace(/[^\w+=,.@-]+/g, "-").slice(0, 64);
}

/** The credentials for one client: its role when the config names one, else its profile. */
export function clientCredentials(
  options: {
    profile: string;
    assumeRole?: AssumeRoleConfig;
    clientName: string;
    region?: string;
    requestTimeoutMs?: number;
  },
): Provider {
  return options.assumeRole
    ? assumeRoleCredentials(options.assumeRole, options.clientName, options.region, options.requestTimeoutMs)
    : profileCredentials(options.profile, options.requestTimeoutMs);
}

/** One line for a failure to get credentials, naming the profile or the role and its source. */
export function describeCredentialError(
  error: unknown,
  where: { profile?: string; role?: AssumeRoleConfig },
): unknown {
  if (error instanceof AwsError) return error;
  const code = errorCode(error);
  const message = said(error);
  if (/region is missing/i.test(message)) return error; // explained with the client's config file later
  const files = profileFiles();
  const profile = where.profile ?? where.role?.sourceProfile;
  const source = profile ? `profile "${profile}"` : "the default credentials (environment or default profile)";
  if (/Could not resolve credentials using profile|Profile .* could not be found|not found in/i.test(message)) {
    const name = profile ?? "default";
    const there = profileSettings(name, files);
    const missing = there && missingKeys(there);
    if (missing) {
      return new ConfigError(
        `AWS profile "${name}": ${missing}`,
        `the keys go under [${name}] in ${files.credentials} (README-MI.md, step 2)`,
      );
    }
    if (there) {
      // There under its own name: a letter-case or file hint would send the user looking for the wrong thing.
      return new ConfigError(
        `AWS profile "${name}" is there, but the SDK could not get credentials from it: ${message}`,
        "it needs aws_access_key_id and aws_secret_access_key, or a role_arn with a source_profile that has them",
      );
    }
    return new ConfigError(
      `AWS profile "${profile}" not found; looked in ${files.credentials} and ${files.config}`,
      profileFilesProblem(files) ?? profileSectionProblem(name, files) ?? `${addProfile(name, files)}, or fix the name`,
    );
  }
  if (!where.role && (code === "AccessDenied" || code === "AccessDeniedException")) {
    return new AwsError(
      `AccessDenied: the role_arn of ${source} could not be assumed with its source_profile: ${message}`,
      "scripts/deploy-customer.sh creates the role trusting the common account, and scripts/deploy-common.sh " +
        "the dashboard user allowed to assume it",
      code,
    );
  }
  if (where.role) {
    const role = where.role.roleArn;
    switch (code) {
      case "AccessDenied":
      case "AccessDeniedException":
        return new AwsError(
          `AccessDenied: ${source} may not assume ${role} (sts:AssumeRole): ${message}`,
          "scripts/deploy-customer.sh creates the role trusting the common account, and scripts/deploy-common.sh " +
            "the dashboard user allowed to assume it; check the role exists and the source is the dashboard user",
          code,
        );
      case "InvalidClientTokenId":
      case "SignatureDoesNotMatch":
      case "UnrecognizedClientException":
        return new AwsError(
          `${code}: STS did not accept the keys of ${source}, used to assume ${role}`,
          `check the keys in ${files.credentials}; they may have been deleted or rotated`,
          code,
        );
    }
  }
  if (code === "ExpiredToken" || code === "ExpiredTokenException" || /expired/i.test(message)) {
    return new AwsError(
      `${code}: the credentials of ${source} have expired`,
      profile
        ? `refresh them (aws sso login --profile ${profile}, or new temporary keys) and run again`
        : "refresh them and run again",
      code,
    );
  }
  if (isNetworkError(code, message)) {
    // Not Connect's fault: without this the client's first Connect call would be blamed.
    const service = where.role ? "AWS STS" : "AWS";
    const task = where.role
      ? `assume ${where.role.roleArn}`
      : `get the credentials of ${source} (its role_arn or SSO sign-in)`;
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
    const failure = networkFailure(code, message);
    return new AwsError(
      code === "TimeoutError"
        ? `${service} did not answer in time to ${task}, after ${attempts ?? "several"} attempts`
        : `cannot reach ${service} to ${task}: ${failure}`,
      `${networkHint(failure)} (the tool calls AWS for credentials as well as Amazon Connect)`,
      code,
    );
  }
  if (code === "CredentialsProviderError") {
    return new AwsError(`no usable AWS credentials from ${source}: ${message}`, undefined, code);
  }
  return error;
}
