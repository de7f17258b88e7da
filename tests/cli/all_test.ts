/**
 * Many clients in one scheduled run: --all, failure isolation, the
 * summary, exit codes, logs, --quiet/--verbose, and --every watch mode.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertNotMatch } from "../assert.ts";
import {
  ACCESS_KEY,
  cliCommand,
  PROFILE,
  readUntil,
  SECRET_KEY,
  seedConfig,
  stopWatch,
  withWorkspace,
  type Workspace,
  writeAwsProfile,
  writeConfig,
} from "../helpers.ts";
import { parseClientConfig } from "../../src/config/client_config.ts";
import { addConfiguredInstances, fakeGuid } from "../../src/simulator/fleet.ts";
import { dailyLogFile } from "../../src/cli/log.ts";
import { CONFIG_EXAMPLE } from "../../src/config/paths.ts";
import { DEFAULT_COLUMNS } from "../../src/connect/catalogue.ts";
import { connectionsFor } from "../../src/connect/client.ts";
import { datasetColumns } from "../../src/sinks/powerbi_schema.ts";

/** Another client in its own account, served by the emulator (unless `served` is false). */
async function addClient(ws: Workspace, profile: string, name: string, account: string, queues = 3, served = true) {
  const config = {
    clientName: name,
    accountId: account,
    environment: "PROD",
    instanceId: fakeGuid("instance", name),
    region: "eu-west-2",
    queues: Object.fromEntries(Array.from({ length: queues }, (_, i) => [fakeGuid(name, i), `${name} queue ${i + 1}`])),
  };
  const path = await writeConfig(join(ws.dir, "config"), profile, config);
  if (served) addConfiguredInstances(ws.server.model, [parseClientConfig(JSON.stringify(config), path).config]);
  await writeAwsProfile(ws.dir, profile, { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, region: "eu-west-2" });
}

const output = (ws: Workspace, name: string) => join(ws.dir, "output", `${name}-metric-data.json`);
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("--all: one broken client is reported, the others are written; exit 1 and a summary", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "acme-prod", "Acme", "222222222222");
    await addClient(ws, "gone-prod", "Gone", "333333333333", 3, false); // its instance does not exist
    await Deno.writeTextFile(join(ws.dir, "config", "broken-prod-instance-queues.json"), '{ "clientName": ');
    // Saved by Notepad as "...json.txt": not read, but not left out silently either.
    await addClient(ws, "notepad-prod", "Notepad", "444444444444");
    const notepad = join(ws.dir, "config", "notepad-prod-instance-queues.json");
    await Deno.rename(notepad, `${notepad}.txt`);
    const result = await ws.run(["--all"]);
    assertEquals(result.code, 1, result.stderr);
    assert.ok(await exists(output(ws, "tradeuk-dev")));
    assert.ok(await exists(output(ws, "acme-prod")));
    assert.ok(!(await exists(output(ws, "gone-prod"))));
    assertMatch(result.stderr, /^error: Gone PROD: ResourceNotFoundException: Instance .* not found/m);
    assertMatch(result.stderr, /^error: broken-prod: .*broken-prod-instance-queues\.json: malformed JSON/m);
    // The summary: a row per client, in file-name order, then the count.
    assertMatch(result.stderr, /\nClient +Rows +API calls +Retries +Seconds +Outcome\n/);
    assertMatch(result.stderr, /\nAcme PROD +3 +2 +0 +[\d.]+ +ok\n/);
    assertMatch(result.stderr, /\nbroken-prod +0 +0 +0 +0 +FAILED: .*malformed JSON/);
    assertMatch(
      result.stderr,
      /^error: notepad-prod: .*notepad-prod-instance-queues\.json\.txt: not read, as its name ends in "\.txt"\nhint: rename it to notepad-prod-instance-queues\.json \(/m,
    );
    assertMatch(result.stderr, /\nnotepad-prod +0 +0 +0 +0 +FAILED: .*\.json\.txt: not read/);
    assertMatch(result.stderr, /\nTradeUK DEV +3 +2 +0 +[\d.]+ +ok\n/);
    assertMatch(
      result.stderr,
      /\n2 of 5 client\(s\) ok in [\d.]+ s; not pushed \(no --push\): no dashboard was updated\n$/,
    );
    const rows = result.stderr.split("\n").filter((l) => / (ok|FAILED: .*)$/.test(l)).map((l) => l.split(/ {2,}/)[0]);
    assertEquals(rows, ["Acme PROD", "broken-prod", "TradeUK DEV", "Gone PROD", "notepad-prod"], "file-name order");
    // Each failure whole above the table; in it, a cell short enough for a console window, without folders.
    for (const line of result.stderr.split("\n").filter((l) => / FAILED: /.test(l))) {
      assertMatch(line, /FAILED: .{1,60}…?$/);
      assert.ok(!line.includes(ws.dir), line);
    }
  });
});

