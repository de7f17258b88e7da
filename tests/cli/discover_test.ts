/**
 * `discover`, `check` and `init` as a user runs them, against the Connect
 * emulator's ListInstances and ListQueues through the real SDK.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import {
  ACCESS_KEY,
  PROFILE,
  runCli,
  SECRET_KEY,
  seedConfig,
  withWorkspace,
  type Workspace,
  writeAwsProfile,
} from "../helpers.ts";
import { fakeGuid } from "../../src/simulator/fleet.ts";

const INSTANCE = seedConfig().instanceId as string;
const configPath = (ws: Workspace, profile = PROFILE) => join(ws.dir, "config", `${profile}-instance-queues.json`);
const readConfig = async (ws: Workspace, profile = PROFILE) =>
  JSON.parse(await Deno.readTextFile(configPath(ws, profile)));

/** An AWS profile of that name, with the workspace's keys. */
const addProfile = (ws: Workspace, profile: string) =>
  writeAwsProfile(ws.dir, profile, { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, region: "eu-west-2" });

/** A second instance in the account, with `count` standard queues and some agent queues. */
function addBigInstance(ws: Workspace, count: number) {
  const id = fakeGuid("big-instance");
  ws.server.model.addInstance({
    id,
    accountId: "111111111111",
    alias: "bigco",
    queues: [
      ...Array.from({ length: count }, (_, i) => ({ id: fakeGuid("big", i), name: `Queue ${i + 1}` })),
      ...Array.from(
        { length: 40 },
        (_, i) => ({ id: fakeGuid("agent", i), name: `agent ${i}`, type: "AGENT" as const }),
      ),
    ],
  });
  return id;
}

Deno.test("discover writes a new config with every standard queue: 2,500 queues, none missing", async () => {
  await withWorkspace(async (ws) => {
    const id = addBigInstance(ws, 2500);
    await addProfile(ws, "bigco-prod");
    const result = await ws.run([
      "discover",
      "--profile",
      "bigco-prod",
      "--instance-alias",
      "BigCo",
      "--client",
      "BigCo",
      "--environment",
      "prod",
    ]);
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /^2500 standard queue\(s\) in instance /);
    assertMatch(result.stdout, /wrote .*bigco-prod-instance-queues\.json: 2500 queue\(s\)\n$/);
    const written = await readConfig(ws, "bigco-prod");
    assertEquals(Object.keys(written), ["clientName", "accountId", "environment", "instanceId", "queues"]);
    assertEquals([written.clientName, written.accountId, written.environment, written.instanceId], [
      "BigCo",
      "111111111111",
      "PROD",
      id,
    ]);
    const ids = new Set(Object.keys(written.queues));
    assertEquals(ids.size, 2500);
    for (let i = 0; i < 2500; i++) assert.ok(ids.has(fakeGuid("big", i)), `queue ${i} is missing`);
    assert.ok(!ids.has(fakeGuid("agent", 0)), "agent queues are not on the dashboard");
    const listQueues = ws.server.connect.requests.filter((r) => r.operation === "ListQueues");
    assertEquals(listQueues.length, 3, "1,000 per page");

    const run = await ws.run(["--client", "bigco", "--environment", "prod", "--profile", "bigco-prod"]);
    assertEquals(run.code, 0, run.stderr);
    assertMatch(run.stdout, /BigCo PROD: 2500 queues/);
  });
});

