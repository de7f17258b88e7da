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
