import { assertEquals, assertMatch, throws } from "../assert.ts";
import {
  EXAMPLE_CLIENT_NAME,
  outputFileName,
  parseClientConfig,
  sameClientName,
} from "../../src/config/client_config.ts";
import { ConfigError } from "../../src/util/errors.ts";
import { localWallClock } from "../../src/util/time.ts";
import { seedConfig } from "../helpers.ts";

const FILE = "config/capita-tradeuk-dev-instance-queues.json";
const parse = (value: unknown) => parseClientConfig(typeof value === "string" ? value : JSON.stringify(value), FILE);
const withField = (field: string, value: unknown) => ({ ...seedConfig(), [field]: value });
const without = (field: string) => {
  const config = seedConfig();
  delete config[field];
  return config;
};

Deno.test("the 2019 example file is valid and gets the 2019 defaults", () => {
  const { config, warnings } = parse(seedConfig());
  assertEquals(config.clientName, "TradeUK");
  assertEquals(config.environment, "DEV");
  assertEquals(config.timeZone, "Europe/London");
  assertEquals(config.channels, ["VOICE"]);
  assertEquals(config.region, undefined);
  assertEquals(config.queues.map((q) => q.name), ["BasicQueue", "Customer Services", "Collections"]);
  assertEquals(warnings, []);
});

Deno.test("a file that still names the example's client says so, as the dashboard would show that name", async () => {
  const example = await Deno.readTextFile(new URL("../../config/instance-queues.example.json", import.meta.url));
  assertEquals(JSON.parse(example).clientName, EXAMPLE_CLIENT_NAME);
  const clientLine = (value: unknown) => parse(value).warnings.filter((w) => w.includes("clientName"));
  assertEquals(clientLine(example), [
    `${FILE}: clientName is still the example's, "ExampleClient", which the rows and the dashboard would show; ` +
    "write the client's name there (or connect-metrics discover --client NAME)",
  ]);
  assertEquals(clientLine(withField("clientName", "example client")).length, 1, "however it is spaced or cased");
  assertEquals(clientLine(withField("clientName", "Example Bank")), []);
});

Deno.test('"timeZone": "GMT" (UTC all year) is read, with a warning that UK time is Europe/London', () => {
  const { config, warnings } = parse(withField("timeZone", "GMT"));
  assertEquals(config.timeZone, "GMT");
  assertEquals(warnings, [
    `${FILE}: "timeZone": "GMT" is UTC all year, with no summer time; for UK time, write "Europe/London" ` +
    "(the default, when timeZone is left out)",
  ]);
  assertEquals(parse(withField("timeZone", "UTC")).warnings, [], "UTC is meant as UTC");
});

Deno.test('"timeZone" takes what the Date column can be written in, and refuses the rest with the field named', () => {
  const now = Date.UTC(2026, 6, 1, 12);
  for (const zone of ["Europe/London", "europe/london", "America/New_York", "Etc/GMT+1", "UTC", "+01:00", "-0530"]) {
    const { config } = parse(withField("timeZone", zone));
    assertEquals(config.timeZone, zone);
    assertMatch(localWallClock(now, config.timeZone), /^2026-07-01T\d\d:\d\d:00\.000$/, zone);
  }
  // A misspelling; a zone Intl knows but Temporal, which writes the Date column, does not; a date-time, whose offset
  // Temporal would take as the zone.
  for (const zone of ["Europe/Lndon", "Factory", "2026-01-01T00:00+01:00", "", " Europe/London"]) {
    const error = throws(() => parse(withField("timeZone", zone)), ConfigError);
    assertMatch(error.message, /field "timeZone": expected an IANA time zone/, zone);
  }
});

Deno.test("a client name with accents names its output file with the letters, and --client may leave the accents out", () => {
  const file = (clientName: string, environment = "PROD") => outputFileName({ clientName, environment } as never);
  // The 2019 names are unchanged.
  assertEquals(file("TradeUK", "DEV"), "tradeuk-dev-metric-data.json");
  assertEquals(file("Trade UK", "DEV"), "trade-uk-dev-metric-data.json");
  // Accented letters were dropped ("soci-t-g-n-rale"); a UK keyboard types them without their accents.
  assertEquals(file("Soci\u00e9t\u00e9 G\u00e9n\u00e9rale"), "societe-generale-prod-metric-data.json");
  assertEquals(file("Zo\u00eb & Co"), "zoe-co-prod-metric-data.json");
  // Letters of other scripts are kept, not lost (Windows names files in any script).
  assertEquals(
    file("\u0395\u03bb\u03bb\u03ac\u03b4\u03b1"),
    "\u03b5\u03bb\u03bb\u03b1\u03b4\u03b1-prod-metric-data.json",
  );
  // Signs at either end leave no stray "-" ("-test--prod-..." read as a flag by command-line tools).
  assertEquals(file("(Test)"), "test-prod-metric-data.json");
  assertEquals(file("Acme (UK)"), "acme-uk-prod-metric-data.json");
  assertEquals(sameClientName("societe generale", "Soci\u00e9t\u00e9 G\u00e9n\u00e9rale"), true);
  assertEquals(sameClientName("zoe-co", "Zo\u00eb & Co"), true);
  assertEquals(sameClientName("zoeco", "Zo\u00eb & Co Ltd"), false);
});

