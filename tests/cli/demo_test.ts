/** `demo` and `simulate`, as a new user runs them. */
import { join } from "node:path";
import { ConnectClient, GetCurrentMetricDataCommand, ListInstancesCommand } from "@aws-sdk/client-connect";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { cliCommand, readUntil, runCli } from "../helpers.ts";

Deno.test("demo: rows flow from the emulator through the SDK into output/tradeuk-dev-metric-data.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const result = await runCli(["demo"], { cwd: dir });
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /GetCurrentMetricData \(6 queues\) -> 200\n {2}GetMetricData \(6 queues\) -> 200/);
    assertMatch(
      result.stdout,
      /\nQueueName +Call +CONTACTS_HANDLED +Abandoned +Agents +AGENTS_ON_CALL +MaxOCW +InQueue +ACW +Available\n/,
    );
    assertMatch(result.stdout, /\nOut of Hours +0 +0 +0 +0 +0 +0 +0 +0 +0\n/);
    assertMatch(result.stdout, /Wrote 6 rows to output\/tradeuk-dev-metric-data\.json\n/);
    assertMatch(
      result.stdout,
      /\npushed 6 row\(s\) to http:\/\/127\.0\.0\.1:\d+\/beta\/…\/rows\?key=\*\*\* in 1 request/,
    );
    assertMatch(result.stdout, /\nPower BI emulator received 6 rows for dataset [0-9a-f-]+\n/);
    assertMatch(
      result.stdout,
      /\npushed 6 row\(s\) to Event Hubs sb:\/\/127\.0\.0\.1:\d+\/connect-metrics in 1 request\(s\)\n/,
    );
    assertMatch(result.stdout, /\nEvent Hubs emulator received 6 events in event hub connect-metrics\n$/);
    assert.ok(!(await Deno.stat(join(dir, "outbox")).catch(() => null)), "the demo leaves no outbox behind");
    const rows = JSON.parse(await Deno.readTextFile(join(dir, "output", "tradeuk-dev-metric-data.json")));
    assertEquals(rows.length, 6);
    assert.ok(rows.slice(0, 5).some((r: { Agents: number }) => r.Agents > 0), "active queues show agents");
    assertEquals(result.stderr, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("simulate: serves a generated fleet until SIGTERM", async () => {
  const dir = await Deno.makeTempDir();
  const child = cliCommand(["simulate", "--port", "0", "--fleet", "2", "--queues", "4"], { cwd: dir }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const banner = await readUntil(reader, /Press Ctrl\+C/);
    const url = banner.match(/emulator on (http:\/\/127\.0\.0\.1:\d+)/)![1];
    assertMatch(banner, /serving a generated fleet of 2 account\(s\) x 4 queues/);
    const sdk = new ConnectClient({
      region: "eu-west-2",
      endpoint: url,
      credentials: { accessKeyId: "AKIAX", secretAccessKey: "y" },
    });
    const instances = await sdk.send(new ListInstancesCommand({}));
    assertEquals(instances.InstanceSummaryList!.length, 2);
    const instanceId = instances.InstanceSummaryList![0].Id!;
    const queueId = banner.match(/--filters Queues=([0-9a-f-]+)/)![1];
    const out = await sdk.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: [queueId], Channels: ["VOICE"] },
        Groupings: ["QUEUE"],
        CurrentMetrics: [{ Name: "AGENTS_ONLINE", Unit: "COUNT" }],
      }),
    );
    assertEquals(out.MetricResults![0].Dimensions!.Queue!.Id, queueId);
    sdk.destroy();

    // The printed commands, pasted into a shell as they stand, work with the preinstalled AWS CLI v1.
    const pasted = banner.slice(banner.indexOf("  export "), banner.indexOf("Press Ctrl+C"));
    const cli = await new Deno.Command("sh", {
      args: ["-c", pasted],
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH")!,
        HOME: dir,
        AWS_CONFIG_FILE: join(dir, "none"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
      },
    }).output();
    assertEquals(cli.code, 0, new TextDecoder().decode(cli.stderr));
    const answer = JSON.parse(new TextDecoder().decode(cli.stdout));
    assertEquals(answer.MetricResults[0].Dimensions.Queue.Id, queueId);

    // The Power BI emulator beside it takes rows at the printed push URL.
    const pushUrl = banner.match(/push URL \(the emulator's own key\): (\S+)/)![1];
    const pushed = await fetch(pushUrl, { method: "POST", body: JSON.stringify([{ Client: "X", Call: 1 }]) });
    assertEquals(pushed.status, 200, await pushed.text());
    const readBack = banner.match(/rows received: GET (\S+)/)![1];
    assertEquals((await (await fetch(readBack)).json()).rows, [{ Client: "X", Call: 1 }]);

    // A client that hangs up halfway through its request (Ctrl+C) leaves no stack trace on the console.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(url).port) });
    await conn.write(new TextEncoder().encode(
      `POST /metrics/current/${instanceId} HTTP/1.1\r\nhost: x\r\n` +
        "authorization: AWS4-HMAC-SHA256 Credential=AKIAX/20261128/eu-west-2/connect/aws4_request, " +
        'SignedHeaders=host, Signature=0\r\ncontent-length: 100\r\n\r\n{"Filters"',
    ));
    conn.close();
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    const rest = await readUntil(reader);
    const errors = await new Response(child.stderr).text();
    assertEquals(status.code, 0);
    assertMatch(rest, /stopped/);
    assertEquals(errors, "");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("simulate on a port in use: one line, exit 2, nothing left running", async () => {
  const dir = await Deno.makeTempDir();
  const held = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (held.addr as Deno.NetAddr).port;
    const result = await runCli(["simulate", "--port", String(port)], { cwd: dir });
    assertEquals(result.code, 2, result.stderr);
    assertMatch(
      result.stderr,
      new RegExp(
        `^error: port ${port} is in use, by another simulate or another program: .*--port 0 for a free one\\n`,
      ),
    );
  } finally {
    held.close();
    await Deno.remove(dir, { recursive: true });
  }
});
