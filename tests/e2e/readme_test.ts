/**
 * README.md's commands, run exactly as written: the set-up's `deno task demo`
 * and the whole walkthrough, in bash, in a scratch copy of the repository (so
 * its output/ and outbox/ are the copy's), against the emulators it starts.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { REPO } from "../helpers.ts";

const README = await Deno.readTextFile(join(REPO, "README.md"));

/** The first ```sh block after the heading that starts with `heading` (none: of the whole README). */
function shellBlock(heading?: string): string {
  const at = heading === undefined ? 0 : README.indexOf(`\n## ${heading}`);
  assert.ok(at >= 0, `README has a section "${heading}"`);
  const block = README.slice(at).match(/\n```sh\n([\s\S]*?)\n```/);
  assert.ok(block, `the section "${heading}" has a sh block`);
  return block[1];
}

/** The files `deno task` needs, copied: the README's commands run in the copy as they would in a clone. */
async function scratchClone(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-readme-" });
  for (const name of ["deno.json", "deno.lock", "main.ts", "src", "config"]) {
    await new Deno.Command("cp", { args: ["-R", join(REPO, name), dir] }).output();
  }
  return dir;
}

/** bash runs `script`; whatever it left in the background is stopped, whatever happened. */
async function bash(script: string, cwd: string) {
  const env: Record<string, string> = { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/root" };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) env.DENO_DIR = denoDir;
  const output = await new Deno.Command("bash", {
    args: ["-c", `trap 'status=$?; kill $(jobs -p) 2>/dev/null || true; exit $status' EXIT\nset -e\n${script}`],
    cwd,
    env: { ...env, NO_COLOR: "1" },
    clearEnv: true,
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

Deno.test("README: the set-up's deno task demo runs as written", async () => {
  const line = shellBlock().split("\n").find((l) => l.startsWith("deno task demo"));
  assert.ok(line, "the first block has deno task demo");
  const dir = await scratchClone();
  try {
    const result = await bash(line, dir);
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /Wrote 6 rows to output\/tradeuk-dev-metric-data\.json/);
    assertMatch(result.stdout, /Power BI emulator received 6 rows/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("README: the two-minute walkthrough runs as written, and does what it says", async () => {
  const dir = await scratchClone();
  try {
    const result = await bash(shellBlock("A two-minute walkthrough"), dir);
    assertEquals(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const { stdout } = result;
    assertMatch(stdout, /wrote .*\/config\/client01-dev-instance-queues\.json\n/, "init");
    assertMatch(stdout, /wrote .*client01-dev-instance-queues\.json: 10 queue\(s\)/, "discover");
    assertMatch(stdout, /live {2}Client01 DEV: ok/, "check --live");
    assertMatch(stdout, /Client01 DEV: 10 queues, 2 API requests .* -> output\/client01-dev-metric-data\.json/);
    assertMatch(stdout, /pushed 10 row\(s\) to http:\/\/127\.0\.0\.1:8484\/beta\/…\/rows\?key=\*\*\* in 1 request/);
    assertMatch(stdout, /1 of 1 client\(s\) ok in [\d.]+ s; 10 row\(s\) pushed/);
    assertMatch(
      stdout,
      /\n\{"dataset":"[0-9a-f-]+","rows":\[\{"Date":"[^"]+","Client":"Client01","QueueName":"Queue 0001"/,
      "what the Power BI emulator received",
    );
    const rows = JSON.parse(await Deno.readTextFile(join(dir, "output", "client01-dev-metric-data.json")));
    assertEquals(rows.length, 10);
    // 6: the same rows as events, through the Event Hubs emulator's connection string; the Eventhouse table for them.
    assertMatch(stdout, /pushed 10 row\(s\) to Event Hubs sb:\/\/127\.0\.0\.1:8484\/connect-metrics in 1 request/);
    assertMatch(
      stdout,
      /\n\{"hub":"connect-metrics","events":\[\{"Date":"[^"]+","Client":"Client01","QueueName":"Queue 0001"/,
      "what the Event Hubs emulator received",
    );
    assertMatch(stdout, /\n\.create table ConnectMetrics \(\['Date'\]: datetime, /);
    // 7: the wallboard's /metrics, from a one-shot run that serves until it is stopped.
    assertMatch(stdout, /^wallboard on http:\/\/127\.0\.0\.1:8080\/ /m);
    assertMatch(
      stdout,
      /\nconnect_queue_contacts_in_queue\{client="Client01",environment="DEV",queue="Queue 0001"\} \d+\n/,
    );
    const hubKey = "NThlODkxNmNiYzU3NDE0OWEyNDk1YjJhMjg2YTVmMDc=";
    const shown = `${stdout}\n${result.stderr}`.split("\n").filter((line) => line.includes(hubKey));
    assertEquals(shown.map((line) => line.replace(/Endpoint=\S+/, "CS")), [
      "  connection string (the emulator's own key): CS",
    ]);
    // The emulator prints its own push URL, key and all, for the walkthrough to copy; the tool never prints it.
    const key = "aa966c638eff44a6a74054b17c4681f4";
    const printed = `${stdout}\n${result.stderr}`.split("\n").filter((line) => line.includes(key));
    assertEquals(printed.map((line) => line.replace(/http\S+/, "URL")), ["  push URL (the emulator's own key): URL"]);
    // kill %1 stopped the emulators, kill %2 the wallboard: the ports are free again.
    Deno.listen({ hostname: "127.0.0.1", port: 8484 }).close();
    Deno.listen({ hostname: "127.0.0.1", port: 8080 }).close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("README: every deno task it names is a task of deno.json", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  const named = [...new Set([...README.matchAll(/deno task ([\w:-]+)/g)].map((m) => m[1]))];
  assert.ok(named.includes("test:fast") && named.includes("demo"), named.join());
  assertEquals(named.filter((task) => !(task in tasks)), [], "tasks README names that deno.json lacks");
});