Deno.test("environment is accepted in any case and stored upper-case", () => {
  assertEquals(parse(withField("environment", "prod")).config.environment, "PROD");
  assertEquals(parse(withField("environment", "Test")).config.environment, "TEST");
});

Deno.test("ids copied in capitals or with spaces are Connect's ids (lower case); one id twice in two cases is an error", () => {
  const seed = seedConfig();
  const queues = seed.queues as Record<string, string>;
  const shouted = Object.fromEntries(Object.entries(queues).map(([id, name]) => [` ${id.toUpperCase()} `, name]));
  const { config } = parse({ ...seed, instanceId: ` ${(seed.instanceId as string).toUpperCase()}`, queues: shouted });
  assertEquals(config.instanceId, seed.instanceId);
  assertEquals(config.queues.map((q) => q.id), Object.keys(queues), "as Connect returns them, so results match");
  const [id, name] = Object.entries(queues)[0];
  const twice = throws(() => parse({ ...seed, queues: { [id]: name, [id.toUpperCase()]: "Again" } }), ConfigError);
  assertMatch(
    twice.message,
    new RegExp(
      `field "queues\\.${id.toUpperCase()}": expected each queue once \\(this id is already there, in another case\\)`,
    ),
  );
});

Deno.test("optional fields: region, timeZone, channels", () => {
  const { config } = parse({
    ...seedConfig(),
    region: "eu-west-2",
    timeZone: "America/New_York",
    channels: ["VOICE", "CHAT"],
  });
  assertEquals([config.region, config.timeZone, config.channels], ["eu-west-2", "America/New_York", ["VOICE", "CHAT"]]);
  // As typed in a hurry: read in the case AWS and Connect write them.
  const typed = parse({ ...seedConfig(), region: " EU-West-2", channels: ["voice", "Chat "] }).config;
  assertEquals([typed.region, typed.channels], ["eu-west-2", ["VOICE", "CHAT"]]);
  assertMatch(
    throws(() => parse({ ...seedConfig(), channels: ["voice", "VOICE"] }), ConfigError).message,
    /field "channels": expected a list of distinct channels/,
  );
});

Deno.test("accountId as the console shows it, or as a number (2019's calls did not need it), still works", () => {
  const console = parse(withField("accountId", "1111-2222-3333"));
  assertEquals([console.config.accountId, console.warnings], ["111122223333", []]);
  const number = parse(withField("accountId", 111122223333));
  assertEquals(number.config.accountId, "111122223333");
  assertEquals(number.warnings, [
    `${FILE}: accountId is a number; put it in quotes ("111122223333"), as a number cannot keep leading zeros`,
  ]);
});

Deno.test("an unknown field is a warning naming it, not a failure", () => {
  const { warnings } = parse(withField("dashboardColour", "blue"));
  assertEquals(warnings, [`${FILE}: unknown field "dashboardColour" ignored`]);
  assertEquals(parse(withField("regoin", "eu-west-2")).warnings, [
    `${FILE}: unknown field "regoin" ignored; did you mean "region"?`,
  ]);
});

Deno.test("a 2019 field written another way is not read (other tools read these files), and the error says so", () => {
  const { clientName, ...rest } = seedConfig();
  const error = throws(() => parse({ ...rest, ClientName: clientName }), ConfigError);
  assertMatch(
    error.message,
    /: field "clientName": expected .*, got nothing \(the field is missing\); the file has "ClientName": write it "clientName"$/,
  );
});

