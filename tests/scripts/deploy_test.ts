/**
 * The deploy scripts and their CloudFormation templates: lint-clean, strict
 * about their arguments, granting exactly what the code calls, and
 * deploying on moto_server through the preinstalled AWS CLI.
 */
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { REPO } from "../helpers.ts";
import { awsJson, needs, runScript, SCRIPTS, stackOutputs, startMoto } from "../tools.ts";

const TEMPLATES = ["common.yaml", "customer.yaml"].map((t) => join(SCRIPTS, "templates", t));
const decoder = new TextDecoder();

const cfnLint = await needs(["cfn-lint"]);
Deno.test({
  name: "cfn-lint passes on both templates",
  ignore: cfnLint.ignore,
  fn: async () => {
    cfnLint.check();
    const output = await new Deno.Command("cfn-lint", { args: TEMPLATES }).output();
    assertEquals(output.code, 0, decoder.decode(output.stdout) + decoder.decode(output.stderr));
  },
});

Deno.test("the customer role allows exactly the Connect operations the code calls", async () => {
  const called = new Set<string>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory && entry.name !== "simulator") await walk(path);
      if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
      const text = await Deno.readTextFile(path);
      for (const [, names] of text.matchAll(/import\s*{([^}]*)}\s*from\s*"@aws-sdk\/client-connect"/g)) {
        for (const name of names.split(",").map((n) => n.replace(/^\s*type\s+/, "").trim())) {
          const operation = name.match(/^paginate(\w+)$/)?.[1] ?? name.match(/^(\w+)Command$/)?.[1];
          if (operation) called.add(`connect:${operation}`);
        }
      }
    }
  };
  await walk(join(REPO, "src"));
  const template = await Deno.readTextFile(join(SCRIPTS, "templates", "customer.yaml"));
  const granted = new Set([...template.matchAll(/\bconnect:([A-Za-z]+)/g)].map((m) => `connect:${m[1]}`));
  assertEquals([...granted].sort(), [...called].sort());
});

Deno.test("--help or -h prints a script's usage and exits 0, touching nothing", async () => {
  for (const [script, args] of [["deploy-common.sh", ["--help"]], ["deploy-customer.sh", ["ccm", "-h"]]] as const) {
    const result = await runScript(script, [...args], { AWS_ENDPOINT_URL: "http://127.0.0.1:9" });
    assertEquals([result.code, result.stderr], [0, ""]);
    assertMatch(result.stdout, new RegExp(`^usage: scripts/${script.replace(".", "\\.")} DEPARTMENT `));
  }
});

