/**
 * The fault suite: each fault Power BI or the network can throw at a
 * `--push` run, through the real program against the built-in emulators.
 * For each, rows are counted by Date + Client + QueueName: every row a run
 * wrote is delivered or waiting, and after the fault clears, delivered;
 * and no secret appears in anything the runs printed or left on disk.
 * (A full disk and SIGKILLs have tests of their own in tests/cli/push_test.ts.)
 */
import { join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { ACCESS_KEY, RUN_ARGS, SECRET_KEY, textsLeftIn, withWorkspace } from "../helpers.ts";
import { DEFAULT_COLUMNS } from "../../src/connect/catalogue.ts";
import type { Fault } from "../../src/simulator/faults.ts";
import { datasetColumns } from "../../src/sinks/powerbi_schema.ts";

const PUSH_KEY = "FAULT-SUITE-KEY-3c9e1f7a5b2d4e60";

const FAULTS: [string, Fault, number][] = [
  ["503 twice, then up", { kind: "status", status: 503 }, 2],
  ["a 500 storm past every attempt", { kind: "status", status: 500 }, 20],
  ["429 with Retry-After", { kind: "status", status: 429, retryAfter: "1" }, 2],
  ["429 without Retry-After", { kind: "status", status: 429 }, 2],
  ["a dropped connection", { kind: "drop" }, 1],
  ["Power BI hangs", { kind: "hang" }, 5],
  ["400 until the dataset is fixed", { kind: "status", status: 400, message: "Column 'Call' does not exist" }, 5],
];

const key = (row: Record<string, unknown>) => `${row.Date}|${row.Client}|${row.QueueName}`;

async function rowsIn(dir: string): Promise<string[]> {
  const entries = await Array.fromAsync(Deno.readDir(dir)).catch(() => []);
  const keys: string[] = [];
  for (const entry of entries.filter((e) => e.isFile && e.name.endsWith(".json"))) {
    for (const row of JSON.parse(await Deno.readTextFile(join(dir, entry.name)))) keys.push(key(row));
  }
  return keys;
}

Deno.test("the fault suite: whatever Power BI does, every row written is delivered or waiting, and no secret shows", async (t) => {
  for (const [name, fault, count] of FAULTS) {
    await t.step(name, async () => {
      await withWorkspace(async (ws) => {
        const dataset = ws.server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS), { key: PUSH_KEY });
        const env = { CONNECT_METRICS_POWERBI_URL: ws.server.powerBi.pushUrl(ws.server.powerBiUrl, dataset) };
        await Deno.writeTextFile(
          join(ws.dir, "config", "settings.json"),
          JSON.stringify({ pushTimeoutSeconds: 2, pushAttempts: 3, runSeconds: 10 }),
        );
        const produced = new Set<string>();
        const printed: string[] = [];
        ws.server.powerBi.faults.inject(fault, count);
        const during = await ws.run([...RUN_ARGS, "--push"], env);
        printed.push(during.stdout, during.stderr);
        for (const row of await rowsIn(join(ws.dir, "output"))) produced.add(row);
        const delivered = () => new Set(dataset.rows.map(key));
        const waiting = new Set(await rowsIn(join(ws.dir, "outbox")));
        const lostDuring = [...produced].filter((row) => !delivered().has(row) && !waiting.has(row));
        assertEquals(lostDuring, [], `${name}: rows neither delivered nor waiting (exit ${during.code})`);

        ws.server.powerBi.faults.clear();
        ws.server.powerBi.faults.releaseHanging();
        const after = await ws.run([...RUN_ARGS, "--push"], env);
        printed.push(after.stdout, after.stderr);
        assertEquals(after.code, 0, `${name}: ${after.stderr}`);
        for (const row of await rowsIn(join(ws.dir, "output"))) produced.add(row);
        const lost = [...produced].filter((row) => !delivered().has(row));
        assertEquals(lost, [], `${name}: of ${produced.size} rows written, these never reached Power BI`);
        assertEquals(await rowsIn(join(ws.dir, "outbox")), [], "nothing left waiting");
        for (const text of [...printed, ...await textsLeftIn(ws.dir)]) {
          for (const secret of [PUSH_KEY, SECRET_KEY, ACCESS_KEY]) {
            assert.ok(!text.includes(secret), `${name}: a secret leaked into: ${text.slice(0, 200)}`);
          }
        }
      });
    });
  }
});
