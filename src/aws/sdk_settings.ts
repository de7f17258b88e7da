/**
 * The settings a ConnectClient would load for itself from the environment
 * and the AWS files (dual-stack and FIPS endpoints, the app id, the auth
 * scheme preference, the defaults mode, an endpoint URL set in a profile),
 * read from one parse of the files a cycle and handed to the client.
 *
 * Left to itself, the SDK parses both files again for each setting of each
 * client: about a dozen parses a client, so a fleet of 1,000 profiles (an
 * 80 KB credentials file) spent most of a cycle parsing it. The values are
 * the SDK's own: its selectors where it exports them (the others are copied
 * from @smithy/core 3.41, beside a test that holds them to the SDK's), in
 * its order: the environment, then the profile (the config file's keys over
 * the credentials file's), then the default; a value a selector cannot
 * read counts as not set, as in the SDK.
 */
import process from "node:process";
import type { ConnectClientConfig } from "@aws-sdk/client-connect";
import { NODE_APP_ID_CONFIG_OPTIONS } from "@aws-sdk/core/client";
import { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from "@aws-sdk/core/httpAuthSchemes";
import {
  booleanSelector,
  CONFIG_PREFIX_SEPARATOR,
  getProfileName,
  loadSharedConfigFiles,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
  SelectorType,
} from "@smithy/core/config";

type Section = Record<string, string | undefined>;
type Files = Awaited<ReturnType<typeof loadSharedConfigFiles>>;

/** Where a setting comes from, as the SDK's `loadConfig` takes it. */
interface Selectors<T> {
  environmentVariableSelector(env: Record<string, string | undefined>, options?: object): T | undefined;
  configFileSelector(profile: Section, configFile?: Record<string, Section>): T | undefined;
  default: T | undefined;
}

/** The settings handed to every ConnectClient, so that it loads none itself. */
export type SdkSettings = Pick<
  ConnectClientConfig,
  | "useDualstackEndpoint"
  | "useFipsEndpoint"
  | "userAgentAppId"
  | "authSchemePreference"
  | "defaultsMode"
  | "endpoint"
  | "ignoreConfiguredEndpointUrls"
>;

// @smithy/core/config: NODE_DEFAULTS_MODE_CONFIG_OPTIONS (not exported).
const DEFAULTS_MODE: Selectors<string> = {
  environmentVariableSelector: (env) => env.AWS_DEFAULTS_MODE,
  configFileSelector: (profile) => profile.defaults_mode,
  default: "legacy",
};

// @smithy/core/endpoints: ignoreConfiguredEndpointUrlsConfigSelectors (not exported).
const IGNORE_CONFIGURED_ENDPOINT_URLS: Selectors<boolean> = {
  environmentVariableSelector: (env) => booleanSelector(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", SelectorType.ENV),
  configFileSelector: (profile) => booleanSelector(profile, "ignore_configured_endpoint_urls", SelectorType.CONFIG),
  default: false,
};

// @smithy/core/endpoints: getEndpointUrlConfig("Connect") (not exported).
const CONNECT_ENDPOINT_URL: Selectors<string> = {
  environmentVariableSelector: (env) => env.AWS_ENDPOINT_URL_CONNECT || env.AWS_ENDPOINT_URL || undefined,
  configFileSelector: (profile, configFile) => {
    if (profile.services) {
      const services = configFile?.[["services", profile.services].join(CONFIG_PREFIX_SEPARATOR)];
      if (!services) throw new Error(`no services section "${profile.services}"`);
      const url = services[["connect", "endpoint_url"].join(CONFIG_PREFIX_SEPARATOR)];
      if (url) return url;
    }
    return profile.endpoint_url || undefined;
  },
  default: undefined,
};

/** One parse of the AWS files; taken by rereadProfileFiles, or at the first client when nothing took it. */
let snapshot: Promise<Files> | undefined;

const NO_FILES: Files = { configFile: {}, credentialsFile: {} };

/**
 * The AWS profile files read afresh: into the SDK's own cache, which each
 * client's credentials then read, and parsed once for the clients'
 * settings. Once a cycle, not once a client, and again each watch cycle, so
 * that keys rotated or settings changed in the files apply without a restart.
 */
export async function rereadProfileFiles(): Promise<void> {
  snapshot = loadSharedConfigFiles({ ignoreCache: true }).catch(() => NO_FILES);
  await snapshot;
}

/** What the SDK's loadConfig(selectors, { profile }) resolves to, from the snapshot. */
function setting<T>(selectors: Selectors<T>, profile: string | undefined, files: Files): T | undefined {
  const attempt = (read: () => T | undefined) => {
    try {
      return read();
    } catch {
      return undefined; // the SDK goes on to the next source
    }
  };
  const fromEnvironment = attempt(() => selectors.environmentVariableSelector(process.env, {}));
  if (fromEnvironment !== undefined) return fromEnvironment;
  const name = getProfileName({ profile });
  const merged = { ...files.credentialsFile[name], ...files.configFile[name] };
  const fromFiles = attempt(() => selectors.configFileSelector(merged, files.configFile));
  return fromFiles !== undefined ? fromFiles : selectors.default;
}

/**
 * The settings a ConnectClient for `profile` (undefined: AWS_PROFILE or
 * default) would load. As in the SDK, the defaults mode and a configured
 * endpoint URL come from the default profile whatever the client's.
 */
export async function sdkSettings(profile: string | undefined): Promise<SdkSettings> {
  const files = await (snapshot ??= loadSharedConfigFiles().catch(() => NO_FILES));
  const appId = setting(NODE_APP_ID_CONFIG_OPTIONS as Selectors<string>, profile, files);
  const endpoint = setting(IGNORE_CONFIGURED_ENDPOINT_URLS, undefined, files)
    ? undefined
    : setting(CONNECT_ENDPOINT_URL, undefined, files);
  return {
    useDualstackEndpoint: setting(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS as Selectors<boolean>, profile, files) ??
      false,
    useFipsEndpoint: setting(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS as Selectors<boolean>, profile, files) ?? false,
    // A provider: an undefined value would make the client load it after all.
    userAgentAppId: () => Promise.resolve(appId),
    authSchemePreference: setting(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS as Selectors<string[]>, profile, files) ?? [],
    defaultsMode: setting(DEFAULTS_MODE, undefined, files) as SdkSettings["defaultsMode"],
    // Found here, the endpoint is the client's; not found, the client need not look.
    ...(endpoint ? { endpoint } : { ignoreConfiguredEndpointUrls: true }),
  };
}
