/**
 * `--push` to a Fabric Eventstream (an event hub) as the MI team's exe
 * meets it, against the Event Hubs emulator: rows delivered as events equal
 * the rows written; a wrong key is one line and the rows wait; a kill
 * mid-send loses nothing; and the key never shows anywhere.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import {
  ACCESS_KEY,
  cliCommand,
  type CliResult,
  RUN_ARGS,
  SECRET_KEY,
  textsLeftIn,
  withWorkspace,
  type Workspace,
} from "../helpers.ts";
import type { SimEventHub } from "../../src/simulator/eventhubs_handler.ts";

/** Recognisable, so the grep below cannot miss it (base64, as the service makes keys). */
const HUB_KEY = "RUhLRVktZ3JlcC1tZS05YzFlNWIyZDRmNjBhOGUx+/Zz=";
const ENV = "CONNECT_METRICS_EVENTHUB_CONNECTION_STRING";

interface HubWorkspace extends Workspace {
  readonly hub: SimEventHub;
  readonly connection: string;
  readonly outboxFiles: () => Promise<string[]>;
  readonly written: () => Promise<unknown[]>;
}

async function withHubWorkspace(fn: (ws: HubWorkspace) => Promise<void>) {
  await withWorkspace(async (ws) => {
    const hub = ws.server.eventHubs.addHub("es_connect", { keyName: "key_1", key: HUB_KEY });
    const outboxFiles = async () =>
      (await Array.fromAsync(Deno.readDir(join(ws.dir, "outbox"))).catch(() => [])).map((e) => e.name).sort();
    const written = async () =>
      JSON.parse(await Deno.readTextFile(join(ws.dir, "output", "tradeuk-dev-metric-data.json")));
    await fn({
      ...ws,
      hub,
      connection: ws.server.eventHubs.connectionString(ws.server.url, hub),
      outboxFiles,
      written,
    });
  });
}

async function assertNoSecrets(dir: string, results: CliResult[]) {
  const texts = [...results.flatMap((r) => [r.stdout, r.stderr]), ...await textsLeftIn(dir)];
  for (const text of texts) {
    for (const secret of [HUB_KEY, encodeURIComponent(HUB_KEY), SECRET_KEY, ACCESS_KEY]) {
      assert.ok(!text.includes(secret), `a secret leaked into: ${text.slice(0, 200)}`);
    }
    assert.ok(!/sig=/.test(text), `a signature leaked into: ${text.slice(0, 200)}`);
  }
}

Deno.test("--push with an Eventstream's connection string: each row written arrives as one event", async () => {
  await withHubWorkspace(async (ws) => {
    const result = await ws.run([...RUN_ARGS, "--push"], { [ENV]: ws.connection });
    assertEquals(result.code, 0, result.stderr);
    assertMatch(
      result.stdout,
      /pushed 3 row\(s\) to Event Hubs sb:\/\/127\.0\.0\.1:\d+\/es_connect in 1 request\(s\)/,
    );
    assertEquals(ws.hub.events, await ws.written());
    assertEquals(await ws.outboxFiles(), []);

    // The same from settings.json, as the MI machine keeps it; and on the command line.
    await Deno.writeTextFile(
      join(ws.dir, "config", "settings.json"),
      JSON.stringify({ eventHubConnectionString: ws.connection }),
    );
    const fromSettings = await ws.run([...RUN_ARGS, "--push"]);
    assertEquals(fromSettings.code, 0, fromSettings.stderr);
    const fromFlag = await ws.run([...RUN_ARGS, "--push", ws.connection]);
    assertEquals(fromFlag.code, 0, fromFlag.stderr);
    assertEquals(ws.hub.events.length, 9);
    await assertNoSecrets(ws.dir, [result, fromSettings, fromFlag]);
  });
});

