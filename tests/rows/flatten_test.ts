import { assertEquals } from "../assert.ts";
import { flattenRows } from "../../src/rows/flatten.ts";
import { DEFAULT_COLUMNS, METRICS } from "../../src/connect/catalogue.ts";

const queues = [
  { id: "q1", name: "Customer Services" },
  { id: "q2", name: "Collections" },
  { id: "q3", name: "Quiet" },
];

Deno.test("one row per configured queue, in config order, every column present", () => {
  const values = new Map([
    ["q2", new Map([["CONTACTS_QUEUED", 7], ["AGENTS_ONLINE", 3]])],
    ["q1", new Map([["CONTACTS_HANDLED", 5], ["AGENTS_ONLINE", 1], ["OLDEST_CONTACT_AGE", 42]])],
    ["not-configured", new Map([["AGENTS_ONLINE", 99]])],
  ]);
  const rows = flattenRows({
    date: "2019-04-30T10:44:13.032",
    clientName: "TradeUK",
    queues,
    columns: DEFAULT_COLUMNS,
    values,
  });
  assertEquals(rows, [
    {
      Date: "2019-04-30T10:44:13.032",
      Client: "TradeUK",
      QueueName: "Customer Services",
      Call: 0,
      CONTACTS_HANDLED: 5,
      Abandoned: 0,
      Agents: 1,
      AGENTS_ON_CALL: 0,
      MaxOCW: 42,
      InQueue: 0,
      ACW: 0,
      Available: 0,
    },
    {
      Date: "2019-04-30T10:44:13.032",
      Client: "TradeUK",
      QueueName: "Collections",
      Call: 7,
      CONTACTS_HANDLED: 0,
      Abandoned: 0,
      Agents: 3,
      AGENTS_ON_CALL: 0,
      MaxOCW: 0,
      InQueue: 0,
      ACW: 0,
      Available: 0,
    },
    {
      Date: "2019-04-30T10:44:13.032",
      Client: "TradeUK",
      QueueName: "Quiet",
      Call: 0,
      CONTACTS_HANDLED: 0,
      Abandoned: 0,
      Agents: 0,
      AGENTS_ON_CALL: 0,
      MaxOCW: 0,
      InQueue: 0,
      ACW: 0,
      Available: 0,
    },
  ]);
  // Key order is the published column order.
  assertEquals(Object.keys(rows[0]), ["Date", "Client", "QueueName", ...DEFAULT_COLUMNS.map((c) => c.column)]);
});

Deno.test("service-level columns with different thresholds keep their own values", () => {
  const sl = METRICS.get("SERVICE_LEVEL")!;
  const rows = flattenRows({
    date: "d",
    clientName: "C",
    queues: [queues[0]],
    columns: [{ column: "SL20", metric: sl, threshold: 20 }, { column: "SL60", metric: sl, threshold: 60 }],
    values: new Map([["q1", new Map([["SERVICE_LEVEL@20", 71.5], ["SERVICE_LEVEL@60", 93.2]])]]),
  });
  assertEquals([rows[0].SL20, rows[0].SL60], [71.5, 93.2]);
});
