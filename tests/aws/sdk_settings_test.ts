/**
 * The settings each ConnectClient is given (src/aws/sdk_settings.ts, read
 * from one parse of the AWS files a cycle) are the ones the SDK would have
 * loaded for itself: a plain ConnectClient and a given one, in the same
 * environment and files, send their first request to the same URL with the
 * same app id, or refuse it alike.
 */
import { join } from "node:path";
import { assertEquals } from "../assert.ts";
import { isolatedAwsEnv, REPO } from "../helpers.ts";

const PROBE = join(REPO, "tests", "fixtures", "sdk_settings_probe.ts");

interface Observed {
  url: string | null;
  refused: string | null;
  appId: string | null;
  useFipsEndpoint: boolean;
  useDualstackEndpoint: boolean;
  authSchemePreference: string[];
  defaultsMode: string;
}

async function probe(
  files: { config?: string; credentials?: string },
  profile: string,
  env: Record<string, string> = {},
): Promise<Observed> {
  const home = await Deno.makeTempDir({ prefix: "sdk-settings-" });
  try {
    await Deno.mkdir(join(home, ".aws"));
    if (files.config) await Deno.writeTextFile(join(home, ".aws", "config"), files.config);
    if (files.credentials) await Deno.writeTextFile(join(home, ".aws", "credentials"), files.credentials);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=test", "--config", join(REPO, "deno.json"), PROBE, profile],
      env: { ...isolatedAwsEnv(home), ...env },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assertEquals(output.code, 0, stderr);
    const { sdk, given } = JSON.parse(new TextDecoder().decode(output.stdout));
    assertEquals(given, sdk, "the given settings are the ones the SDK loads for itself");
    return given;
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("no AWS files and no settings in the environment: the SDK's defaults", async () => {
  const seen = await probe({}, "acme");
  assertEquals(seen.url, "https://connect.us-east-1.amazonaws.com");
  assertEquals([seen.useFipsEndpoint, seen.useDualstackEndpoint, seen.defaultsMode], [false, false, "legacy"]);
  assertEquals(seen.appId, null);
});

Deno.test("a profile's FIPS, dual-stack, app id and auth scheme settings are the client's", async () => {
  const config = "[default]\ndefaults_mode = standard\n" +
    "[profile acme]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\nauth_scheme_preference = sigv4\n" +
    "sdk_ua_app_id = mi-team\n";
  const seen = await probe({ config, credentials: "[acme]\nsdk_ua_app_id = from-credentials\n" }, "acme");
  assertEquals(seen.url, "https://connect-fips.us-east-1.api.aws");
  assertEquals(seen.appId, "mi-team", "the config file's setting wins over the credentials file's");
  assertEquals(seen.authSchemePreference, ["sigv4"]);
  assertEquals(seen.defaultsMode, "standard", "the defaults mode is the default profile's");
});

Deno.test("the environment wins over the files; a value that is not true or false counts as unset", async () => {
  const config = "[profile acme]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = yes\n";
  const seen = await probe({ config }, "acme", { AWS_USE_FIPS_ENDPOINT: "false", AWS_SDK_UA_APP_ID: "from-env" });
  assertEquals(seen.url, "https://connect.us-east-1.amazonaws.com");
  assertEquals(seen.appId, "from-env");
});

Deno.test("an endpoint URL in the default profile or its services section, unless told to ignore it", async () => {
  const direct = await probe({ config: "[default]\nendpoint_url = http://127.0.0.1:9\n" }, "acme");
  assertEquals(direct.url, "http://127.0.0.1:9");
  const services = "[default]\nservices = local\n[services local]\nconnect =\n  endpoint_url = http://127.0.0.1:7\n";
  assertEquals((await probe({ config: services }, "acme")).url, "http://127.0.0.1:7");
  const missing = await probe({ config: "[default]\nservices = nowhere\n" }, "acme");
  assertEquals(missing.url, "https://connect.us-east-1.amazonaws.com", "a missing services section counts as none");
  const ignored = await probe({ config: "[default]\nendpoint_url = http://127.0.0.1:9\n" }, "acme", {
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
  });
  assertEquals(ignored.url, "https://connect.us-east-1.amazonaws.com");
  const env = await probe({}, "acme", { AWS_ENDPOINT_URL_CONNECT: "http://127.0.0.1:8", AWS_ENDPOINT_URL: "http://x" });
  assertEquals(env.url, "http://127.0.0.1:8");
});

Deno.test("FIPS with a configured endpoint is refused alike", async () => {
  const config = "[default]\nendpoint_url = http://127.0.0.1:9\n[profile acme]\nuse_fips_endpoint = true\n";
  const seen = await probe({ config }, "acme");
  assertEquals(seen.refused, "Invalid Configuration: FIPS and custom endpoint are not supported");
});
