import { assertEquals, assertMatch, throws } from "../assert.ts";
import { DEFAULT_SETTINGS, parseSettings } from "../../src/config/settings.ts";
import { DEFAULT_COLUMNS } from "../../src/connect/catalogue.ts";
import { ConfigError } from "../../src/util/errors.ts";
import { SETTINGS_EXAMPLE } from "../../src/config/paths.ts";

const FILE = "config/settings.json";
const parse = (value: unknown) => parseSettings(JSON.stringify(value), FILE);
const names = (value: unknown) => parse(value).settings.columns.map((c) => c.column);

Deno.test("without settings the columns are the 2019 layout", () => {
  assertEquals(DEFAULT_SETTINGS.columns.map((c) => c.column), [
    "Call",
    "CONTACTS_HANDLED",
    "Abandoned",
    "Agents",
    "AGENTS_ON_CALL",
    "MaxOCW",
    "InQueue",
    "ACW",
    "Available",
  ]);
  assertEquals(names({}), DEFAULT_COLUMNS.map((c) => c.column));
});

Deno.test("renameColumns renames in place; addColumns appends any catalogue metric", () => {
  const { settings } = parse({
    renameColumns: { Call: "Queued" },
    addColumns: [
      { column: "AHT", metric: "HANDLE_TIME" },
      { column: "SL60", metric: "SERVICE_LEVEL", threshold: 60 },
      { column: "Staffed", metric: "AGENTS_STAFFED" },
    ],
  });
  assertEquals(settings.columns.map((c) => c.column), [
    "Queued",
    ...DEFAULT_COLUMNS.slice(1).map((c) => c.column),
    "AHT",
    "SL60",
    "Staffed",
  ]);
  assertEquals(settings.columns[0].metric.name, "CONTACTS_QUEUED");
  assertEquals(settings.columns.at(-2)!.threshold, 60);
  assertEquals(settings.columns.at(-1)!.metric.api, "current");
});

Deno.test("bad settings get one line naming the field", async (t) => {
  const cases: [string, unknown, RegExp][] = [
    [
      "unknown metric",
      { addColumns: [{ column: "X", metric: "CALLS" }] },
      /addColumns\[0\]\.metric": expected an Amazon Connect metric name/,
    ],
    [
      "a metric name in lower case",
      { addColumns: [{ column: "AHT", metric: "handle_time" }] },
      /\(got "handle_time"\); did you mean "HANDLE_TIME"\?$/,
    ],
    [
      "no threshold",
      { addColumns: [{ column: "SL", metric: "SERVICE_LEVEL" }] },
      /addColumns\[0\]\.threshold": expected whole seconds from 1 to 604800/,
    ],
    [
      "threshold out of range",
      { addColumns: [{ column: "SL", metric: "SERVICE_LEVEL", threshold: 700000 }] },
      /threshold/,
    ],
    [
      "threshold on a count",
      { addColumns: [{ column: "Q", metric: "CONTACTS_QUEUED", threshold: 5 }] },
      /only SERVICE_LEVEL takes a threshold/,
    ],
    [
      "rename unknown column",
      { renameColumns: { Calls: "Queued" } },
      /renameColumns\.Calls": expected one of the columns Call, /,
    ],
    [
      "duplicate column",
      { addColumns: [{ column: "Agents", metric: "AGENTS_STAFFED" }] },
      /column "Agents" appears twice/,
    ],
    ["clash with Date", { renameColumns: { Call: "Date" } }, /column "Date" appears twice/],
    [
      "bad unit override",
      { oldestContactAgeUnit: "MINUTES" },
      /oldestContactAgeUnit": expected SECONDS or MILLISECONDS/,
    ],
  ];
  for (const [name, value, pattern] of cases) {
    await t.step(name, () => {
      const error = throws(() => parse(value), ConfigError);
      assertMatch(error.message, /^config\/settings\.json: /);
      assertMatch(error.message, pattern);
    });
  }
});