Deno.test("--all: a file copied for a new client, its instance and queues left as they were, fails with the original", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "acme-prod", "Acme", "222222222222");
    const seed = seedConfig();
    await writeConfig(join(ws.dir, "config"), "copy-prod", { ...seed, clientName: "Copy", environment: "PROD" });
    await writeAwsProfile(ws.dir, "copy-prod", {
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET_KEY,
      region: "eu-west-2",
    });
    const result = await ws.run(["--all"]);
    assertEquals(result.code, 1, result.stderr);
    assertMatch(
      result.stderr,
      /^error: copy-prod: .*copy-prod-instance-queues\.json: instance \S+ is also in .*capita-tradeuk-dev-instance-queues\.json, with 3 of the same queue\(s\) .*: their rows would be written twice\nhint: each client's file names its own instance and queues: connect-metrics discover --profile copy-prod fills them in$/m,
    );
    assert.ok(await exists(output(ws, "acme-prod")), "the other clients are written");
    for (const name of ["tradeuk-dev", "copy-prod"]) assert.ok(!(await exists(output(ws, name))), name);

    // One instance with its queues split between two clients, each file its own: both are written.
    const [first, ...others] = Object.entries(seed.queues as Record<string, string>);
    await writeConfig(join(ws.dir, "config"), "copy-prod", {
      ...seed,
      clientName: "Copy",
      queues: Object.fromEntries([first]),
    });
    await writeConfig(join(ws.dir, "config"), PROFILE, { ...seed, queues: Object.fromEntries(others) });
    const split = await ws.run(["--all"]);
    assertEquals(split.code, 0, split.stderr);
    assertEquals(JSON.parse(await Deno.readTextFile(output(ws, "copy-dev"))).length, 1);
    assertEquals(JSON.parse(await Deno.readTextFile(output(ws, "tradeuk-dev"))).length, 2);
  });
});

