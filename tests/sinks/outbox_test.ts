/**
 * The outbox: rows wait on disk until Power BI takes them, oldest first,
 * within a bound that is said out loud when it drops anything.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, rejects } from "../assert.ts";
import { DEFAULT_COLUMNS } from "../../src/connect/catalogue.ts";
import type { SimDataset } from "../../src/simulator/powerbi_handler.ts";
import { type EmulatorServer, startEmulatorServer } from "../../src/simulator/server.ts";
import { type OutboxFile, PushOutbox } from "../../src/sinks/outbox.ts";
import { batchLimitsFor, PowerBiPusher } from "../../src/sinks/powerbi.ts";
import { datasetColumns } from "../../src/sinks/powerbi_schema.ts";
import { pushRows } from "../../src/sinks/push.ts";
import { parsePushUrl, type PushTarget } from "../../src/sinks/push_target.ts";
import { PushError } from "../../src/util/errors.ts";
import { sampleRows } from "../helpers.ts";

const DAY = 86_400_000;
const RUN_1 = "2026-11-28T10:01:00.123";
const RUN_2 = "2026-11-28T10:02:00.456";
const OLDER = "2026-11-28T09:00:00.000";

async function withOutboxDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-outbox-" });
  try {
    await fn(join(dir, "outbox"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** An outbox folder and the Power BI emulator with one dataset, whose push URL is `target`. */
async function withPowerBi(
  fn: (ws: { dir: string; server: EmulatorServer; dataset: SimDataset; target: PushTarget }) => Promise<void>,
) {
  await withOutboxDir(async (dir) => {
    const server = await startEmulatorServer();
    try {
      const dataset = server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS));
      const target = parsePushUrl(server.powerBi.pushUrl(server.powerBiUrl, dataset), "env");
      await fn({ dir, server, dataset, target });
    } finally {
      await server.close();
    }
  });
}

Deno.test("outbox files are named in time order and read back whole", async () => {
  await withOutboxDir(async (dir) => {
    let now = Date.parse("2026-11-28T09:59:59.999Z");
    const outbox = new PushOutbox(dir, undefined, () => now);
    await outbox.add([sampleRows(2, "b")]);
    now += 1;
    await outbox.add([sampleRows(1, "c"), sampleRows(1, "d")]);
    const pending = await outbox.pending();
    assertEquals(pending.length, 3);
    assertMatch(pending[0].name, /^20261128T095959999Z-\d{6}-[0-9a-f]{8}\.json$/);
    assertEquals((await outbox.read(pending[0])).map((r) => r.Date), ["b", "b"]);
    assertEquals((await outbox.read(pending[2]))[0].Date, "d");
    assertEquals(pending[1].queuedAt, Date.parse("2026-11-28T10:00:00.000Z"));
  });
});

Deno.test("the bound drops files older than 7 days, then the oldest over the size limit", async () => {
  await withOutboxDir(async (dir) => {
    let now = Date.parse("2026-11-01T10:00:00Z");
    const outbox = new PushOutbox(dir, { maxAgeDays: 7, maxMB: 1 }, () => now);
    await outbox.add([sampleRows(3, "old")]);
    now += 6 * DAY;
    await outbox.add([sampleRows(4000, "big")]); // about 1 MB
    now += 1;
    await outbox.add([sampleRows(4000, "bigger")]);
    now += 1.5 * DAY;
    const dropped = await outbox.enforceBound();
    assertEquals(dropped, [
      { files: 1, rows: 3, reason: "older than 7 days" },
      { files: 1, rows: 4000, reason: "over 1 MB" },
    ]);
    const left = await outbox.pending();
    assertEquals(left.length, 1);
    assertEquals((await outbox.read(left[0]))[0].Date, "bigger");
  });
});

Deno.test("a waiting file is sent by one run at a time: the first run to claim it; then by any", async () => {
  await withOutboxDir(async (dir) => {
    // Two runs pushing from the same folder, each with its own outbox.
    const [exe, task] = [new PushOutbox(dir), new PushOutbox(dir)];
    const [file] = await exe.add([sampleRows(1)]);
    const names = () => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(await exe.claim(file), true);
    assertEquals(await task.claim(file), false, "the other run leaves it");
    await exe.release(file); // as after a failed send: the file still waits
    assertEquals(names(), [file.name], "nothing left beside it");
    assertEquals(await task.claim(file), true, "once released, any run may send it");
    await task.remove(file);
    await task.release(file);
    assertEquals(names(), []);

    // A run that died after sending a file, before removing its claim: the claim is cleared.
    await Deno.writeTextFile(join(dir, `${file.name}.sending`), "");
    await exe.enforceBound();
    assertEquals(names(), []);
  });
});

