import { assertEquals, assertMatch, throws } from "../assert.ts";
import { DEFAULT_SETTINGS, parseSettings } from "../../src/config/settings.ts";
import { ConfigError } from "../../src/util/errors.ts";
import { SETTINGS_EXAMPLE } from "../../src/config/paths.ts";

const FILE = "config/settings.json";
const parse = (value: unknown) => parseSettings(JSON.stringify(value), FILE);

Deno.test("column choices are kept as written, for the catalogue to check; their shape is checked here", async (t) => {
  assertEquals(DEFAULT_SETTINGS.columns, { renamed: [], added: [] });
  assertEquals(
    parse({
      renameColumns: { Call: " Queued " },
      addColumns: [{ column: "SL60", metric: "SERVICE_LEVEL", threshold: 60 }, { column: "X", metric: "NOPE" }],
    }).settings.columns,
    {
      renamed: [{ from: "Call", to: "Queued" }],
      added: [{ column: "SL60", metric: "SERVICE_LEVEL", threshold: 60 }, { column: "X", metric: "NOPE" }],
    },
  );
  const cases: [string, unknown, RegExp][] = [
    ["renameColumns a list", { renameColumns: ["Call"] }, /field "renameColumns": expected a map of old column name/],
    ["a rename to nothing", { renameColumns: { Call: " " } }, /field "renameColumns\.Call": expected the new column/],
    ["addColumns an object", { addColumns: { column: "X" } }, /field "addColumns": expected a list like/],
    [
      "an added column with no name",
      { addColumns: [{ metric: "HANDLE_TIME" }] },
      /"addColumns\[0\]\.column": expected/,
    ],
    ["an added column as text", { addColumns: ["HANDLE_TIME"] }, /"addColumns\[0\]": expected \{ "column"/],
  ];
  for (const [name, value, pattern] of cases) {
    await t.step(name, () => {
      const error = throws(() => parse(value), ConfigError);
      assertMatch(error.message, /^config\/settings\.json: /);
      assertMatch(error.message, pattern);
    });
  }
});

Deno.test("the unit override in any case; a bad one gets one line naming the field", () => {
  assertEquals(parse({ oldestContactAgeUnit: "milliseconds" }).settings.oldestContactAgeUnit, "MILLISECONDS");
  assertMatch(
    throws(() => parse({ oldestContactAgeUnit: "MINUTES" }), ConfigError).message,
    /^config\/settings\.json: field "oldestContactAgeUnit": expected SECONDS or MILLISECONDS/,
  );
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
    backlogSeconds: 45,
    runSeconds: 55,
  });
  const url = "https://api.powerbi.com/beta/t/datasets/d/rows?key=settingsKEY0123456789";
  const { settings } = parse({ powerBiUrl: url, powerBiDatasetMode: "Push", pushAttempts: 2, outboxMaxMB: 5 });
  assertEquals(settings.push.powerBiUrl, url);
  assertEquals(settings.push.datasetMode, "Push");
  assertEquals([settings.push.attempts, settings.push.outboxMaxMB], [2, 5]);
  assertEquals(parse({ powerBiDatasetMode: " pushstreaming " }).settings.push.datasetMode, "PushStreaming");
  assertMatch(
    throws(() => parse({ powerBiDatasetMode: "stream" }), ConfigError).message,
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
  // A number is seconds, as --every 60 is; too short, or not whole, is still an error.
  assertEquals(parse({ every: 60 }).settings.everyMs, 60_000);
  for (const bad of [5, 1.5, true]) {
    assertMatch(
      throws(() => parse({ every: bad }), ConfigError).message,
      /field "every": expected an interval of at least 10s/,
    );
  }
});