Deno.test("a wrong key: one line, exit 1, the rows wait in the outbox and go with the right key", async () => {
  await withHubWorkspace(async (ws) => {
    const wrong = ws.connection.replace(HUB_KEY, "cmVnZW5lcmF0ZWQta2V5LWluLXRoZS1wb3J0YWw=");
    const refused = await ws.run([...RUN_ARGS, "--push"], { [ENV]: wrong });
    assertEquals(refused.code, 1);
    assertMatch(
      refused.stderr,
      /^error: Event Hubs refused the rows: HTTP 401: InvalidSignature: The token has an invalid signature\. 3 row\(s\) in 1 file\(s\) are kept in \S+outbox and will be sent by the next --push run\nhint: the connection string's key is wrong or was regenerated/,
    );
    assertEquals(ws.hub.events.length, 0);
    assertEquals((await ws.outboxFiles()).length, 1);
    const rowsOfRefused = await ws.written();

    const fixed = await ws.run([...RUN_ARGS, "--push"], { [ENV]: ws.connection });
    assertEquals(fixed.code, 0, fixed.stderr);
    assertMatch(fixed.stdout, /pushed 6 row\(s\) \(3 of them waiting from earlier runs\) to Event Hubs/);
    assertEquals(ws.hub.events.slice(0, 3), rowsOfRefused, "the waiting rows first, oldest first");
    assertEquals(await ws.outboxFiles(), []);
    await assertNoSecrets(ws.dir, [refused, fixed]);
  });
});

Deno.test("503 ServerBusy then up: delivered in the same run, after a wait", async () => {
  await withHubWorkspace(async (ws) => {
    ws.server.eventHubs.faults.inject({ kind: "status", status: 503, retryAfter: "1" }, 2);
    const result = await ws.run([...RUN_ARGS, "--push"], { [ENV]: ws.connection });
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /pushed 3 row\(s\) to Event Hubs .* in 3 request\(s\), 2 retried/);
    assertEquals(ws.hub.events, await ws.written());
  });
});

Deno.test("a run killed with SIGKILL mid-send to Event Hubs loses no row: the next run delivers it", async () => {
  await withHubWorkspace(async (ws) => {
    ws.server.eventHubs.faults.inject({ kind: "hang" });
    const child = cliCommand([...RUN_ARGS, "--push"], { cwd: ws.dir, env: { ...ws.env, [ENV]: ws.connection } })
      .spawn();
    for (let i = 0; i < 200 && ws.server.eventHubs.faults.hangingCount === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assertEquals(ws.server.eventHubs.faults.hangingCount, 1, "the send is in flight");
    child.kill("SIGKILL");
    await child.output();
    ws.server.eventHubs.faults.releaseHanging();
    assertEquals(ws.hub.events.length, 0, "the killed run's request never arrived");
    const killedRows = await ws.written();

    const next = await ws.run([...RUN_ARGS, "--push"], { [ENV]: ws.connection });
    assertEquals(next.code, 0, next.stderr);
    assertEquals(ws.hub.events.slice(0, 3), killedRows, "the killed run's rows arrived");
    assertEquals(ws.hub.events.length, 6);
    assertEquals(await ws.outboxFiles(), []);
  });
});

Deno.test("both a Power BI URL and a connection string in settings.json: exit 2, one line saying to keep one", async () => {
  await withHubWorkspace(async (ws) => {
    await Deno.writeTextFile(
      join(ws.dir, "config", "settings.json"),
      JSON.stringify({
        powerBiUrl: "https://api.powerbi.com/beta/t/datasets/d/rows?key=abc123",
        eventHubConnectionString: ws.connection,
      }),
    );
    const result = await ws.run([...RUN_ARGS, "--push"]);
    assertEquals(result.code, 2);
    assertMatch(
      result.stderr,
      /^error: \S+settings\.json: fields "powerBiUrl" and "eventHubConnectionString" are both set; a run pushes to one: empty one\n$/,
    );
    assertEquals(ws.hub.events.length, 0);
    await assertNoSecrets(ws.dir, [result]);
  });
});