Deno.test("--all says which files look meant as a client's but are not read; copies the same as a read file are no news", async () => {
  await withWorkspace(async (ws) => {
    const config = join(ws.dir, "config");
    const own = join(config, `${PROFILE}-instance-queues.json`);
    // A browser saved the only client file as "... (1).json": nothing to run, and the hint says what to rename.
    await Deno.rename(own, join(config, `${PROFILE}-instance-queues (1).json`));
    const downloaded = await ws.run(["--all"]);
    assertEquals(downloaded.code, 2);
    assertMatch(
      downloaded.stderr,
      new RegExp(
        `^error: no \\*-instance-queues\\.json files found; .*\nhint: \\S+/config/${PROFILE}-instance-queues \\(1\\)\\.json: ` +
          `not read, as only names ending in "-instance-queues\\.json" are; rename it to ${PROFILE}-instance-queues\\.json\n`,
      ),
    );
    await Deno.rename(join(config, `${PROFILE}-instance-queues (1).json`), own);

    // The zip's untouched example, and a copy that is the same as a read file: no news.
    // An older release's example has other text, but still the placeholder ids.
    const example = JSON.parse(await Deno.readTextFile(CONFIG_EXAMPLE));
    await Deno.writeTextFile(
      join(config, "instance-queues.example.json"),
      JSON.stringify({ ...example, "//": "an older example", region: "eu-west-1" }),
    );
    await Deno.copyFile(own, join(config, `${PROFILE}-instance-queues - Copy.json`));
    const quiet = await ws.run(["--all"]);
    assertEquals(quiet.code, 0, quiet.stderr);
    assertEquals(quiet.stderr, "");

    // The next client typed into the example, and an older copy kept by Explorer: said, and the run goes on.
    const next = { ...seedConfig(), clientName: "Acme", instanceId: fakeGuid("instance", "Acme") };
    await Deno.writeTextFile(join(config, "instance-queues.example.json"), JSON.stringify(next));
    const older = {
      ...seedConfig(),
      queues: Object.fromEntries(Object.entries(seedConfig().queues as object).slice(1)),
    };
    await Deno.writeTextFile(join(config, `${PROFILE}-instance-queues - Copy.json`), JSON.stringify(older));
    const result = await ws.run(["--all"]);
    assertEquals(result.code, 0, result.stderr);
    assertEquals(result.stderr.split("\n").filter((l) => l.startsWith("warning:")), [
      `warning: ${config}/${PROFILE}-instance-queues - Copy.json: not read, as only names ending in "-instance-queues.json" ` +
      `are; to replace ${PROFILE}-instance-queues.json, rename it so; to keep it as a backup, end its name in .bak`,
      `warning: ${config}/instance-queues.example.json: not read, as it is the example, and a client's ids have been ` +
      "typed into it; save it as PROFILE-instance-queues.json, PROFILE being its client's AWS profile",
    ]);
    assertMatch(result.stdout, /TradeUK DEV: 3 queues/);
    const check = await ws.run(["check"]);
    assertEquals(check.code, 0, check.stdout + check.stderr);
    assertMatch(check.stdout, /\nwarn {2}instance-queues\.example\.json: not read, as it is the example/);
  });
});

Deno.test("two files with the same clientName and environment: both fail, naming each other, before any call", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "acme-prod", "Acme", "222222222222");
    // A new client's file copied from Acme's, with its own account and instance, but clientName left as it was.
    const copy = JSON.parse(await Deno.readTextFile(join(ws.dir, "config", "acme-prod-instance-queues.json")));
    await writeConfig(join(ws.dir, "config"), "newco-prod", {
      ...copy,
      accountId: "444444444444",
      instanceId: fakeGuid("instance", "NewCo"),
    });
    await writeAwsProfile(ws.dir, "newco-prod", { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });

    const all = await ws.run(["--all"]);
    assertEquals(all.code, 1, all.stderr);
    assert.ok(await exists(output(ws, "tradeuk-dev")), "the other clients are still written");
    assert.ok(!(await exists(output(ws, "acme-prod"))), "neither writes over the other");
    assertMatch(
      all.stderr,
      /^error: acme-prod: .*acme-prod-instance-queues\.json: clientName "Acme" and environment "PROD" are also those of .*newco-prod-instance-queues\.json: both would write acme-prod-metric-data\.json, one over the other$/m,
    );
    assertMatch(all.stderr, /^error: newco-prod: .*newco-prod-instance-queues\.json: .* also those of .*acme-prod-/m);
    assertMatch(all.stderr, /\n1 of 3 client\(s\) ok in/);
    assertEquals(
      ws.server.connect.requests.filter((r) => r.accessKeyId === ACCESS_KEY).length,
      2,
      "only TradeUK called Connect",
    );

    const named = await ws.run(["--profile", "acme-prod", "--profile", "newco-prod"]);
    assertEquals(named.code, 2, "named profiles: a config error before any work");
    assertMatch(
      named.stderr,
      /^error: .*acme-prod-instance-queues\.json: clientName "Acme" .*\nhint: give each client file its own clientName/,
    );
  });
});

