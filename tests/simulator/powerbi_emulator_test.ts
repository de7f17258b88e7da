/**
 * The Power BI emulator answers as shared/reference/power-bi.md says Power
 * BI does, to a plain HTTP client.
 */
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { sampleRows } from "../helpers.ts";
import { DEFAULT_COLUMNS } from "../../src/connect/catalogue.ts";
import { startEmulatorServer } from "../../src/simulator/server.ts";
import { datasetColumns } from "../../src/sinks/powerbi_schema.ts";

Deno.test("Power BI emulator: status codes and messages of the push URL", async (t) => {
  const server = await startEmulatorServer();
  try {
    const streaming = server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS), { mode: "Streaming" });
    const push = server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS), { mode: "Push" });
    const post = async (url: string, body: string) => {
      const response = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
      const text = await response.text();
      return { status: response.status, text, retryAfter: response.headers.get("retry-after") };
    };
    const url = server.powerBi.pushUrl(server.powerBiUrl, streaming);
    const rows = sampleRows(2);

    await t.step("a JSON array of rows: 200, and the rows can be read back", async () => {
      assertEquals((await post(url, JSON.stringify(rows))).status, 200);
      const readBack = await (await fetch(`${server.powerBiUrl}/emulator/datasets/${streaming.id}/rows`)).json();
      assertEquals(readBack.rows, rows);
    });
    await t.step("a wrong key: 403", async () => {
      assertEquals((await post(url.replace(/key=[^&]+/, "key=wrong"), JSON.stringify(rows))).status, 403);
    });
    await t.step("an unknown dataset: 404", async () => {
      assertEquals((await post(url.replace(streaming.id, "no-such-dataset"), "[]")).status, 404);
    });
    await t.step("a bare object: 400 'Did not encounter start array token'", async () => {
      const answer = await post(url, JSON.stringify(rows[0]));
      assertEquals(answer.status, 400);
      assertEquals(JSON.parse(answer.text).error.message, "Did not encounter start array token");
    });
    await t.step("a column the dataset does not have: 400 naming it", async () => {
      const answer = await post(url, JSON.stringify([{ ...rows[0], Extra: 1 }]));
      assertEquals(answer.status, 400);
      assertMatch(answer.text, /Column 'Extra' does not exist/);
    });
    await t.step("a value of the wrong type: 400", async () => {
      const answer = await post(url, JSON.stringify([{ ...rows[0], Call: "seven" }]));
      assertEquals(answer.status, 400);
      assertMatch(answer.text, /'Call' is not a valid Number/);
    });
    await t.step("over 15 KB to a streaming dataset: 400", async () => {
      assertEquals((await post(url, JSON.stringify(sampleRows(200)))).status, 400);
    });
    await t.step("over 10,000 rows: 400", async () => {
      const answer = await post(server.powerBi.pushUrl(server.powerBiUrl, push), JSON.stringify(sampleRows(10_001)));
      assertEquals(answer.status, 400);
      assertMatch(answer.text, /at most 10000/);
    });
    await t.step("a Streaming dataset: a sixth request within a second is 429 with Retry-After", async () => {
      const url = server.powerBi.pushUrl(server.powerBiUrl, server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS)));
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await post(url, "[]"));
      assertEquals(answers.map((a) => a.status), [200, 200, 200, 200, 200, 429]);
      assertMatch(answers[5].retryAfter ?? "", /^\d+$/);
    });
    await t.step("a Push dataset: no per-second limit, but the 121st request within a minute is 429", async () => {
      const url = server.powerBi.pushUrl(
        server.powerBiUrl,
        server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS), { mode: "Push" }),
      );
      const answers = [];
      for (let i = 0; i < 121; i++) answers.push((await post(url, "[]")).status);
      assertEquals(answers.filter((s) => s === 200).length, 120);
      assertEquals(answers[120], 429);
    });
    await t.step("injected faults over HTTP: a status, then a dropped connection", async () => {
      const control = (body: unknown) =>
        fetch(`${server.powerBiUrl}/emulator/faults`, { method: "POST", body: JSON.stringify(body) }).then((r) =>
          r.text()
        );
      await control({ kind: "status", status: 503, count: 1 });
      await new Promise((r) => setTimeout(r, 1_100)); // past the per-second quota used above
      assertEquals((await post(url, JSON.stringify(rows))).status, 503);
      await control({ kind: "drop" });
      let dropped = false;
      await post(url, JSON.stringify(rows)).catch(() => (dropped = true));
      assert.ok(dropped, "the client sees a connection error, not an answer");
      await control({ kind: "delay", ms: 300 });
      const started = Date.now();
      assertEquals((await post(url, JSON.stringify(rows))).status, 200);
      assert.ok(Date.now() - started >= 300, "the answer came after the delay");
      await control({ kind: "clear" });
    });
  } finally {
    await server.close();
  }
});