Deno.test("pushRows: Power BI down keeps every row; the next run sends the backlog first", async () => {
  await withPowerBi(async ({ dir, server, dataset, target }) => {
    const plan = () => ({
      outbox: new PushOutbox(dir),
      pusher: new PowerBiPusher(target, { maxAttempts: 2, backoffBaseMs: 10 }),
      limits: batchLimitsFor("Streaming"),
    });

    server.powerBi.faults.inject({ kind: "status", status: 503 }, 100);
    const error = await rejects(() => pushRows(sampleRows(200, RUN_1), plan()), PushError);
    assertMatch(error.message, /HTTP 503.* 200 row\(s\) in \d+ file\(s\) are kept in .*outbox and will be sent by/);
    assertEquals(error.waitingRows, 200, "the count the displays show as waiting");
    assertEquals(dataset.rows.length, 0);
    const waiting = await new PushOutbox(dir).pending();
    assert.ok(waiting.length > 1, "a streaming dataset's 15 KB limit splits 200 rows");

    server.powerBi.faults.clear();
    const setup = plan();
    const report = await pushRows(sampleRows(2, RUN_2), setup);
    assertEquals(report.sentRows, 202);
    assertEquals(report.backlogRows, 200);
    assertEquals(dataset.rows.map((r) => r.Date), [...Array(200).fill(RUN_1), RUN_2, RUN_2]);
    assertEquals(await new PushOutbox(dir).pending(), [], "delivered files are deleted");
    // The same pusher again (as in watch mode): this push's counts only.
    const again = await pushRows(sampleRows(1, RUN_2), setup);
    assertEquals([again.sentRows, again.requests, again.retries], [1, 1, 0]);
  });
});

Deno.test("pushRows: a file that is not rows is set aside, the rest still go", async () => {
  await withPowerBi(async ({ dir, dataset, target }) => {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, "20200101T000000000Z-000001-deadbeef.json"), "{ half a fi");
    const report = await pushRows(sampleRows(1), {
      outbox: new PushOutbox(dir, { maxAgeDays: 100_000, maxMB: 50 }),
      pusher: new PowerBiPusher(target),
      limits: batchLimitsFor("Push"),
    });
    assertEquals(report.unreadable, ["20200101T000000000Z-000001-deadbeef.json"]);
    assertEquals(dataset.rows.length, 1);
    await Deno.stat(join(dir, "20200101T000000000Z-000001-deadbeef.json.unreadable"));
  });
});

Deno.test("pushRows: a waiting file saved again by Notepad (a byte-order mark before it) is still sent", async () => {
  await withPowerBi(async ({ dir, dataset, target }) => {
    await Deno.mkdir(dir, { recursive: true });
    const name = "20200101T000000000Z-000001-deadbeef.json";
    await Deno.writeTextFile(join(dir, name), "\uFEFF" + JSON.stringify(sampleRows(2, RUN_1)));
    const report = await pushRows([], {
      outbox: new PushOutbox(dir, { maxAgeDays: 100_000, maxMB: 50 }),
      pusher: new PowerBiPusher(target),
      limits: batchLimitsFor("Push"),
    });
    assertEquals(report.unreadable, []);
    assertEquals(dataset.rows.map((r) => r.Date), [RUN_1, RUN_1]);
  });
});

Deno.test("rows set aside (unreadable, refused) are kept as long as waiting rows are, then removed", async () => {
  await withOutboxDir(async (dir) => {
    await Deno.mkdir(dir, { recursive: true });
    const now = Date.now();
    const outbox = new PushOutbox(dir, { maxAgeDays: 7, maxMB: 50 }, () => now);
    const old = join(dir, "20200101T000000000Z-000001-deadbeef.json.refused");
    const recent = join(dir, "20200102T000000000Z-000002-deadbeef.json.unreadable");
    await Deno.writeTextFile(old, "[]");
    await Deno.writeTextFile(recent, "[]");
    await Deno.utime(old, new Date(now - 8 * DAY), new Date(now - 8 * DAY));
    await Deno.utime(recent, new Date(now - 6 * DAY), new Date(now - 6 * DAY));
    await outbox.enforceBound();
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), [
      "20200102T000000000Z-000002-deadbeef.json.unreadable",
    ]);
  });
});

