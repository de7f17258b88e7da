/**
 * Cross-account access end to end: the deploy scripts create the dashboard
 * user and the customer role on moto_server, then connect-metrics assumes
 * the role through moto's STS (from an AWS profile's role_arn, or from
 * roleArn in its own config) and the Connect emulator sees the temporary
 * credentials on every request. Errors real STS gives that moto cannot come
 * from a loopback stub returning the real error XML.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { ACCESS_KEY, SECRET_KEY, seedConfig, withWorkspace, type Workspace, writeConfig } from "../helpers.ts";
import { awsJson, needs, runScript, stackOutputs, startMoto } from "../tools.ts";

const PROFILE = "capita-tradeuk-dev";
const ARGS = ["--client", "tradeuk", "--environment", "dev", "--profile", PROFILE];
const MOTO_ACCOUNT = "123456789012";
const ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT}:role/connect-metrics-ccm-dev-tradeuk`;
const clientConfig = (extra: Record<string, unknown> = {}) => ({ ...seedConfig(), accountId: MOTO_ACCOUNT, ...extra });

/** The AWS files of the workspace, replaced whole. */
async function writeAwsFiles(ws: Workspace, files: { credentials: string; config: string }) {
  await Deno.writeTextFile(join(ws.dir, ".aws", "credentials"), files.credentials);
  await Deno.writeTextFile(join(ws.dir, ".aws", "config"), files.config);
}

/** Every Connect request was signed with the same temporary (ASIA…) key and a session token. */
function assertTemporaryCredentials(ws: Workspace, sourceKey: string) {
  const requests = ws.server.connect.requests;
  assert.ok(requests.length >= 2, "both metrics APIs were called");
  const keys = new Set(requests.map((r) => r.accessKeyId));
  assertEquals(keys.size, 1, "the temporary credentials are reused for the whole run");
  const [key] = keys;
  assertMatch(key ?? "", /^ASIA/);
  assert.ok(key !== sourceKey, "not the source profile's own key");
  for (const r of requests) assert.ok((r.sessionToken ?? "").length > 20, "a session token on every request");
}

const tools = await needs(["moto_server", "aws"]);
Deno.test({
  name: "deployed on moto, the role is assumed from a profile's role_arn and from roleArn in config",
  ignore: tools.ignore,
  fn: async (t) => {
    tools.check();
    const moto = await startMoto();
    try {
      const env = { AWS_ENDPOINT_URL: moto.url };
      const common = await runScript("deploy-common.sh", ["ccm", "dev"], env);
      assertEquals(common.code, 0, common.stderr);
      const principal = stackOutputs(common.stdout).DashboardPrincipalArn;
      const customer = await runScript("deploy-customer.sh", [
        "ccm",
        "tradeuk",
        "dev",
        "--common-account-id",
        MOTO_ACCOUNT,
        "--principal-arn",
        principal,
        "--instance-id",
        seedConfig().instanceId as string,
      ], env);
      assertEquals(customer.code, 0, customer.stderr);
      const roleArn = stackOutputs(customer.stdout).RoleArn;
      assertEquals(roleArn, ROLE_ARN);
      const { AccessKey } = await awsJson(moto.url, [
        "iam",
        "create-access-key",
        "--user-name",
        principal.split("/").pop()!,
      ]) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
      const dashboard = `[dashboard]\naws_access_key_id = ${AccessKey.AccessKeyId}\n` +
        `aws_secret_access_key = ${AccessKey.SecretAccessKey}\n`;

      await withWorkspace(async (ws) => {
        await t.step("a profile with role_arn and source_profile", async () => {
          await writeAwsFiles(ws, {
            credentials: dashboard,
            config: `[profile ${PROFILE}]\nrole_arn = ${roleArn}\nsource_profile = dashboard\nregion = eu-west-2\n`,
          });
          const result = await ws.run(ARGS, { AWS_ENDPOINT_URL_STS: moto.url });
          assertEquals(result.code, 0, result.stderr);
          assertTemporaryCredentials(ws, AccessKey.AccessKeyId);
        });

        await t.step("roleArn and sourceProfile in the config file: no AWS profile of that name needed", async () => {
          ws.server.connect.requests.length = 0;
          await writeAwsFiles(ws, { credentials: dashboard, config: "" });
          await writeConfig(
            join(ws.dir, "config"),
            PROFILE,
            clientConfig({ roleArn, sourceProfile: "dashboard", region: "eu-west-2" }),
          );
          const result = await ws.run(ARGS, { AWS_ENDPOINT_URL_STS: moto.url });
          assertEquals(result.code, 0, result.stderr);
          assertTemporaryCredentials(ws, AccessKey.AccessKeyId);
        });
      }, clientConfig());
    } finally {
      await moto.close();
    }
  },
});

