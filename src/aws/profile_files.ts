/**
 * The AWS profile files as a person wrote them, to say what is wrong when
 * the SDK cannot find or use a profile: the files it reads, a section there
 * under another case or with its keys missing, a file saved under another
 * name or encoding, a folder Explorer named "aws". Reading credentials is
 * the SDK's (credentials.ts); this only explains.
 */
import { basename, dirname, join } from "node:path";
import { parseKnownFiles } from "@smithy/core/config";
import type { AssumeRoleConfig } from "../config/client_config.ts";
import { likelyMeant } from "../util/spelling.ts";
import { NOTEPAD_ADDS_TXT, utf16Encoding } from "../util/text.ts";

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

/** Whether the credentials file the SDK reads is not there at all. */
export function credentialsFileMissing(files: { credentials: string }): boolean {
  return readIfThere(files.credentials) === undefined;
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
export function profileSettings(profile: string, files: { credentials: string; config: string }) {
  const fromConfig = iniSections(files.config).get(profile === "default" ? "default" : `profile ${profile}`);
  const fromCredentials = iniSections(files.credentials).get(profile);
  return fromConfig || fromCredentials ? { ...fromConfig, ...fromCredentials } : undefined;
}

/**
 * What a profile that is there lacks, when it gets its credentials from
 * neither a role, SSO nor a process: one of its two keys, or both (the
 * SDK then says only that the profile could not be resolved).
 */
export function missingKeys(settings: Record<string, unknown>): string | undefined {
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
export function profileSectionProblem(
  profile: string,
  files: { credentials: string; config: string },
): string | undefined {
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
export function addProfile(profile: string, files: { credentials: string }): string {
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
