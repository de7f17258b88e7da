/**
 * `--serve`: the wallboard in a real browser (headless Chromium), /metrics
 * through a real Prometheus parser (promtool), /rows.json; all against a
 * watch run of the real program on the Connect emulator, whose clock moves
 * a minute between cycles so that the figures change.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { CHROMIUM, withBrowser } from "../browser.ts";
import { ACCESS_KEY, cliCommand, readUntil, SECRET_KEY, writeAwsProfile, writeConfig } from "../helpers.ts";
import { DEMO_CONFIG } from "../../src/cli/demo.ts";
import { parseClientConfig } from "../../src/config/client_config.ts";
import { ConnectModel } from "../../src/simulator/connect_model.ts";
import { addConfiguredInstances } from "../../src/simulator/fleet.ts";
import { startEmulatorServer } from "../../src/simulator/server.ts";
import { datasetColumns } from "../../src/sinks/powerbi_schema.ts";
import { kpiColumns } from "../../src/connect/columns.ts";

const XSS = "<img src=x onerror=alert(1)>";
const QUOTED = 'Sales "VIP" \\ London';
const PUSH_KEY = "WALLBOARD-push-key-5b2d4f60a8e1";
const PROMTOOL = ["promtool"].find((name) =>
  new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null" }).outputSync().success
);
/** Under CI a missing tool fails the test; on a developer's machine it is skipped, saying so. */
const missing = !CHROMIUM || !PROMTOOL;
if (missing && Deno.env.get("CI")) {
  throw new Error("CI needs chromium and promtool (apt-get install chromium prometheus)");
}
if (missing) {
  console.log("SKIPPED the wallboard test: it needs chromium and promtool (apt-get install chromium prometheus)");
}

/** The demo's client, two of its queues, and two whose names a page could mistake for markup or a label could break on. */
const [basic, services] = Object.entries(DEMO_CONFIG.queues);
const CONFIG = {
  ...DEMO_CONFIG,
  queues: Object.fromEntries([basic, services, ["8d0f3f2a-1e57-4a4b-b0a8-2c7e9b1f4d22", XSS], [
    "a3e6c2d1-7b44-4f0e-8c19-5d2a6e3b9c33",
    QUOTED,
  ]]),
};

type Row = Record<string, string | number>;

/** The tiles as the page shows them: each figure's value and text, by measure. */
const TILES = `[...document.querySelectorAll(".tile")].map((t) => ({
  client: t.dataset.client,
  queue: t.querySelector(".queue").textContent,
  level: t.className,
  figures: Object.fromEntries([...t.querySelectorAll("[data-measure]")].map((f) => [f.dataset.measure, { value: Number(f.dataset.value), text: f.textContent }])),
}))`;

interface Tile {
  client: string;
  queue: string;
  figures: Record<string, { value: number; text: string }>;
}

/** What each tile must show of an output file's row (the default columns). */
function expectedTile(row: Row): Record<string, unknown> {
  return {
    client: "TradeUK DEV",
    queue: row.QueueName,
    contactsInQueue: row.InQueue,
    oldestWaitSeconds: row.MaxOCW,
    agentsAvailable: row.Available,
    agentsOnContact: row.AGENTS_ON_CALL,
    agentsAfterContactWork: row.ACW,
    handled: row.CONTACTS_HANDLED,
    abandoned: row.Abandoned,
  };
}
const shown = (t: Tile): Record<string, unknown> => ({
  client: t.client,
  queue: t.queue,
  ...Object.fromEntries(Object.entries(t.figures).map(([k, f]) => [k, f.value])),
});

