/**
 * The console as a display: watch mode on a terminal (a real pseudo-terminal
 * of 120 x 40, through util-linux's `script`) redraws one screen each cycle
 * that fits the window and shows a failed client's whole error; redirected,
 * the same watch is plain lines with a time stamp a cycle; `--table` prints rows.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import {
  CLI_ARGS,
  cliCommand,
  isolatedAwsEnv,
  readUntil,
  runCli,
  stopWatch,
  writeAwsProfile,
  writeConfig,
} from "../helpers.ts";
import { ConnectModel } from "../../src/simulator/connect_model.ts";
import { addGeneratedFleet } from "../../src/simulator/fleet.ts";
import { startEmulatorServer } from "../../src/simulator/server.ts";

/** A fleet of `accounts` x `queues` served by the emulator, with a config file and AWS profile each. */
async function withFleet(
  accounts: number,
  queues: number,
  fn: (ctx: { dir: string; env: Record<string, string>; deny: (client: number) => void }) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-screen-" });
  const model = new ConnectModel(7);
  const server = await startEmulatorServer({ model });
  try {
    const fleet = addGeneratedFleet(model, { accounts, queuesPerInstance: queues });
    for (const [i, f] of fleet.entries()) {
      const profile = `client${String(i + 1).padStart(2, "0")}-dev`;
      await writeConfig(join(dir, "config"), profile, {
        clientName: f.clientName,
        accountId: f.accountId,
        environment: "dev",
        instanceId: f.instanceId,
        region: "eu-west-2",
        queues: Object.fromEntries(f.queues.map((q) => [q.id, q.name])),
      });
      await writeAwsProfile(dir, profile, {
        accessKeyId: `AKIASCREEN${String(i + 1).padStart(10, "0")}`,
        secretAccessKey: "made-up",
        region: "eu-west-2",
      });
    }
    const deny = (client: number) =>
      model.deny(`AKIASCREEN${String(client).padStart(10, "0")}`, "GetCurrentMetricData");
    await fn({ dir, env: { AWS_ENDPOINT_URL_CONNECT: server.url }, deny });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
/** A terminal's escape sequences: what the screen is drawn with, not what it says. */
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");
const FRAME = new RegExp(`${ESC}\\[H([\\s\\S]*?)${ESC}\\[J`, "g");

/** The CLI in a pseudo-terminal of `columns` x `rows`; its output as the terminal got it. */
function inTerminal(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
  size = { columns: 120, rows: 40 },
) {
  const command = `stty cols ${size.columns} rows ${size.rows}; exec ${
    [Deno.execPath(), ...CLI_ARGS, ...args].map(quote).join(" ")
  }`;
  return new Deno.Command("script", {
    args: ["-q", "-e", "-c", command, "/dev/null"],
    cwd: options.cwd,
    env: { TERM: "xterm", NO_COLOR: "1", ...isolatedAwsEnv(options.cwd), ...options.env },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Reads the terminal's output until a whole screen matching `until` has been drawn; returns that screen's lines. */
async function screenMatching(reader: ReadableStreamDefaultReader<string>, until: RegExp): Promise<string[]> {
  let text = "";
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    // A screen is drawn from the cursor's home to the clear-below that ends it.
    const frames = [...text.matchAll(FRAME)].map((m) => m[1].replace(ANSI, "").replace(/\r/g, ""));
    const found = frames.findLast((f) => until.test(f));
    if (found !== undefined) return found.replace(/\n$/, "").split("\n");
  }
  throw new Error(`no screen matched ${until}; the terminal got:\n${text.replace(ANSI, "").slice(-3000)}`);
}

Deno.test("on a 120 x 40 terminal, one cycle of 20 clients x 250 queues fits one screen, a failed client's whole error in it", async () => {
  await withFleet(20, 250, async ({ dir, env, deny }) => {
    deny(7);
    // The same error as a plain run prints it: the screen must hold all of it.
    const plain = await runCli(["--all"], { cwd: dir, env });
    assertEquals(plain.code, 1);
    const error = plain.stderr.match(/^error: Client07 DEV: (.*)$/m)![1];
    const hint = plain.stderr.match(/^error: Client07 DEV: .*\nhint: (.*)$/m)![1];
    assert.ok(error.length > 120, `a long error, to be wrapped (${error.length} characters)`);

    const child = inTerminal(["--all", "--every", "10s"], { cwd: dir, env });
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      const screen = await screenMatching(reader, /last cycle 1 at/);
      assert.ok(screen.length <= 40, `${screen.length} lines: more than the window's 40`);
      const wide = screen.filter((line) => [...line].length > 120);
      assertEquals(wide, [], "lines wider than the window");
      assertMatch(screen[0], /^connect-metrics --all · every 10 s · Ctrl\+C stops$/);
      assertMatch(screen[1], /^last cycle 1 at \d\d:\d\d:\d\d, took [\d.]+ s · next at \d\d:\d\d:\d\d$/);
      assertMatch(screen.join("\n"), /\nClients: 19 ok, 1 FAILED · last cycle \d+ API requests, \d+ retried\n/);
      // The failed client's lines, joined again: the whole error and its hint, not a summary's few words.
      const start = screen.findIndex((l) => l.startsWith("FAILED  Client07 DEV: "));
      assert.ok(start >= 0, screen.join("\n"));
      let failure = screen[start];
      for (let i = start + 1; screen[i]?.startsWith("    "); i++) failure += ` ${screen[i].trim()}`;
      assertEquals(failure, `FAILED  Client07 DEV: ${error} (${hint})`);
      assert.ok(
        screen.includes(
          "Push: none (no --push): no dashboard is being updated; rows are only written to the output files",
        ),
      );
      assertMatch(
        screen.join("\n"),
        /\nQueues needing attention \(!! red, ! amber\)\n {3}Longest wait +Most contacts waiting\n/,
      );
      assertMatch(screen.join("\n"), /Client\d\d DEV {2}250 queues {2}6 req/);
    } finally {
      await stopWatch(child, reader);
    }
  });
});

Deno.test("redirected, a watch is plain lines: a time-stamped separator a cycle, the next cycle's time, and no push said plainly", async () => {
  await withFleet(2, 3, async ({ dir, env }) => {
    const child = cliCommand(["--all", "--every", "10s"], { cwd: dir, env }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      const text = await readUntil(reader, /next cycle at/);
      assert.ok(!text.includes(`${ESC}[`), "no terminal codes in redirected output");
      assertMatch(text, /^--- cycle 1 at \d\d:\d\d:\d\d ---$/m);
      assertMatch(text, /^2 of 2 client\(s\) ok in [\d.]+ s; not pushed \(no --push\): no dashboard was updated$/m);
      assertMatch(text, /^next cycle at \d\d:\d\d:\d\d$/m);
    } finally {
      await stopWatch(child, reader);
    }
  });
});

Deno.test("--table prints each client's rows of a one-shot run", async () => {
  await withFleet(1, 3, async ({ dir, env }) => {
    const result = await runCli(["--all", "--table"], { cwd: dir, env });
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /\nClient +QueueName +Call +CONTACTS_HANDLED .*\n[- ]+\nClient01 +Queue 0001 /);
    assertMatch(result.stdout, /\nClient01 +Queue 0003 /);
  });
});

Deno.test("--serve: a bad address, or a port another program has, is exit 2 in one line, before any call", async () => {
  await withFleet(1, 2, async ({ dir, env }) => {
    const bad = await runCli(["--all", "--serve", "localhost:http"], { cwd: dir, env });
    assertEquals(bad.code, 2);
    assertEquals(
      bad.stderr.split("\n")[0],
      'error: --serve expects a port, or HOST:PORT (e.g. 8080 or 0.0.0.0:8080), got "localhost:http"',
    );
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const { port } = taken.addr as Deno.NetAddr;
      const result = await runCli(["--all", "--serve", String(port)], { cwd: dir, env });
      assertEquals(result.code, 2);
      assertEquals(
        result.stderr.split("\n")[0],
        `error: --serve 127.0.0.1:${port}: port ${port} is in use, by another program; give another port, or 0 for a free one`,
      );
      const written = await Array.fromAsync(Deno.readDir(join(dir, "output"))).catch(() => []);
      assertEquals(written.map((e) => e.name), [], "no client was fetched");
    } finally {
      taken.close();
    }
  });
});
