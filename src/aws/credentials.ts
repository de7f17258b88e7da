/**
 * Where AWS credentials come from: the SDK's own providers, never our own.
 * Either a named profile (static keys, role_arn + source_profile,
 * credential_process, SSO, as the AWS CLI resolves them), or a role in the
 * client's account that the tool assumes itself (config `roleArn`). Every
 * failure becomes one line (credential_errors.ts); every secret is
 * registered for redaction.
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { ConnectClientConfig } from "@aws-sdk/client-connect";
import { describeCredentialError } from "./credential_errors.ts";
import { requestHandlerOptions } from "./http.ts";
import { profileFiles } from "./profile_files.ts";
import type { AssumeRoleConfig } from "../config/client_config.ts";
import { AwsError, ConfigError } from "../util/errors.ts";
import { registerSecret } from "../util/redact.ts";

export type Credentials = NonNullable<ConnectClientConfig["credentials"]>;
type Identity = Awaited<ReturnType<ReturnType<typeof fromIni>>>;
/** What every function here returns: call it for the (cached) identity. */
export type Provider = () => Promise<Identity>;

/** How the tool identifies itself in CloudTrail when it assumes a role. */
export const SESSION_NAME_PREFIX = "connect-metrics";
/** Assumed-role credentials are reused until this close to expiry. */
const REFRESH_BEFORE_MS = 5 * 60_000;

function registered(provider: Provider): Provider {
  return async () => {
    const identity = await provider();
    registerSecret(identity.secretAccessKey);
    registerSecret(identity.sessionToken);
    return identity;
  };
}

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
    ignoreCache: false, // read once a cycle: rereadProfileFiles (sdk_settings.ts)
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