Deno.test({
  name: "source keys STS does not know (moto with IAM enforcement): one line naming the profile and the role",
  ignore: tools.ignore,
  fn: async () => {
    tools.check();
    const moto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: "0" });
    try {
      await withWorkspace(async (ws) => {
        await writeAwsFiles(ws, {
          credentials: "[dashboard]\naws_access_key_id = AKIANOTKNOWNTOMOTO01\naws_secret_access_key = wrong-secret\n",
          config: "",
        });
        const result = await ws.run(ARGS, { AWS_ENDPOINT_URL_STS: moto.url });
        assertEquals(result.code, 1);
        assertMatch(
          result.stderr,
          new RegExp(
            `^error: InvalidClientTokenId: STS did not accept the keys of profile "dashboard", used to assume ${ROLE_ARN}\\n`,
          ),
        );
        assertEquals(ws.server.connect.requests.length, 0, "Connect was never called");
        assert.ok(!result.stderr.includes("wrong-secret"));
      }, clientConfig({ roleArn: ROLE_ARN, sourceProfile: "dashboard", region: "eu-west-2" }));
    } finally {
      await moto.close();
    }
  },
});

/** A loopback STS that answers AssumeRole with the error XML real STS sends. */
async function withStsStub(code: string, status: number, message: string, fn: (url: string) => Promise<void>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    new Response(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>`,
      { status, headers: { "content-type": "text/xml" } },
    ));
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("AssumeRole refused by the trust policy: one line naming role and source, and the deploy scripts", async () => {
  const denied = `User: arn:aws:iam::${MOTO_ACCOUNT}:user/someone-else is not authorized to perform: sts:AssumeRole ` +
    `on resource: ${ROLE_ARN}`;
  await withStsStub("AccessDenied", 403, denied, async (sts) => {
    await withWorkspace(async (ws) => {
      await writeAwsFiles(ws, {
        credentials: "[dashboard]\naws_access_key_id = AKIADASHBOARD0000001\naws_secret_access_key = dash-secret\n",
        config: "",
      });
      const result = await ws.run(ARGS, { AWS_ENDPOINT_URL_STS: sts });
      assertEquals(result.code, 1);
      assertMatch(
        result.stderr,
        new RegExp(`^error: AccessDenied: profile "dashboard" may not assume ${ROLE_ARN} \\(sts:AssumeRole\\): User: `),
      );
      assertMatch(result.stderr, /\nhint: scripts\/deploy-customer\.sh creates the role .*scripts\/deploy-common\.sh/);
      assertEquals(result.stderr.trim().split("\n").length, 2, "one error line and one hint");
    }, clientConfig({ roleArn: ROLE_ARN, sourceProfile: "dashboard", region: "eu-west-2" }));
  });
});

Deno.test("expired source credentials: one line saying so, and how to refresh", async () => {
  await withStsStub("ExpiredToken", 400, "The security token included in the request is expired", async (sts) => {
    await withWorkspace(async (ws) => {
      await writeAwsFiles(ws, {
        credentials: "[dashboard]\naws_access_key_id = ASIADASHBOARD0000001\naws_secret_access_key = s\n" +
          "aws_session_token = old-session-token-0123456789\n",
        config: "",
      });
      const result = await ws.run(ARGS, { AWS_ENDPOINT_URL_STS: sts });
      assertEquals(result.code, 1);
      assertMatch(result.stderr, /^error: ExpiredToken: the credentials of profile "dashboard" have expired\n/);
      assertMatch(result.stderr, /\nhint: refresh them \(aws sso login --profile dashboard/);
      assert.ok(!result.stderr.includes("old-session-token-0123456789"));
    }, clientConfig({ roleArn: ROLE_ARN, sourceProfile: "dashboard", region: "eu-west-2" }));
  });
});

Deno.test("STS out of reach: one line blaming STS, not Amazon Connect, for the role and for a profile's role_arn", async () => {
  // The discard port, where nothing listens: connection refused. (A port freed for the purpose could be taken at
  // once by another test's server, running in parallel, whose answer then reads as a malformed STS reply.)
  const sts = "http://127.0.0.1:9";
  const dashboard = "[dashboard]\naws_access_key_id = AKIADASHBOARD0000001\naws_secret_access_key = dash-secret\n";
  await withWorkspace(async (ws) => {
    await writeAwsFiles(ws, { credentials: dashboard, config: "" });
    const result = await ws.run(ARGS, { AWS_ENDPOINT_URL_STS: sts });
    assertEquals(result.code, 1);
    assertMatch(result.stderr, new RegExp(`^error: cannot reach AWS STS to assume ${ROLE_ARN}: .*ECONNREFUSED`));
    assertMatch(
      result.stderr,
      /\nhint: check the network connection; if it needs a proxy, set HTTPS_PROXY .* \(the tool calls AWS for credentials as well as Amazon Connect\)\n/,
    );
    assert.ok(!result.stderr.includes("Amazon Connect for"), "Connect is not blamed");
    assertEquals(ws.server.connect.requests.length, 0, "Connect was never called");
  }, clientConfig({ roleArn: ROLE_ARN, sourceProfile: "dashboard", region: "eu-west-2" }));
  await withWorkspace(async (ws) => {
    await writeAwsFiles(ws, {
      credentials: dashboard,
      config: `[profile ${PROFILE}]\nrole_arn = ${ROLE_ARN}\nsource_profile = dashboard\nregion = eu-west-2\n`,
    });
    const result = await ws.run(ARGS, { AWS_ENDPOINT_URL_STS: sts });
    assertEquals(result.code, 1);
    assertMatch(
      result.stderr,
      new RegExp(
        `^error: cannot reach AWS to get the credentials of profile "${PROFILE}" \\(its role_arn or SSO sign-in\\): `,
      ),
    );
    assertEquals(ws.server.connect.requests.length, 0, "Connect was never called");
  }, clientConfig());
});

Deno.test("a credential_process profile works with the exe's permissions", async () => {
  await withWorkspace(async (ws) => {
    const script = join(ws.dir, "creds.sh");
    await Deno.writeTextFile(
      script,
      `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"AKIAPROCESS000000001","SecretAccessKey":"process-secret-1"}'\n`,
    );
    await Deno.chmod(script, 0o755);
    await writeAwsFiles(ws, { credentials: "", config: `[profile ${PROFILE}]\ncredential_process = ${script}\n` });
    const result = await ws.run([...ARGS, "--region", "eu-west-2"]);
    assertEquals(result.code, 0, result.stderr);
    assertEquals(new Set(ws.server.connect.requests.map((r) => r.accessKeyId)), new Set(["AKIAPROCESS000000001"]));
  });
});