Deno.test("--all --push: the clients that worked are pushed in one go, and the summary says so", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "acme-prod", "Acme", "222222222222");
    await addClient(ws, "gone-prod", "Gone", "333333333333", 3, false);
    const dataset = ws.server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS));
    const url = ws.server.powerBi.pushUrl(ws.server.powerBiUrl, dataset);
    const result = await ws.run(["--all", "--push"], { CONNECT_METRICS_POWERBI_URL: url });
    assertEquals(result.code, 1, result.stderr);
    assertEquals(new Set(dataset.rows.map((r) => r.Client)), new Set(["Acme", "TradeUK"]));
    assertEquals(dataset.rows.length, 6);
    assertEquals(new Set(dataset.rows.map((r) => r.Date)).size, 1, "one Date for the whole run");
    assertMatch(result.stderr, /\n2 of 3 client\(s\) ok in [\d.]+ s; 6 row\(s\) pushed\n$/);
  });
});

Deno.test("--all --push: a client whose output file cannot be written still reaches Power BI; the run says so", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "acme-prod", "Acme", "222222222222");
    // Something holds TradeUK's output file for good (here a folder stands in its place).
    await Deno.mkdir(join(output(ws, "tradeuk-dev"), "held"), { recursive: true });
    const dataset = ws.server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS));
    const url = ws.server.powerBi.pushUrl(ws.server.powerBiUrl, dataset);
    const result = await ws.run(["--all", "--push"], { CONNECT_METRICS_POWERBI_URL: url });
    assertEquals(result.code, 1, result.stderr);
    assertMatch(
      result.stderr,
      /^error: TradeUK DEV: cannot write .*tradeuk-dev-metric-data\.json: .*\nhint: is another program/m,
    );
    assertEquals(new Set(dataset.rows.map((r) => r.Client)), new Set(["Acme", "TradeUK"]), "both clients' rows pushed");
    assert.ok(await exists(output(ws, "acme-prod")));
  });
});

Deno.test("--all: every client ok is exit 0; --profile repeated picks clients; usage errors are exit 2 before any work", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "acme-prod", "Acme", "222222222222");
    const all = await ws.run(["--all"]);
    assertEquals(all.code, 0, all.stderr);
    assertMatch(all.stdout, /\n2 of 2 client\(s\) ok in/);

    const before = ws.server.connect.requests.length;
    const picked = await ws.run([
      "--profile",
      "acme-prod",
      "--profile",
      PROFILE,
      "--profile",
      "acme-prod",
      "--output-dir",
      "picked",
    ]);
    assertEquals(picked.code, 0, picked.stderr);
    assert.ok(await exists(join(ws.dir, "picked", "acme-prod-metric-data.json")));
    assertMatch(picked.stdout, /\n2 of 2 client\(s\) ok in/, "a profile named twice is fetched once");
    assertEquals(ws.server.connect.requests.length - before, 4, "two API calls per client");

    const requests = ws.server.connect.requests.length;
    for (
      const [args, message] of [
        [["--all", "--client", "acme"], /^error: --client and --environment go with a single --profile/],
        [["--all", "--profile", "x"], /^error: give --all or --profile, not both/],
        [["--all", "--every", "5s"], /^error: --every expects an interval of at least 10s/],
        [["--all", "--config-dir", "nowhere"], /^error: .*nowhere \(--config-dir\): no such folder\n/],
        [
          ["--profile", "acme-prod", "--profile", "acme-typo"],
          /^error: config file acme-typo-instance-queues\.json not found/,
        ],
      ] as const
    ) {
      const result = await ws.run([...args]);
      assertEquals(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assertMatch(result.stderr, message);
    }
    await Deno.writeTextFile(join(ws.dir, "config", "settings.json"), '{ "pushAttempts": 0 }');
    const badSettings = await ws.run(["--all"]);
    assertEquals(badSettings.code, 2);
    assertMatch(badSettings.stderr, /settings\.json: field "pushAttempts"/);
    // A column Connect has no metric for: every client would fail alike, so it is the settings' error.
    await Deno.writeTextFile(
      join(ws.dir, "config", "settings.json"),
      '{ "addColumns": [{ "column": "AHT", "metric": "AVERAGE_HANDLE_TIME" }] }',
    );
    const badColumn = await ws.run(["--all"]);
    assertEquals(badColumn.code, 2, badColumn.stderr);
    assertMatch(
      badColumn.stderr,
      /^error: .*settings\.json: field "addColumns\[0\]\.metric": expected an Amazon Connect/,
    );
    assertEquals(ws.server.connect.requests.length, requests, "no API call was made");
  });
});