/** `name{labels} value` lines of the exposition text, labels unescaped. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^(\w+)(\{.*\})? (\S+)$/)!;
    const labels = [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}=${v.replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c))}`);
    out.set(`${m[1]}|${labels.join("|")}`, Number(m[3]));
  }
  return out;
}

Deno.test({
  name:
    "the wallboard in a real browser: the output file's values, updated by the next cycle, names as text; /metrics and /rows.json agree",
  ignore: missing,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "connect-metrics-wallboard-" });
    let offset = 0;
    const server = await startEmulatorServer({ model: new ConnectModel(11), now: () => Date.now() + offset });
    const added = [{ column: "AHT", metric: "HANDLE_TIME" }, {
      column: "SL60",
      metric: "SERVICE_LEVEL",
      threshold: 60,
    }];
    const columns = kpiColumns({ renamed: [], added }, "settings.json");
    const dataset = server.powerBi.addDataset(datasetColumns(columns), { key: PUSH_KEY });
    try {
      const path = await writeConfig(join(dir, "config"), "capita-tradeuk-dev", CONFIG);
      addConfiguredInstances(server.model, [parseClientConfig(JSON.stringify(CONFIG), path).config]);
      await writeAwsProfile(dir, "capita-tradeuk-dev", {
        accessKeyId: ACCESS_KEY,
        secretAccessKey: SECRET_KEY,
        region: "eu-west-2",
      });
      await Deno.writeTextFile(
        join(dir, "config", "settings.json"),
        JSON.stringify({
          addColumns: added,
          thresholds: { clients: { TradeUK: { queues: { BasicQueue: { contactsInQueue: { amber: 0, red: 0 } } } } } },
        }),
      );
      const child = cliCommand(["--all", "--push", "--every", "10s", "--serve", "0"], {
        cwd: dir,
        env: {
          AWS_ENDPOINT_URL_CONNECT: server.url,
          CONNECT_METRICS_POWERBI_URL: server.powerBi.pushUrl(server.powerBiUrl, dataset),
        },
      }).spawn();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const output = () =>
        Deno.readTextFile(join(dir, "output", "tradeuk-dev-metric-data.json")).then((t) => JSON.parse(t) as Row[]);
      try {
        const first = await readUntil(reader, /next cycle at/);
        const url = first.match(/^wallboard on (http:\/\/127\.0\.0\.1:\d+\/) /m)?.[1];
        assert.ok(url, `listens on 127.0.0.1 when only a port is given:\n${first}`);
        const rows1 = await output();

        await withBrowser(async (page) => {
          await page.navigate(url);
          await page.waitFor(`document.querySelectorAll(".tile").length === 4`);
          const tiles1 = await page.evaluate<Tile[]>(TILES);
          assertEquals(tiles1.map(shown), rows1.map(expectedTile), "the tiles show the output file's values");
          assertEquals(tiles1.map((t) => t.figures.contactsInQueue.text), rows1.map((r) => String(r.InQueue)));
          // A threshold of settings.json, for one queue of one client: that tile alone is red.
          assertMatch(tiles1[0].figures.contactsInQueue.text, /^\d+$/);
          assertEquals(
            await page.evaluate(`document.querySelector('.tile[data-queue="BasicQueue"]').classList.contains("red")`),
            true,
          );
          // The queue named like markup is text: no image element, no script run, the name shown as written.
          assertEquals(tiles1[2].queue, XSS);
          assertEquals(await page.evaluate(`document.querySelectorAll("img").length`), 0);
          assertEquals(page.dialogs, [], "no alert ran");
          assertEquals(tiles1[3].queue, QUOTED);
          assertMatch(
            await page.evaluate<string>(`document.getElementById("push").textContent`),
            /^Pushed 4 rows to http:\/\/127\.0\.0\.1:\d+\/beta\/…\/rows\?key=\*\*\*/,
          );
          const screenshotTo = Deno.env.get("WALLBOARD_SCREENSHOT");
          if (screenshotTo) await Deno.writeFile(screenshotTo, await page.screenshot());

          // A minute later on the emulator's clock: the next cycle's figures replace these, without a reload.
          offset += 60_000;
          await readUntil(reader, /--- cycle 2 at[\s\S]*next cycle at/);
          const rows2 = await output();
          assert.ok(JSON.stringify(rows2) !== JSON.stringify(rows1), "the emulator's figures moved");
          const expected = JSON.stringify(rows2.map(expectedTile));
          await page.waitFor(`JSON.stringify((${TILES}).map(${shown.toString()})) === ${JSON.stringify(expected)}`);

          // /rows.json is the output file; /metrics parses (promtool) and its values are the file's.
          assertEquals(await (await fetch(`${url}rows.json`)).json(), rows2);
          const metrics = await (await fetch(`${url}metrics`)).text();
          const check = new Deno.Command(PROMTOOL!, {
            args: ["check", "metrics"],
            stdin: "piped",
            stdout: "piped",
            stderr: "piped",
          }).spawn();
          const writer = check.stdin.getWriter();
          await writer.write(new TextEncoder().encode(metrics));
          await writer.close();
          const checked = await check.output();
          const said = new TextDecoder().decode(checked.stdout) + new TextDecoder().decode(checked.stderr);
          assertEquals([checked.code, said], [0, ""], "promtool check metrics");
          const values = samples(metrics);
          for (const row of rows2) {
            const labels = `client=TradeUK|environment=DEV|queue=${row.QueueName}`;
            assertEquals(values.get(`connect_queue_contacts_in_queue|${labels}`), row.InQueue);
            assertEquals(values.get(`connect_queue_oldest_contact_age_seconds|${labels}`), row.MaxOCW);
            assertEquals(values.get(`connect_queue_agents_available|${labels}`), row.Available);
            assertEquals(values.get(`connect_queue_contacts_handled_today|${labels}`), row.CONTACTS_HANDLED);
            assertEquals(values.get(`connect_queue_contacts_abandoned_today|${labels}`), row.Abandoned);
            // Added columns: an average in seconds, and a service level as a ratio with its threshold as a label.
            assertEquals(values.get(`connect_queue_handle_time_avg_today_seconds|${labels}`), row.AHT);
            assertEquals(
              values.get(`connect_queue_service_level_avg_today_ratio|${labels}|threshold_seconds=60`),
              Number(row.SL60) / 100,
            );
          }
          assertEquals(values.get("connect_metrics_failed_clients|"), 0);
          assertEquals(values.get("connect_metrics_outbox_rows|"), 0);
          assertEquals(values.get("connect_metrics_cycles_total|"), 2);
          assert.ok(values.get("connect_metrics_api_requests_total|")! >= 4);

          // Read-only, and no secret on any page.
          assertEquals(
            (await fetch(url, { method: "POST", body: "x" }).then(async (r) => [r.status, await r.text()]))[0],
            405,
          );
          for (const p of ["", "app.js", "app.css", "board.json", "rows.json", "metrics"]) {
            const text = await (await fetch(`${url}${p}`)).text();
            for (const secret of [PUSH_KEY, SECRET_KEY, ACCESS_KEY]) {
              assert.ok(!text.includes(secret), `${secret} on /${p}`);
            }
          }

          // Cycles stop (the run ends): the page goes visibly stale as its clock moves on.
          child.kill("SIGTERM");
          await child.status;
          const stale = await page.evaluate<[boolean, string]>(
            `(() => { const real = Date.now; Date.now = () => real() + 10 * 60 * 1000; checkStale();
               return [document.body.classList.contains("stale"), document.getElementById("stale").textContent]; })()`,
          );
          assertEquals(stale[0], true);
          assertMatch(stale[1], /^STALE: no new figures for 10 min \d\d s/);
        });
      } finally {
        try {
          child.kill("SIGTERM");
        } catch { /* ended */ }
        await child.status;
        await reader.cancel().catch(() => {});
        await child.stderr.cancel().catch(() => {});
      }
    } finally {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
