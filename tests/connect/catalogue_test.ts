import { assertEquals } from "../assert.ts";
import { DEFAULT_COLUMNS, METRICS, normaliseValue, oldestContactAgeUnit } from "../../src/connect/catalogue.ts";

/** The metric enums of the Connect service model that botocore ships. */
async function serviceModelEnums(): Promise<{ current: string[]; historical: string[] }> {
  const script = `
import botocore.session, json
m = botocore.session.get_session().get_service_model("connect")
print(json.dumps({"current": m.shape_for("CurrentMetricName").enum, "historical": m.shape_for("HistoricalMetricName").enum}))`;
  const out = await new Deno.Command("python3", { args: ["-c", script] }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("the catalogue holds exactly the metrics of the Connect service model", async () => {
  const model = await serviceModelEnums();
  const names = (api: string) => [...METRICS.values()].filter((m) => m.api === api).map((m) => m.name).sort();
  assertEquals(names("current"), [...model.current].sort());
  assertEquals(names("historical"), [...model.historical].sort());
});

Deno.test("the default columns are the published 2019 table", () => {
  const table = DEFAULT_COLUMNS.map((
    c,
  ) => [c.column, c.metric.name, c.metric.api, c.metric.statistic ?? "", c.metric.unit]);
  assertEquals(table, [
    ["Call", "CONTACTS_QUEUED", "historical", "SUM", "COUNT"],
    ["CONTACTS_HANDLED", "CONTACTS_HANDLED", "historical", "SUM", "COUNT"],
    ["Abandoned", "CONTACTS_ABANDONED", "historical", "SUM", "COUNT"],
    ["Agents", "AGENTS_ONLINE", "current", "", "COUNT"],
    ["AGENTS_ON_CALL", "AGENTS_ON_CALL", "current", "", "COUNT"],
    ["MaxOCW", "OLDEST_CONTACT_AGE", "current", "", "SECONDS"],
    ["InQueue", "CONTACTS_IN_QUEUE", "current", "", "COUNT"],
    ["ACW", "AGENTS_AFTER_CONTACT_WORK", "current", "", "COUNT"],
    ["Available", "AGENTS_AVAILABLE", "current", "", "COUNT"],
  ]);
});

Deno.test("OLDEST_CONTACT_AGE: seconds with groupings, milliseconds without (the service model's rule)", () => {
  assertEquals(oldestContactAgeUnit(true), "SECONDS");
  assertEquals(oldestContactAgeUnit(false), "MILLISECONDS");
  assertEquals(normaliseValue("OLDEST_CONTACT_AGE", 324812, "MILLISECONDS"), 325);
  assertEquals(normaliseValue("OLDEST_CONTACT_AGE", 325, "SECONDS"), 325);
  // Only that metric is touched.
  assertEquals(normaliseValue("ESTIMATED_WAIT_TIME", 324812, "MILLISECONDS"), 324812);
});