Deno.test("--all shares each account's quota: four clients of one account, 300 queues each, never throttled", async () => {
  await withWorkspace(async (ws) => {
    for (const name of ["North", "South", "East", "West"]) {
      await addClient(ws, `${name.toLowerCase()}-prod`, name, "444444444444", 300);
    }
    await Deno.remove(join(ws.dir, "config", `${PROFILE}-instance-queues.json`));
    const result = await ws.run(["--all"]);
    assertEquals(result.code, 0, result.stderr);
    const calls = ws.server.connect.requests;
    assertEquals(calls.length, 4 * 2 * 3, "3 batches of 100 queues per API per client");
    assertEquals(calls.filter((r) => r.status === 429 || r.errorType === "ThrottlingException").length, 0);
  });
});

Deno.test("--all over twenty accounts: the clients share a bounded set of connections, reused from one to the next", async () => {
  await withWorkspace(async (ws) => {
    for (let a = 0; a < 20; a++) {
      await addClient(ws, `client${a}-prod`, `Client${a}`, String(500000000000 + a), 200);
    }
    ws.server.connect.latencyMs = 20; // answers overlap, as they do over a real network
    const result = await ws.run(["--all"]);
    assertEquals(result.code, 0, result.stderr);
    const calls = ws.server.connect.requests;
    assertEquals(calls.length, 20 * 2 * 2 + 2, "2 batches per API per client, and the workspace's own client");
    const connections = new Set(calls.map((r) => r.connection));
    // 16 clients at once, 2 requests on each API: the quotas call for 64, bounded at 32.
    const bound = connectionsFor(16, 2);
    assertEquals(bound, 32);
    assert.ok(
      connections.size <= bound && ws.server.connect.maxInFlight <= bound,
      `${connections.size} connections, ${ws.server.connect.maxInFlight} requests at once`,
    );
    assert.ok(connections.size < calls.length, "later clients use the connections earlier ones opened");
  });
});

Deno.test("logs: a run without a terminal appends to logs/connect-metrics-DATE.log; json lines; 14 days kept", async () => {
  await withWorkspace(async (ws) => {
    await Deno.mkdir(join(ws.dir, "logs"));
    const daysAgo = (days: number) => {
      const log = dailyLogFile(join(ws.dir, "logs"), new Date(Date.now() - days * 86_400_000));
      return Deno.writeTextFile(log, "old\n").then(() => log);
    };
    const [old, recent] = [await daysAgo(20), await daysAgo(10)];
    const text = await ws.run(["--client", "tradeuk", "--environment", "dev", "--profile", PROFILE]);
    assertEquals(text.code, 0, text.stderr);
    const log = await Deno.readTextFile(dailyLogFile(join(ws.dir, "logs"), new Date()));
    // Local time with its offset (the tests run in Europe/London), as Task Scheduler's history shows it.
    assertMatch(log, /^\d{4}-\d\d-\d\dT[\d:.]+\+0[01]:00 INFO +TradeUK DEV: 3 queues, 2 API requests/m);
    assert.ok(!(await exists(old)), "logs older than 14 days are deleted");
    assert.ok(await exists(recent), "younger ones are kept");

    // settings.json can keep them longer (or shorter).
    const older = await daysAgo(20);
    await Deno.writeTextFile(join(ws.dir, "config", "settings.json"), '{ "logRetentionDays": 30 }');
    assertEquals((await ws.run(["--all"])).code, 0);
    assert.ok(await exists(older), "kept for 30 days");
    await Deno.writeTextFile(join(ws.dir, "config", "settings.json"), '{ "logRetentionDays": 5 }');
    assertEquals((await ws.run(["--all"])).code, 0);
    assert.ok(!(await exists(recent)), "deleted after 5 days");
    await Deno.remove(join(ws.dir, "config", "settings.json"));

    const jsonLog = join(ws.dir, "run.jsonl");
    const before = Date.now();
    const json = await ws.run(["--all", "--log-file", jsonLog, "--log-format", "json"], { TZ: "Asia/Kolkata" });
    assertEquals(json.code, 0, json.stderr);
    const lines = (await Deno.readTextFile(jsonLog)).trim().split("\n").map((l) => JSON.parse(l));
    const client = lines.find((l) => l.client === "TradeUK DEV");
    assertEquals([client.level, client.rows, client.requests], ["info", 3, 2]);
    assertMatch(client.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30$/, "the machine's local time and offset");
    const logged = Date.parse(client.time);
    assert.ok(logged >= before - 1000 && logged <= Date.now(), `${client.time} is the moment of the run`);
    for (const l of lines) assert.ok(!JSON.stringify(l).includes(SECRET_KEY));
  });
});

