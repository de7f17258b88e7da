import { assertEquals } from "../assert.ts";
import { batchQueues, planRequests } from "../../src/connect/plan.ts";
import { DEFAULT_COLUMNS, METRICS } from "../../src/connect/catalogue.ts";
import { todaySoFar } from "../../src/connect/window.ts";

const queues = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `q${i}`, name: `Queue ${i}` }));
const window = todaySoFar(Date.parse("2026-11-28T10:44:13Z"), "Europe/London");

Deno.test("250 queues make 3 requests per API: 100, 100 and 50, in config order", () => {
  const plan = planRequests({
    instanceId: "i",
    queues: queues(250),
    channels: ["VOICE"],
    columns: DEFAULT_COLUMNS,
    window,
  });
  assertEquals(plan.current.map((r) => r.Filters!.Queues!.length), [100, 100, 50]);
  assertEquals(plan.historical.map((r) => r.Filters!.Queues!.length), [100, 100, 50]);
  assertEquals(plan.current[1].Filters!.Queues![0], "q100");
  assertEquals(batchQueues(queues(100)).length, 1);
  assertEquals(batchQueues(queues(101)).length, 2);
});

Deno.test("each API is asked for its own metrics, grouped by QUEUE, filtered by channel", () => {
  const plan = planRequests({
    instanceId: "i",
    queues: queues(2),
    channels: ["VOICE", "CHAT"],
    columns: DEFAULT_COLUMNS,
    window,
  });
  assertEquals(plan.current[0].CurrentMetrics, [
    { Name: "AGENTS_ONLINE", Unit: "COUNT" },
    { Name: "AGENTS_ON_CALL", Unit: "COUNT" },
    { Name: "OLDEST_CONTACT_AGE", Unit: "SECONDS" },
    { Name: "CONTACTS_IN_QUEUE", Unit: "COUNT" },
    { Name: "AGENTS_AFTER_CONTACT_WORK", Unit: "COUNT" },
    { Name: "AGENTS_AVAILABLE", Unit: "COUNT" },
  ]);
  assertEquals(plan.historical[0].HistoricalMetrics, [
    { Name: "CONTACTS_QUEUED", Statistic: "SUM", Unit: "COUNT" },
    { Name: "CONTACTS_HANDLED", Statistic: "SUM", Unit: "COUNT" },
    { Name: "CONTACTS_ABANDONED", Statistic: "SUM", Unit: "COUNT" },
  ]);
  assertEquals(plan.current[0].Groupings, ["QUEUE"]);
  assertEquals(plan.historical[0].Filters!.Channels, ["VOICE", "CHAT"]);
  assertEquals([plan.historical[0].StartTime, plan.historical[0].EndTime], [window!.start, window!.end]);
});

Deno.test("service-level columns carry their threshold; one metric asked for once", () => {
  const sl = METRICS.get("SERVICE_LEVEL")!;
  const plan = planRequests({
    instanceId: "i",
    queues: queues(1),
    channels: ["VOICE"],
    columns: [
      ...DEFAULT_COLUMNS,
      { column: "Queued again", metric: METRICS.get("CONTACTS_QUEUED")! },
      { column: "SL20", metric: sl, threshold: 20 },
      { column: "SL60", metric: sl, threshold: 60 },
    ],
    window,
  });
  const names = plan.historical[0].HistoricalMetrics!.map((m) =>
    `${m.Name}${m.Threshold ? `<${m.Threshold.ThresholdValue}` : ""}`
  );
  assertEquals(names, [
    "CONTACTS_QUEUED",
    "CONTACTS_HANDLED",
    "CONTACTS_ABANDONED",
    "SERVICE_LEVEL<20",
    "SERVICE_LEVEL<60",
  ]);
});

Deno.test("an empty window (just after midnight) plans no GetMetricData call", () => {
  const plan = planRequests({
    instanceId: "i",
    queues: queues(5),
    channels: ["VOICE"],
    columns: DEFAULT_COLUMNS,
    window: null,
  });
  assertEquals([plan.current.length, plan.historical.length], [1, 0]);
});
