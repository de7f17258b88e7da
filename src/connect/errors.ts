/**
 * Turning what the SDK throws into one line an analyst can act on: which
 * client, which instance, the AWS error code, and what to check.
 */
import { CLOCK_TOLERANCE_MS, SET_THE_CLOCK } from "../aws/clock.ts";
import { isNetworkError, networkFailure, networkHint } from "../aws/http.ts";
import { AwsError, ConfigError } from "../util/errors.ts";

export interface ErrorContext {
  readonly clientName: string;
  readonly instanceId: string;
  readonly configFile: string;
  readonly operation: string;
  readonly region?: string;
}

const CREDENTIAL_CODES = new Set([
  "MissingAuthenticationTokenException",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "ExpiredTokenException",
  "ExpiredToken",
]);

/** AWS's words for a signature made more than CLOCK_TOLERANCE_MS before or after its own clock. */
const SIGNING_TIME_REFUSED = /^Signature (expired|not yet current)/;

/** Connect's answer when the account's quota is used up (by anyone): a reason to slow down. */
export function isThrottled(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === "ThrottlingException" || e?.name === "TooManyRequestsException" ||
    e?.$metadata?.httpStatusCode === 429;
}

/**
 * Connect's answer to a queue it does not have (deleted in Connect but still
 * in the config): not documented, so either form is taken. A 404
 * ResourceNotFoundException about a queue (not the instance), or a 400
 * InvalidParameterException naming one of the queues asked for.
 */
export function isQueueNotFound(error: unknown, queueIds: readonly string[] = []): boolean {
  const e = (error ?? {}) as { name?: string; message?: string };
  const message = (e.message ?? "").toLowerCase();
  if (e.name === "ResourceNotFoundException") return /queue/.test(message);
  return e.name === "InvalidParameterException" && queueIds.some((id) => message.includes(id.toLowerCase()));
}

/** An AwsError (or ConfigError, for a missing Region) for any SDK failure. */
export function describeConnectError(
  error: unknown,
  context: ErrorContext,
): AwsError | ConfigError {
  if (error instanceof AwsError || error instanceof ConfigError) return error;
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; attempts?: number };
  };
  const code = e.name && e.name !== "Error" ? e.name : (e.code ?? "Error");
  const said = oneLine(e.message ?? String(error));
  const where = `instance ${context.instanceId} in ${context.region ?? "(no Region)"}`;
  const who = `client ${context.clientName}`;

  if (/region is missing/i.test(said)) {
    return new ConfigError(
      `no AWS Region for ${who}: give --region, add "region" to ${context.configFile}, or set region in the AWS profile`,
    );
  }
  switch (code) {
    case "ResourceNotFoundException": {
      // An instance looked for in the wrong Region is not found either.
      const check = isQueueNotFound(error)
        ? `queues in ${context.configFile}`
        : `instanceId in ${context.configFile}, and that the instance is in ${context.region ?? "that Region"}`;
      return new AwsError(
        `ResourceNotFoundException: ${said} (${who}, ${where}) - check ${check}`,
        undefined,
        code,
      );
    }
    case "AccessDeniedException":
      return new AwsError(
        `AccessDeniedException: the credentials for ${who} are not allowed connect:${context.operation} on ${where}`,
        `the role needs the IAM action connect:${context.operation}; scripts/deploy-customer.sh creates a role that has it`,
        code,
      );
    case "ThrottlingException":
      return new AwsError(
        `ThrottlingException: Amazon Connect kept throttling ${context.operation} for ${who} after ${
          e.$metadata?.attempts ?? "several"
        } attempts (${where})`,
        "another tool may be using the account's quota of 5 requests per second; try again in a minute",
        code,
      );
    case "TimeoutError":
      return new AwsError(
        `Amazon Connect did not answer ${context.operation} for ${who} in time, after ${
          e.$metadata?.attempts ?? "several"
        } attempts (${where})`,
        networkHint(),
        code,
      );
    case "CredentialsProviderError":
      return new AwsError(`no usable AWS credentials for ${who}: ${said}`, undefined, code);
  }
  if (CREDENTIAL_CODES.has(code)) {
    return new AwsError(
      `${code}: AWS did not accept the credentials for ${who} (${where}): ${said}`,
      SIGNING_TIME_REFUSED.test(said)
        ? `the request's time was more than ${CLOCK_TOLERANCE_MS / 60_000} minutes from AWS's: ${SET_THE_CLOCK}`
        : "check the profile's keys, or refresh them if they are temporary",
      code,
    );
  }
  if (isNetworkError(code, said)) {
    const failure = networkFailure(code, said);
    // No such host: Connect's endpoint exists only in the Regions that offer Connect.
    const region = /ENOTFOUND/.test(`${code} ${said}`) && context.region
      ? `; or Amazon Connect is not offered in ${context.region}: check the Region`
      : "";
    return new AwsError(
      `cannot reach Amazon Connect for ${who} (${where}): ${failure}`,
      networkHint(failure) + region,
      code,
    );
  }
  const status = e.$metadata?.httpStatusCode;
  return new AwsError(
    `${code}${status ? ` (HTTP ${status})` : ""}: ${said} (${who}, ${context.operation} on ${where})`,
    undefined,
    code,
  );
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
