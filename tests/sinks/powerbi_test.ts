/**
 * Posting rows to Power BI through the real fetch, against the Power BI
 * emulator on loopback: batching, the retry rules, and the fault matrix.
 */
import { assert, assertEquals, assertMatch, rejects, throws } from "../assert.ts";
import { sampleRows } from "../helpers.ts";
import { DEFAULT_COLUMNS } from "../../src/connect/catalogue.ts";
import { type EmulatorServer, startEmulatorServer } from "../../src/simulator/server.ts";
import type { SimDataset } from "../../src/simulator/powerbi_handler.ts";
import { splitIntoBatches } from "../../src/sinks/batches.ts";
import { batchLimitsFor, POWER_BI_LIMITS, PowerBiPusher } from "../../src/sinks/powerbi.ts";
import { parseRetryAfter } from "../../src/sinks/sender.ts";
import { datasetColumns } from "../../src/sinks/powerbi_schema.ts";
import { parsePushUrl } from "../../src/sinks/push_target.ts";
import { ConfigError, PushError, UsageError } from "../../src/util/errors.ts";
import { redact } from "../../src/util/redact.ts";
import { SlidingWindow } from "../../src/util/sliding_window.ts";

const KEY = "pbiKEYfaultMatrix0123456789abcdefXYZ";

async function withPowerBi(
  fn: (ctx: { server: EmulatorServer; dataset: SimDataset; pusher: (o?: object) => PowerBiPusher }) => Promise<void>,
) {
  const server = await startEmulatorServer();
  try {
    const dataset = server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS), { key: KEY, mode: "Push" });
    const target = parsePushUrl(server.powerBi.pushUrl(server.powerBiUrl, dataset), "env");
    const pusher = (options = {}) => new PowerBiPusher(target, { backoffBaseMs: 20, timeoutMs: 2_000, ...options });
    await fn({ server, dataset, pusher });
  } finally {
    await server.close();
  }
}

Deno.test("batches hold at most 10,000 rows, and at most 15 KB for streaming datasets", () => {
  const rows = sampleRows(25_001);
  assertEquals(splitIntoBatches(rows, batchLimitsFor("Push")).map((b) => b.length), [10_000, 10_000, 5_001]);
  const streaming = splitIntoBatches(rows.slice(0, 500), batchLimitsFor("Streaming"));
  assert.ok(streaming.length > 1);
  for (const batch of streaming) {
    assert.ok(new TextEncoder().encode(JSON.stringify(batch)).length <= POWER_BI_LIMITS.bytesPerStreamingRequest);
  }
  assertEquals(streaming.flat(), rows.slice(0, 500), "every row once, in order");
  assertEquals(splitIntoBatches([], batchLimitsFor("Push")), []);
});

Deno.test("Retry-After is read as seconds or as an HTTP date", () => {
  const now = Date.parse("2026-11-28T10:00:00Z");
  assertEquals(parseRetryAfter("7", now), 7_000);
  assertEquals(parseRetryAfter("Sat, 28 Nov 2026 10:00:30 GMT", now), 30_000);
  assertEquals(parseRetryAfter(null, now), undefined);
  assertEquals(parseRetryAfter("soon", now), undefined);
});

Deno.test("Power BI's quota windows: 5 a second and 120 a minute", () => {
  let t = 0;
  const second = new SlidingWindow(POWER_BI_LIMITS.requestsPerSecond, () => t);
  for (let i = 0; i < 5; i++) assert.ok(second.tryTake());
  assert.ok(!second.tryTake(), "the sixth request in a second waits");
  assertEquals(second.waitMs(), 1_000);
  t = 1_000;
  assert.ok(second.tryTake());
  const minute = new SlidingWindow(POWER_BI_LIMITS.requestsPerMinute, () => t);
  for (let i = 0; i < 120; i++) assert.ok(minute.tryTake());
  assertEquals(minute.waitMs(), 60_000);
});

Deno.test("pacing keeps to Power BI's count, not the send times: a slow first request does not bring a 429", async () => {
  await withPowerBi(async ({ server, dataset, pusher }) => {
    // The first request reaches Power BI 300 ms after it was sent (a new connection), the next ones at once. Paced
    // by send times, the sixth would go 1 s after the first was sent and arrive within 1 s of its arrival: a 429.
    server.powerBi.faults.delayMs = 300;
    setTimeout(() => server.powerBi.faults.delayMs = 0, 100);
    const p = pusher({ maxAttempts: 1 });
    for (let i = 0; i < 6; i++) await p.post(sampleRows(1));
    assertEquals(server.powerBi.requests.map((r) => r.status), Array(6).fill(200));
    assertEquals(dataset.rows.length, 6);
  });
});

