/**
 * Rows to Event Hubs (a Fabric Eventstream's custom endpoint) through the
 * real fetch, against the Event Hubs emulator on loopback: the connection
 * string, the signature (checked against Microsoft's documented Python
 * recipe), batches under 1 MB, the retry rules, and the outbox.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, rejects, throws } from "../assert.ts";
import { sampleRows } from "../helpers.ts";
import { type EmulatorServer, startEmulatorServer } from "../../src/simulator/server.ts";
import type { SimEventHub } from "../../src/simulator/eventhubs_handler.ts";
import { splitIntoBatches } from "../../src/sinks/batches.ts";
import {
  EVENT_HUBS_BATCH_LIMITS,
  EVENT_HUBS_LIMITS,
  eventBatchBody,
  EventHubsSender,
  sasToken,
} from "../../src/sinks/eventhubs.ts";
import { PushOutbox } from "../../src/sinks/outbox.ts";
import { pushRows } from "../../src/sinks/push.ts";
import { parsePushDestination } from "../../src/sinks/push_target.ts";
import { ConfigError, PushError, UsageError } from "../../src/util/errors.ts";
import { redact } from "../../src/util/redact.ts";

const KEY = "EHKEY+grep/me9c1e5b2d4f60a8e1Qw3Zt0=";

async function withHub(fn: (ctx: { server: EmulatorServer; hub: SimEventHub; connection: string }) => Promise<void>) {
  const server = await startEmulatorServer();
  try {
    const hub = server.eventHubs.addHub("connect-metrics", { key: KEY });
    await fn({ server, hub, connection: server.eventHubs.connectionString(server.url, hub) });
  } finally {
    await server.close();
  }
}

const sender = (connection: string, options = {}) =>
  new EventHubsSender(parsePushDestination(connection, "env-eventhubs"), { backoffBaseMs: 20, ...options });

Deno.test("a connection string as the Eventstream shows it: the hub's REST URL, named without its key", () => {
  const target = parsePushDestination(
    `Endpoint=sb://es-1a2b.servicebus.windows.net/;SharedAccessKeyName=key_1;SharedAccessKey=${KEY};EntityPath=es_77`,
    "flag",
  );
  assertEquals(target.kind, "eventhubs");
  assertEquals(target.url.href, "https://es-1a2b.servicebus.windows.net/es_77/messages?api-version=2014-01");
  assertEquals(target.display, "Event Hubs sb://es-1a2b.servicebus.windows.net/es_77");
  assertEquals(target.sas?.resource, "https://es-1a2b.servicebus.windows.net/es_77");
  assertEquals(target.local, false);
  // Loopback (the emulator) is plain http, as a loopback Power BI URL is.
  const local = parsePushDestination(
    `Endpoint=sb://127.0.0.1:9/;SharedAccessKeyName=n;SharedAccessKey=k;EntityPath=h`,
    "flag",
  );
  assertEquals([local.url.protocol, local.local], ["http:", true]);
  // The key is registered as a secret as soon as it is read.
  assertEquals(redact(`it was ${KEY}`).includes(KEY), false);
});

Deno.test("a connection string missing a part is a one-line error naming where it came from and what is missing", () => {
  const base = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${KEY}`;
  const noHub = throws(() => parsePushDestination(base, "settings-eventhubs", "/c/settings.json"), ConfigError);
  assertMatch(noHub.message, /^\/c\/settings\.json: field "eventHubConnectionString": it has no EntityPath=/);
  assert.ok(!noHub.message.includes(KEY) && !noHub.message.includes("\n"));
  const noKey = throws(
    () => parsePushDestination("Endpoint=sb://ns/;SharedAccessKeyName=s;EntityPath=h", "flag"),
    UsageError,
  );
  assertMatch(noKey.message, /^--push: it has no SharedAccessKey=; expected an Event Hubs connection string like /);
  const https = throws(
    () => parsePushDestination(`Endpoint=https://ns/;SharedAccessKeyName=s;SharedAccessKey=k;EntityPath=h`, "flag"),
    UsageError,
  );
  assertMatch(https.message, /its Endpoint must start with sb:\/\//);
});

Deno.test("the signature is the one Microsoft's documented Python recipe makes for the same key, resource and expiry", async () => {
  const sas = { keyName: "send", key: KEY, resource: "https://es-1a2b.servicebus.windows.net/es_77" };
  const ours = await sasToken(sas, 1_900_000_000);
  // From Microsoft Learn, "Generate SAS token" (Python): quote_plus the URI, HMAC-SHA256 of "uri\nexpiry".
  const python = `
import base64, hashlib, hmac, sys, urllib.parse
uri, key, name, expiry = sys.argv[1:5]
uri = urllib.parse.quote_plus(uri)
sig = urllib.parse.quote(base64.b64encode(hmac.HMAC(key.encode(), ("%s\\n%s" % (uri, expiry)).encode(), hashlib.sha256).digest()))
print("SharedAccessSignature sr={}&sig={}&se={}&skn={}".format(uri, sig, expiry, name))`;
  const out = await new Deno.Command("python3", {
    args: ["-c", python, sas.resource, sas.key, sas.keyName, "1900000000"],
    stdout: "piped",
  }).output();
  const theirs = new TextDecoder().decode(out.stdout).trim();
  // quote() leaves "/" in the base64 as is where encodeURIComponent writes %2F: the same signature once decoded.
  const fields = (token: string) =>
    Object.fromEntries(
      token.replace("SharedAccessSignature ", "").split("&").map((p) => {
        const [k, v] = p.split("=");
        return [k, decodeURIComponent(v)];
      }),
    );
  assertEquals(fields(ours), fields(theirs));
});

Deno.test("batches stay under 1 MB and every row arrives as one event, its JSON the event body", async () => {
  await withHub(async ({ server, hub, connection }) => {
    // Long queue names make 4,000 rows about 2.4 MB of batch body: three requests or more.
    const rows = sampleRows(4_000).map((r, i) => ({ ...r, QueueName: `${"Customer Services ".repeat(20)}${i}` }));
    const batches = splitIntoBatches(rows, EVENT_HUBS_BATCH_LIMITS);
    assert.ok(batches.length >= 3, `${batches.length} batches`);
    for (const batch of batches) {
      assert.ok(new TextEncoder().encode(eventBatchBody(batch)).length <= EVENT_HUBS_LIMITS.bytesPerRequest);
    }
    const s = sender(connection);
    for (const batch of batches) await s.post(batch);
    assertEquals(hub.events, rows);
    assertEquals(server.eventHubs.requests.map((r) => r.status), batches.map(() => 201));
    assertEquals(s.counts, { requests: batches.length, retries: 0, rows: rows.length });
  });
});

Deno.test("the emulator answers as the service: 413 over 1 MB, 401 for a wrong or expired signature, 404 for no such hub", async () => {
  await withHub(async ({ server, connection }) => {
    const target = parsePushDestination(connection, "env-eventhubs");
    const post = async (body: string, authorization: string, path = target.url.pathname) => {
      const response = await fetch(new URL(path, server.url), {
        method: "POST",
        headers: { "content-type": "application/vnd.microsoft.servicebus.json", authorization },
        body,
      });
      return [response.status, await response.text()] as const;
    };
    const good = await sasToken(target.sas!, Math.floor(Date.now() / 1000) + 60);
    const tooBig = JSON.stringify([{ Body: "x".repeat(EVENT_HUBS_LIMITS.bytesPerRequest) }]);
    assertEquals((await post(tooBig, good))[0], 413);
    const expired = await sasToken(target.sas!, Math.floor(Date.now() / 1000) - 1);
    assertMatch((await post("[]", expired)).join(" "), /^401 <Error><Code>401<\/Code><Detail>ExpiredToken/);
    const forged = await sasToken({ ...target.sas!, key: "not-the-key" }, Math.floor(Date.now() / 1000) + 60);
    assertMatch((await post("[]", forged)).join(" "), /^401 .*InvalidSignature/);
    assertMatch((await post("[]", "")).join(" "), /^401 .*MissingToken/);
    const otherHub = await sasToken(
      { ...target.sas!, resource: `${server.url}/elsewhere` },
      Date.now() / 1000 + 60 | 0,
    );
    assertEquals((await post("[]", otherHub, "/elsewhere/messages"))[0], 404);
    // A batch entry's Body is text; an object is refused, as the service's batch format does.
    assertEquals((await post(JSON.stringify([{ Body: { a: 1 } }]), good))[0], 400);
  });
});

Deno.test("503 ServerBusy, then up: the batch is sent again after the Retry-After, and arrives once", async () => {
  await withHub(async ({ server, hub, connection }) => {
    server.eventHubs.faults.inject({ kind: "status", status: 503, retryAfter: "1" }, 2);
    const s = sender(connection);
    const started = Date.now();
    await s.post(sampleRows(5));
    assert.ok(Date.now() - started >= 1_900, "waited as Retry-After asked, twice");
    assertEquals(hub.events.length, 5);
    assertEquals(s.counts, { requests: 3, retries: 2, rows: 5 });
  });
});

Deno.test("500s back off and give up after the attempts; 401 with a wrong key stops at once, in one line without the key", async () => {
  await withHub(async ({ server, connection }) => {
    server.eventHubs.faults.inject({ kind: "status", status: 500 }, 10);
    const busy = await rejects(() => sender(connection, { maxAttempts: 3 }).post(sampleRows(1)), PushError);
    assertMatch(busy.message, /^Event Hubs did not take the rows after 3 attempt\(s\): HTTP 500 Injected HTTP 500$/);
    server.eventHubs.faults.clear();

    const wrong = connection.replace(KEY, "d3Jvbmcta2V5LXJlZ2VuZXJhdGVkLWluLWF6dXJlLXBvcnRhbA==");
    const s = sender(wrong);
    const error = await rejects(() => s.post(sampleRows(1)), PushError);
    assertEquals(error.status, 401);
    assertMatch(
      error.message,
      /^Event Hubs refused the rows: HTTP 401: InvalidSignature: The token has an invalid signature\.$/,
    );
    assertMatch(error.hint!, /copy it again from the Eventstream's custom endpoint/);
    assertEquals(s.counts.requests, 1, "no retry: a wrong key stays wrong");
  });
});

Deno.test("through the outbox: rows wait while the key is wrong and all arrive, once, when it is right", async () => {
  await withHub(async ({ hub, connection }) => {
    const dir = await Deno.makeTempDir({ prefix: "connect-metrics-eh-" });
    try {
      const wrong = parsePushDestination(connection.replace(KEY, "c3RhbGU="), "env-eventhubs");
      const right = parsePushDestination(connection, "env-eventhubs");
      assertEquals(wrong.tag, right.tag, "the same hub: the same outbox files");
      const outbox = (tag: string) => new PushOutbox(join(dir, "outbox"), { maxAgeDays: 7, maxMB: 50 }, Date.now, tag);
      const rows = sampleRows(30);
      const plan = { limits: EVENT_HUBS_BATCH_LIMITS, columns: Object.keys(rows[0]) };
      const refused = await rejects(
        () => pushRows(rows, { ...plan, outbox: outbox(wrong.tag), pusher: new EventHubsSender(wrong) }),
        PushError,
      );
      assertMatch(refused.message, /HTTP 401: .*30 row\(s\) in 1 file\(s\) are kept in .*outbox and will be sent/);
      assertEquals(hub.events.length, 0);
      const report = await pushRows([], { ...plan, outbox: outbox(right.tag), pusher: new EventHubsSender(right) });
      assertEquals([report.sentRows, report.backlogRows, report.remaining.rows], [30, 30, 0]);
      assertEquals(hub.events, rows);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