Deno.test("mfa_serial on a profile without a terminal: one line saying why it cannot ask", async () => {
  await withWorkspace(async (ws) => {
    await writeAwsFiles(ws, {
      credentials: "[dashboard]\naws_access_key_id = AKIADASHBOARD0000001\naws_secret_access_key = dash-secret\n",
      config: `[profile ${PROFILE}]\nrole_arn = ${ROLE_ARN}\nsource_profile = dashboard\n` +
        "mfa_serial = arn:aws:iam::123456789012:mfa/analyst\nregion = eu-west-2\n",
    });
    const result = await ws.run(ARGS, { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9" });
    assertEquals(result.code, 1);
    assertMatch(
      result.stderr,
      /^error: AWS profile "capita-tradeuk-dev" needs an MFA code \(mfa_serial arn:aws:iam::123456789012:mfa\/analyst\), which can only be typed on a terminal\n/,
    );
  });
});

Deno.test("a profile that does not exist: one line saying where the tool looked, and why when it can tell", async () => {
  await withWorkspace(async (ws) => {
    await writeAwsFiles(ws, { credentials: "", config: "" });
    const result = await ws.run(ARGS);
    assertEquals(result.code, 2);
    assertMatch(
      result.stderr,
      /^error: AWS profile "capita-tradeuk-dev" not found; looked in .*\/\.aws\/credentials and .*\/\.aws\/config\nhint: add a \[capita-tradeuk-dev\] section with its keys to .*\/\.aws\/credentials \(README-MI\.md, step 2; or aws configure --profile capita-tradeuk-dev\), or fix the name\n/,
    );

    // The profile is written, but where or how no AWS tool reads it.
    const credentials = join(ws.dir, ".aws", "credentials");
    const profile = `[${PROFILE}]\r\naws_access_key_id = ${ACCESS_KEY}\r\naws_secret_access_key = ${SECRET_KEY}\r\n`;
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...profile].flatMap((c) => [c.charCodeAt(0), 0])]);
    await Deno.writeFile(credentials, utf16); // PowerShell 5: "..." > credentials
    const powershell = await ws.run(ARGS);
    assertEquals(powershell.code, 2);
    assertMatch(powershell.stderr, /\nhint: .*\/\.aws\/credentials is saved as UTF-16 .*save it as UTF-8 or ANSI/);

    await Deno.remove(credentials);
    await Deno.writeTextFile(`${credentials}.txt`, profile); // Notepad: Save As "credentials"
    const notepad = await ws.run(ARGS);
    assertEquals(notepad.code, 2);
    assertMatch(
      notepad.stderr,
      /\nhint: .*\/\.aws\/credentials\.txt is there instead: rename it to credentials \(Notepad adds/,
    );
    await Deno.rename(`${credentials}.txt`, `${credentials}.ini`); // named by hand
    const ini = await ws.run(ARGS);
    assertEquals(ini.code, 2);
    assertMatch(
      ini.stderr,
      /\nhint: .*\/\.aws\/credentials\.ini is there instead: rename it to credentials, with no extension\n/,
    );
    for (const r of [powershell, notepad, ini]) assert.ok(!r.stderr.includes(SECRET_KEY));
    await Deno.remove(`${credentials}.ini`);
    // An older Explorer will not name a folder ".aws": it was made as "aws".
    await Deno.mkdir(join(ws.dir, "aws"));
    await Deno.writeTextFile(join(ws.dir, "aws", "credentials"), profile);
    const undotted = await ws.run(ARGS);
    assertEquals(undotted.code, 2);
    assertMatch(
      undotted.stderr,
      /\nhint: .*\/aws\/credentials is there, in a folder named aws: AWS tools read .*\/\.aws; rename the folder to \.aws /,
    );
    await Deno.remove(join(ws.dir, "aws"), { recursive: true });

    // Headed the other file's way, or with a name in another case: said, as no AWS tool reads them.
    const keys = `aws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key = ${SECRET_KEY}\n`;
    const cases: [{ credentials: string; config: string }, RegExp][] = [
      [
        { credentials: `[default]\n${keys}[profile ${PROFILE}]\n${keys}`, config: "" },
        /\nhint: \S+\/\.aws\/credentials has \[profile capita-tradeuk-dev\]: in the credentials file the section is \[capita-tradeuk-dev\] \("profile " is only written in the config file\)\n/,
      ],
      [
        { credentials: "", config: `[${PROFILE}]\nregion = eu-west-2\n${keys}` },
        /\nhint: \S+\/\.aws\/config has \[capita-tradeuk-dev\]: in the config file the section is \[profile capita-tradeuk-dev\] \(or move its keys to \S+\/\.aws\/credentials, as \[capita-tradeuk-dev\]\)\n/,
      ],
      [
        { credentials: `[Capita-TradeUK-Dev]\n${keys}`, config: "" },
        /\nhint: the files have a profile \[Capita-TradeUK-Dev\], and profile names are case-sensitive: write it \[capita-tradeuk-dev\]\n/,
      ],
      [
        { credentials: "", config: `[profile capita-tradeuk-dv]\n${keys}` },
        /\nhint: the files have a profile \[capita-tradeuk-dv\]; did you mean capita-tradeuk-dv\?\n/,
      ],
    ];
    for (const [files, hint] of cases) {
      await writeAwsFiles(ws, files);
      const result = await ws.run(ARGS);
      assertEquals(result.code, 2, result.stderr);
      assertMatch(result.stderr, hint);
      assert.ok(!result.stderr.includes(SECRET_KEY));
      const check = await ws.run(["check"]);
      assertMatch(
        check.stdout,
        /so a run stops there \((\S+ has \[|the files have a profile \[)/,
        "check says the same",
      );
    }

    // A scheduled task set to run as SYSTEM: its home is C:\Windows\System32\config\systemprofile, with no .aws.
    const system = join(ws.dir, "Windows", "System32", "config", "systemprofile");
    await Deno.mkdir(system, { recursive: true });
    const asSystem = await ws.run(ARGS, {
      HOME: system,
      AWS_SHARED_CREDENTIALS_FILE: join(system, ".aws", "credentials"),
      AWS_CONFIG_FILE: join(system, ".aws", "config"),
    });
    assertEquals(asSystem.code, 2);
    assertMatch(
      asSystem.stderr,
      /\nhint: .*systemprofile\/\.aws\/credentials is in the home of a Windows service account \(a task run as SYSTEM\): run the task as the user whose \.aws folder has the profile/,
    );
  });
});

Deno.test("roleArn in config is checked: a role in another account, or both roleArn and roleName, is exit 2", async () => {
  await withWorkspace(async (ws) => {
    await writeConfig(
      join(ws.dir, "config"),
      PROFILE,
      clientConfig({ roleArn: ROLE_ARN.replace(MOTO_ACCOUNT, "999999999999") }),
    );
    const other = await ws.run(ARGS);
    assertEquals(other.code, 2);
    assertMatch(other.stderr, /field "roleArn": expected a role in the client's account 123456789012/);
    await writeConfig(
      join(ws.dir, "config"),
      PROFILE,
      clientConfig({ roleName: "connect-metrics-ccm-dev-tradeuk", sourceProfile: "dashboard", region: "eu-west-2" }),
    );
    await writeAwsFiles(ws, { credentials: "", config: "" });
    const byName = await ws.run(ARGS);
    assertMatch(
      byName.stderr,
      /^error: AWS profile "dashboard" not found/,
      "roleName + accountId make the role; its source is read",
    );
  }, clientConfig());
});