Deno.test("logs: a run stopped before it starts (bad flag, config, push URL) says why in the log too", async () => {
  await withWorkspace(async (ws) => {
    const logs = join(ws.dir, "logs");
    await Deno.mkdir(logs);
    const old = dailyLogFile(logs, new Date(Date.now() - 20 * 86_400_000));
    await Deno.writeTextFile(old, "old\n");
    const today = () => Deno.readTextFile(dailyLogFile(logs, new Date()));

    const typo = await ws.run(["--all", "--clent", "x"]);
    assertEquals(typo.code, 2);
    assertMatch(await today(), /^\S+:00 ERROR +error: unknown flag '--clent'/m);
    assertNotMatch(await today(), /Usage:/, "the log gets the error, not the help");

    const key = "SECRETKEYINAURL0123456789";
    const badUrl = await ws.run(["--all", "--push", `https://api.powerbi.com/v1/rows?key=${key}`]);
    assertEquals(badUrl.code, 2);
    assertMatch(await today(), /ERROR +error: --push: /);
    assert.ok(!(await today()).includes(key), "the Power BI key is not logged");

    const jsonLog = join(ws.dir, "run.jsonl");
    const mismatch = await ws.run([
      ...["--client", "acme", "--environment", "dev", "--profile", PROFILE],
      ...["--log-file", jsonLog, "--log-format", "json"],
    ]);
    assertEquals(mismatch.code, 2);
    const lines = (await Deno.readTextFile(jsonLog)).trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(lines.map((l) => l.level), ["error", "error"]);
    assertMatch(lines[0].message, /^error: --client acme does not match clientName "TradeUK"/);
    assertMatch(lines[1].message, /^hint: /);

    // A --log-file that cannot be written (relative, under a scheduled task's System32): the daily log says so.
    await Deno.writeTextFile(join(ws.dir, "blocked"), "");
    const badLog = await ws.run(["--all", "--log-file", join(ws.dir, "blocked", "run.log")]);
    assertEquals(badLog.code, 2);
    assertMatch(await today(), /ERROR +error: --log-file .*blocked\/run\.log: cannot write to it/);

    assert.ok(await exists(old), "settings.json was not read, so no log is deleted for its age");
    assertEquals(ws.server.connect.requests.length, 0, "nothing was fetched");
  });
});