Deno.test("the scripts check their arguments: one error line, the usage, exit 2", async (t) => {
  const cases: [string, string[], RegExp][] = [
    ["deploy-common.sh", [], /^error: expected DEPARTMENT and ENV\nusage: scripts\/deploy-common\.sh DEPARTMENT ENV/],
    ["deploy-common.sh", ["ccm", "staging"], /^error: ENV "staging": expected dev, test or prod\n/],
    ["deploy-common.sh", ["CCM!", "dev"], /^error: DEPARTMENT "CCM!": expected 1 to 12 lower-case letters or digits/],
    ["deploy-common.sh", ["ccm", "dev", "--principal-type", "Group"], /^error: --principal-type "Group": expected/],
    // A flag at the end of the line, or followed by another flag, has lost its value.
    ["deploy-common.sh", ["ccm", "dev", "--principal-type"], /^error: --principal-type: expected a value after it\n/],
    [
      "deploy-customer.sh",
      ["ccm", "tradeuk", "dev", "--common-account-id", "--instance-id", "x"],
      /^error: --common-account-id: expected a value after it\nusage: /,
    ],
    ["deploy-customer.sh", ["ccm", "dev"], /^error: expected DEPARTMENT, CLIENT and ENV\nusage: /],
    ["deploy-customer.sh", ["ccm", "Trade UK", "dev", "--common-account-id", "123456789012"], /^error: CLIENT "Trade/],
    [
      "deploy-customer.sh",
      ["ccm", "tradeuk", "dev"],
      /^error: --common-account-id "": expected the 12-digit COMMON account id \(not needed after deploy-common\.sh ccm dev on this machine\)\n/,
    ],
    [
      "deploy-customer.sh",
      ["ccm", "tradeuk", "dev", "--common-account-id", "123456789012", "--instance-id", "nope"],
      /^error: --instance-id "nope": expected a Connect instance id/,
    ],
  ];
  for (const [script, args, message] of cases) {
    await t.step(`${script} ${args.join(" ")}`, async () => {
      // An endpoint nothing listens on: a script that got past its checks would fail differently.
      const result = await runScript(script, args, { AWS_ENDPOINT_URL: "http://127.0.0.1:9" });
      assertEquals(result.code, 2, result.stderr);
      assertMatch(result.stderr, message);
      assertEquals(result.stdout, "");
    });
  }
});

const moto = await needs(["moto_server", "aws"]);
Deno.test({
  name: "both scripts deploy on moto_server; running again updates in place",
  ignore: moto.ignore,
  fn: async () => {
    moto.check();
    const server = await startMoto();
    const home = await Deno.makeTempDir({ prefix: "connect-metrics-operator-" });
    try {
      // One operator's machine: deploy-common.sh, then the 2019 three-argument deploy-customer.sh.
      const env = { AWS_ENDPOINT_URL: server.url, HOME: home };
      const trustedBy = async (role: string) => {
        const { Role } = await awsJson(server.url, ["iam", "get-role", "--role-name", role]);
        const trust = (Role as { AssumeRolePolicyDocument: unknown }).AssumeRolePolicyDocument;
        const policy = typeof trust === "string" ? JSON.parse(decodeURIComponent(trust)) : trust;
        return (policy as { Statement: { Principal: { AWS: string } }[] }).Statement.map((s) => s.Principal.AWS);
      };
      const common = await runScript("deploy-common.sh", ["ccm", "dev", "--principal-type", "Role"], env);
      assertEquals(common.code, 0, common.stderr);
      const principal = stackOutputs(common.stdout).DashboardPrincipalArn;
      assertEquals(principal, "arn:aws:iam::123456789012:role/connect-metrics-ccm-dev-dashboard");

      const customer = await runScript("deploy-customer.sh", ["ccm", "tradeuk", "dev"], env);
      assertEquals(customer.code, 0, customer.stderr);
      assertMatch(
        customer.stdout,
        /^dashboard principal arn:aws:iam::123456789012:role\/connect-metrics-ccm-dev-dashboard /,
      );
      assertEquals(
        stackOutputs(customer.stdout).RoleArn,
        "arn:aws:iam::123456789012:role/connect-metrics-ccm-dev-tradeuk",
      );
      assertEquals(await trustedBy("connect-metrics-ccm-dev-tradeuk"), [principal], "the role deploy-common.sh made");
      const policies = (role: string) =>
        awsJson(server.url, ["iam", "list-role-policies", "--role-name", role]).then((r) => r.PolicyNames);
      assertEquals(await policies("connect-metrics-ccm-dev-tradeuk"), ["connect-metrics-read-queue-metrics"]);
      const discovering = await runScript(
        "deploy-customer.sh",
        ["ccm", "acme", "dev", "--common-account-id", "123456789012", "--allow-discovery"],
        env,
      );
      assertEquals(discovering.code, 0, discovering.stderr);
      assertEquals(
        new Set(await policies("connect-metrics-ccm-dev-acme") as string[]),
        new Set(["connect-metrics-read-queue-metrics", "connect-metrics-discover-queues"]),
        "ListQueues and ListInstances only with --allow-discovery",
      );
      assertEquals(
        await trustedBy("connect-metrics-ccm-dev-acme"),
        [principal],
        "that common account's noted principal",
      );
      // Another machine, no note: --principal-arn alone names the common account too.
      const other = "arn:aws:iam::123456789012:user/someone-else";
      const elsewhere = await runScript("deploy-customer.sh", ["ccm", "beta", "dev", "--principal-arn", other], {
        AWS_ENDPOINT_URL: server.url,
      });
      assertEquals(elsewhere.code, 0, elsewhere.stderr);
      assertEquals(await trustedBy("connect-metrics-ccm-dev-beta"), [other]);

      const again = await runScript("deploy-common.sh", ["ccm", "dev", "--principal-type", "Role"], env);
      assertEquals(again.code, 0, again.stderr);
      assertMatch(again.stdout, /^updating stack connect-metrics-common-ccm-dev\n/);
    } finally {
      await server.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