Deno.test("a push URL is validated and only ever shown masked", async (t) => {
  const url = `https://api.powerbi.com/beta/tenant-1/datasets/ds-1/rows?key=${KEY}`;
  const target = parsePushUrl(url, "env");
  assertEquals(target.display, "https://api.powerbi.com/beta/…/rows?key=***");
  assert.ok(!redact(`failed to send to ${url}`).includes(KEY));
  const cases: [string, RegExp][] = [
    ["https://api.powerbi.com/beta/t/datasets/d/rows", /CONNECT_METRICS_POWERBI_URL: the URL has no key=/],
    [`http://api.powerbi.com/beta/t/datasets/d/rows?key=${KEY}`, /must start with https:\/\//],
    [`https://api.powerbi.com/v1.0/myorg/datasets/d?key=${KEY}`, /path is not \/beta/],
    ["not a url", /not a URL/],
    // Only a receiver on this machine may do without the key and Power BI's path.
    ["http://dashboard.example.com:8080", /the URL has no key=/],
  ];
  assertEquals(parsePushUrl("http://localhost:8080", "flag").display, "http://localhost:8080/");
  // --push https://...rows?experience=power-bi&key=... typed in Command Prompt without quotes: cmd cut it at the &.
  assertMatch(
    throws(() => parsePushUrl("https://api.powerbi.com/beta/t/datasets/d/rows?experience=power-bi", "flag"), UsageError)
      .message,
    /^--push: the URL has no key= \(in a command, quote a URL with & in it\); expected a Power BI push URL like /,
  );
  assertEquals(
    parsePushUrl(`http://127.0.0.1:8080/rows?key=${KEY}`, "env").display,
    "http://127.0.0.1:8080/rows?key=***",
  );
  for (const [bad, message] of cases) {
    await t.step(message.source, () => {
      const error = throws(() => parsePushUrl(bad, "env"), ConfigError);
      assertMatch(error.message, message);
      assert.ok(!error.message.includes(KEY), "the key is never in the message");
    });
  }
});

Deno.test("the fault matrix: what Power BI answers, what the pusher does", async (t) => {
  await withPowerBi(async ({ server, dataset, pusher }) => {
    const rows = sampleRows(3);
    const arrived = () => dataset.rows.length;

    await t.step("200: rows arrive once", async () => {
      const p = pusher();
      await p.post(rows);
      assertEquals(arrived(), 3);
      assertEquals(p.counts, { requests: 1, retries: 0, rows: 3 });
    });

    await t.step("429 with Retry-After: waits that long, then delivers", async () => {
      server.powerBi.faults.inject({ kind: "status", status: 429, retryAfter: "1" });
      const p = pusher();
      const started = Date.now();
      await p.post(rows);
      assert.ok(Date.now() - started >= 950, "waited for Retry-After");
      assertEquals(p.counts.requests, 2);
      assertEquals(arrived(), 6);
    });

    await t.step("500 twice, then 200: delivered after two retries", async () => {
      server.powerBi.faults.inject({ kind: "status", status: 500 }, 2);
      const p = pusher();
      await p.post(rows);
      assertEquals(p.counts, { requests: 3, retries: 2, rows: 3 });
      assertEquals(arrived(), 9);
    });

    await t.step("no answer within the timeout: retried", async () => {
      server.powerBi.faults.inject({ kind: "hang" });
      const p = pusher({ timeoutMs: 300 });
      await p.post(rows);
      assertEquals(p.counts.requests, 2);
      assertEquals(arrived(), 12);
    });

    await t.step("connection dropped mid-request: retried", async () => {
      server.powerBi.faults.inject({ kind: "drop" });
      const p = pusher();
      await p.post(rows);
      assertEquals(p.counts.requests, 2);
      assertEquals(arrived(), 15);
    });

    await t.step("a 5xx that never ends: a bounded number of attempts, then a PushError", async () => {
      server.powerBi.faults.inject({ kind: "status", status: 503 }, 10);
      const p = pusher({ maxAttempts: 3 });
      const error = await rejects(() => p.post(rows), PushError);
      assertMatch(error.message, /did not take the rows after 3 attempt\(s\): HTTP 503/);
      assertEquals(p.counts.requests, 3);
      server.powerBi.faults.clear();
    });

    await t.step("400 with Power BI's message: no retry", async () => {
      const p = pusher();
      const error = await rejects(() => p.post([{ ...rows[0], Unknown: 1 }]), PushError);
      assertEquals(error.status, 400);
      assertMatch(error.message, /^Power BI refused the rows: HTTP 400: Column 'Unknown' does not exist/);
      assertMatch(error.hint!, /connect-metrics schema/);
      assertEquals(p.counts.requests, 1);
    });

    await t.step("403 (key revoked): no retry, and the key is not in the message", async () => {
      const revoked = parsePushUrl(
        `${server.powerBiUrl}/beta/${dataset.tenant}/datasets/${dataset.id}/rows?key=revokedKEY123456789`,
        "env",
      );
      const p = new PowerBiPusher(revoked);
      const error = await rejects(() => p.post(rows), PushError);
      assertEquals(error.status, 403);
      assertMatch(error.hint!, /copy the Push URL again/);
      assert.ok(!error.message.includes("revokedKEY123456789"));
      assertEquals(p.counts.requests, 1);
    });

    assertEquals(arrived(), 15, "no failed request added rows");
  });
});