Deno.test("more than 20 SERVICE_LEVEL columns is refused, as Connect would", () => {
  const addColumns = Array.from(
    { length: 21 },
    (_, i) => ({ column: `SL${i}`, metric: "SERVICE_LEVEL", threshold: i + 1 }),
  );
  assertMatch(throws(() => parse({ addColumns }), ConfigError).message, /at most 20 SERVICE_LEVEL columns/);
});

Deno.test("unknown settings fields are warnings, with the field a misspelt one stands for", () => {
  assertEquals(parse({ colour: "red" }).warnings, [`${FILE}: unknown field "colour" ignored`]);
  assertEquals(parse({ evry: "60s", logRetentionDay: 3 }).warnings, [
    `${FILE}: unknown field "evry" ignored; did you mean "every"?`,
    `${FILE}: unknown field "logRetentionDay" ignored; did you mean "logRetentionDays"?`,
  ]);
});

Deno.test('a field written as people write it counts: "powerBIUrl", "Every", "log_retention_days"', () => {
  const url = "https://api.powerbi.com/beta/t/datasets/d/rows?key=k";
  const { settings, warnings } = parse({ powerBIUrl: url, Every: "5m", log_retention_days: 3 });
  assertEquals([settings.push.powerBiUrl, settings.everyMs, settings.logRetentionDays, warnings], [
    url,
    300_000,
    3,
    [],
  ]);
  assertEquals(
    throws(() => parse({ powerBiUrl: url, PowerBIUrl: url }), ConfigError).message,
    `${FILE}: field "powerBiUrl" is there twice, as "powerBiUrl" and "PowerBIUrl"; keep one`,
  );
});

Deno.test("push settings: defaults, values, and one-line errors that never echo the URL", () => {
  assertEquals(parse({}).settings.push, {
    datasetMode: "Streaming",
    timeoutSeconds: 30,
    attempts: 5,
    outboxMaxDays: 7,
    outboxMaxMB: 50,
    backlogSeconds: 45,
  });
  const url = "https://api.powerbi.com/beta/t/datasets/d/rows?key=settingsKEY0123456789";
  const { settings } = parse({ powerBiUrl: url, powerBiDatasetMode: "Push", pushAttempts: 2, outboxMaxMB: 5 });
  assertEquals(settings.push.powerBiUrl, url);
  assertEquals(settings.push.datasetMode, "Push");
  assertEquals([settings.push.attempts, settings.push.outboxMaxMB], [2, 5]);
  assertMatch(
    throws(() => parse({ powerBiDatasetMode: "streaming" }), ConfigError).message,
    /^config\/settings\.json: field "powerBiDatasetMode": expected one of Push, Streaming, PushStreaming/,
  );
  assertMatch(
    throws(() => parse({ pushAttempts: 0 }), ConfigError).message,
    /field "pushAttempts": expected a whole number from 1 to 20$/,
  );
});

Deno.test("logRetentionDays: 14 by default, a whole number of days otherwise", () => {
  assertEquals(parse({}).settings.logRetentionDays, 14);
  assertEquals(parse({ logRetentionDays: 90 }).settings.logRetentionDays, 90);
  for (const bad of [0, 1.5, "30", 5000]) {
    assertMatch(
      throws(() => parse({ logRetentionDays: bad }), ConfigError).message,
      /field "logRetentionDays": expected a whole number of days from 1 to 3650$/,
    );
  }
});

Deno.test('settings.example.json as its comment says: "every" left empty runs once', async () => {
  const example = await Deno.readTextFile(SETTINGS_EXAMPLE);
  assertMatch(example, /"\/\/ every": ".*Leave empty to run once\./);
  assertEquals(parseSettings(example, FILE).settings.everyMs, 60_000);
  const blank = example.replace(/"every": "60s"/, '"every": ""');
  assertEquals(parseSettings(blank, FILE).settings.everyMs, undefined);
  assertEquals(parse({ every: "  " }).settings.everyMs, undefined);
});