Deno.test("each bad field gets one line naming the file, the field and what was expected", async (t) => {
  const cases: [string, unknown, RegExp][] = [
    [
      "clientName",
      without("clientName"),
      /field "clientName": expected the client's name.*got nothing \(the field is missing\)/,
    ],
    ["clientName", withField("clientName", "  "), /field "clientName"/],
    ["accountId", withField("accountId", "1234"), /field "accountId": expected a 12-digit AWS account id.*got "1234"/],
    [
      "accountId, a number that lost its leading zero",
      withField("accountId", 12345678901),
      /field "accountId": expected a 12-digit .* in quotes.*\(a number drops the id's leading zeros\), got 12345678901$/,
    ],
    ["accountId", withField("accountId", "1111-2222-333"), /field "accountId": expected a 12-digit/],
    [
      "environment",
      withField("environment", "staging"),
      /field "environment": expected DEV, TEST or PROD, got "staging"/,
    ],
    [
      "environment written out",
      withField("environment", "Production"),
      /field "environment": expected DEV, TEST or PROD \(write "Production" as PROD\), got "Production"$/,
    ],
    [
      "instanceId",
      withField("instanceId", "not-a-guid"),
      /field "instanceId": expected the Connect instance id, a GUID/,
    ],
    ["queues", without("queues"), /field "queues": expected a map of queue id to queue name/],
    ["queues", withField("queues", {}), /field "queues": expected at least one queue/],
    ["queues", withField("queues", ["a"]), /field "queues": expected a map/],
    [
      "queue name and id swapped",
      withField("queues", { "Customer Services": "E42FA1D8-620E-4BF8-BD9A-EAFC60B9C0EF" }),
      /field "queues.Customer Services": expected .* \(the name and the id are the wrong way round: write "e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef": "Customer Services"\), got "Customer Services"$/,
    ],
    [
      "queue id",
      withField("queues", { "Customer Services": "e42fa1d8" }),
      /field "queues.Customer Services": expected a queue id \(GUID\) as the key/,
    ],
    [
      "a queue ARN pasted from the console",
      withField("queues", {
        "arn:aws:connect:eu-west-2:111111111111:instance/0d525d33-c2af-4b86-9d67-393db396e896/queue/e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef":
          "BasicQueue",
      }),
      /expected a queue id \(GUID\) as the key \(that is an ARN: use the id at its end, "e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef"\)/,
    ],
    [
      "an instance ARN pasted from the console",
      withField("instanceId", "arn:aws:connect:eu-west-2:111111111111:instance/0d525d33-c2af-4b86-9d67-393db396e896"),
      /field "instanceId": expected .*\(that is an ARN: use the id at its end, "0d525d33-c2af-4b86-9d67-393db396e896"\)/,
    ],
    [
      "queue name",
      withField("queues", { "e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef": 7 }),
      /field "queues.e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef": expected the queue's name/,
    ],
    ["region", withField("region", "London"), /field "region": expected an AWS Region such as eu-west-2, got "London"/],
    ["timeZone", withField("timeZone", "GMT+99"), /field "timeZone": expected an IANA time zone/],
    [
      "channels",
      withField("channels", ["PHONE"]),
      /field "channels": expected a list of distinct channels from VOICE, CHAT, TASK, EMAIL/,
    ],
    ["channels", withField("channels", []), /field "channels"/],
    ["not an object", [seedConfig()], /expected a JSON object/],
  ];
  for (const [name, config, pattern] of cases) {
    await t.step(name, () => {
      const error = throws(() => parse(config), ConfigError);
      assertMatch(error.message, new RegExp(`^${FILE.replaceAll(".", "\\.")}: `));
      assertMatch(error.message, pattern);
      assertEquals(error.message.includes("\n"), false);
    });
  }
});

Deno.test("malformed JSON names the line and column, and what hand-editing got wrong in words", async (t) => {
  const cases: [string, string, string, RegExp][] = [
    [
      "a comma after the last queue",
      '{\n  "queues": {\n    "e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef": "BasicQueue",\n  }\n}',
      "line 3 column 57",
      /a ',' after the last entry: remove it/,
    ],
    ["a comma after the last item", '{\n  "channels": ["VOICE",]\n}', "line 2 column 23", /a ',' after the last entry/],
    [
      "missing comma",
      '{\n  "clientName": "TradeUK"\n  "accountId": "111111111111"\n}',
      "line 3 column 3",
      /a ',' is missing before this entry$/,
    ],
    [
      "quotes from Word or Outlook",
      '{\n  "clientName": \u201cTradeUK\u201d\n}',
      "line 2 column 17",
      /curly quotes \(\u201c\), as Word and Outlook type them: use straight double quotes \("\)$/,
    ],
    ["single quotes", "{\n  'clientName': 'TradeUK'\n}", "line 2 column 3", /double quotes \("\), not single quotes/],
    [
      "a comment",
      '{\n  // TradeUK\n  "clientName": "TradeUK"\n}',
      "line 2 column 3",
      /JSON has no comments: .*"\/\/ note"/,
    ],
    [
      "a name without quotes",
      '{\n  clientName: "TradeUK"\n}',
      "line 2 column 3",
      /a name needs double quotes: "clientName"$/,
    ],
    [
      "text without quotes",
      '{\n  "clientName": TradeUK\n}',
      "line 2 column 17",
      /text needs double quotes: "TradeUK"$/,
    ],
    ["Python's True", '{\n  "x": True\n}', "line 2 column 8", /true, false and null in lower case$/],
    ["cut short", '{\n  "clientName": "TradeUK",', "line 2 column 27", /found the end of the file$/],
    ["empty file", "", "line 1 column 1", /found the end of the file$/],
  ];
  for (const [name, text, where, problem] of cases) {
    await t.step(name, () => {
      const error = throws(() => parse(text), ConfigError);
      assertMatch(error.message, new RegExp(`^${FILE.replaceAll(".", "\\.")}: malformed JSON at ${where}: `));
      assertMatch(error.message, problem);
      assertEquals(error.message.includes("\n"), false);
    });
  }
});
