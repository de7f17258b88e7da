/** The Power BI budget: what a fleet sends a dataset, what the dataset keeps, and when Power BI will refuse it. */
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { pushBudget } from "../../src/app/delivery.ts";
import { describeBudget } from "../../src/cli/report.ts";
import type { ClientConfig } from "../../src/config/client_config.ts";
import type { DatasetMode } from "../../src/config/settings.ts";
import { DEFAULT_COLUMNS, rowColumns } from "../../src/connect/catalogue.ts";
import { parsePushDestination } from "../../src/sinks/push_target.ts";

/** `clients` configs of `queues` queues each, as --all reads them (only names matter to the budget). */
function fleet(clients: number, queues: number): ClientConfig[] {
  return Array.from({ length: clients }, (_, c) =>
    ({
      clientName: `Client${String(c).padStart(2, "0")}`,
      queues: Array.from({ length: queues }, (_, q) => ({ id: `q${q}`, name: `Queue ${String(q).padStart(4, "0")}` })),
    }) as unknown as ClientConfig);
}

const budget = (clients: number, queues: number, everyMs: number, mode: DatasetMode) =>
  pushBudget(fleet(clients, queues), { columns: rowColumns(DEFAULT_COLUMNS), datasetMode: mode }, everyMs)!;

Deno.test("20 x 250 every 60 s: 300,000 rows an hour, and a FIFO dataset keeps the last 40 minutes of 20 clients", () => {
  const b = budget(20, 250, 60_000, "Push");
  assertEquals([b.rowsPerCycle, b.rowsPerHour, b.requestsPerCycle, b.problems], [5_000, 300_000, 1, []]);
  const line = describeBudget(b, 60_000, "Push");
  assertMatch(
    line,
    /^Power BI: 20 clients \(5,000 queues\) every 60 s send 300,000 rows an hour in 1 request a cycle \(1 a minute, of the 120 a Push dataset takes\); /,
  );
  assertMatch(line, /the Push dataset keeps the last 40 minutes of 20 clients with basicFIFO retention/);
  assertMatch(line, /without it, it is full at 5,000,000 rows in 16\.7 hours and refuses more/);
  // A Streaming dataset keeps nothing, and says what the same fleet would keep as Push; its 15 KB requests are many.
  const streaming = budget(20, 250, 60_000, "Streaming");
  assert.ok(streaming.requestsPerCycle > 60 && streaming.requestsPerCycle < 120, `${streaming.requestsPerCycle}`);
  assertMatch(describeBudget(streaming, 60_000, "Streaming"), /stores no rows .* would keep the last 40 minutes of 20/);
});

Deno.test("a fleet over 1,000,000 rows an hour: Power BI will refuse it, and the line says what to do instead", () => {
  const b = budget(70, 250, 60_000, "Push");
  assertEquals(b.rowsPerHour, 1_050_000);
  const line = describeBudget(b, 60_000, "Push");
  assertMatch(
    line,
    /It will not fit: 1,050,000 rows an hour is over the 1,000,000 a dataset takes: Power BI will refuse/,
  );
  assertMatch(line, /Instead: --every 70s or longer, one dataset \(push URL\) per 66 clients, or Fabric/);
  // The remedy fits: at its interval, and at its group size, the budget has no problem.
  assertEquals(budget(70, 250, b.remedy!.everyMs, "Push").problems, []);
  assertEquals(budget(b.remedy!.clientsPerDataset, 250, 60_000, "Push").problems, []);
});

Deno.test("each mode by its own limits: 40 x 250 every 60 s fits Push and Streaming, not PushStreaming, said with why", () => {
  // Push: 10,000 rows a cycle go in one or two requests of the 120 a minute.
  const push = budget(40, 250, 60_000, "Push");
  assertEquals([push.requestsPerCycle <= 2, push.problems], [true, []]);
  // Streaming: 15 KB requests, about 145 a cycle, at 5 a second: half a minute of the cycle.
  const streaming = budget(40, 250, 60_000, "Streaming");
  assert.ok(streaming.pushMs > 25_000 && streaming.pushMs < 35_000, `${streaming.pushMs} ms`);
  assertEquals(streaming.problems, []);
  // PushStreaming: the same requests, and a push model's 120 a minute as well: over a minute a cycle.
  const hybrid = budget(40, 250, 60_000, "PushStreaming");
  assertMatch(
    describeBudget(hybrid, 60_000, "PushStreaming"),
    /each cycle's \d+ requests take 7\d s at Power BI's 120 a minute, longer than the 60 s between cycles: the push cannot keep up/,
  );
  assertEquals(budget(hybrid.remedy!.clientsPerDataset, 250, 60_000, "PushStreaming").problems, []);
  // A Streaming dataset falls behind too, at 5 a second, with a larger fleet.
  assertMatch(
    describeBudget(budget(100, 250, 60_000, "Streaming"), 60_000, "Streaming"),
    /requests take \d+ s at Power BI's 5 a second, longer than the 60 s between cycles: the push cannot keep up/,
  );
});

Deno.test("no budget for Event Hubs, which has no such limits", () => {
  const target = parsePushDestination(
    "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=b;EntityPath=h",
    "flag",
  );
  assertEquals(pushBudget(fleet(2, 2), { columns: [], datasetMode: "Push", target }, 60_000), undefined);
});

Deno.test("the outbox's bound comes from the fleet: 30 cycles of its rows, 50 MB to 2 GB, unless settings.json sets one", async () => {
  const { preparePush } = await import("../../src/app/delivery.ts");
  const { DEFAULT_SETTINGS } = await import("../../src/config/settings.ts");
  const url = "https://api.powerbi.com/beta/t/datasets/d/rows?key=budget-test-key";
  const bound = (fleetOf: ClientConfig[], outboxMaxMB?: number) =>
    preparePush(
      { url, outboxDir: "/tmp/outbox-not-made" },
      { settings: { ...DEFAULT_SETTINGS, push: { ...DEFAULT_SETTINGS.push, outboxMaxMB } } },
      DEFAULT_COLUMNS,
      () => undefined,
      fleetOf,
    ).outbox.bound.maxMB;
  assertEquals(bound(fleet(20, 250)), 50, "a small fleet: the least");
  const large = bound(fleet(200, 1000));
  assert.ok(large > 1000 && large < 2048, `200 x 1,000: ${large} MB, 30 cycles of about 45 MB`);
  assertEquals(bound(fleet(1000, 1000)), 2048, "the most");
  assertEquals(bound(fleet(200, 1000), 5), 5, "settings.json's outboxMaxMB wins");
});