Deno.test("logs: a folder that cannot be written never stops the run; the log moves to the user's own folder", async () => {
  await withWorkspace(async (ws) => {
    // The exe's folder is read-only (as under Program Files): here a file named "logs" stands in the way.
    await Deno.writeTextFile(join(ws.dir, "logs"), "");
    const local = join(ws.dir, "AppData", "Local");
    const moved = await ws.run(["--all"], { LOCALAPPDATA: local });
    assertEquals(moved.code, 0, moved.stderr);
    assert.ok(await exists(output(ws, "tradeuk-dev")), "the rows are written");
    const fallback = join(local, "connect-metrics", "logs");
    assertMatch(moved.stderr, new RegExp(`^warning: logs go to ${fallback}: ${join(ws.dir, "logs")}: `));
    const log = await Deno.readTextFile(dailyLogFile(fallback, new Date()));
    assertMatch(log, /WARN +logs go to .*\n(.*\n)*.*INFO +TradeUK DEV: 3 queues, 2 API requests/);

    const requests = ws.server.connect.requests.length;
    const named = await ws.run(["--all", "--log-file", join(ws.dir, "logs", "run.log")]);
    assertEquals(named.code, 2, "a --log-file that cannot be written is the user's to fix, before any work");
    // (Preceded by where the daily log went instead, which now records this error.)
    assertMatch(named.stderr, /^(warning: logs go to .*\n)?error: --log-file .*logs\/run\.log: cannot write to it \(/);
    assertEquals(ws.server.connect.requests.length, requests);
  });
});

Deno.test("--quiet prints nothing on success but still errors; --verbose adds detail", async () => {
  await withWorkspace(async (ws) => {
    const quiet = await ws.run(["--all", "--quiet"]);
    assertEquals(quiet.code, 0, quiet.stderr);
    assertEquals(quiet.stdout, "");
    await addClient(ws, "gone-prod", "Gone", "333333333333", 3, false);
    const quietFail = await ws.run(["--all", "-q"]);
    assertEquals(quietFail.code, 1);
    assertEquals(quietFail.stdout, "");
    assertMatch(quietFail.stderr, /^error: Gone PROD: ResourceNotFoundException/m);
    assertMatch(quietFail.stderr, /1 of 2 client\(s\) ok/);

    const verbose = await ws.run(["--profile", PROFILE, "--client", "tradeuk", "--environment", "dev", "--verbose"]);
    assertEquals(verbose.code, 0, verbose.stderr);
    assertMatch(verbose.stdout, /^config .*capita-tradeuk-dev-instance-queues\.json \(working directory\)\n/);
    assertMatch(verbose.stdout, /\n {2}TradeUK DEV: fetched and written in [\d.]+ s\n/);
  });
});

Deno.test("--every: a cycle now and on each boundary; SIGTERM lets the running cycle write, then exits 0", async () => {
  await withWorkspace(async (ws) => {
    const child = cliCommand(["--all", "--every", "10s"], { cwd: ws.dir, env: ws.env }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = await readUntil(reader, /1 of 1 client\(s\) ok/);
    assertMatch(seen, /^watching: every 10 s on the clock; Ctrl\+C stops\n/);
    const first = JSON.parse(await Deno.readTextFile(output(ws, "tradeuk-dev")));

    // The next cycle starts on the boundary; stop it while Connect is slow to answer.
    ws.server.connect.latencyMs = 1_500;
    while (ws.server.connect.requests.length < 4) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGTERM");
    const status = await child.status;
    seen += await readUntil(reader);
    await child.stderr.cancel();
    assertEquals(status.code, 0);
    assertMatch(seen, /stopping: the current cycle finishes first/);
    assertMatch(seen, /stopped\n$/);
    const second = JSON.parse(await Deno.readTextFile(output(ws, "tradeuk-dev")));
    assertNotMatch(second[0].Date, new RegExp(`^${first[0].Date}$`), "the interrupted cycle still wrote its file");
  });
});

Deno.test("--every: a client whose Connect does not answer is cut off each cycle, and no boundary is skipped", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "slow-prod", "Slow", "222222222222");
    ws.server.connect.accountLatencyMs.set("222222222222", 600_000); // would answer in 10 minutes
    const child = cliCommand(["--all", "--every", "10s"], { cwd: ws.dir, env: ws.env }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      const seen = await readUntil(reader, /--- cycle 3 at /);
      const starts = [...seen.matchAll(/^--- cycle (\d) at (\d\d):(\d\d):(\d\d) ---$/gm)]
        .map(([, , h, m, s]) => Number(h) * 3600 + Number(m) * 60 + Number(s));
      assertEquals(starts.length, 3);
      assertEquals((starts[2] - starts[1] + 86_400) % 86_400, 10, "cycles 2 and 3 on consecutive boundaries");
      child.kill("SIGKILL");
      await child.status;
      const stderr = await new Response(child.stderr).text();
      assertNotMatch(stderr, /skipped/);
      const cutOff = stderr.match(/^error: Slow PROD: Amazon Connect had not answered all of client Slow's requests/gm);
      assert.ok((cutOff?.length ?? 0) >= 2, stderr);
      assertMatch(stderr, /\n1 of 2 client\(s\) ok in [\d.]+ s; not pushed/);
    } finally {
      await reader.cancel().catch(() => {});
    }
  });
});