Deno.test("pushRows: a file another run sent meanwhile is skipped, not called unreadable", async () => {
  await withPowerBi(async ({ dir, dataset, target }) => {
    await Deno.mkdir(dir, { recursive: true });
    const taken = join(dir, "20200101T000000000Z-000001-deadbeef.json");
    await Deno.writeTextFile(taken, JSON.stringify(sampleRows(2)));
    /** The other run deletes the file between this run's listing and its reading. */
    class RacedOutbox extends PushOutbox {
      override async read(file: OutboxFile) {
        if (file.path === taken) await Deno.remove(taken);
        return await super.read(file);
      }
    }
    const report = await pushRows(sampleRows(1), {
      outbox: new RacedOutbox(dir, { maxAgeDays: 100_000, maxMB: 50 }),
      pusher: new PowerBiPusher(target),
      limits: batchLimitsFor("Push"),
    });
    assertEquals(report.unreadable, []);
    assertEquals([report.sentFiles, report.sentRows, dataset.rows.length], [1, 1, 1]);
    assertEquals([...Deno.readDirSync(dir)], [], "nothing set aside, nothing left");
  });
});

Deno.test("pushRows: two push URLs sharing an outbox never send each other's rows", async () => {
  await withPowerBi(async ({ dir, server, dataset: live, target: liveTarget }) => {
    // A second scheduled task pushes to a test dashboard, from the same folder.
    const test = server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS));
    const testTarget = parsePushUrl(server.powerBi.pushUrl(server.powerBiUrl, test), "env");
    assert.ok(testTarget.tag !== liveTarget.tag && /^[0-9a-f]{8}$/.test(testTarget.tag));
    const plan = (target: PushTarget) => ({
      outbox: new PushOutbox(dir, undefined, Date.now, target.tag),
      pusher: new PowerBiPusher(target, { maxAttempts: 1 }),
      limits: batchLimitsFor("Push"),
    });
    // A file from before datasets were named in the outbox goes to whichever dataset pushes next.
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(
      join(dir, "20261128T090000000Z-000001-deadbeef.json"),
      JSON.stringify(sampleRows(1, OLDER)),
    );

    server.powerBi.faults.inject({ kind: "status", status: 503 }, 1);
    await rejects(() => pushRows(sampleRows(2, RUN_1), plan(testTarget)), PushError);
    assertEquals(test.rows.length, 0, "the test dashboard was down: its rows wait");

    const report = await pushRows(sampleRows(3, RUN_2), plan(liveTarget));
    assertEquals(live.rows.map((r) => r.Date), [OLDER, RUN_2, RUN_2, RUN_2], "none of the test dashboard's rows");
    assertEquals(report.otherDataset, { files: 1, rows: 2, tags: [testTarget.tag] });

    const later = await pushRows([], plan(testTarget));
    assertEquals(test.rows.map((r) => r.Date), [RUN_1, RUN_1], "they reach their own dataset later");
    assertEquals([later.sentRows, later.otherDataset.files], [2, 0]);
    assertEquals(await new PushOutbox(dir).pending(), []);
  });
});

Deno.test("pushRows with a deadline (watch mode): a long backlog goes over several pushes, oldest first", async () => {
  await withPowerBi(async ({ dir, server, dataset, target }) => {
    const plan = (deadline?: number) => ({
      outbox: new PushOutbox(dir),
      pusher: new PowerBiPusher(target, { maxAttempts: 1 }),
      limits: batchLimitsFor("Push"),
      ...(deadline === undefined ? {} : { deadline, now: () => 1_000 }),
    });
    server.powerBi.faults.inject({ kind: "status", status: 503 }, 3);
    for (const date of [RUN_1, RUN_2, OLDER]) await rejects(() => pushRows(sampleRows(2, date), plan()), PushError);
    assertEquals(dataset.rows.length, 0, "Power BI was down for three runs");

    // The cycle's time for pushing is up: only the oldest file goes, the rest wait in order.
    const late = await pushRows(sampleRows(1, OLDER), plan(500));
    assertEquals(dataset.rows.map((r) => r.Date), [RUN_1, RUN_1]);
    assertEquals([late.sentRows, late.remaining], [2, { files: 3, rows: 5 }]);

    // However late it is, a push sends as many files as it adds: the outbox never grows for want of time.
    const busy = await pushRows([...sampleRows(1, OLDER), ...sampleRows(1, OLDER)], {
      ...plan(500),
      limits: { ...batchLimitsFor("Push"), maxRows: 1 },
    });
    assertEquals([busy.sentFiles, busy.remaining.files], [2, 3]);

    const next = await pushRows([], plan(2_000));
    assertEquals(dataset.rows.map((r) => r.Date), [RUN_1, RUN_1, RUN_2, RUN_2, ...Array(5).fill(OLDER)]);
    assertEquals(next.remaining, { files: 0, rows: 0 });
  });
});