Deno.test("discover --account-id takes the id as the AWS console shows it (1111-2222-3333)", async () => {
  await withWorkspace(async (ws) => {
    await addProfile(ws, "acme-dev");
    const args = [
      "discover",
      "--profile",
      "acme-dev",
      "--instance-id",
      INSTANCE,
      "--client",
      "Acme",
      "--environment",
      "dev",
    ];
    const other = await ws.run([...args, "--account-id", "2222-2222-2222"]);
    assertEquals(other.code, 2);
    assertMatch(other.stderr, /^error: --account-id 222222222222 is not the instance's account 111111111111\n/);
    const short = await ws.run([...args, "--account-id", "1111-1111-111"]);
    assertEquals(short.code, 2);
    assertMatch(short.stderr, /^error: --account-id expects a 12-digit AWS account id, got "1111-1111-111"\n/);
    const result = await ws.run([...args, "--account-id", "1111-1111-1111"]);
    assertEquals(result.code, 0, result.stderr);
    assertEquals((await readConfig(ws, "acme-dev")).accountId, "111111111111");
  });
});

Deno.test("discover with no instance: the only one is used; several are listed (no terminal to ask on)", async () => {
  await withWorkspace(async (ws) => {
    for (const profile of ["new-dev", "other-dev", "x-dev"]) await addProfile(ws, profile);
    const one = await ws.run(["discover", "--profile", "new-dev", "--client", "New", "--environment", "dev"]);
    assertEquals(one.code, 0, one.stderr);
    assertEquals((await readConfig(ws, "new-dev")).instanceId, INSTANCE);

    addBigInstance(ws, 3);
    const many = await ws.run(["discover", "--profile", "other-dev", "--client", "O", "--environment", "dev"]);
    assertEquals(many.code, 2);
    assertMatch(
      many.stderr,
      /^error: the account has 2 instances; choose one with --instance-id or --instance-alias: .*\(0d525d33-c2af-4b86-9d67-393db396e896\), bigco \(/,
    );
    // The instance's ARN, as the Connect console shows it, chooses it too.
    const arn = `arn:aws:connect:eu-west-2:111111111111:instance/${INSTANCE}`;
    const byArn = await ws.run([
      "discover",
      "--profile",
      "other-dev",
      "--client",
      "O",
      "--environment",
      "dev",
      "--instance-id",
      arn,
    ]);
    assertEquals(byArn.code, 0, byArn.stderr);
    assertEquals((await readConfig(ws, "other-dev")).instanceId, INSTANCE);
    const typo = await ws.run(["discover", "--profile", "x-dev", "--instance-id", "0d525d33"]);
    assertEquals(typo.code, 2);
    assertMatch(
      typo.stderr,
      /^error: --instance-id expects the Connect instance id, a GUID like .*, or the instance's ARN; got "0d525d33"\n/,
    );
    const newFile = await ws.run(["discover", "--profile", "x-dev", "--instance-alias", "bigco"]);
    assertEquals(newFile.code, 2);
    assertMatch(newFile.stderr, /does not exist yet: give --client NAME and --environment ENV for the new file/);
  });
});

Deno.test("discover on an existing file merges: new queues added, gone ones reported, the rest kept as written", async () => {
  const gone = "99999999-0000-4000-8000-000000000009";
  const existing = {
    "//": "the MI team's notes",
    ...seedConfig(),
    timeZone: "Europe/London",
    queues: { ...(seedConfig().queues as object), [gone]: "Retired queue" },
  };
  await withWorkspace(async (ws) => {
    const before = await Deno.readTextFile(configPath(ws));
    const instance = ws.server.model.instances.get(INSTANCE)!;
    instance.queues.delete(gone);
    const fresh = { id: fakeGuid("fresh"), name: "Brand New – Café", type: "STANDARD" as const, quiet: false };
    instance.queues.set(fresh.id, fresh);

    const dry = await ws.run(["discover", "--profile", PROFILE, "--dry-run"]);
    assertEquals(dry.code, 0, dry.stderr);
    assertMatch(dry.stdout, new RegExp(`\\n\\+ ${fresh.id}  Brand New – Café\\n`));
    assertMatch(
      dry.stdout,
      new RegExp(`\\n! ${gone}  Retired queue  \\(gone from Connect: kept; --prune removes it\\)\\n`),
    );
    assertMatch(dry.stdout, /dry run: .* not written\n$/);
    assertEquals(await Deno.readTextFile(configPath(ws)), before, "--dry-run writes nothing");

    const merged = await ws.run(["discover", "--profile", PROFILE]);
    assertEquals(merged.code, 0, merged.stderr);
    const after = await readConfig(ws);
    // Escaped as the 2019 script's json.dump would have, so that a reader taking it for ANSI gets the same name.
    assertMatch(await Deno.readTextFile(configPath(ws)), /"Brand New \\u2013 Caf\\u00e9"/);
    assertEquals(Object.keys(after), Object.keys(existing), "key order kept");
    assertEquals(after["//"], "the MI team's notes");
    assertEquals(Object.values(after.queues), [
      "BasicQueue",
      "Customer Services",
      "Collections",
      "Retired queue",
      "Brand New – Café",
    ]);

    const pruned = await ws.run(["discover", "--profile", PROFILE, "--prune"]);
    assertEquals(pruned.code, 0, pruned.stderr);
    assertMatch(pruned.stdout, new RegExp(`- ${gone}  Retired queue  \\(gone from Connect: removed\\)`));
    assert.ok(!(gone in (await readConfig(ws)).queues));
  }, existing);
});

Deno.test("check, offline, warns of a client whose AWS profile is not on this machine", async () => {
  await withWorkspace(async (ws) => {
    const other = { ...seedConfig(), instanceId: fakeGuid("instance", "acme") };
    await Deno.writeTextFile(configPath(ws, "acme-dev"), JSON.stringify({ ...other, clientName: "Acme" }));
    await Deno.writeTextFile(
      configPath(ws, "beta-dev"),
      JSON.stringify({
        ...seedConfig(),
        instanceId: fakeGuid("instance", "beta"),
        clientName: "Beta",
        roleArn: "arn:aws:iam::111111111111:role/connect-metrics-ccm-dev-beta",
        sourceProfile: "capita-common-dashboard-dev",
      }),
    );
    const result = await ws.run(["check"]);
    assertEquals(result.code, 0, result.stdout + result.stderr);
    const warnings = result.stdout.split("\n").filter((l) => l.startsWith("warn"));
    assertEquals(warnings.length, 2, result.stdout);
    assertMatch(
      warnings[0],
      /^warn {2}acme-dev-instance-queues\.json: AWS profile "acme-dev" is not in .*\.aws\/credentials or .*\.aws\/config, so a run stops there \(add a \[acme-dev\] section with its keys to .*\.aws\/credentials \(README-MI\.md, step 2; or aws configure --profile acme-dev\)\)$/,
    );
    assertMatch(
      warnings[1],
      /^warn {2}beta-dev-instance-queues\.json: AWS profile "capita-common-dashboard-dev" is not in /,
    );
    assert.ok(!result.stdout.includes(`"${PROFILE}" is not`), "the workspace's own profile is there");
  });
});

Deno.test("check --live: a queue deleted in Connect is a warning, as a run leaves only its row out", async () => {
  await withWorkspace(async (ws) => {
    ws.server.model.instances.get(INSTANCE)!.queues.delete("5b1c9a5e-3f0e-4c1a-9a57-6c1d2f0a7b11");
    const result = await ws.run(["check", "--live", "--region", "eu-west-2"]);
    assertEquals(result.code, 0, result.stdout + result.stderr);
    assertMatch(
      result.stdout,
      /\nlive {2}TradeUK DEV: warn Queue 5b1c9a5e-3f0e-4c1a-9a57-6c1d2f0a7b11 not found in instance .*: a run leaves that queue's row out; connect-metrics discover --prune --profile capita-tradeuk-dev takes it out of the file\n/,
    );
  });
});

Deno.test("check lists the rows the outbox set aside, and how to send refused ones again", async () => {
  await withWorkspace(async (ws) => {
    await Deno.mkdir(join(ws.dir, "outbox"));
    await Deno.writeTextFile(join(ws.dir, "outbox", "20261201T090000000Z-000001-deadbeef.json.refused"), "[]");
    await Deno.writeTextFile(join(ws.dir, "outbox", "20261201T090100000Z-000002-deadbeef.json.unreadable"), "{");
    const result = await ws.run(["check"]);
    assertEquals(result.code, 0, result.stderr);
    assertMatch(
      result.stdout,
      /\nwarn {2}.*outbox\/20261201T090000000Z-000001-deadbeef\.json\.refused: rows set aside as refused \(other columns than the dataset's\); rename it to 20261201T090000000Z-000001-deadbeef\.json to send it once the dataset has its columns; removed after outboxMaxDays\n/,
    );
    assertMatch(
      result.stdout,
      /\nwarn {2}.*\.json\.unreadable: rows set aside as unreadable \(not a JSON array of rows\)/,
    );
  });
});

Deno.test("check --live with one broken file: the others are still proved, the broken one said skipped; exit 2", async () => {
  await withWorkspace(async (ws) => {
    await Deno.writeTextFile(configPath(ws, "broken-dev"), '{ "clientName": ');
    const result = await ws.run(["check", "--live", "--region", "eu-west-2"]);
    assertEquals(result.code, 2, result.stdout + result.stderr);
    assertMatch(result.stdout, /\nFAIL {2}broken-dev-instance-queues\.json: /);
    assertMatch(
      result.stdout,
      /\nlive {2}broken-dev-instance-queues\.json: skipped, as the file fails the check above\n/,
    );
    assertMatch(result.stdout, /\nlive {2}TradeUK DEV: ok \(credentials, Region, instance and queues answer\)\n/);
    assertMatch(result.stderr, /^error: 1 file\(s\) in .*config need fixing \(see FAIL lines\)\n$/);
  });
});

Deno.test("check: one line per file; a broken or duplicated config is exit 2; --live proves each client", async () => {
  await withWorkspace(async (ws) => {
    const ok = await ws.run(["check"]);
    assertEquals(ok.code, 0, ok.stdout + ok.stderr);
    assertEquals(ok.stdout.split("\n").filter(Boolean), [
      "ok    settings.json: none (the default columns)",
      `ok    ${PROFILE}-instance-queues.json: TradeUK DEV, 3 queue(s), instance ${INSTANCE}`,
      "ok    Power BI: 1 client (3 queues) every 60 s send 180 rows an hour in 1 request a cycle (1 a minute, of the 300 a Streaming dataset takes); a Streaming " +
      "dataset stores no rows (its tiles show the latest); as Push or PushStreaming with basicFIFO it would keep the " +
      "last 46 days of 1 client",
    ]);

    const live = await ws.run(["check", "--live", "--region", "eu-west-2"]);
    assertEquals(live.code, 0, live.stdout + live.stderr);
    assertMatch(live.stdout, /\nlive {2}TradeUK DEV: ok \(credentials, Region, instance and queues answer\)\n/);
    assertEquals(ws.server.connect.requests.length, 1, "one cheap call per client");

    ws.server.model.deny("*", "GetCurrentMetricData");
    const denied = await ws.run(["check", "--live", "--region", "eu-west-2"]);
    assertEquals(denied.code, 1);
    assertMatch(denied.stdout, /live {2}TradeUK DEV: FAIL AccessDeniedException: .*connect:GetCurrentMetricData/);

    await Deno.writeTextFile(
      configPath(ws, "copy-dev"),
      JSON.stringify({ ...seedConfig(), clientName: "Copy" }),
    );
    await Deno.writeTextFile(
      join(ws.dir, "config", "settings.json"),
      `{"addColumns": [{"column": "X", "metric": "NOPE"}]}`,
    );
    const bad = await ws.run(["check"]);
    assertEquals(bad.code, 2);
    assertMatch(
      bad.stdout,
      /^FAIL {2}settings\.json: field "addColumns\[0\]\.metric": expected an Amazon Connect metric name/,
    );
    assertMatch(
      bad.stdout,
      /\nFAIL {2}copy-dev-instance-queues\.json: instance 0d525d33-.* is also in .*capita-tradeuk-dev-instance-queues\.json/,
    );
    assertMatch(bad.stderr, /^error: 3 file\(s\) in .*config need fixing \(see FAIL lines\)\n$/);

    // Saved by Notepad with ".txt" on the end: said by check, and by a run of that profile.
    await Deno.rename(join(ws.dir, "config", "settings.json"), join(ws.dir, "config", "settings.json.txt"));
    await Deno.rename(configPath(ws, "copy-dev"), `${configPath(ws, "copy-dev")}.txt`);
    const txt = await ws.run(["check"]);
    assertEquals(txt.code, 2);
    assertMatch(
      txt.stdout,
      /\nFAIL {2}copy-dev-instance-queues\.json\.txt: not read, as its name ends in "\.txt"; rename it to copy-dev-instance-queues\.json \(Notepad adds/,
    );
    assertMatch(
      txt.stdout,
      /^FAIL {2}settings\.json: .*settings\.json\.txt: not read, .*; rename it to settings\.json /,
    );
    assertMatch(txt.stderr, /^error: 2 file\(s\) in /);
    const run = await ws.run(["--client", "copy", "--environment", "dev", "--profile", "copy-dev"]);
    assertEquals(run.code, 2);
    assertMatch(
      run.stderr,
      /^error: config file copy-dev-instance-queues\.json not found; .*\nhint: .*copy-dev-instance-queues\.json\.txt is there instead: rename it to copy-dev-instance-queues\.json/,
    );
  });
});

Deno.test("init typed in a prompt open elsewhere writes into config beside the exe, where runs will read it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-init-" });
  try {
    // C:\connect-metrics\connect-metrics.exe with the zip's config folder; the prompt is open at the user's home.
    const bin = join(dir, "connect-metrics");
    await Deno.mkdir(join(bin, "config"), { recursive: true });
    const exe = join(bin, "deno");
    await Deno.link(Deno.execPath(), exe).catch(() => Deno.copyFile(Deno.execPath(), exe));
    const home = join(dir, "home");
    await Deno.mkdir(home);
    const result = await runCli(["init", "--profile", "acme-dev"], { cwd: home, execPath: exe });
    assertEquals(result.code, 0, result.stderr);
    assertMatch(
      result.stdout,
      new RegExp(`^wrote ${bin}/config/settings\\.json\nwrote ${bin}/config/acme-dev-instance`),
    );
    assert.ok(!(await Deno.stat(join(home, "config")).catch(() => null)), "nothing in the home folder");
    // A config folder in the working directory is read first, so it is where a new file goes.
    await Deno.mkdir(join(home, "config"));
    const local = await runCli(["init", "--profile", "beta-dev"], { cwd: home, execPath: exe });
    assertEquals(local.code, 0, local.stderr);
    assertMatch(local.stdout, new RegExp(`^wrote ${home}/config/settings\\.json\n`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init for a second client keeps the settings.json that holds the push URL, even with --force", async () => {
  await withWorkspace(async (ws) => {
    const dir = join(ws.dir, "config");
    const first = await ws.run(["init", "--config-dir", dir, "--profile", "acme-dev"]);
    assertEquals(first.code, 0, first.stderr);
    assertMatch(first.stdout, /paste the Power BI dataset's Push URL into "powerBiUrl" in .*settings\.json\n/);
    // The analyst pastes the push URL, then sets up the next client as README-MI says: init, once per client.
    const settingsPath = join(dir, "settings.json");
    const pasted = (await Deno.readTextFile(settingsPath)).replace(
      '"powerBiUrl": ""',
      `"powerBiUrl": "https://api.powerbi.com/beta/t/datasets/d/rows?key=${"k".repeat(20)}"`,
    );
    await Deno.writeTextFile(settingsPath, pasted);
    const second = await ws.run(["init", "--config-dir", dir, "--profile", "beta-prod"]);
    assertEquals(second.code, 0, second.stderr);
    assertMatch(second.stdout, /^wrote .*beta-prod-instance-queues\.json\nkept .*settings\.json as it is/);
    assert.ok(!second.stdout.includes("powerBiUrl"), "no push URL step: settings.json was there already");
    assertEquals(await Deno.readTextFile(settingsPath), pasted);
    // --force replaces the client file it names, never the settings.
    await Deno.writeTextFile(join(dir, "beta-prod-instance-queues.json"), "{}");
    const forced = await ws.run(["init", "--config-dir", dir, "--profile", "beta-prod", "--force"]);
    assertEquals(forced.code, 0, forced.stderr);
    assertEquals(await Deno.readTextFile(settingsPath), pasted);
    assertEquals(
      JSON.parse(await Deno.readTextFile(join(dir, "beta-prod-instance-queues.json"))).clientName,
      "ExampleClient",
    );
  });
});

Deno.test("init writes a commented settings.json and a config that check accepts, and never overwrites", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-init-" });
  try {
    await withWorkspace(async (ws) => {
      const target = join(dir, "fresh");
      const result = await ws.run(["init", "--config-dir", target, "--profile", "acme-dev"]);
      assertEquals(result.code, 0, result.stderr);
      assertMatch(result.stdout, /wrote .*fresh\/settings\.json\nwrote .*fresh\/acme-dev-instance-queues\.json\n/);
      const settings = JSON.parse(await Deno.readTextFile(join(target, "settings.json")));
      assert.ok(Object.keys(settings).some((k) => k.startsWith("//")), "comments explain each field");
      const check = await ws.run(["check", "--config-dir", target]);
      assertEquals(check.code, 0, check.stdout + check.stderr);
      assertEquals(check.stdout.split("\n").filter((l) => l.startsWith("warn")), [
        `warn  acme-dev-instance-queues.json: clientName is still the example's, "ExampleClient", which the rows and the dashboard would show; write the client's name there (or connect-metrics discover --client NAME)`,
        "warn  acme-dev-instance-queues.json: instanceId is still the example's; connect-metrics discover fills in your instance's",
        `warn  acme-dev-instance-queues.json: "ExampleQueue" is still the example's queue; discover fills in the real ones, and --prune removes the example`,
        `warn  acme-dev-instance-queues.json: AWS profile "acme-dev" is not in ${ws.dir}/.aws/credentials or ${ws.dir}/.aws/config, so a run stops there (add a [acme-dev] section with its keys to ${ws.dir}/.aws/credentials (README-MI.md, step 2; or aws configure --profile acme-dev))`,
      ], "comment keys are not unknown fields; the example's ids are said; the profile is still to be made");

      // discover then fills in the account's only instance and its queues, dropping the example's.
      await addProfile(ws, "acme-dev");
      const unnamed = await ws.run(["discover", "--config-dir", target, "--profile", "acme-dev", "--dry-run"]);
      assertEquals(unnamed.code, 0, unnamed.stderr);
      assertMatch(unnamed.stderr, /^warning: .*acme-dev-instance-queues\.json: clientName is still the example's/);
      const discovered = await ws.run([
        ...["discover", "--config-dir", target, "--profile", "acme-dev", "--client", "Acme", "--environment", "prod"],
      ]);
      assertEquals([discovered.code, discovered.stderr], [0, ""]);
      assertMatch(
        discovered.stdout,
        /\n~ clientName "ExampleClient" -> "Acme" \(--client\)\n~ environment "DEV" -> "PROD" \(--environment\)\n- 00000000-0000-4000-8000-000000000001 {2}ExampleQueue {2}\(the example's: removed\)\n/,
      );
      const config = JSON.parse(await Deno.readTextFile(join(target, "acme-dev-instance-queues.json")));
      assertEquals([config.instanceId, config.accountId], [INSTANCE, seedConfig().accountId]);
      assertEquals([config.clientName, config.environment], ["Acme", "PROD"], "the flags, not the example's");
      // Once named, the file's spelling is what the dashboard shows: "acme" is the same client.
      const same = await ws.run(["discover", "--config-dir", target, "--profile", "acme-dev", "--client", "acme"]);
      assertEquals(same.code, 0, same.stderr);
      assertMatch(same.stdout, /is up to date\n$/);
      assertEquals(Object.values(config.queues), Object.values(seedConfig().queues as object));
      const clean = await ws.run(["check", "--config-dir", target]);
      assertEquals(clean.code, 0, clean.stdout + clean.stderr);
      assert.ok(!clean.stdout.includes("warn"), clean.stdout);
      const again = await ws.run(["init", "--config-dir", target, "--profile", "acme-dev"]);
      assertEquals(again.code, 2);
      assertMatch(
        again.stderr,
        /acme-dev-instance-queues\.json already exists; nothing written\nhint: give another --profile for a new client, or add --force to replace this one/,
      );
      assertEquals(JSON.parse(await Deno.readTextFile(join(target, "acme-dev-instance-queues.json"))), config);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
