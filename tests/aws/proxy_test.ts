/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as an MI machine behind a corporate
 * proxy sets them: the reading of the variables, and a real run through a
 * loopback proxy that tunnels (CONNECT) to the Connect emulator.
 */
import { assert, assertEquals, assertMatch, throws } from "../assert.ts";
import { PROFILE, RUN_ARGS, SECRET_KEY, seedConfig, withWorkspace } from "../helpers.ts";
import { bypassesProxy, proxySettings } from "../../src/aws/proxy.ts";
import { ConfigError } from "../../src/util/errors.ts";

const encoder = new TextEncoder();
const LOOPBACK = new Set(["127.0.0.1", "localhost"]);

/**
 * A forward proxy on loopback: CONNECT to a loopback host is tunnelled (it
 * never reaches further), anything else is refused; `refuse` answers every
 * CONNECT with that status instead (407: a proxy that wants a login).
 */
async function withTunnelProxy(fn: (proxy: { url: string; seen: string[] }) => Promise<void>, refuse?: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: string[] = [];
  const conns = new Set<Deno.Conn>();
  const serve = async (conn: Deno.Conn) => {
    conns.add(conn);
    const buffer = new Uint8Array(16_384);
    let head = "";
    while (!head.includes("\r\n\r\n")) {
      const n = await conn.read(buffer);
      if (n === null) return conn.close();
      head += new TextDecoder().decode(buffer.subarray(0, n));
    }
    const [method, target] = head.split(" ");
    seen.push(`${method} ${target}`);
    const [host, port] = target.split(":");
    if (refuse || method !== "CONNECT" || !LOOPBACK.has(host)) {
      await conn.write(encoder.encode(`HTTP/1.1 ${refuse ?? 403} Refused\r\ncontent-length: 0\r\n\r\n`));
      return conn.close();
    }
    const upstream = await Deno.connect({ hostname: host, port: Number(port) });
    conns.add(upstream);
    await conn.write(encoder.encode("HTTP/1.1 200 Connection established\r\n\r\n"));
    await Promise.all([
      conn.readable.pipeTo(upstream.writable).catch(() => {}),
      upstream.readable.pipeTo(conn.writable).catch(() => {}),
    ]);
  };
  const accepting = (async () => {
    for await (const conn of listener) serve(conn).catch(() => {});
  })();
  try {
    await fn({ url: `http://127.0.0.1:${listener.addr.port}`, seen });
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }
}

Deno.test("the proxy variables: upper case first, a missing scheme is http://, NO_PROXY by host or domain", () => {
  const env = (vars: Record<string, string>) => proxySettings((name) => vars[name]);
  const both = env({
    HTTPS_PROXY: "proxy.corp.example:8080",
    http_proxy: "http://other:3128",
    NO_PROXY: "A.example, .b.example",
  });
  assertEquals(both.https?.href, "http://proxy.corp.example:8080/");
  assertEquals(both.http?.href, "http://other:3128/");
  assertEquals(env({}).https, undefined);
  assert.ok(bypassesProxy("a.example", both.noProxy));
  assert.ok(bypassesProxy("connect.b.example", both.noProxy));
  assert.ok(bypassesProxy("b.example", both.noProxy));
  assert.ok(!bypassesProxy("connect.eu-west-2.amazonaws.com", both.noProxy));
  assert.ok(!bypassesProxy("nota.example", both.noProxy), "a suffix only at a dot");
  assert.ok(bypassesProxy("anything", ["*"]));
  assert.ok(bypassesProxy("127.0.0.1", ["127.0.0.1:8484"]), "a port in NO_PROXY is ignored");
  assertMatch(
    throws(() => env({ HTTPS_PROXY: "socks5://proxy:1080" }), ConfigError).message,
    /^HTTPS_PROXY: not a proxy URL/,
  );
  assertMatch(throws(() => env({ https_proxy: "http://" }), ConfigError).message, /^https_proxy: not a proxy URL/);
});

Deno.test("HTTP_PROXY: every Connect call goes through the proxy; NO_PROXY sends it direct", async () => {
  await withTunnelProxy(async (proxy) => {
    await withWorkspace(async (ws) => {
      const emulator = new URL(ws.server.url).host;
      const through = await ws.run(RUN_ARGS, { HTTP_PROXY: proxy.url });
      assertEquals(through.code, 0, through.stderr);
      assertEquals(ws.server.connect.requests.length, 2, "both metrics calls answered");
      assert.ok(proxy.seen.length > 0 && proxy.seen.every((s) => s === `CONNECT ${emulator}`), proxy.seen.join());

      const before = proxy.seen.length;
      const direct = await ws.run(RUN_ARGS, { HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" });
      assertEquals(direct.code, 0, direct.stderr);
      assertEquals(ws.server.connect.requests.length, 4);
      assertEquals(proxy.seen.length, before, "the proxy saw nothing");
    });
  });
});

Deno.test("HTTP_PROXY: STS, which assumes a config's roleArn, goes through the proxy too", async () => {
  const sts = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    new Response(
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>",
      { status: 403, headers: { "content-type": "text/xml" } },
    ));
  try {
    await withTunnelProxy(async (proxy) => {
      await withWorkspace(async (ws) => {
        const result = await ws.run(RUN_ARGS, {
          HTTP_PROXY: proxy.url,
          AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${sts.addr.port}`,
        });
        assertEquals(result.code, 1, result.stderr);
        assertMatch(result.stderr, /^error: AccessDenied: profile "capita-tradeuk-dev" may not assume /);
        assert.ok(proxy.seen.includes(`CONNECT 127.0.0.1:${sts.addr.port}`), proxy.seen.join());
      }, {
        ...seedConfig(),
        roleArn: "arn:aws:iam::111111111111:role/connect-metrics-read-only",
        region: "eu-west-2",
        sourceProfile: PROFILE,
      });
    });
  } finally {
    await sts.shutdown();
  }
});

Deno.test("a proxy that refuses (407) is named in the error, and its login never printed", async () => {
  await withTunnelProxy(async (proxy) => {
    await withWorkspace(async (ws) => {
      const withLogin = proxy.url.replace("http://", "http://analyst:pr0xy-pass@");
      const result = await ws.run(RUN_ARGS, { HTTP_PROXY: withLogin });
      assertEquals(result.code, 1, result.stderr);
      assertMatch(
        result.stderr,
        /^error: cannot reach Amazon Connect for client TradeUK \(.*\): the proxy wants a login \(HTTP 407\): put user:password@/,
      );
      assertMatch(
        result.stderr,
        new RegExp(`\\nhint: check the network connection and the proxy ${proxy.url} \\(HTTP_PROXY\\), or NO_PROXY\\n`),
      );
      assertEquals(ws.server.connect.requests.length, 0);
      for (const secret of ["pr0xy-pass", SECRET_KEY]) assert.ok(!result.stderr.includes(secret), secret);
    });
  }, 407);
});

Deno.test("a proxy variable that is not a URL is exit 2 before any call, naming the variable", async () => {
  await withWorkspace(async (ws) => {
    const result = await ws.run(RUN_ARGS, { HTTPS_PROXY: "socks5://proxy.corp.example:1080" });
    assertEquals(result.code, 2);
    assertMatch(
      result.stderr,
      /^error: HTTPS_PROXY: not a proxy URL; expected one like http:\/\/proxy\.example\.com:8080/,
    );
    assertEquals(ws.server.connect.requests.length, 0);
  });
});
