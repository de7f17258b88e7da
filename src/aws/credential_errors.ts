/**
 * A failure to get AWS credentials, as one line naming the profile or the
 * role and its source, with what to do.
 */
import { isNetworkError, networkFailure, networkHint } from "./http.ts";
import {
  addProfile,
  credentialsFileMissing,
  missingKeys,
  profileFiles,
  profileFilesProblem,
  profileSectionProblem,
  profileSettings,
} from "./profile_files.ts";
import type { AssumeRoleConfig } from "../config/client_config.ts";
import { AwsError, ConfigError } from "../util/errors.ts";

const errorCode = (error: unknown) => {
  const e = error as { name?: string; Code?: string };
  return e.name && e.name !== "Error" ? e.name : e.Code ?? "Error";
};
const said = (error: unknown) => String((error as Error).message ?? error).replace(/\s+/g, " ").trim();

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
      // As `aws configure` leaves it: [profile P] in config with a region, its keys never written (or written where
      // no AWS tool reads them: credentials.txt, a UTF-16 file, a folder named "aws").
      return new ConfigError(
        `AWS profile "${name}": ${missing}`,
        profileFilesProblem(files) ??
          `the keys go under [${name}] in ${files.credentials}` +
            (credentialsFileMissing(files) ? ", a file that does not exist yet: create it" : "") +
            " (README-MI.md, step 2)",
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
  if (profile && (/^Command failed/i.test(message) || profileSettings(profile, files)?.credential_process)) {
    // Its command line can carry a password, and its output a secret: neither is repeated, anywhere.
    const exit = message.match(/exit(?:ed with)? code:? (\d+)/i)?.[1];
    return new AwsError(
      `AWS profile "${profile}": its credential_process command failed${exit ? ` (exit code ${exit})` : ""}; ` +
        "its command line and output are not shown, as they can hold secrets",
      `run the credential_process line of [profile ${profile}] in ${files.config} by hand, in a Command Prompt, ` +
        "to see why",
      code,
    );
  }
  if (code === "CredentialsProviderError") {
    return new AwsError(`no usable AWS credentials from ${source}: ${message}`, undefined, code);
  }
  return error;
}
