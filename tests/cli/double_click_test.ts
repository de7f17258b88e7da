/** The exe double-clicked: no arguments, on a real pseudo-terminal. */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { CLI_ARGS, isolatedAwsEnv, withWorkspace } from "../helpers.ts";

/** Runs the CLI with no arguments on a pseudo-terminal, as a console window gives the exe; types Enter at the prompt. */
async function doubleClick(cwd: string, env: Record<string, string>) {
  const script = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
try:
    while b"Press Enter" not in out:
        chunk = os.read(fd, 4096)
        if not chunk: break
        out += chunk
    os.write(fd, b"\\n")
    while True:
        chunk = os.read(fd, 4096)
        if not chunk: break
        out += chunk
except OSError:
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode())
sys.exit(os.waitstatus_to_exitcode(status))
`;
  const output = await new Deno.Command("python3", {
    args: ["-c", script, Deno.execPath(), ...CLI_ARGS],
    cwd,
    env: { ...isolatedAwsEnv(cwd), ...env, NO_COLOR: "1" },
    clearEnv: true,
  }).output();
  return { code: output.code, text: new TextDecoder().decode(output.stdout).replaceAll("\r\n", "\n") };
}

Deno.test("double-clicked (no arguments, a terminal): runs every client, shows tables, waits for Enter", async () => {
  await withWorkspace(async (ws) => {
    const { code, text } = await doubleClick(ws.dir, ws.env);
    assertEquals(code, 0, text);
    assertMatch(text, /^connect-metrics --all {2}\(settings: none found, defaults\)/);
    assertMatch(text, /\nClient +QueueName +Call +CONTACTS_HANDLED/, "a table of the client's rows");
    assertMatch(text, /\n1 of 1 client\(s\) ok in/);
    assertMatch(text, /TradeUK DEV: fetching\n/, "progress, one line per client, on the terminal");
    assert.ok(text.includes("\x1b[1A\x1b[2KTradeUK DEV: ok, 3 rows\n"), "the line is updated in place");
    assertMatch(text, /Press Enter to close this window\./);
    assert.ok(!(await Deno.stat(join(ws.dir, "logs")).catch(() => null)), "an interactive run writes no log file");

    await Deno.writeTextFile(join(ws.dir, "config", "settings.json"), '{ "every": "1s" }');
    const failed = await doubleClick(ws.dir, ws.env);
    assertEquals(failed.code, 2, failed.text);
    assertMatch(failed.text, /error: .*settings\.json: field "every": expected an interval of at least 10s/);
    assertMatch(
      failed.text,
      /\nset-up: README-MI\.md beside the exe goes through it step by step; commands such as "connect-metrics init" are typed in a Command Prompt opened in /,
      "someone who double-clicked is told where commands are typed",
    );
    assertMatch(failed.text, /Press Enter to close this window\./, "the window stays open after an error too");
  });
});
