/** `connect-metrics schema`: what the MI team types into Power BI. */
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { runCli } from "../helpers.ts";

Deno.test("schema prints the dataset's columns and types and the PostDataset body for the settings", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-schema-" });
  try {
    await Deno.mkdir(join(dir, "config"));
    await Deno.writeTextFile(
      join(dir, "config", "settings.json"),
      JSON.stringify({ renameColumns: { Call: "Queued" }, addColumns: [{ column: "AHT", metric: "HANDLE_TIME" }] }),
    );
    const result = await runCli(["schema", "--mode", "Push"], { cwd: dir });
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /^Power BI dataset for .*config\/settings\.json, mode Push:\n/);
    assertMatch(result.stdout, /\nDate +DateTime\nClient +Text\nQueueName +Text\nQueued +Number\n/);
    assertMatch(result.stdout, /\nAHT +Number\n/);
    const body = JSON.parse(result.stdout.slice(result.stdout.indexOf("{")));
    assertEquals(body.defaultMode, "Push");
    const columns = body.tables[0].columns as { name: string; dataType: string }[];
    assertEquals(columns.slice(0, 4), [
      { name: "Date", dataType: "Datetime" },
      { name: "Client", dataType: "String" },
      { name: "QueueName", dataType: "String" },
      { name: "Queued", dataType: "Double" },
    ]);
    assertEquals(columns.at(-1), { name: "AHT", dataType: "Double" });

    // The mode in any case, as typed in a prompt; a word that is no mode is a usage error.
    const lower = await runCli(["schema", "--mode", "pushstreaming"], { cwd: dir });
    assertEquals(lower.code, 0, lower.stderr);
    assertEquals(JSON.parse(lower.stdout.slice(lower.stdout.indexOf("{"))).defaultMode, "PushStreaming");
    const bad = await runCli(["schema", "--mode", "stream"], { cwd: dir });
    assertEquals(bad.code, 2);
    assertMatch(bad.stderr, /^error: --mode expects one of Push, Streaming, PushStreaming, got "stream"\n/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The columns of `.create table T (['A']: type, ...)` and the mapping's JSON, read back out of schema --fabric's output. */
function fabricSchema(stdout: string) {
  const create = stdout.match(/^\.create table (\w+) \((.*)\)$/m)!;
  const columns = [...create[2].matchAll(/\['((?:[^'\\]|\\.)*)'\]: (\w+)/g)].map((m) => [m[1], m[2]]);
  const mapping = stdout.match(/^\.create-or-alter table (\w+) ingestion json mapping "(\w+)" @'(.*)'$/m)!;
  return {
    table: create[1],
    columns,
    mappingTable: mapping[1],
    mappingName: mapping[2],
    mapping: JSON.parse(mapping[3].replaceAll("''", "'")) as {
      column: string;
      datatype: string;
      Properties: { Path: string };
    }[],
  };
}

Deno.test("schema --fabric: the Eventhouse table and its JSON mapping hold every column, default and added", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-schema-" });
  try {
    await Deno.mkdir(join(dir, "config"));
    const plain = await runCli(["schema", "--fabric"], { cwd: dir });
    assertEquals(plain.code, 0, plain.stderr);
    const defaults = fabricSchema(plain.stdout);
    assertEquals(defaults.columns, [
      ["Date", "datetime"],
      ["Client", "string"],
      ["QueueName", "string"],
      ...["Call", "CONTACTS_HANDLED", "Abandoned", "Agents", "AGENTS_ON_CALL", "MaxOCW", "InQueue", "ACW", "Available"]
        .map((c) => [c, "real"]),
    ]);
    assertEquals([defaults.table, defaults.mappingTable, defaults.mappingName], [
      "ConnectMetrics",
      "ConnectMetrics",
      "ConnectMetricsMapping",
    ]);
    // Each column from the event's property of the same name, with the table's type.
    assertEquals(defaults.mapping.map((m) => [m.column, m.datatype]), defaults.columns);
    assertEquals(defaults.mapping.map((m) => m.Properties.Path).slice(0, 4), [
      "$.Date",
      "$.Client",
      "$.QueueName",
      "$.Call",
    ]);

    await Deno.writeTextFile(
      join(dir, "config", "settings.json"),
      JSON.stringify({
        renameColumns: { Call: "Queued" },
        addColumns: [{ column: "AHT", metric: "HANDLE_TIME" }, {
          column: "Service level 60",
          metric: "SERVICE_LEVEL",
          threshold: 60,
        }],
      }),
    );
    const added = fabricSchema((await runCli(["schema", "--fabric"], { cwd: dir })).stdout);
    assertEquals(added.columns.slice(3, 4), [["Queued", "real"]]);
    assertEquals(added.columns.slice(-2), [["AHT", "real"], ["Service level 60", "real"]]);
    assertEquals(added.mapping.at(-1)!.Properties.Path, "$['Service level 60']", "a name with spaces, bracketed");
    assertEquals(added.mapping.map((m) => m.column), added.columns.map(([c]) => c));

    const both = await runCli(["schema", "--fabric", "--mode", "Push"], { cwd: dir });
    assertEquals(both.code, 2);
    assertMatch(
      both.stderr,
      /^error: give --mode \(a Power BI dataset\) or --fabric \(an Eventhouse table\), not both\n/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
