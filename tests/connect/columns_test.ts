import { assertEquals, assertMatch, throws } from "../assert.ts";
import { parseSettings } from "../../src/config/settings.ts";
import { DEFAULT_COLUMNS } from "../../src/connect/catalogue.ts";
import { kpiColumns } from "../../src/connect/columns.ts";
import { ConfigError } from "../../src/util/errors.ts";

const FILE = "config/settings.json";
/** The KPI columns of a settings.json holding `value`. */
const columns = (value: unknown) => kpiColumns(parseSettings(JSON.stringify(value), FILE).settings.columns, FILE);

Deno.test("without settings the columns are the 2019 layout", () => {
  assertEquals(columns({}).map((c) => c.column), [
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
  assertEquals(columns({}), DEFAULT_COLUMNS);
});

Deno.test("renameColumns renames in place; addColumns appends any catalogue metric", () => {
  const chosen = columns({
    renameColumns: { Call: "Queued" },
    addColumns: [
      { column: "AHT", metric: "HANDLE_TIME" },
      { column: "SL60", metric: "SERVICE_LEVEL", threshold: 60 },
      { column: "Staffed", metric: "AGENTS_STAFFED" },
    ],
  });
  assertEquals(chosen.map((c) => c.column), [
    "Queued",
    ...DEFAULT_COLUMNS.slice(1).map((c) => c.column),
    "AHT",
    "SL60",
    "Staffed",
  ]);
  assertEquals(chosen[0].metric.name, "CONTACTS_QUEUED");
  assertEquals(chosen.at(-2)!.threshold, 60);
  assertEquals(chosen.at(-1)!.metric.api, "current");
});

Deno.test("columns Connect or the row layout cannot give get one line naming the field", async (t) => {
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
      /addColumns\[0\]\.threshold": expected whole seconds from 1 to 604800 for SERVICE_LEVEL$/,
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
  ];
  for (const [name, value, pattern] of cases) {
    await t.step(name, () => {
      const error = throws(() => columns(value), ConfigError);
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
  assertMatch(throws(() => columns({ addColumns }), ConfigError).message, /at most 20 SERVICE_LEVEL columns/);
});