Deno.test("--every: keys rotated in the credentials file are used from the next cycle, without a restart", async () => {
  await withWorkspace(async (ws) => {
    const child = cliCommand(["--all", "--every", "10s"], { cwd: ws.dir, env: ws.env }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      let seen = await readUntil(reader, /1 of 1 client\(s\) ok/);
      assertEquals([...new Set(ws.server.connect.requests.map((r) => r.accessKeyId))], [ACCESS_KEY]);

      // IT rotated the keys; the analyst pastes the new ones in while the watch runs.
      const rotated = { id: "AKIAROTATEDKEY000002", secret: "rotated-SECRET-0123456789" };
      await Deno.writeTextFile(
        join(ws.dir, ".aws", "credentials"),
        `[${PROFILE}]\naws_access_key_id = ${rotated.id}\naws_secret_access_key = ${rotated.secret}\n`,
      );
      seen += await readUntil(reader, /1 of 1 client\(s\) ok/);
      assertEquals(ws.server.connect.requests.slice(2).map((r) => r.accessKeyId), [rotated.id, rotated.id]);
      child.kill("SIGTERM");
      seen += await readUntil(reader) + await new Response(child.stderr).text();
      assertEquals((await child.status).code, 0);
      assert.ok(!seen.includes(rotated.secret), "the new secret is never shown");
    } finally {
      await stopWatch(child, reader);
    }
  });
});

Deno.test("Ctrl+C on a one-shot --all run says what it kept: the clients done are written, the rest not", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "slow-prod", "Slow", "222222222222");
    ws.server.connect.accountLatencyMs.set("222222222222", 30_000); // still fetching when Ctrl+C comes
    const child = cliCommand(["--all"], { cwd: ws.dir, env: ws.env }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      // The clients' lines come in file-name order; TradeUK's waits for Slow's, so wait for its file instead.
      while (!(await exists(output(ws, "tradeuk-dev")))) await new Promise((r) => setTimeout(r, 50));
      child.kill("SIGINT");
      const status = await child.status;
      const stderr = await new Response(child.stderr).text();
      assertEquals(status.code, 130, stderr);
      assertMatch(
        stderr,
        /^warning: stopped before the end \(Ctrl\+C or a stop signal\): the 1 client\(s\) done were written; 1 of 2 client\(s\) were not written\n/m,
      );
      assert.ok(!(await exists(output(ws, "slow-prod"))));
    } finally {
      await reader.cancel().catch(() => {});
    }
  });
});

Deno.test("a client file that is a link to a file elsewhere is run by --all and checked by check, like any other", async () => {
  await withWorkspace(async (ws) => {
    await addClient(ws, "acme-prod", "Acme", "222222222222");
    const shared = join(ws.dir, "shared");
    await Deno.mkdir(shared);
    const linked = join(ws.dir, "config", "acme-prod-instance-queues.json");
    await Deno.rename(linked, join(shared, "acme.json"));
    await Deno.symlink(join(shared, "acme.json"), linked);
    const result = await ws.run(["--all"]);
    assertEquals(result.code, 0, result.stderr);
    assert.ok(await exists(output(ws, "acme-prod")), "the linked client was run");
    const check = await ws.run(["check"]);
    assertMatch(check.stdout, /\nok {4}acme-prod-instance-queues\.json: Acme PROD, 3 queue\(s\)/);
  });
});
