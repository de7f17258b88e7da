/** Where AWS credentials come from: the SDK's own providers, never our own. */
import { fromIni } from "@aws-sdk/credential-providers";
import type { ConnectClientConfig } from "@aws-sdk/client-connect";
import { registerSecret } from "../util/redact.ts";

export type Credentials = NonNullable<ConnectClientConfig["credentials"]>;

/**
 * The credentials of a named profile in ~/.aws/credentials or ~/.aws/config
 * (static keys, role_arn + source_profile, credential_process, SSO), as the
 * AWS CLI resolves them. The secrets are registered for redaction.
 */
export function profileCredentials(profile: string): Credentials {
  const provider = fromIni({ profile });
  return async () => {
    const identity = await provider();
    registerSecret(identity.secretAccessKey);
    registerSecret(identity.sessionToken);
    return identity;
  };
}
